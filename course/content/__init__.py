"""The catalog: the course's files loaded once into immutable objects, and ``course check``.

Nothing outside this package reads content files. The rest of the app asks
``get_catalog()`` for the frozen objects in ``course.content.model``.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from course.content.cli import check_command, is_deferring_errors, paths_command
from course.content.loader import ParseCache, check_content, load_catalog
from course.content.model import (
    Catalog,
    Choice,
    Course,
    Ending,
    Heading,
    Lesson,
    Module,
    OutlineItem,
    Quiz,
    Scenario,
    Step,
)
from course.content.problems import ContentError, Problem
from course.content.question_types import QUESTION_TYPES, Grade, Question
from course.content.reloading import ContentReloader

__all__ = [
    "QUESTION_TYPES",
    "Catalog",
    "Choice",
    "ContentError",
    "Course",
    "Ending",
    "Grade",
    "Heading",
    "Lesson",
    "Module",
    "OutlineItem",
    "Problem",
    "Question",
    "Quiz",
    "Scenario",
    "Step",
    "check_content",
    "get_catalog",
    "init_app",
    "load_catalog",
]


def init_app(app: Flask) -> None:
    """Load the catalog (refusing to start on invalid content) and register ``check``."""
    app.cli.add_command(check_command)
    app.cli.add_command(paths_command)
    content_dir = Path(app.config["CONTENT_DIR"])
    cache: ParseCache = {}
    catalog, problems = check_content(content_dir, cache)
    app.extensions["course_content_warnings"] = [p for p in problems if not p.is_error]
    if catalog is None:
        error = ContentError(problem for problem in problems if problem.is_error)
        if not (app.config.get("CONTENT_DEFER_ERRORS") or is_deferring_errors()):
            raise error
        app.extensions["course_catalog_error"] = error
    app.extensions["course_catalog"] = catalog
    if app.config.get("CONTENT_RELOAD"):
        reloader = ContentReloader(app, content_dir, cache)
        app.before_request(reloader.reload_if_changed)


def get_catalog() -> Catalog:
    """Return the current app's catalog; raise the load's ``ContentError`` if it had none."""
    catalog = current_app.extensions.get("course_catalog")
    if catalog is None:
        raise current_app.extensions.get("course_catalog_error") or RuntimeError(
            "course.content.init_app has not run for this app"
        )
    return catalog
