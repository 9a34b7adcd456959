"""Settings: their defaults and the one order they are read in.

Order, later wins: defaults, then ``instance/config.py``, then ``COURSE_*``
environment variables, then the test configuration passed to ``create_app``.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent


def _as_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


# name -> (default, parser for the environment's string). A default of None is
# filled in by ``_fill_derived`` once the instance folder is known.
SETTINGS: dict[str, tuple[object, object]] = {
    "DATABASE_URL": (None, str),
    "CONTENT_DIR": (str(REPOSITORY_ROOT), str),
    "CONTENT_RELOAD": (False, _as_bool),
    "SECRET_KEY": (None, str),
    "REDIS_URL": (None, str),
    "REGISTRATION": ("open", str),
    "SECURE_COOKIES": (False, _as_bool),
    "HSTS": (False, _as_bool),
    "MAX_CONTENT_LENGTH": (1024 * 1024, int),
    "LOGIN_LIMIT": ("10 per minute;50 per hour", str),
    "REGISTER_LIMIT": ("20 per hour", str),
    "BASE_URL": (None, str),
    "SMTP_URL": (None, str),
    "MAIL_FROM": (None, str),
    "PROXY_HOPS": (0, int),
    "LRS_URL": (None, str),
    "LRS_AUTH": (None, str),
    "LTI_IFRAME": (False, _as_bool),
    "LTI_FRAME_ANCESTORS": ("", str),
}

REGISTRATION_MODES = ("open", "invite", "closed")


def load(app, test_config: dict | None) -> None:
    """Fill ``app.config`` from every source in order."""
    for name, (default, _parse) in SETTINGS.items():
        app.config[name] = default
    app.config.from_pyfile("config.py", silent=True)
    for name, (_default, parse) in SETTINGS.items():
        raw = os.environ.get(f"COURSE_{name}")
        if raw is not None and raw != "":
            try:
                app.config[name] = parse(raw)
            except ValueError:
                raise ValueError(f"COURSE_{name} cannot be {raw!r}") from None
    if test_config:
        app.config.update(test_config)
    _fill_derived(app)


def _fill_derived(app) -> None:
    config = app.config
    instance = Path(app.instance_path)
    if not config["DATABASE_URL"]:
        instance.mkdir(parents=True, exist_ok=True)
        config["DATABASE_URL"] = f"sqlite:///{instance / 'course.db'}"
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = read_or_create_secret_key(instance / "secret_key")
    if config["REGISTRATION"] not in REGISTRATION_MODES:
        raise ValueError(
            f"COURSE_REGISTRATION must be one of {', '.join(REGISTRATION_MODES)}, "
            f"not {config['REGISTRATION']!r}"
        )
    if config["BASE_URL"]:
        config["BASE_URL"] = parse_base_url(config["BASE_URL"], "COURSE_BASE_URL")
    if config["SMTP_URL"]:
        # Imported here: reading an SMTP address needs nothing else of the mail package.
        from course.mail.sender import parse_smtp_url

        parse_smtp_url(config["SMTP_URL"])  # refuse a bad address at start-up, not at first mail
    if not config["MAIL_FROM"]:
        host = urlsplit(config["BASE_URL"]).hostname if config["BASE_URL"] else "localhost"
        config["MAIL_FROM"] = f"course@{host}"
    if not isinstance(config["PROXY_HOPS"], int) or config["PROXY_HOPS"] < 0:
        raise ValueError(
            "COURSE_PROXY_HOPS must be a count of trusted proxies (0 or more), "
            f"not {config['PROXY_HOPS']!r}"
        )
    config["SESSION_COOKIE_HTTPONLY"] = True
    config["SESSION_COOKIE_SAMESITE"] = "Lax"
    config["SESSION_COOKIE_SECURE"] = config["SECURE_COOKIES"]
    config["REMEMBER_COOKIE_SECURE"] = config["SECURE_COOKIES"]
    config["REMEMBER_COOKIE_HTTPONLY"] = True
    config["REMEMBER_COOKIE_SAMESITE"] = "Lax"
    config["PREFERRED_URL_SCHEME"] = "https" if config["SECURE_COOKIES"] else "http"
    # A sign-in lasts two weeks from signing in, however busy: the cookie is not
    # rewritten on every response, which also spares each page a signature.
    config["PERMANENT_SESSION_LIFETIME"] = timedelta(days=14)
    config["SESSION_REFRESH_EACH_REQUEST"] = False
    # A CSRF token lives as long as the session: learners leave a quiz open for hours.
    config["WTF_CSRF_TIME_LIMIT"] = None


def parse_base_url(value: str, name: str) -> str:
    """Return the site's public address without a trailing slash, or refuse one that is not."""
    try:
        parts = urlsplit(value.strip())
        # Reading .port checks it: a port that is not a number raises ValueError.
        is_address = parts.scheme in ("http", "https") and parts.hostname and parts.port != 0
    except ValueError:  # also an unbalanced [ in the host
        is_address = False
    if not is_address or parts.username or parts.query or parts.fragment:
        raise ValueError(
            f"{name} must be the site's public address, like https://course.example.com "
            f"(a path is allowed; a password, query or fragment is not), not {value!r}"
        )
    return value.strip().rstrip("/")


def read_or_create_secret_key(path: Path) -> str:
    """Return the key stored at ``path``, creating it (owner-only) the first time."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and linked into place, so a concurrent reader never sees half a key.
    staging = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    try:
        os.link(staging, path)
    except FileExistsError:
        pass  # another process won the race; its key is the one everybody uses
    finally:
        staging.unlink()
    return path.read_text().strip()
