"""What a learner sees: the outline, lessons, quizzes and scenarios."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, current_app

from course.content import get_catalog
from course.content.question_types import template_name
from course.learn import quizzes, scenarios  # noqa: F401  (their routes join the blueprint)
from course.learn.navigation import KIND_LABELS, item_url
from course.learn.views import bp
from course.site.addresses import fix_item_paths

if TYPE_CHECKING:
    from jinja2.environment import TemplateModule


def init_app(app: Flask) -> None:
    """Register the learner pages and the helpers their templates use."""
    app.register_blueprint(bp)
    fix_item_paths(app)
    app.jinja_env.globals.update(
        item_url=item_url,
        kind_labels=KIND_LABELS,
        question_macros=question_macros,
        site_title=lambda: get_catalog().course.title,
    )


def question_macros(type_name: str) -> TemplateModule:
    """Return the ``input`` and ``review`` macros of a question type, from its template."""
    # The template's module, made once; an {% import %} per question rebuilt its
    # check of the page's globals each time, a tenth of a long quiz page's time.
    return current_app.jinja_env.get_template(template_name(type_name)).module
