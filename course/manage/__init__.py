"""Cohorts, invites and the reports managers read."""

from flask import Flask

from course.manage import join, people, reminder_views  # noqa: F401  (their routes join the blueprint)
from course.manage.demo import demo_command
from course.manage.export_cli import export_cli
from course.manage.remind_cli import remind_command
from course.manage.views import bp


def init_app(app: Flask) -> None:
    """Register the manager's pages, the invite and set-password pages, and the commands."""
    app.register_blueprint(bp)
    app.cli.add_command(demo_command)
    app.cli.add_command(export_cli)
    app.cli.add_command(remind_command)
