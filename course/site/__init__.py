"""What every page shares: security headers, request ids, error pages, ``/healthz``."""

from __future__ import annotations

import logging
import re
import secrets

from flask import Blueprint, Flask, abort, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy import text
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.routing import IntegerConverter

from course.db import get_session
from course.site import addresses

bp = Blueprint("site", __name__)
log = logging.getLogger("course")

ERROR_TITLES = {
    400: "That request could not be understood",
    403: "You may not see this page",
    404: "Page not found",
    405: "That action is not allowed here",
    413: "That was too large",
    429: "Too many attempts",
    500: "Something went wrong on our side",
}

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)


@bp.get("/healthz")
def healthz():
    """Answer ``ok`` when the app and its database answer."""
    try:
        get_session().execute(text("SELECT 1"))
    except Exception:  # any database failure means not healthy
        log.exception("health check failed")
        return "database unavailable\n", 503, {"Content-Type": "text/plain"}
    return "ok\n", 200, {"Content-Type": "text/plain"}


REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RecordIdConverter(IntegerConverter):
    """``<id:name>``: a database id, so one no column can hold is a 404, not an overflow."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=2**31 - 1)


def _refuse_nul_characters() -> None:
    # No text anyone types holds a NUL, and PostgreSQL refuses to store one.
    # Only these bodies fill request.form; reading it for others costs a parse for nothing.
    has_form = request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
    for values in (request.args, request.form) if has_form else (request.args,):
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                abort(400, "The request holds a character that is not allowed (NUL).")


def _assign_request_id() -> None:
    # A proxy's id is kept so logs line up; anything else could forge log lines.
    offered = request.headers.get("X-Request-Id", "")
    g.request_id = offered if REQUEST_ID.match(offered) else secrets.token_hex(8)


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
HSTS_HEADER = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def _add_security_headers(response):
    headers = response.headers
    # A view may set its own. One pass finds which: a lookup per header (setdefault)
    # scans them all each time, twice the cost on every response.
    present = {name.lower() for name, _value in headers}
    wanted = (*SECURITY_HEADERS, HSTS_HEADER) if current_app.config["HSTS"] else SECURITY_HEADERS
    headers.extend([(name, value) for name, value in wanted if name.lower() not in present])
    if "request_id" in g:
        headers["X-Request-Id"] = g.request_id
    return response


def render_error(code: int, message: str | None = None):
    """Render the friendly page for an HTTP error ``code``."""
    return (
        render_template(
            "errors/error.html",
            code=code,
            title=ERROR_TITLES.get(code, "Something went wrong"),
            message=message,
            request_id=g.get("request_id"),
        ),
        code,
    )


def _handle_http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    # abort(code, "message") carries a message meant for the person; the
    # default descriptions are werkzeug's and read like internals.
    default = type(error).description
    message = error.description if error.description != default else None
    response, code = render_error(error.code, message)
    if error.code == 405 and error.valid_methods:
        return response, code, {"Allow": ", ".join(error.valid_methods)}
    return response, code


def _handle_csrf_error(error: CSRFError):
    return render_error(
        400, "The form had expired or was sent from elsewhere. Go back, reload it and try again."
    )


def _handle_unexpected(error: Exception):
    original = getattr(error, "original_exception", None) or error
    log.error(
        "unhandled error on %s %s [request %s]",
        request.method,
        request.path,
        g.get("request_id"),
        exc_info=original,
    )
    return render_error(500)


def init_app(app: Flask) -> None:
    """Register headers, error pages, versioned static addresses and ``/healthz``."""
    addresses.init_app(app)
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 365 * 24 * 3600  # static addresses carry a hash
    app.url_map.converters["id"] = RecordIdConverter
    app.register_blueprint(bp)
    app.before_request(_assign_request_id)
    app.before_request(_refuse_nul_characters)
    app.after_request(_add_security_headers)
    app.register_error_handler(CSRFError, _handle_csrf_error)
    app.register_error_handler(HTTPException, _handle_http_error)
    app.register_error_handler(InternalServerError, _handle_unexpected)
