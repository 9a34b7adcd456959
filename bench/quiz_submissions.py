"""Benchmark 2: quiz submissions by 16 learners at once, on SQLite and on PostgreSQL.

Each learner loops: open the quiz (a fresh attempt form), answer every
question, submit. The quiz is the fixture course's, copied without its
attempt limit so that nobody runs out of attempts mid-run.

With ``BENCH_QUIZ_BASELINE`` set to a commit (e.g. ``980c229``, before the
summary rows), that commit is checked out in the run's folder and the two are
run in turns, TURNS each, on fresh databases, and the ratio of their medians
is a figure: the same machine and moment for both.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import statistics
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.client import Browser, read_form
from bench.databases import add_learners, each_database, migrate
from bench.processes import REPOSITORY, Gunicorn, course_environment
from bench.report import Figure, Target, say

BENCHMARK = "2. Quiz submissions"
CLIENTS = 16
DURATION_S = 6
QUIZ = "fixture-quiz"
QUIZ_PATH = f"/quizzes/{QUIZ}"
FIXTURE_COURSE = REPOSITORY / "tests" / "data" / "course"
BASELINE = os.environ.get("BENCH_QUIZ_BASELINE", "")
TURNS = 3
MIN_RATIO = 0.8  # submissions/s against the baseline's


def run(workspace: Path, servers: list[Gunicorn]) -> list[Figure]:
    """Without a baseline, the figures below; with one, this checkout against it, in turns."""
    if not BASELINE:
        return run_alone(workspace, servers)
    content = unlimited_quiz_course(workspace / "quiz-course")
    baseline = workspace / "baseline"
    subprocess.run(
        ["git", "-C", str(REPOSITORY), "worktree", "add", "--detach", str(baseline), BASELINE],
        check=True,
        capture_output=True,
    )
    figures = []
    try:
        for backend in ("SQLite", "PostgreSQL"):
            rates: dict[str, list[float]] = {"this checkout": [], BASELINE: []}
            errors: list[str] = []
            for turn in range(TURNS):
                for label, code in (("this checkout", REPOSITORY), (BASELINE, baseline)):
                    name = f"quiz-{turn}-{'new' if code == REPOSITORY else 'old'}"
                    with each_database(workspace, name)[backend]() as database_url:
                        submitted, seconds, found = submit_for_a_while(
                            database_url, content, servers, f"{label} on {backend}", code=code
                        )
                    rates[label].append(submitted / seconds)
                    errors += found
            new, old = (statistics.median(rates[label]) for label in rates)
            turns = {
                label: ", ".join(f"{r:.1f}" for r in values) for label, values in rates.items()
            }
            figures += [
                Figure(
                    BENCHMARK,
                    f"{backend}: submissions/s",
                    new,
                    "/s",
                    digits=1,
                    note=f"median of {turns['this checkout']}",
                ),
                Figure(
                    BENCHMARK,
                    f"{backend}: submissions/s at {BASELINE}",
                    old,
                    "/s",
                    digits=1,
                    note=f"median of {turns[BASELINE]}, in turns with the above",
                ),
                Figure(
                    BENCHMARK,
                    f"{backend}: submissions/s against {BASELINE}",
                    new / old,
                    "x",
                    Target(">=", MIN_RATIO),
                    digits=2,
                ),
                Figure(
                    BENCHMARK,
                    f"{backend}: errors",
                    len(errors),
                    target=Target("==", 0),
                    note=f"first: {errors[0]}" if errors else "",
                ),
            ]
    finally:
        subprocess.run(
            ["git", "-C", str(REPOSITORY), "worktree", "remove", "--force", str(baseline)],
            check=False,
            capture_output=True,
        )
    return figures


def run_alone(workspace: Path, servers: list[Gunicorn]) -> list[Figure]:
    """Submit for DURATION_S on each database and report the rate and the errors."""
    content = unlimited_quiz_course(workspace / "quiz-course")
    backends = each_database(workspace, "quiz")
    figures = []
    for backend, database in backends.items():
        try:
            with database() as database_url:
                submitted, seconds, errors = submit_for_a_while(
                    database_url, content, servers, f"quiz on {backend}"
                )
        except Exception as error:  # one database missing must not hide the other's figures
            figures.append(Figure(BENCHMARK, f"{backend}: submissions/s", None, error=str(error)))
            continue
        note = f"{submitted:,} submitted by {CLIENTS} learners in {seconds:.1f} s"
        figures += [
            Figure(
                BENCHMARK,
                f"{backend}: submissions/s",
                submitted / seconds,
                "/s",
                digits=1,
                note=note,
            ),
            Figure(
                BENCHMARK,
                f"{backend}: errors",
                len(errors),
                target=Target("==", 0),
                note=f"first: {errors[0]}" if errors else "",
            ),
        ]
    return figures


def unlimited_quiz_course(folder: Path) -> Path:
    """Copy the fixture course with the quiz's attempt limit removed."""
    shutil.copytree(FIXTURE_COURSE, folder)
    quiz_file = folder / "quizzes" / f"{QUIZ}.yaml"
    quiz_file.write_text(re.sub(r"(?m)^max_attempts:.*\n", "", quiz_file.read_text()))
    return folder


def submit_for_a_while(
    database_url: str,
    content: Path,
    servers: list[Gunicorn],
    label: str,
    code: Path = REPOSITORY,
) -> tuple[int, float, list[str]]:
    """Return (submissions recorded, seconds taken, errors) from CLIENTS learners at once.

    ``code``: the checkout to serve (this one unless a baseline is compared).
    """
    migrate(database_url, None if code == REPOSITORY else code)
    emails = [f"quiz.learner{number}@example.com" for number in range(CLIENTS)]
    password = add_learners(database_url, emails)
    environment = course_environment(
        DATABASE_URL=database_url, CONTENT_DIR=str(content), SECRET_KEY=secrets.token_hex(32)
    )
    if code != REPOSITORY:
        environment["PYTHONPATH"] = str(code)
    with Gunicorn("course:create_app()", environment, label, code) as server:
        servers.append(server)
        browsers = [Browser(server.url) for _ in emails]
        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(Browser.sign_in, browsers, emails, [password] * CLIENTS))
            say(f"{CLIENTS} learners submitting {QUIZ_PATH} for {DURATION_S} s")
            started: list[float] = []
            start = threading.Barrier(CLIENTS, action=lambda: started.append(time.monotonic()))
            outcomes = list(pool.map(keep_submitting, browsers, [start] * CLIENTS))
            seconds = time.monotonic() - started[0]
    errors = [error for _submitted, learner_errors in outcomes for error in learner_errors]
    submitted = sum(count for count, _errors in outcomes)
    recorded = count_attempts(database_url)
    if recorded != submitted:
        errors.append(f"{recorded} attempts stored for {submitted} confirmed submissions")
    return submitted, seconds, errors


def count_attempts(database_url: str) -> int:
    """Return how many quiz attempts the database holds."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM quiz_attempt")).scalar_one()
    finally:
        engine.dispose()


def keep_submitting(browser: Browser, start: threading.Barrier) -> tuple[int, list[str]]:
    """Take the quiz again and again for DURATION_S; return (submitted, errors)."""
    start.wait()
    deadline = time.monotonic() + DURATION_S
    submitted, errors = 0, []
    while time.monotonic() < deadline:
        try:
            page = browser.get(QUIZ_PATH)
            if page.status != 200:
                errors.append(f"GET {QUIZ_PATH} answered {page.status}")
                continue
            answer = browser.post(QUIZ_PATH, read_form(page.text, QUIZ_PATH))
        except OSError as error:
            errors.append(f"{type(error).__name__}: {error}")
            continue
        if answer.status == 302 and "/attempts/" in answer.headers.get("Location", ""):
            submitted += 1
        else:
            errors.append(f"POST {QUIZ_PATH} answered {answer.status}")
    return submitted, errors
