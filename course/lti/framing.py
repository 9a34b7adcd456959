"""Letting the course open inside an LMS's iframe, for sessions that began with a launch.

Browsers send a site's cookies inside another site's iframe only when they are
``SameSite=None; Secure``, and show it framed only when its headers allow the
framing page. With ``COURSE_LTI_IFRAME=1`` (which needs an https
``COURSE_BASE_URL``) a session that began with an LTI launch gets both: its
cookie is ``SameSite=None; Secure`` and its pages may be framed by that platform's
origins (its issuer's and its login page's, and ``COURSE_LTI_FRAME_ANCESTORS``).
Every other session keeps ``SameSite=Lax`` and ``frame-ancestors 'none'``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, g, has_request_context, session
from flask.sessions import SecureCookieSessionInterface

from course.lti.models import LtiPlatform

FRAMING_KEY = "lti_frame_origins"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def is_enabled(app: Flask) -> bool:
    return bool(app.config.get("LTI_IFRAME"))


def remember_framing(platform: LtiPlatform) -> None:
    """Let this (just launched) session's pages open in ``platform``'s frames."""
    if not is_enabled(current_app):
        return
    origins = {_origin(platform.issuer), _origin(platform.auth_login_url)}
    origins.update(current_app.config.get("LTI_FRAME_ANCESTORS", "").split())
    session[FRAMING_KEY] = sorted(origins)


class FramedSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, sent ``SameSite=None; Secure`` for a launched session."""

    def _is_framed(self) -> bool:
        return has_request_context() and bool(session.get(FRAMING_KEY))

    def get_cookie_samesite(self, app):
        return "None" if self._is_framed() else super().get_cookie_samesite(app)

    def get_cookie_secure(self, app):
        return True if self._is_framed() else super().get_cookie_secure(app)


def allow_form_to(address: str) -> None:
    """Let this response's form post to ``address``'s origin (a platform's deep-linking return)."""
    g.lti_form_origin = _origin(address)


def loosen_policy(response):
    """Let a platform frame a launched session's pages, and take the one form sent to it."""
    policy = response.headers.get("Content-Security-Policy", "")
    form_origin = g.pop("lti_form_origin", None)
    if form_origin and "form-action 'self'" in policy:
        policy = policy.replace("form-action 'self'", f"form-action 'self' {form_origin}")
        response.headers["Content-Security-Policy"] = policy
    origins = session.get(FRAMING_KEY) if is_enabled(current_app) else None
    if origins and "frame-ancestors 'none'" in policy:
        response.headers["Content-Security-Policy"] = policy.replace(
            "frame-ancestors 'none'", "frame-ancestors " + " ".join(origins)
        )
        # Superseded by frame-ancestors wherever that is understood, and it cannot
        # name an origin: left out, or older browsers would refuse the frame.
        response.headers.pop("X-Frame-Options", None)
    return response


def init_app(app: Flask) -> None:
    """Loosen the page policy where LTI needs it; turn framed sessions on when
    ``COURSE_LTI_IFRAME`` is set (over https only)."""
    # Runs after the security headers are added (after-request hooks run last-added
    # first), so that it can loosen what they say for the responses that need it.
    app.after_request_funcs.setdefault(None, []).insert(0, loosen_policy)
    if not is_enabled(app):
        return
    base_url = app.config.get("BASE_URL") or ""
    if not base_url.startswith("https://"):
        raise ValueError(
            "COURSE_LTI_IFRAME needs COURSE_BASE_URL to be the site's https address: "
            "browsers send cookies inside an LMS's frame only over https"
        )
    app.session_interface = FramedSessionInterface()
