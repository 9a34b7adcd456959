"""Benchmark 1: a signed-in learner's lesson page under gunicorn, against the stack's floor.

The target is a share of the throughput of the least signed-in page the
course's libraries allow (``bench.stack_floor``), served the same way on the
same database, and a p99 latency at 16 connections. The machines this runs on
are shared and their speed drifts within a minute, so the two servers run side
by side and are loaded in turns: several short rounds, each loading both once,
and the ratio is the median of the rounds' ratios. Benchmark 5 (page
weight) runs on the lesson page's server.
"""

from __future__ import annotations

import secrets
import statistics
from contextlib import ExitStack
from pathlib import Path

from bench import page_weight, stack_floor
from bench.client import Browser
from bench.databases import add_learners, migrate, sqlite_url
from bench.load import LoadGenerator, LoadResult
from bench.processes import REPOSITORY, Gunicorn, course_environment
from bench.report import Figure, Target, say

BENCHMARK = "1. Lesson page"
MIN_RATIO = 0.4  # of the stack's minimal signed-in page
MAX_P99_MS = 25
WARMUP_S = 2
ROUNDS = 7
ROUND_S = 3
LEARNER = "lesson.learner@example.com"


def run(workspace: Path, generator: LoadGenerator, servers: list[Gunicorn]) -> list[Figure]:
    """Load the heaviest lesson of the real course and the stack's minimal page in turns."""
    database_url = sqlite_url(workspace, "lesson")
    migrate(database_url)
    password = add_learners(database_url, [LEARNER])
    slugs = lesson_slugs()
    heaviest = max(slugs, key=lambda slug: (REPOSITORY / "lessons" / f"{slug}.md").stat().st_size)
    path = f"/lessons/{heaviest}"
    environment = course_environment(
        DATABASE_URL=database_url,
        CONTENT_DIR=str(REPOSITORY),
        SECRET_KEY=secrets.token_hex(32),
    )
    with ExitStack() as stack:
        lesson_server = stack.enter_context(
            Gunicorn("course:create_app()", environment, "lesson page")
        )
        browser = Browser(lesson_server.url)
        browser.sign_in(LEARNER, password)
        check_lesson_page(browser, path)
        weight = page_weight.measure(browser, slugs)
        body_length = len(browser.get(path).text.encode())
        # The stack's page is as long as the lesson page, so only the work differs.
        reference = {**environment, stack_floor.BODY_LENGTH_VARIABLE: str(body_length)}
        stack_server = stack.enter_context(
            Gunicorn(
                "bench.stack_floor:create_stack_floor_app()",
                reference,
                "stack's minimal signed-in page",
            )
        )
        stack_browser = Browser(stack_server.url)
        stack_browser.get(stack_floor.SIGN_IN_PATH)
        if stack_browser.get(stack_floor.PATH).status != 200:
            raise RuntimeError(f"{stack_floor.PATH} did not answer 200 once signed in")
        servers.append(lesson_server)
        loads = {
            "lesson": (lesson_server.url + path, {"Cookie": browser.cookie_header()}),
            "stack": (
                stack_server.url + stack_floor.PATH,
                {"Cookie": stack_browser.cookie_header()},
            ),
        }
        say(
            f"loading {path} and {stack_floor.PATH} "
            f"in turns: {ROUNDS} rounds of {ROUND_S} s each with {generator.name}"
        )
        rounds = load_in_turns(generator, loads)
    lesson, stack_page = (combined(rounds, name) for name in ("lesson", "stack"))
    return [
        *load_figures(
            "lesson page",
            lesson,
            path,
            p99_target=Target("<", MAX_P99_MS),
            connections=generator.connections,
        ),
        *load_figures("stack's minimal signed-in page", stack_page, stack_floor.PATH),
        Figure(
            BENCHMARK,
            "throughput ratio, lesson / stack's minimal signed-in page",
            median_ratio(rounds, "lesson", "stack"),
            target=Target(">=", MIN_RATIO),
            digits=2,
            note=f"median of {ROUNDS} rounds' ratios: "
            + ", ".join(f"{ratio(each, 'lesson', 'stack'):.2f}" for each in rounds),
        ),
        Figure(BENCHMARK, "lesson page errors (not 200)", lesson.errors, target=Target("==", 0)),
        *weight,
    ]


def load_in_turns(
    generator: LoadGenerator, loads: dict[str, tuple[str, dict[str, str]]]
) -> list[dict[str, LoadResult]]:
    """Warm every server up, then load each in turn, round after round."""
    for url, headers in loads.values():
        generator.run(url, headers, WARMUP_S)
    rounds = []
    for number in range(ROUNDS):
        # Each round starts with a different server, so none is always first.
        names = list(loads)
        names = names[number % len(names) :] + names[: number % len(names)]
        rounds.append({name: generator.run(*loads[name], ROUND_S) for name in names})
    return rounds


def ratio(round_results: dict[str, LoadResult], name: str, reference: str) -> float:
    base = round_results[reference].per_second
    return round_results[name].per_second / base if base else 0.0


def median_ratio(rounds: list[dict[str, LoadResult]], name: str, reference: str) -> float:
    return statistics.median(ratio(each, name, reference) for each in rounds)


def combined(rounds: list[dict[str, LoadResult]], name: str) -> LoadResult:
    """One server's rounds as one result: every request counted, the median latencies."""
    results = [each[name] for each in rounds]
    return LoadResult(
        requests=sum(result.requests for result in results),
        seconds=sum(result.seconds for result in results),
        errors=sum(result.errors for result in results),
        p50_ms=statistics.median(result.p50_ms for result in results),
        p99_ms=statistics.median(result.p99_ms for result in results),
    )


def lesson_slugs() -> list[str]:
    """Return the real course's lessons in outline order."""
    from course.content import load_catalog

    catalog = load_catalog(REPOSITORY)
    return [item.slug for item in catalog.items if item.kind == "lesson"]


def check_lesson_page(browser: Browser, path: str) -> None:
    """Make sure the load hits the real page, not a redirect to the sign-in form."""
    page = browser.get(path)
    if page.status != 200 or "Mark as complete" not in page.text:
        raise RuntimeError(f"{path} answered {page.status} without the lesson for the learner")


def load_figures(
    label: str,
    result: LoadResult,
    path: str,
    p99_target: Target | None = None,
    connections: int | None = None,
) -> list[Figure]:
    """Return the throughput and latency figures of one load run."""
    note = f"GET {path}: {result.requests:,} requests in {result.seconds:.1f} s"
    return [
        Figure(BENCHMARK, f"{label}, requests/s", result.per_second, "req/s", note=note),
        Figure(BENCHMARK, f"{label}, p50 latency", result.p50_ms, "ms", digits=1),
        Figure(
            BENCHMARK,
            f"{label}, p99 latency",
            result.p99_ms,
            "ms",
            target=p99_target,
            digits=1,
            note=f"{connections} connections" if connections else "",
        ),
    ]
