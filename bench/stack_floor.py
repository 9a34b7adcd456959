"""The yardstick: the least a signed-in page can be on the stack the course must use.

Flask, Flask-Login and one SQLAlchemy query for the signed-in user, set up as
their documentation shows, on the lesson page's database, and nothing else: no
server-side session check, no security headers, no CSRF, no rate limits, no
template. It answers a constant as long as the lesson page, so that only the
work differs. The lesson page's target is a share of this page's throughput in
the same run: a ratio the machine's speed, which drifts, cannot move much.
"""

from __future__ import annotations

import os

from flask import Flask
from flask_login import LoginManager, UserMixin, login_required, login_user
from sqlalchemy import create_engine, text

PATH = "/bench/stack-floor"
SIGN_IN_PATH = "/bench/stack-floor/sign-in"
BODY_LENGTH_VARIABLE = "BENCH_BODY_LENGTH"
FIND_USER = text('SELECT id, name FROM "user" WHERE id = :id')


class SignedIn(UserMixin):
    def __init__(self, user_id: int, name: str):
        self.id = user_id
        self.name = name


def create_stack_floor_app() -> Flask:
    """Return the minimal signed-in app (for gunicorn), on the course's database and key."""
    engine = create_engine(os.environ["COURSE_DATABASE_URL"])
    app = Flask(__name__)
    app.secret_key = os.environ["COURSE_SECRET_KEY"]
    login_manager = LoginManager(app)
    login_manager.session_protection = None  # as the course sets it
    body = "x" * int(os.environ.get(BODY_LENGTH_VARIABLE, "9000"))

    @login_manager.user_loader
    def find_user(user_id: str) -> SignedIn | None:
        with engine.connect() as connection:
            row = connection.execute(FIND_USER, {"id": int(user_id)}).first()
        return SignedIn(*row) if row else None

    @app.get(SIGN_IN_PATH)
    def sign_in():
        # The benchmark's own account, the first one; no password: this app only measures.
        login_user(find_user("1"))
        return "signed in\n"

    @app.get(PATH)
    @login_required
    def signed_in_constant():
        return body

    @app.get("/healthz")
    def healthz():
        return "ok\n"

    return app
