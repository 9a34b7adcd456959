"""The session cookie: Flask's signed cookie, each distinct cookie verified once per process.

A browser sends the same cookie on every page until its session changes (the
session is not re-signed on each request: ``SESSION_REFRESH_EACH_REQUEST`` is
off), and checking one costs two HMACs, inflating and parsing it: more than
anything else a signed-in page does before its own work. What a cookie says
depends only on its text and the keys, so each worker remembers what the
cookies it verified recently said, keyed by their whole text. A forged or
altered cookie never matches one (it is verified, refused and not kept), and
the age limit is checked again on every request.
"""

from __future__ import annotations

import copy
import time

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer

from course.remembered import Remembered

# Cookies of the sessions seen recently; an older one is verified again.
REMEMBERED = 4096


class SessionCookie(SecureCookieSessionInterface):
    """Read and write the session exactly as Flask does, verifying each cookie text once."""

    def __init__(self) -> None:
        self._keys: tuple | None = None
        self._serializer: URLSafeTimedSerializer | None = None
        # cookie text -> (when it was signed, what it holds)
        self._verified = Remembered(REMEMBERED)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        # Flask builds a serializer per request, and building one signs a test value.
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys != self._keys:
            self._serializer = super().get_signing_serializer(app)
            self._verified = Remembered(REMEMBERED)  # what the old keys accepted, new ones may not
            self._keys = keys
        return self._serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        text = request.cookies.get(self.get_cookie_name(app))
        if not text:
            return self.session_class()
        max_age = app.permanent_session_lifetime.total_seconds()
        verified = self._verified.get(text)
        if verified is None:
            try:
                data, signed_at = serializer.loads(
                    text, max_age=int(max_age), return_timestamp=True
                )
            except BadSignature:  # forged, altered or expired: no session, as in Flask
                return self.session_class()
            verified = (signed_at.timestamp(), data)
            self._verified.put(text, verified)
        signed_at, data = verified
        if time.time() - signed_at > max_age:
            self._verified.forget(text)
            return self.session_class()
        return self.session_class(_own_copy(data))


def _own_copy(data: dict) -> dict:
    # A request may change what it reads (flash() appends to a list in place),
    # and a tuple may hold a list; the remembered values must stay as the cookie says.
    return {
        key: copy.deepcopy(value) if isinstance(value, list | dict | tuple) else value
        for key, value in data.items()
    }
