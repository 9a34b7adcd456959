"""Rate limits when their shared store fails and comes back."""

from __future__ import annotations

import logging

from limits import parse

from course import rate_limits
from course.rate_limits import RateLimits
from tests.conftest import REDIS_URL, require


def redis_answers() -> bool:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        return bool(client.ping())
    except redis.exceptions.ConnectionError:
        return False
    finally:
        client.close()


def test_counting_moves_in_process_while_redis_is_down_and_back_when_it_answers(
    monkeypatch, caplog
):
    require(redis_answers(), f"Redis is not answering at {REDIS_URL}")
    clock = [1000.0]
    monkeypatch.setattr(rate_limits.time, "monotonic", lambda: clock[0])
    limits = RateLimits(REDIS_URL)
    limits.shared_store.reset()
    two_a_minute = "2 per minute"
    key = ("test", "203.0.113.7")
    assert limits.breached(two_a_minute, *key) is None  # counted in Redis: 1

    def redis_down(*_args, **_kwargs):
        raise rate_limits.StorageError(ConnectionRefusedError("Redis is down"))

    real_hit = limits.shared_counter.hit
    monkeypatch.setattr(limits.shared_counter, "hit", redis_down)
    with caplog.at_level(logging.WARNING, logger="course"):
        assert limits.breached(two_a_minute, *key) is None  # in-process: 1
        assert limits.breached(two_a_minute, *key) is None  # in-process: 2
        assert limits.breached(two_a_minute, *key) == parse(two_a_minute)  # in-process: 3
    assert sum("storage unreachable" in r.getMessage() for r in caplog.records) == 1

    monkeypatch.setattr(limits.shared_counter, "hit", real_hit)  # Redis answers again
    assert limits.breached(two_a_minute, *key) is not None  # still in-process: not tried yet
    clock[0] += rate_limits.RETRY_REDIS_AFTER_S
    assert limits.breached(two_a_minute, *key) is None  # Redis again: 2
    assert limits.breached(two_a_minute, *key) == parse(two_a_minute)  # Redis: 3
    limits.shared_store.reset()
