"""When Redis or the database stops answering: what still works, what the page and /healthz say."""

from __future__ import annotations

import logging
import re
import socket
import threading
import time

import pytest

from tests.conftest import PASSWORD, REDIS_URL, post_form, require

# A closed port on this machine: connecting is refused at once.
DOWN_REDIS_URL = "redis://127.0.0.1:1/0"
UNAVAILABLE = "try again in a minute"

# Run once, on SQLite, rather than once per backend: these apps' database is either
# beside the point or made unreachable on purpose.
once = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def limits_warnings(caplog) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno == logging.WARNING and "storage unreachable" in record.getMessage()
    ]


@once
def test_sign_in_works_and_stays_limited_in_process_when_redis_is_down(make_app, make_user, caplog):
    app = make_app(REDIS_URL=DOWN_REDIS_URL, RATELIMIT_ENABLED=True, LOGIN_LIMIT="2 per minute")
    user = make_user()
    statuses = []
    for _attempt in range(2):
        browser = app.test_client()
        statuses.append(
            post_form(browser, "/login", {"email": user.email, "password": PASSWORD}).status_code
        )
        assert browser.get("/account").status_code == 200  # signed in
    # The third sign-in of the minute is still refused: the limit moved in-process.
    attacker = app.test_client()
    statuses.append(
        post_form(attacker, "/login", {"email": user.email, "password": "guess"}).status_code
    )
    assert statuses == [302, 302, 429]
    assert len(limits_warnings(caplog)) == 1, caplog.text


@once
def test_sign_up_works_when_redis_is_down(make_app):
    app = make_app(REDIS_URL=DOWN_REDIS_URL, RATELIMIT_ENABLED=True)
    response = post_form(
        app.test_client(),
        "/register",
        {"name": "Ada Lovelace", "email": "ada@example.com", "password": PASSWORD},
    )
    assert response.status_code == 302


@once
def test_healthz_names_the_limits_store_when_redis_is_down(make_app):
    app = make_app(REDIS_URL=DOWN_REDIS_URL, RATELIMIT_ENABLED=True)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert "limits store (Redis) unavailable" in response.text
    assert "database" not in response.text


def test_healthz_stays_ok_with_a_real_redis(make_app):
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        require(False, f"Redis is not answering at {REDIS_URL}")
    finally:
        client.close()
    app = make_app(REDIS_URL=REDIS_URL, RATELIMIT_ENABLED=True)
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.text.strip() == "ok"


@pytest.fixture
def silent_redis():
    """A Redis address that accepts connections and never answers (a hung server)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    listener.close()


def timed(request, limit: float):
    """Run ``request`` in a thread; return its answer and how long it took (None past ``limit``)."""
    answer = {}

    def run():
        started = time.monotonic()
        try:
            answer["response"] = request()
        except Exception as error:  # reported by the test, not lost in the thread
            answer["response"] = error
        answer["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(limit)
    return answer.get("response"), answer.get("seconds")


@once
def test_a_hung_redis_costs_a_sign_in_at_most_a_moment(make_app, make_user, silent_redis):
    app = make_app(REDIS_URL=silent_redis, RATELIMIT_ENABLED=True)
    user = make_user()
    browser = app.test_client()
    token_page = browser.get("/login").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', token_page).group(1)
    response, seconds = timed(
        lambda: browser.post(
            "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
        ),
        limit=10,
    )
    assert seconds is not None, "sign-in waited on Redis for more than 10 s"
    assert response.status_code == 302
    assert seconds < 5
    health, seconds = timed(lambda: app.test_client().get("/healthz"), limit=10)
    assert seconds is not None, "/healthz waited on Redis for more than 10 s"
    assert health.status_code == 503
    assert seconds < 5


UNREACHABLE_POSTGRESQL = "postgresql+psycopg://course@127.0.0.1:1/course"


@pytest.fixture(params=["postgresql", "sqlite"])
def down_database_url(request, tmp_path) -> str:
    """A database address that cannot be reached: a closed port, or a file that cannot be opened."""
    if request.param == "postgresql":
        return UNREACHABLE_POSTGRESQL
    return f"sqlite:///{tmp_path / 'no such folder' / 'course.db'}"


@pytest.fixture
def down_app(make_app, down_database_url):
    return make_app(DATABASE_URL=down_database_url, PROPAGATE_EXCEPTIONS=False)


def signed_in_browser(app):
    """A browser carrying a sign-in cookie, as a learner's does when the database goes away."""
    browser = app.test_client()
    with browser.session_transaction() as cookie:
        cookie["_user_id"] = "1"
        cookie["_fresh"] = True
        cookie["auth_token"] = "a session the database would have to confirm"
    return browser


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/"),
        ("GET", "/account"),
        ("GET", "/progress"),
        ("GET", "/lessons/welcome"),
        ("GET", "/no/such/page"),
        ("POST", "/logout"),
        ("POST", "/login"),
    ],
)
@once
def test_every_page_is_a_styled_503_while_the_database_is_down(down_app, method, path, caplog):
    browser = signed_in_browser(down_app)
    response = browser.open(path, method=method, headers={"X-Request-Id": "req-42"})
    assert response.status_code == 503
    page = response.text
    assert UNAVAILABLE in page.lower()
    assert "req-42" in page
    assert re.search(r'<link rel="stylesheet" href="/static/course\.css\?v=\w+"', page)
    assert "Internal Server Error" not in page
    assert "Traceback" not in page
    assert response.headers["Retry-After"] == "60"
    assert any("req-42" in record.getMessage() for record in caplog.records)


@once
def test_sign_in_is_a_styled_503_while_the_database_is_down(down_app):
    browser = down_app.test_client()
    response = post_form(browser, "/login", {"email": "ada@example.com", "password": PASSWORD})
    assert response.status_code == 503
    assert UNAVAILABLE in response.text.lower()


@once
def test_healthz_names_the_database_when_it_is_down(down_app):
    response = down_app.test_client().get("/healthz")
    assert response.status_code == 503
    assert "database unavailable" in response.text
