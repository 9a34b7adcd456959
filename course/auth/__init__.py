"""Accounts, roles, sign-in and permission checks."""

from flask import Flask, session

from course.auth.accounts import load_signed_in_user
from course.auth.cli import users_cli
from course.auth.sessions import SESSION_TOKEN_KEY
from course.auth.views import bp
from course.db import get_connection
from course.extensions import login_manager


def init_app(app: Flask) -> None:
    """Register the account pages, the signed-in user's loader, and ``course users``."""
    app.register_blueprint(bp)
    app.cli.add_command(users_cli)
    login_manager.user_loader(
        lambda user_id: load_signed_in_user(
            get_connection(), user_id, session.get(SESSION_TOKEN_KEY)
        )
    )
