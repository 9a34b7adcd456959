"""What learners did: the records, and the services that write and summarise them."""

from flask import Flask

from course.progress.forward_cli import xapi_cli
from course.progress.status import badge_of
from course.progress.views import bp, has_certificate


def init_app(app: Flask) -> None:
    """Register the learner's progress and certificate pages, and ``course xapi forward``."""
    app.register_blueprint(bp)
    app.cli.add_command(xapi_cli)
    app.jinja_env.globals.update(badge_of=badge_of, has_certificate=has_certificate)
