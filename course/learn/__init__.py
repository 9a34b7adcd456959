"""What a learner sees: the outline, lessons, quizzes and scenarios."""

from flask import Flask

from course.content import get_catalog
from course.content.question_types import template_name
from course.learn import quizzes, scenarios  # noqa: F401  (their routes join the blueprint)
from course.learn.navigation import KIND_LABELS, item_url
from course.learn.views import bp


def init_app(app: Flask) -> None:
    """Register the learner pages and the helpers their templates use."""
    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        item_url=item_url,
        kind_labels=KIND_LABELS,
        question_template=template_name,
        site_title=lambda: get_catalog().course.title,
    )
