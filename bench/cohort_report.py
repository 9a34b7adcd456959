"""Benchmark 3: a manager's cohort page and CSV export at 200, 2,000 and 5,000 learners.

The cohorts come from ``course demo`` in one database; each page is then
requested in this process through Flask's test client, timed, and its SQL
statements counted on the app's engine. A report built from bulk queries
issues the same number of statements whatever the cohort's size.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event

from bench.client import read_form
from bench.databases import migrate, sqlite_url
from bench.processes import REPOSITORY, course_environment, run_course
from bench.report import Figure, Target, say

BENCHMARK = "3. Cohort report"
SIZES = (200, 2_000, 5_000)
MAX_S = 1.0
REPEATS = 3


@dataclass(frozen=True)
class Timing:
    seconds: float
    queries: int
    note: str


def run(workspace: Path) -> list[Figure]:
    """Make the three cohorts, then time each one's page and CSV."""
    database_url = sqlite_url(workspace, "cohorts")
    migrate(database_url)
    environment = course_environment(
        DATABASE_URL=database_url, CONTENT_DIR=str(REPOSITORY), SECRET_KEY=secrets.token_hex(32)
    )
    cohorts, demo_seconds = {}, {}
    for size in SIZES:
        say(f"course demo --learners {size}")
        began = time.perf_counter()
        output = run_course(environment, "demo", "--learners", str(size), "--seed", "1")
        demo_seconds[size] = time.perf_counter() - began
        cohorts[size] = read_demo_output(output)
    # Each demo resets the demo manager's password; the last one holds.
    _cohort_id, email, password = cohorts[SIZES[-1]]
    app = make_app(database_url, workspace)
    client = app.test_client()
    sign_in(client, email, password)
    counter = QueryCounter(app.extensions["course_db"]["engine"])
    timings: dict[tuple[str, int], Timing] = {}
    for size, (cohort_id, _email, _password) in cohorts.items():
        say(f"timing the cohort page and CSV export at {size:,} learners")
        page = f"/manage/cohorts/{cohort_id}"
        timings["cohort page", size] = time_request(client, counter, page, size)
        timings["CSV export", size] = time_request(client, counter, f"{page}/export.csv", size)
    app.extensions["course_db"]["engine"].dispose()
    figures = [
        Figure(
            BENCHMARK,
            f"course demo --learners {SIZES[-1]:,}",
            demo_seconds[SIZES[-1]],
            "s",
            digits=1,
            note=", ".join(f"{size:,} learners in {s:.1f} s" for size, s in demo_seconds.items()),
        )
    ]
    for label in ("cohort page", "CSV export"):
        for size in SIZES:
            timing = timings[label, size]
            figures.append(
                Figure(
                    BENCHMARK,
                    f"{label}, {size:,} learners",
                    timing.seconds,
                    "s",
                    Target("<=", MAX_S) if size == SIZES[-1] else None,
                    digits=3,
                    note=timing.note,
                )
            )
        smallest = timings[label, SIZES[0]].queries
        figures += [
            Figure(
                BENCHMARK,
                f"{label} queries, {size:,} learners",
                timings[label, size].queries,
                target=Target("==", smallest),
            )
            for size in SIZES
        ]
    return figures


def read_demo_output(output: str) -> tuple[int, str, str]:
    """Return (cohort id, manager email, password) from what ``course demo`` printed."""
    cohort = re.search(r"\(cohort (\d+)\)", output)
    email = re.search(r"demo manager:\s*(\S+@\S+)", output)
    password = re.search(r"Password[^:]*:\s*(\S+)", output)
    if not (cohort and email and password):
        raise RuntimeError(f"cannot read the cohort and sign-in from course demo: {output!r}")
    return int(cohort.group(1)), email.group(1), password.group(1)


def make_app(database_url: str, workspace: Path):
    """Create the app in this process, on the demo database, as gunicorn would."""
    from course import create_app

    return create_app(
        {
            "DATABASE_URL": database_url,
            "CONTENT_DIR": str(REPOSITORY),
            "CONTENT_RELOAD": False,
            "SECRET_KEY": secrets.token_hex(32),
            "RATELIMIT_ENABLED": False,
        },
        instance_path=str(workspace / "instance"),
    )


def sign_in(client, email: str, password: str) -> None:
    """Sign the test client in through the sign-in form, as a manager would."""
    form = read_form(client.get("/login").get_data(as_text=True), "/login", "/login")
    form.update(email=[email], password=[password])
    response = client.post("/login", data=form)
    if response.status_code != 302:
        raise RuntimeError(f"the demo manager could not sign in ({response.status_code})")


class QueryCounter:
    """Counts the SQL statements the app's engine runs."""

    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_args) -> None:
        self.count += 1


def time_request(client, counter: QueryCounter, path: str, learners: int) -> Timing:
    """Request ``path`` once to warm up, then REPEATS times; the median time and the queries."""
    check_response(client.get(path), path, learners)
    seconds, counts = [], set()
    for _ in range(REPEATS):
        counter.count = 0
        began = time.perf_counter()
        response = client.get(path)
        seconds.append(time.perf_counter() - began)
        counts.add(counter.count)
        check_response(response, path, learners)
    size = len(response.get_data())
    runs = ", ".join(f"{s:.3f}" for s in seconds)
    note = f"GET {path}: {size / 1000:,.0f} kB; median of {runs} s after a warm-up"
    return Timing(statistics.median(seconds), max(counts), note)


def check_response(response, path: str, learners: int) -> None:
    """Make sure the answer is the report itself, with every learner in the CSV."""
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    if path.endswith(".csv"):
        lines = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
        if len(lines) - 1 != learners:
            raise RuntimeError(f"GET {path} has {len(lines) - 1} learners, not {learners}")
