"""The Flask extensions the features share, created unbound and bound in ``create_app``."""

from __future__ import annotations

from flask import Flask
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from course import rate_limits

csrf = CSRFProtect()
login_manager = LoginManager()


def init_app(app: Flask) -> None:
    """Bind the shared extensions to ``app``, and give it its rate limits."""
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    # Sessions live on the server (AuthSession) and end there, so Flask-Login's
    # "basic" protection would hash the IP and browser on every request only to
    # mark sessions un-fresh, which nothing here reads.
    login_manager.session_protection = None
    rate_limits.init_app(app)
