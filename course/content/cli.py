"""``course check`` and ``course paths``: validate the content; list a scenario's paths."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import ScriptInfo

from course.content.loader import check_content
from course.content.model import Catalog, Scenario
from course.content.problems import Problem, sort_problems
from course.content.scenario_graph import enumerate_paths

# Set in the click context while ``check`` loads the app to check its
# configured content: ``init_app`` then keeps content problems for later
# instead of refusing to start, so ``check`` can report them itself.
DEFER_ERRORS_META_KEY = "course.content.defer_errors"


CONTENT_OPTION = click.option(
    "--content",
    "content_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The content directory to read (default: the app's CONTENT_DIR).",
)


@click.command("check")
@CONTENT_OPTION
@click.option(
    "--strict",
    is_flag=True,
    help="Fail on warnings too (item-writing cues, gameable scenarios), not only on errors.",
)
def check_command(content_dir: Path | None, strict: bool) -> None:
    """Check the course content: report every problem, or summarise a valid course.

    Errors print as ``path:line: message`` and warnings as ``path:line: warning:
    message``; the exit code is 1 on any error, or on any warning with --strict.
    """
    catalog, problems = _read_content(content_dir)
    for problem in problems:
        click.echo(str(problem))
    warnings = sum(1 for problem in problems if not problem.is_error)
    if catalog is None or (strict and warnings):
        raise click.exceptions.Exit(1)
    if warnings:
        noun = "warning" if warnings == 1 else "warnings"
        click.echo(f"course check: {catalog.summary()}: valid, with {warnings} {noun}")
    else:
        click.echo(f"course check: {catalog.summary()}: all valid")


@click.command("paths")
@click.argument("slug")
@CONTENT_OPTION
def paths_command(slug: str, content_dir: Path | None) -> None:
    """Print every path through scenario SLUG: choices, points, flags, ending, pass or not."""
    catalog, problems = _read_content(content_dir)
    if catalog is None:
        for problem in problems:
            click.echo(str(problem))
        raise click.exceptions.Exit(1)
    scenario = catalog.scenarios.get(slug)
    if scenario is None:
        known = ", ".join(sorted(catalog.scenarios)) or "none"
        raise click.UsageError(f"no scenario '{slug}' (scenarios: {known})")
    for line in describe_paths(scenario):
        click.echo(line)


def describe_paths(scenario: Scenario) -> list[str]:
    """Return ``course paths``'s lines: one block per path, then a summary line."""
    enumeration = enumerate_paths(
        scenario.start, scenario.steps, scenario.endings, scenario.max_points
    )
    pass_mark = "none" if scenario.pass_mark is None else f"{scenario.pass_mark}%"
    lines = [
        f"{scenario.title} ({scenario.path}): maximum {_points(scenario.max_points)} points, "
        f"pass mark {pass_mark}"
    ]
    scores, passing = [], 0
    for number, path in enumerate(enumeration.paths, start=1):
        score = scenario.score_percent(path.points)
        is_passed = scenario.passes_with(path.points)
        passing += is_passed
        scores.append(score)
        ending = scenario.endings[path.ending]
        steps = " > ".join(choice_id for _step, choice_id in path.choices)
        flags = ", ".join(sorted(path.flags)) or "none"
        lines.append(
            f"{number}. {steps} -> {ending.id} (rated {ending.rating}): "
            f"{_points(path.points)} points ({score:.0f}%), flags: {flags}, "
            f"{'passes' if is_passed else 'does not pass'}"
        )
    if not enumeration.is_complete:
        lines.append(f"(stopped after {len(enumeration.paths)} paths: the scenario has more)")
    count = len(enumeration.paths)
    lines.append(
        f"{passing} of {count} {'path passes' if count == 1 else 'paths pass'}; "
        f"scores from {min(scores):.0f}% to {max(scores):.0f}%"
    )
    return lines


def _points(points: float) -> str:
    return f"{points:g}"


def _read_content(content_dir: Path | None) -> tuple[Catalog | None, list[Problem]]:
    if content_dir is None:
        return _configured_result()
    return check_content(content_dir)


def _configured_result() -> tuple[Catalog | None, list[Problem]]:
    """Return what the app found in its CONTENT_DIR when it started, building it if need be."""
    app = current_app if current_app else _load_app_deferring_errors()
    catalog = app.extensions.get("course_catalog")
    error = app.extensions.get("course_catalog_error")
    if catalog is None and error is None:  # an app without the content feature
        return check_content(Path(app.config["CONTENT_DIR"]))
    # The app has just read and checked every file: report that, not a second pass.
    warnings = list(app.extensions.get("course_content_warnings", ()))
    errors = [] if catalog is not None else list(error.problems)
    return catalog, sort_problems(errors + warnings)


def _load_app_deferring_errors() -> Flask:
    context = click.get_current_context()
    script_info = context.find_object(ScriptInfo)
    if script_info is None:
        raise click.UsageError("no app to read CONTENT_DIR from: give --content DIR")
    context.meta[DEFER_ERRORS_META_KEY] = True
    return script_info.load_app()


def is_deferring_errors() -> bool:
    """Say whether the command being run asked to defer content errors."""
    context = click.get_current_context(silent=True)
    return bool(context is not None and context.meta.get(DEFER_ERRORS_META_KEY))
