"""Who may do what: one helper per rule."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import abort
from flask_login import current_user, login_required


def manager_required(view):
    """Let managers and admins through; others get a 403."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_manager:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def safe_next_path(target: str | None) -> str | None:
    """Return ``target`` when it is a path on this site, else None.

    Browsers read ``//host`` and ``/\\host`` as other sites, and drop tabs and
    newlines inside addresses, so anything of that kind is refused.
    """
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ch in target for ch in "\\\t\r\n") or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
