"""Benchmark 3: a manager's cohort page and CSV export at 1,000, 10,000 and 100,000 learners,
on SQLite and on PostgreSQL.

``course demo`` makes the 1,000; the larger cohorts are that cohort's learners
copied in SQL with every fact and summary row the reports read (the demo itself
takes minutes per 10,000 learners). Each page is then requested in this process
through Flask's test client, timed, and its SQL statements counted on the app's
engine. A report built from bulk queries over summary rows issues the same
number of statements, and takes about the same time, whatever the cohort's size.
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

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    cast,
    event,
    insert,
    literal,
    select,
    text,
    true,
)

from bench.client import read_form
from bench.databases import each_database, migrate
from bench.processes import REPOSITORY, course_environment, run_course
from bench.report import Figure, Target, say

BENCHMARK = "3. Cohort report"
DEMO_SIZE = 1_000
SIZES = (1_000, 10_000, 100_000)
MAX_PAGE_S = 0.3
MAX_GROWTH = 2.0  # the largest cohort's page against the smallest's, in the same run
MAX_CSV_S = 10.0
MAX_CSV_MIB = 50.0  # growth of this process's peak memory while the largest CSV streams
REPEATS = 3
STRIDE = 1_000_000  # a copied learner's id: the original's plus STRIDE times the copy's number


@dataclass(frozen=True)
class Timing:
    seconds: float
    queries: int
    note: str
    peak_growth_mib: float | None = None


def run(workspace: Path) -> list[Figure]:
    """Time the page at each size, and the largest CSV, on each database."""
    backends = each_database(workspace, "cohorts")
    figures = []
    for backend, database in backends.items():
        try:
            with database() as database_url:
                figures += run_on(backend, database_url, workspace)
        except Exception as error:  # one database missing must not hide the other's figures
            figures.append(Figure(BENCHMARK, f"{backend}: cohort page", None, error=str(error)))
    return figures


def run_on(backend: str, database_url: str, workspace: Path) -> list[Figure]:
    """Make the cohorts on one database, then time each one's page and the largest CSV."""
    migrate(database_url)
    environment = course_environment(
        DATABASE_URL=database_url, CONTENT_DIR=str(REPOSITORY), SECRET_KEY=secrets.token_hex(32)
    )
    say(f"{backend}: course demo --learners {DEMO_SIZE}")
    began = time.perf_counter()
    output = run_course(environment, "demo", "--learners", str(DEMO_SIZE), "--seed", "1")
    demo_seconds = time.perf_counter() - began
    source_id, email, password = read_demo_output(output)
    cohorts, copy_seconds = {DEMO_SIZE: source_id}, {}
    first_copy = 1
    for size in SIZES[1:]:
        say(f"{backend}: copying the demo cohort's learners to {size:,}")
        began = time.perf_counter()
        copies = range(first_copy, first_copy + size // DEMO_SIZE)
        cohorts[size] = copy_cohort(database_url, source_id, copies)
        copy_seconds[size] = time.perf_counter() - began
        first_copy = copies.stop
    app = make_app(database_url, workspace)
    client = app.test_client()
    sign_in(client, email, password)
    counter = QueryCounter(app.extensions["course_db"]["engine"])
    pages: dict[int, Timing] = {}
    for size, cohort_id in cohorts.items():
        say(f"{backend}: timing the cohort page at {size:,} learners")
        pages[size] = time_request(client, counter, f"/manage/cohorts/{cohort_id}", size)
    largest = SIZES[-1]
    say(f"{backend}: streaming the CSV of {largest:,} learners")
    csv_timing = time_csv(
        client, counter, f"/manage/cohorts/{cohorts[largest]}/export.csv", largest
    )
    app.extensions["course_db"]["engine"].dispose()
    made = ", ".join(f"{size:,} copied in {s:.1f} s" for size, s in copy_seconds.items())
    figures = [
        Figure(
            BENCHMARK,
            f"{backend}: course demo --learners {DEMO_SIZE:,}",
            demo_seconds,
            "s",
            digits=1,
            note=f"the larger cohorts are copies of its learners: {made}",
        )
    ]
    for size in SIZES:
        figures.append(
            Figure(
                BENCHMARK,
                f"{backend}: cohort page, {size:,} learners",
                pages[size].seconds,
                "s",
                Target("<=", MAX_PAGE_S),
                digits=3,
                note=pages[size].note,
            )
        )
    figures.append(
        Figure(
            BENCHMARK,
            f"{backend}: cohort page, {largest:,} against {SIZES[0]:,} learners",
            pages[largest].seconds / pages[SIZES[0]].seconds,
            "x",
            Target("<=", MAX_GROWTH),
            digits=2,
        )
    )
    figures += [
        Figure(
            BENCHMARK,
            f"{backend}: cohort page queries, {size:,} learners",
            pages[size].queries,
            target=Target("==", pages[SIZES[0]].queries),
        )
        for size in SIZES
    ]
    figures += [
        Figure(
            BENCHMARK,
            f"{backend}: CSV export, {largest:,} learners",
            csv_timing.seconds,
            "s",
            Target("<=", MAX_CSV_S),
            digits=2,
            note=csv_timing.note,
        ),
        Figure(
            BENCHMARK,
            f"{backend}: CSV export, {largest:,} learners, peak memory growth",
            csv_timing.peak_growth_mib,
            "MiB",
            Target("<=", MAX_CSV_MIB),
            digits=1,
            note="VmHWM of this process (the app runs in it) after the peak was reset",
        ),
    ]
    return figures


def copy_cohort(database_url: str, source_id: int, copies: range) -> int:
    """Make a cohort of the source cohort's learners, once per number in ``copies``.

    Each copy of a learner gets their lessons, quiz attempts (without answers), scenario
    runs (without choices) and summary rows: what the cohort page and the CSV read.
    """
    from course.db import Model, make_engine
    from course.models import import_all_models

    import_all_models()
    tables = Model.metadata.tables
    cohort, member, manager, user = (
        tables[name] for name in ("cohort", "cohort_member", "cohort_manager", "user")
    )
    copy = Table("bench_copy", MetaData(), Column("k", Integer))
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            copy.create(connection)
            connection.execute(insert(copy), [{"k": k} for k in copies])
            source = connection.execute(select(cohort).where(cohort.c.id == source_id)).one()
            cohort_id = connection.execute(
                insert(cohort)
                .values(
                    name=f"{source.name}, {len(copies)} copies",
                    starts_on=source.starts_on,
                    due_on=source.due_on,
                    created_at=source.created_at,
                )
                .returning(cohort.c.id)
            ).scalar_one()
            connection.execute(
                insert(manager).from_select(
                    ["cohort_id", "user_id", "added_at"],
                    select(literal(cohort_id), manager.c.user_id, manager.c.added_at).where(
                        manager.c.cohort_id == source_id
                    ),
                )
            )
            learners = select(member.c.user_id).where(member.c.cohort_id == source_id)
            shifted = {"user_id": lambda column: column + copy.c.k * STRIDE}

            def clone(table, changes, where) -> None:
                columns = [c for c in table.c if not (c.name == "id" and "id" not in changes)]
                values = [changes[c.name](c) if c.name in changes else c for c in columns]
                connection.execute(
                    insert(table).from_select(
                        [c.name for c in columns],
                        select(*values).select_from(table.join(copy, true())).where(where),
                    )
                )

            clone(
                user,
                {
                    "id": lambda column: column + copy.c.k * STRIDE,
                    "email": lambda column: "copy" + cast(copy.c.k, String) + "-" + column,
                },
                user.c.id.in_(learners),
            )
            clone(
                member,
                {**shifted, "cohort_id": lambda _column: literal(cohort_id)},
                member.c.cohort_id == source_id,
            )
            for name in (
                "lesson_progress",
                "quiz_attempt",
                "scenario_run",
                "item_summary",
                "learner_summary",
            ):
                clone(tables[name], shifted, tables[name].c.user_id.in_(learners))
            summaries = tables["member_summary"]
            clone(
                summaries,
                {**shifted, "cohort_id": lambda _column: literal(cohort_id)},
                summaries.c.cohort_id == source_id,
            )
            copy.drop(connection)
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text(
                        "SELECT setval(pg_get_serial_sequence('\"user\"', 'id'), "
                        'max(id)) FROM "user"'
                    )
                )
        if engine.dialect.name == "postgresql":
            # What autovacuum does within a minute of a bulk load, before anyone reads
            # a report: planner statistics, and the visibility map index-only scans need.
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")
    finally:
        engine.dispose()
    return cohort_id


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


def time_csv(client, counter: QueryCounter, path: str, learners: int) -> Timing:
    """Stream the CSV once, reading it a chunk at a time; its time, queries and memory growth."""
    counter.count = 0
    reset_peak_memory()
    before = peak_memory_kib()
    began = time.perf_counter()
    response = client.get(path, buffered=False)
    lines = 0
    for chunk in response.response:
        lines += chunk.count(b"\n") if isinstance(chunk, bytes) else chunk.count("\n")
    seconds = time.perf_counter() - began
    response.close()
    growth = (peak_memory_kib() - before) / 1024
    if response.status_code != 200 or lines - 1 != learners:
        raise RuntimeError(f"GET {path} answered {response.status_code} with {lines - 1} learners")
    note = f"GET {path}, read as it streams; {counter.count} queries"
    return Timing(seconds, counter.count, note, growth)


def reset_peak_memory() -> None:
    """Reset this process's peak resident memory (VmHWM) to its current size (Linux)."""
    Path("/proc/self/clear_refs").write_text("5")


def peak_memory_kib() -> int:
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))


def check_response(response, path: str, learners: int) -> None:
    """Make sure the answer is the report itself, with every learner in the CSV."""
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    if path.endswith(".csv"):
        lines = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
        if len(lines) - 1 != learners:
            raise RuntimeError(f"GET {path} has {len(lines) - 1} learners, not {learners}")
