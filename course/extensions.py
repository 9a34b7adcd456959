"""The Flask extensions the features share, created unbound and bound in ``create_app``."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from flask import Flask, request
from flask.logging import default_handler
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

if TYPE_CHECKING:
    from limits.storage import Storage

csrf = CSRFProtect()
login_manager = LoginManager()
# Every limit is declared on its view (sign-in, sign-up); there are no defaults.
# Storage is chosen in init_app: Redis when COURSE_REDIS_URL is set, else in-process.
# When Redis stops answering, limits carry on in-process (each process counting
# on its own) rather than failing every sign-in, and go back once it answers.
limiter = Limiter(
    key_func=get_remote_address,
    default_limits=[],
    headers_enabled=True,
    in_memory_fallback_enabled=True,
)


@limiter.request_filter
def _only_posts_are_limited() -> bool:
    # Every limit is declared for POST (sign-in, sign-up: methods=["POST"]), so a
    # page view is exempt before the limiter works out which limits a view has,
    # a twentieth of a lesson page's time. A limit on a GET would need this gone.
    return request.method != "POST"


# A Redis that answers does so in well under a millisecond; one that does not
# must not hold a sign-in (or /healthz) for longer than this, in seconds.
REDIS_TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


def _show_limiter_warnings(app: Flask) -> None:
    # Flask-Limiter warns once, on its own logger, when its storage stops answering
    # and limits move in-process. Where nothing else set up logging (gunicorn), Flask
    # gives the app's logger its own handler to the server's error stream, and that
    # logger alone would be heard: the warning goes the same way.
    if default_handler in app.logger.handlers:
        logging.getLogger("flask-limiter").addHandler(default_handler)


def limits_store(app: Flask) -> Storage | None:
    """Return the shared store of ``app``'s limits (Redis), or None when they are in-process."""
    return app.extensions.get("course_limits_store")


def init_app(app: Flask) -> None:
    """Bind the shared extensions to ``app``."""
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    # Sessions live on the server (AuthSession) and end there, so Flask-Login's
    # "basic" protection would hash the IP and browser on every request only to
    # mark sessions un-fresh, which nothing here reads.
    login_manager.session_protection = None
    redis_url = app.config["REDIS_URL"]
    app.config["RATELIMIT_STORAGE_URI"] = redis_url or "memory://"
    if redis_url:
        app.config["RATELIMIT_STORAGE_OPTIONS"] = REDIS_TIMEOUTS
    app.config.setdefault("RATELIMIT_ENABLED", True)
    limiter.init_app(app)
    _show_limiter_warnings(app)
    # Kept per app: the limiter is one object, and the last app bound to it holds its store.
    if redis_url and app.config["RATELIMIT_ENABLED"]:
        app.extensions["course_limits_store"] = limiter.storage
