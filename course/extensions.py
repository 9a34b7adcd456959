"""The Flask extensions the features share, created unbound and bound in ``create_app``."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

csrf = CSRFProtect()
login_manager = LoginManager()
# Storage is chosen in create_app: Redis when COURSE_REDIS_URL is set, else in-process.
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)


def init_app(app) -> None:
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
    app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"] or "memory://"
    app.config.setdefault("RATELIMIT_ENABLED", True)
    limiter.init_app(app)
    # Every limit here is declared on its view (sign-in, sign-up), and such a view
    # checks its limits itself. The app-wide check Flask-Limiter also runs before
    # every request would look for default limits there are none of, on every page.
    app_wide_checks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in app_wide_checks:  # absent when limits are disabled
        app_wide_checks.remove(limiter._check_request_limit)
