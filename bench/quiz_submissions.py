"""Benchmark 2: quiz submissions by 16 learners at once, on SQLite and on PostgreSQL.

Each learner loops: open the quiz (a fresh attempt form), answer every
question, submit. The quiz is the fixture course's, copied without its
attempt limit so that nobody runs out of attempts mid-run.
"""

from __future__ import annotations

import re
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.client import Browser, read_form
from bench.databases import add_learners, migrate, postgres_database, sqlite_url
from bench.processes import REPOSITORY, Gunicorn, course_environment
from bench.report import Figure, Target, say

BENCHMARK = "2. Quiz submissions"
CLIENTS = 16
DURATION_S = 6
QUIZ = "fixture-quiz"
QUIZ_PATH = f"/quizzes/{QUIZ}"
FIXTURE_COURSE = REPOSITORY / "tests" / "data" / "course"


def run(workspace: Path, servers: list[Gunicorn]) -> list[Figure]:
    """Submit for DURATION_S on each database and report the rate and the errors."""
    content = unlimited_quiz_course(workspace / "quiz-course")
    backends: dict[str, Callable[[], AbstractContextManager[str]]] = {
        "SQLite": lambda: nullcontext(sqlite_url(workspace, "quiz")),
        "PostgreSQL": lambda: postgres_database("course_bench"),
    }
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
    database_url: str, content: Path, servers: list[Gunicorn], label: str
) -> tuple[int, float, list[str]]:
    """Return (submissions recorded, seconds taken, errors) from CLIENTS learners at once."""
    migrate(database_url)
    emails = [f"quiz.learner{number}@example.com" for number in range(CLIENTS)]
    password = add_learners(database_url, emails)
    environment = course_environment(
        DATABASE_URL=database_url, CONTENT_DIR=str(content), SECRET_KEY=secrets.token_hex(32)
    )
    with Gunicorn("course:create_app()", environment, label) as server:
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
