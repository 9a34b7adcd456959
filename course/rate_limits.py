"""Rate limits on the forms people could hammer (sign-in, sign-up), counted where a view asks.

Counted by ``limits``, the library Flask-Limiter is built on, through its public
API. Flask-Limiter's extension runs three hooks on every request of every page
only to find that a page has no limit: a twentieth of a lesson page's time. Here
a view that has a limit says so (``limited``), and no other request pays anything.

Counts live in Redis when ``COURSE_REDIS_URL`` is set, so that every process of a
deployment counts together; else in this process. When Redis stops answering,
counting carries on in-process (each process on its own) rather than failing
every sign-in, and goes back to Redis once it answers again.
"""

from __future__ import annotations

import functools
import logging
import math
import time
from collections.abc import Callable

from flask import Flask, current_app, request
from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

log = logging.getLogger("course")

# A Redis that answers does so in well under a millisecond; one that does not
# must not hold a sign-in (or /healthz) for longer than this, in seconds.
REDIS_TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
# While Redis is down, how long counting stays in-process before Redis is tried again.
RETRY_REDIS_AFTER_S = 30
EXTENSION_KEY = "course_rate_limits"


class RateLimits:
    """An app's rate limits: where they are counted, and whether they are on at all."""

    def __init__(self, redis_url: str | None, *, enabled: bool = True):
        self.enabled = enabled
        self.shared_store: Storage | None = (
            storage_from_string(redis_url, wrap_exceptions=True, **REDIS_TIMEOUTS)
            if redis_url
            else None
        )
        self.local_counter = FixedWindowRateLimiter(MemoryStorage())
        self.shared_counter = (
            FixedWindowRateLimiter(self.shared_store) if self.shared_store else None
        )
        self._shared_failed_at: float | None = None  # when Redis last failed to answer

    def breached(self, limits_text: str, *identifiers: str) -> RateLimitItem | None:
        """Count one hit against each of ``limits_text``'s limits; return the first exceeded."""
        for limit in parse_many(limits_text):
            if not self._hit(limit, identifiers):
                return limit
        return None

    def seconds_to_wait(self, limit: RateLimitItem, *identifiers: str) -> int:
        """Return how long until ``limit`` lets another hit through for ``identifiers``."""
        try:
            reset_at = self._counter().get_window_stats(limit, *identifiers).reset_time
        except StorageError:
            reset_at = self.local_counter.get_window_stats(limit, *identifiers).reset_time
        return max(1, math.ceil(reset_at - time.time()))

    def _hit(self, limit: RateLimitItem, identifiers: tuple[str, ...]) -> bool:
        counter = self._counter()
        if counter is self.local_counter:
            return self.local_counter.hit(limit, *identifiers)
        try:
            hit = counter.hit(limit, *identifiers)
        except StorageError as error:
            if self._shared_failed_at is None:  # said once, not at every retry
                log.warning(
                    "rate-limit storage unreachable (Redis): counting in this process "
                    "until it answers again (%s)",
                    error.storage_error,
                )
            self._shared_failed_at = time.monotonic()
            return self.local_counter.hit(limit, *identifiers)
        if self._shared_failed_at is not None:
            self._shared_failed_at = None
            log.warning("rate-limit storage (Redis) answers again: counting there")
        return hit

    def _counter(self) -> FixedWindowRateLimiter:
        if self.shared_counter is None:
            return self.local_counter
        failed_at = self._shared_failed_at
        if failed_at is not None and time.monotonic() - failed_at < RETRY_REDIS_AFTER_S:
            return self.local_counter
        return self.shared_counter


def rate_limits(app: Flask) -> RateLimits:
    """Return ``app``'s rate limits."""
    return app.extensions[EXTENSION_KEY]


def client_address() -> str:
    """Return the address a request came from: a proxy's word for it only where it is believed.

    ``ProxyFix`` (set up with the number of trusted proxies) has already put the
    client's address in ``remote_addr``; a forged ``X-Forwarded-For`` is ignored.
    """
    return request.remote_addr or "unknown"


def limited(scope: str, setting: str, *keys: Callable[[], str]) -> Callable[[Callable], Callable]:
    """Limit a view's POSTs to the app setting ``setting`` (``"10 per minute;50 per hour"``).

    Each of ``keys`` (by default the client's address) is counted on its own, in
    ``scope``: a sign-in is refused when either its address or the account it
    names has used up its attempts. A refused POST gets the 429 page.
    """
    keys = keys or (client_address,)

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def limited_view(*args, **kwargs):
            limits = rate_limits(current_app)
            if request.method == "POST" and limits.enabled:
                for key in keys:
                    identifiers = (scope, key())
                    limit = limits.breached(current_app.config[setting], *identifiers)
                    if limit is not None:
                        wait = limits.seconds_to_wait(limit, *identifiers)
                        # The site's error handler writes the page, with Retry-After.
                        raise TooManyRequests(retry_after=wait)
            return view(*args, **kwargs)

        return limited_view

    return decorate


def init_app(app: Flask) -> None:
    """Give ``app`` its rate limits (off where ``RATELIMIT_ENABLED`` is false, as in tests)."""
    app.config.setdefault("RATELIMIT_ENABLED", True)
    app.extensions[EXTENSION_KEY] = RateLimits(
        app.config["REDIS_URL"], enabled=app.config["RATELIMIT_ENABLED"]
    )


def shared_store_answers(app: Flask) -> bool | None:
    """Tell whether the shared store (Redis) answers; None when limits are counted in-process."""
    limits = rate_limits(app)
    if limits.shared_store is None or not limits.enabled:
        return None
    try:
        return limits.shared_store.check()
    except StorageError:
        return False
