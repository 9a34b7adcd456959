"""Benchmark 4: start-up and ``course check`` on a generated course of 200 lessons and 200 quizzes.

Each is a fresh process timed by the wall clock, as an operator meets it:
imports, reading every file, rendering its Markdown. The median of a few runs
is reported, so one slow moment of a shared machine does not decide it.
"""

from __future__ import annotations

import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.databases import sqlite_url
from bench.generated_course import write_course
from bench.processes import VENV_BIN, course_environment
from bench.report import Figure, Target, say

BENCHMARK = "4. Start-up and check"
MAX_S = 2.0
RUNS = 3
CREATE_APP = "from course import create_app; create_app()"


def run(workspace: Path) -> list[Figure]:
    """Time ``create_app()`` and ``course check --content DIR`` on the generated course."""
    content = write_course(workspace / "generated-course")
    lessons = len(list((content / "lessons").glob("*.md")))
    quizzes = len(list((content / "quizzes").glob("*.yaml")))
    environment = course_environment(
        DATABASE_URL=sqlite_url(workspace, "startup"),
        CONTENT_DIR=str(content),
        SECRET_KEY=secrets.token_hex(32),
    )
    say(f"timing create_app() and course check on {lessons} lessons and {quizzes} quizzes")
    commands = {
        "create_app()": [sys.executable, "-c", CREATE_APP],
        "course check --content DIR": [
            str(VENV_BIN / "course"),
            "check",
            "--content",
            str(content),
        ],
    }
    figures = []
    for name, command in commands.items():
        try:
            seconds = [wall_time(command, environment) for _ in range(RUNS)]
        except RuntimeError as error:
            figures.append(Figure(BENCHMARK, name, None, "s", error=str(error)))
            continue
        figures.append(
            Figure(
                BENCHMARK,
                name,
                statistics.median(seconds),
                "s",
                Target("<=", MAX_S),
                digits=2,
                note=f"median of {', '.join(f'{s:.2f}' for s in seconds)} s; "
                f"{lessons} lessons, {quizzes} quizzes",
            )
        )
    return figures


def wall_time(command: list[str], environment: dict[str, str]) -> float:
    """Run ``command`` to the end and return its wall time; raise if it fails."""
    began = time.perf_counter()
    completed = subprocess.run(command, env=environment, capture_output=True, text=True)
    seconds = time.perf_counter() - began
    if completed.returncode != 0:
        output = (completed.stdout + completed.stderr).strip().splitlines()
        raise RuntimeError(f"{command[-1]!r} failed: {' / '.join(output[-3:])}")
    return seconds
