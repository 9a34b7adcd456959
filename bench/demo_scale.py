"""Benchmark 8: ``course demo --learners 100000`` on a fresh database, SQLite and PostgreSQL.

The command runs as an operator runs it, after ``course db upgrade``; the
figure is its wall time, which includes making every learner's activity and
inserting it. The learner count is BENCH_DEMO_LEARNERS when set (to try a
smaller cohort), else the 100,000 the target is for.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from bench.databases import each_database, migrate
from bench.processes import REPOSITORY, course_environment, run_course
from bench.report import Figure, Target, say

BENCHMARK = "8. Demo at scale"
LEARNERS = int(os.environ.get("BENCH_DEMO_LEARNERS", "100000"))
MAX_S = 120.0


def run(workspace: Path) -> list[Figure]:
    """Time the demo on each database."""
    backends = each_database(workspace, "demo-scale")
    figures = []
    for backend, database in backends.items():
        name = f"{backend}: course demo --learners {LEARNERS:,}"
        try:
            with database() as database_url:
                migrate(database_url)
                environment = course_environment(
                    DATABASE_URL=database_url,
                    CONTENT_DIR=str(REPOSITORY),
                    SECRET_KEY=secrets.token_hex(32),
                )
                say(f"course demo --learners {LEARNERS:,} on {backend}")
                began = time.perf_counter()
                run_course(environment, "demo", "--learners", str(LEARNERS), "--seed", "1")
                seconds = time.perf_counter() - began
        except Exception as error:  # one database missing must not hide the other's figures
            figures.append(Figure(BENCHMARK, name, None, error=str(error)))
            continue
        target = Target("<=", MAX_S) if LEARNERS == 100_000 else None
        figures.append(Figure(BENCHMARK, name, seconds, "s", target, 1))
    return figures
