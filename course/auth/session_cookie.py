"""The session cookie: Flask's signed cookie, with its signer made once rather than per request."""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class SessionCookie(SecureCookieSessionInterface):
    """Read and write the session exactly as Flask does.

    Flask builds a new serializer on every request, and building one encodes a
    test value to learn what it produces; the keys rarely change, so one per
    set of keys is kept.
    """

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            self._serializers = {keys: serializer}  # only the newest keys are worth keeping
        return serializer
