"""``course check``: validate a content directory and print every problem."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import ScriptInfo

from course.content.loader import check_content
from course.content.model import Catalog
from course.content.problems import Problem

# Set in the click context while ``check`` loads the app to check its
# configured content: ``init_app`` then keeps content problems for later
# instead of refusing to start, so ``check`` can report them itself.
DEFER_ERRORS_META_KEY = "course.content.defer_errors"


@click.command("check")
@click.option(
    "--content",
    "content_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The content directory to check (default: the app's CONTENT_DIR).",
)
def check_command(content_dir: Path | None) -> None:
    """Check the course content: report every problem, or summarise a valid course."""
    if content_dir is None:
        catalog, problems = _configured_result()
    else:
        catalog, problems = check_content(content_dir)
    if catalog is None:
        for problem in problems:
            click.echo(str(problem))
        raise click.exceptions.Exit(1)
    click.echo(f"course check: {catalog.summary()}: all valid")


def _configured_result() -> tuple[Catalog | None, list[Problem]]:
    """Return what the app found in its CONTENT_DIR when it started, building it if need be."""
    app = current_app if current_app else _load_app_deferring_errors()
    catalog = app.extensions.get("course_catalog")
    error = app.extensions.get("course_catalog_error")
    if catalog is None and error is None:  # an app without the content feature
        return check_content(Path(app.config["CONTENT_DIR"]))
    # The app has just read and checked every file: report that, not a second pass.
    return catalog, [] if catalog is not None else list(error.problems)


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
