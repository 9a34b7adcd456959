"""Accounts, roles, sign-in and permission checks."""

from flask import Flask

from course.auth.accounts import load_user_by_session_id
from course.auth.cli import users_cli
from course.auth.views import bp
from course.db import get_session
from course.extensions import login_manager


def init_app(app: Flask) -> None:
    """Register the account pages, the session loader and ``course users``."""
    app.register_blueprint(bp)
    app.cli.add_command(users_cli)
    login_manager.user_loader(lambda session_id: load_user_by_session_id(get_session(), session_id))
