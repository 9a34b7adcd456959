"""The signed-in session in the browser: which cookie key holds it, and starting one."""

from __future__ import annotations

from flask import session
from flask_login import login_user
from sqlalchemy.orm import Session

from course.auth import accounts
from course.auth.models import User

SESSION_TOKEN_KEY = "auth_token"  # noqa: S105 - a key name, not a secret


def start_session(db: Session, user: User) -> None:
    """Sign ``user`` in on a fresh session, so nothing from before carries over."""
    session.clear()
    session[SESSION_TOKEN_KEY] = accounts.begin_session(db, user)
    login_user(user)
    session.permanent = True
