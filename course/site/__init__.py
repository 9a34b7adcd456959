"""What every page shares: security headers, request ids, error pages, ``/healthz``."""

from __future__ import annotations

import logging
import re
import secrets
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, g, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc, text
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from course.db import get_session
from course.rate_limits import shared_store_answers
from course.site import addresses, formats

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
    503: "The course is unavailable for a moment",
}

# What SQLAlchemy raises when the database cannot be reached (refused, gone away,
# a file that cannot be opened) or every pooled connection is busy past the timeout.
DATABASE_UNAVAILABLE = (exc.OperationalError, exc.TimeoutError)

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


@bp.get("/favicon.ico")
def favicon():
    """Serve the site's icon where browsers and feed readers look for it without a link."""
    icon = Path(current_app.static_folder, "favicon.ico").read_bytes()  # 4 kB
    response = make_response(icon)
    response.mimetype = "image/vnd.microsoft.icon"
    response.cache_control.public = True
    response.cache_control.max_age = 24 * 3600
    return response


@bp.get("/healthz")
def healthz():
    """Answer ``ok`` when the database and any limits store answer; else name what is down."""
    down = []
    try:
        get_session().execute(text("SELECT 1"))
    except Exception:  # any database failure means not healthy
        log.exception("health check: the database is not answering")
        down.append("database unavailable")
    if shared_store_answers(current_app) is False:
        # Sign-in still works (limits are counted in each process), but no longer shared.
        log.warning("health check: the limits store (Redis) is not answering")
        down.append("limits store (Redis) unavailable")
    if down:
        return "".join(f"{line}\n" for line in down), 503, {"Content-Type": "text/plain"}
    return "ok\n", 200, {"Content-Type": "text/plain"}


REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RecordIdConverter(IntegerConverter):
    """``<id:name>``: a database id, so one no column can hold is a 404, not an overflow."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=2**31 - 1)


NUL_REFUSED = "The request holds a character that is not allowed (NUL)."


def _refuse_nul_characters() -> None:
    # No text anyone types holds a NUL, and PostgreSQL refuses to store one. In a
    # query string a NUL can only be written %00 (or sent raw): looking for those
    # in its bytes costs nothing, where parsing the arguments of every page did.
    query = request.query_string
    if b"%00" in query or b"\x00" in query:
        abort(400, NUL_REFUSED)
    # Only these bodies fill request.form; reading it for others costs a parse for nothing.
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, value in request.form.items(multi=True):
            if "\x00" in key or "\x00" in value:
                abort(400, NUL_REFUSED)


def request_id() -> str:
    """Return this request's id: the proxy's, or one made on first use."""
    # Made on demand, not only in a before-request hook: a hook that runs before
    # that one (a CSRF check) may fail, and its error page needs the id too.
    if "request_id" not in g:
        # A proxy's id is kept so logs line up; anything else could forge log lines.
        offered = request.headers.get("X-Request-Id", "")
        g.request_id = offered if REQUEST_ID.match(offered) else secrets.token_hex(8)
    return g.request_id


def _assign_request_id() -> None:
    request_id()


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
    added = [(name, value) for name, value in wanted if name.lower() not in present]
    # Only this hook sets it, so it is added rather than set (which looks for it first).
    added.append(("X-Request-Id", request_id()))
    headers.extend(added)
    return response


def render_error(code: int, message: str | None = None):
    """Render the friendly page for an HTTP error ``code``."""
    try:
        page = render_template(
            "errors/error.html",
            code=code,
            title=ERROR_TITLES.get(code, "Something went wrong"),
            message=message,
            request_id=request_id(),
        )
    except DATABASE_UNAVAILABLE as error:
        # The page's header names the signed-in user, read from the database that is down.
        return _handle_database_unavailable(error)
    return make_response(page, code)


def render_unavailable():
    """Render the 503 page for a database that is down, touching neither it nor ``current_user``."""
    # Straight from the template: render_template would run Flask-Login's context
    # processor, which loads the signed-in user from that database.
    page = current_app.jinja_env.get_template("errors/unavailable.html").render(
        title=ERROR_TITLES[503], request_id=request_id()
    )
    return make_response(page, 503, {"Retry-After": "60"})


def _handle_database_unavailable(error: Exception):
    log.error(
        "database unavailable on %s %s [request %s]: %s",
        request.method,
        request.path,
        request_id(),
        getattr(error, "orig", None) or error,
    )
    return render_unavailable()


def _handle_http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    # abort(code, "message") carries a message meant for the person; the
    # default descriptions are werkzeug's and read like internals.
    default = type(error).description
    message = error.description if error.description != default else None
    response = render_error(error.code, message)
    if response.status_code == error.code:  # not the page for a database that is down
        # What the error says beside its page: Allow (405), Retry-After (429, 503).
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
    return response


def _handle_csrf_error(error: CSRFError):
    return render_error(
        400, "The form had expired or was sent from elsewhere. Go back, reload it and try again."
    )


def _handle_unexpected(error: Exception):
    original = getattr(error, "original_exception", None) or error
    if isinstance(original, DATABASE_UNAVAILABLE):  # raised while showing another error page
        return _handle_database_unavailable(original)
    log.error(
        "unhandled error on %s %s [request %s]",
        request.method,
        request.path,
        request_id(),
        exc_info=original,
    )
    return render_error(500)


def init_app(app: Flask) -> None:
    """Register headers, error pages, versioned static addresses and ``/healthz``."""
    addresses.init_app(app)
    app.jinja_env.filters.update(day=formats.day, points=formats.points)
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 365 * 24 * 3600  # static addresses carry a hash
    app.url_map.converters["id"] = RecordIdConverter
    app.register_blueprint(bp)
    app.before_request(_assign_request_id)
    app.before_request(_refuse_nul_characters)
    app.after_request(_add_security_headers)
    app.register_error_handler(CSRFError, _handle_csrf_error)
    app.register_error_handler(HTTPException, _handle_http_error)
    app.register_error_handler(InternalServerError, _handle_unexpected)
    for error in DATABASE_UNAVAILABLE:
        app.register_error_handler(error, _handle_database_unavailable)
    _trust_proxies(app, app.config["PROXY_HOPS"])


def _trust_proxies(app: Flask, hops: int) -> None:
    # Behind reverse proxies every request comes from the nearest one's address,
    # so sign-in limits keyed on it would lock everybody out together. Exactly
    # ``hops`` proxies are believed about the client, scheme and host: with none,
    # X-Forwarded-* headers are anybody's to forge and are ignored.
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
