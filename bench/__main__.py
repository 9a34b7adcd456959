"""``python -m bench``: run every benchmark, print one table, write ``bench/results/latest.json``.

Exits 1 when a target is missed or a figure could not be measured, after
printing everything, so that a regression is noticed.
"""

from __future__ import annotations

import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bench import (
    cohort_report,
    demo_scale,
    lesson_page,
    memory,
    page_weight,
    question_analysis,
    quiz_submissions,
    startup,
)
from bench.load import LoadGenerator
from bench.processes import Gunicorn
from bench.report import Figure, Report, machine, say

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"


def main() -> int:
    """Run the suite in order; the memory figure comes last, after every server's load."""
    began = time.perf_counter()
    report = Report(started_at=datetime.now(UTC).isoformat(timespec="seconds"))
    report.context["machine"] = machine()
    generator = LoadGenerator.best_available()
    report.context["load_generator"] = generator.name
    servers: list[Gunicorn] = []
    with tempfile.TemporaryDirectory(prefix="course-bench-") as folder:
        workspace = Path(folder)
        benchmarks: list[tuple[tuple[str, ...], Callable[[], list[Figure]]]] = [
            (
                (lesson_page.BENCHMARK, page_weight.BENCHMARK),
                lambda: lesson_page.run(workspace, generator, servers),
            ),
            ((quiz_submissions.BENCHMARK,), lambda: quiz_submissions.run(workspace, servers)),
            ((cohort_report.BENCHMARK,), lambda: cohort_report.run(workspace)),
            ((startup.BENCHMARK,), lambda: startup.run(workspace)),
            ((question_analysis.BENCHMARK,), lambda: question_analysis.run(workspace)),
            ((demo_scale.BENCHMARK,), lambda: demo_scale.run(workspace)),
            ((memory.BENCHMARK,), lambda: [memory.figure(servers)]),
        ]
        for names, run in benchmarks:
            report.add(*run_benchmark(names, run))
    seconds = time.perf_counter() - began
    print()
    print(f"Benchmarks of {report.started_at}, {describe_machine(report.context['machine'])}")
    print(f"Load generator: {generator.name}\n")
    print(report.table())
    report.write_json(RESULTS, seconds)
    print(f"\nTotal time {seconds:.0f} s; figures written to {RESULTS}")
    if report.missed:
        names = "; ".join(f"{f.benchmark} / {f.name}" for f in report.missed)
        print(f"\nMISSED: {names}", file=sys.stderr)
        return 1
    return 0


def run_benchmark(names: tuple[str, ...], run: Callable[[], list[Figure]]) -> list[Figure]:
    """Run one benchmark; if it breaks, report that as an unmeasured figure and go on."""
    say(f"running {' and '.join(names)}")
    try:
        return run()
    except Exception as error:  # one broken benchmark must not hide the other figures
        traceback.print_exc()
        message = f"{type(error).__name__}: {error}"
        return [Figure(name, "(did not finish)", None, error=message) for name in names]


def describe_machine(facts: dict) -> str:
    load = ", ".join(str(value) for value in facts["load_average"])
    return f"{facts['cpus']} CPUs, {facts['platform']}, Python {facts['python']}, load {load}"


if __name__ == "__main__":
    sys.exit(main())
