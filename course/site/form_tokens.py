"""The CSRF token in every page's forms, signed once per session rather than on every page.

Flask-WTF signs the session's CSRF secret afresh on each request that shows a
form, and every page has one (Sign out). With no time limit on tokens
(``WTF_CSRF_TIME_LIMIT = None``, set in config) a token it signed earlier for
the same secret stays valid, so the one it signed first is kept and reused.
"""

from __future__ import annotations

from functools import lru_cache

from flask import Flask, current_app, session
from flask_wtf.csrf import generate_csrf

# Signed tokens of the sessions seen recently; an older session's is signed again.
REMEMBERED = 4096


@lru_cache(maxsize=REMEMBERED)
def _signed(_secret_key: object, _session_secret: str) -> str:
    # Both arguments are the key: the token depends on nothing else.
    return generate_csrf()


def csrf_token() -> str:
    """Return a valid CSRF token for this session's forms."""
    config = current_app.config
    session_secret = session.get(config["WTF_CSRF_FIELD_NAME"])
    if session_secret is None or config["WTF_CSRF_TIME_LIMIT"] is not None:
        return generate_csrf()  # a new secret to make, or tokens that expire
    secret_key = config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    return _signed(secret_key, session_secret)


def init_app(app: Flask) -> None:
    """Make ``csrf_token()`` in templates this one (registered after Flask-WTF's, so it wins)."""
    names = {"csrf_token": csrf_token}
    app.jinja_env.globals.update(names)
    app.context_processor(lambda: names)  # Flask-WTF also offers its own this way
