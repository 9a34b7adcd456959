"""Benchmark 1: a signed-in learner's lesson page under gunicorn, against a bare Flask app.

Both run under the same gunicorn settings and the same load, one after the
other, so the ratio of their throughputs holds on a noisy machine where the
absolute figures do not. Between them, for reference, runs the course app's
cheapest signed-in page (``bench.signed_in_floor``). Benchmark 5 (page weight)
runs on the lesson page's server.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from bench import page_weight, signed_in_floor
from bench.client import Browser
from bench.databases import add_learners, migrate, sqlite_url
from bench.load import LoadGenerator, LoadResult
from bench.processes import REPOSITORY, Gunicorn, course_environment
from bench.report import Figure, Target, say

BENCHMARK = "1. Lesson page"
MIN_RATIO = 0.4
WARMUP_S = 2
DURATION_S = 8
LEARNER = "lesson.learner@example.com"


def run(workspace: Path, generator: LoadGenerator, servers: list[Gunicorn]) -> list[Figure]:
    """Load the heaviest lesson of the real course, weigh every lesson, then load the bare app."""
    database_url = sqlite_url(workspace, "lesson")
    migrate(database_url)
    password = add_learners(database_url, [LEARNER])
    slugs = lesson_slugs()
    heaviest = max(slugs, key=lambda slug: (REPOSITORY / "lessons" / f"{slug}.md").stat().st_size)
    environment = course_environment(
        DATABASE_URL=database_url,
        CONTENT_DIR=str(REPOSITORY),
        SECRET_KEY=secrets.token_hex(32),
    )
    with Gunicorn("course:create_app()", environment, "lesson page") as server:
        servers.append(server)
        browser = Browser(server.url)
        browser.sign_in(LEARNER, password)
        path = f"/lessons/{heaviest}"
        check_lesson_page(browser, path)
        say(f"loading {path} for {DURATION_S} s with {generator.name}")
        lesson = measure(generator, server.url + path, {"Cookie": browser.cookie_header()})
        weight = page_weight.measure(browser, slugs)
        body_length = len(browser.get(path).text.encode())
    floor = measure_signed_in_floor(environment, password, body_length, generator, servers)
    with Gunicorn("bench.bare_app:app", course_environment(), "bare app") as bare_server:
        say(f"loading the bare Flask app for {DURATION_S} s")
        bare = measure(generator, bare_server.url + "/", {})
    ratio = lesson.per_second / bare.per_second if bare.per_second else 0.0
    floor_ratio = floor.per_second / bare.per_second if bare.per_second else 0.0
    return [
        *load_figures("lesson page", lesson, path),
        *load_figures("bare Flask app", bare, "/"),
        *load_figures("signed-in constant page", floor, signed_in_floor.PATH),
        Figure(
            BENCHMARK,
            "throughput ratio, signed-in constant page / bare",
            floor_ratio,
            digits=2,
            note="the course's cheapest signed-in page, for reference: no target",
        ),
        Figure(
            BENCHMARK,
            "throughput ratio, lesson / bare",
            ratio,
            target=Target(">=", MIN_RATIO),
            digits=2,
        ),
        Figure(BENCHMARK, "lesson page errors (not 200)", lesson.errors, target=Target("==", 0)),
        *weight,
    ]


def measure_signed_in_floor(
    environment: dict[str, str],
    password: str,
    body_length: int,
    generator: LoadGenerator,
    servers: list[Gunicorn],
) -> LoadResult:
    """Load the course app's constant signed-in page, as long as the lesson page."""
    environment = {**environment, signed_in_floor.BODY_LENGTH_VARIABLE: str(body_length)}
    app_spec = "bench.signed_in_floor:create_app_with_constant_page()"
    with Gunicorn(app_spec, environment, "signed-in constant page") as server:
        servers.append(server)
        browser = Browser(server.url)
        browser.sign_in(LEARNER, password)
        url = server.url + signed_in_floor.PATH
        say(f"loading {signed_in_floor.PATH} for {DURATION_S} s")
        return measure(generator, url, {"Cookie": browser.cookie_header()})


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


def measure(generator: LoadGenerator, url: str, headers: dict[str, str]) -> LoadResult:
    """Warm the workers up, then load them for the measured run."""
    generator.run(url, headers, WARMUP_S)
    return generator.run(url, headers, DURATION_S)


def load_figures(label: str, result: LoadResult, path: str) -> list[Figure]:
    """Return the throughput and latency figures of one load run."""
    note = f"GET {path}: {result.requests:,} requests in {result.seconds:.1f} s"
    return [
        Figure(BENCHMARK, f"{label}, requests/s", result.per_second, "req/s", note=note),
        Figure(BENCHMARK, f"{label}, p50 latency", result.p50_ms, "ms", digits=1),
        Figure(BENCHMARK, f"{label}, p99 latency", result.p99_ms, "ms", digits=1),
    ]
