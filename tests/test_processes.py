"""The app as real server processes: several sharing PostgreSQL and Redis, and one killed."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import (
    FIXTURE_COURSE,
    REDIS_URL,
    require,
    scratch_postgres_database,
)

VENV_BIN = Path(sys.executable).parent
PASSWORD = "a sturdy passphrase 9"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """``gunicorn 'course:create_app()'`` in its own process, as production runs it."""

    def __init__(self, environment: dict, workers: int = 1, healthy: bool = True):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.environment = {**os.environ, **environment}
        self.workers = workers
        # Ready when /healthz says ok, or (for a server started with something down) 503.
        self.ready_status = 200 if healthy else 503
        self.process: subprocess.Popen | None = None
        self.log = ""  # what the server wrote to its error stream, once stopped

    def start(self) -> Server:
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "course:create_app()",
            ],
            env=self.environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == self.ready_status:
                        return self
            except urllib.error.HTTPError as error:
                if error.code == self.ready_status:
                    return self
                time.sleep(0.2)
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise AssertionError(f"server did not start: {self.log}")

    def stop(self, sig=signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(15)
        if self.process and self.process.stderr:
            self.log = self.process.stderr.read().decode()
            self.process.stderr.close()


class Browser:
    """Just enough of a browser: cookies, forms with their CSRF token, no redirects followed."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), self._NoRedirect()
        )

    def request(self, url: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(url, body, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post_form(self, server_url: str, path: str, data: dict, token_page: str) -> int:
        _status, page = self.request(server_url + token_page)
        token = re.search(r'name="(?:[\w-]+-)?csrf_token"[^>]*value="([^"]+)"', page).group(1)
        status, _body = self.request(server_url + path, {**data, "csrf_token": token})
        return status


def migrate(environment: dict) -> None:
    subprocess.run(
        [str(VENV_BIN / "course"), "db", "upgrade"],
        env={**os.environ, **environment},
        check=True,
        capture_output=True,
    )


def create_learner(environment: dict, email: str) -> None:
    subprocess.run(
        [
            str(VENV_BIN / "course"),
            "users",
            "create",
            email,
            "--name",
            "Pat Process",
            "--password-stdin",
        ],
        env={**os.environ, **environment},
        input=PASSWORD + "\n",
        text=True,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def postgres_database():
    with scratch_postgres_database("processes") as url:
        yield url


@pytest.fixture
def redis_url():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        require(False, f"Redis is not answering at {REDIS_URL}")
    client.flushdb()
    yield REDIS_URL
    client.flushdb()
    client.close()


@pytest.mark.postgres
def test_two_processes_share_sessions_and_sign_in_limits(postgres_database, redis_url, tmp_path):
    environment = {
        "COURSE_DATABASE_URL": postgres_database,
        "COURSE_CONTENT_DIR": str(FIXTURE_COURSE),
        "COURSE_SECRET_KEY": "one secret for every process",
        "COURSE_REDIS_URL": redis_url,
        "COURSE_LOGIN_LIMIT": "4 per minute",
    }
    migrate(environment)
    create_learner(environment, "pat@example.com")
    first, second = Server(environment).start(), Server(environment).start()
    try:
        browser = Browser()
        status = browser.post_form(
            first.url, "/login", {"email": "pat@example.com", "password": PASSWORD}, "/login"
        )
        assert status == 302
        status, page = browser.request(second.url + "/account")
        assert status == 200
        assert "pat@example.com" in page

        attacker = Browser()
        statuses = []
        for attempt in range(6):
            server = first if attempt % 2 else second
            statuses.append(
                attacker.post_form(
                    server.url,
                    "/login",
                    {"email": "pat@example.com", "password": "wrong guess"},
                    "/login",
                )
            )
        # Four tries per account a minute, counted across both processes (Pat's own
        # sign-in was the first), then 429 from whichever process answers.
        assert statuses == [200, 200, 200, 429, 429, 429]
        _status, page = attacker.request(first.url + "/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        status, page = attacker.request(
            first.url + "/login",
            {"email": "pat@example.com", "password": "x", "csrf_token": token},
        )
        assert status == 429
        assert "Too many attempts" in page
    finally:
        first.stop()
        second.stop()


def test_a_killed_server_loses_nothing_it_committed(tmp_path):
    database = tmp_path / "killed.db"
    environment = {
        "COURSE_DATABASE_URL": f"sqlite:///{database}",
        "COURSE_CONTENT_DIR": str(FIXTURE_COURSE),
        "COURSE_SECRET_KEY": "kill test",
    }
    migrate(environment)
    emails = [f"learner{i}@example.com" for i in range(6)]
    for email in emails:
        create_learner(environment, email)
    server = Server(environment, workers=2).start()
    browsers = []
    for email in emails:
        browser = Browser()
        assert (
            browser.post_form(
                server.url, "/login", {"email": email, "password": PASSWORD}, "/login"
            )
            == 302
        )
        # Committed before the trouble starts: must survive whatever follows.
        assert browser.post_form(server.url, "/lessons/welcome/complete", {}, "/account") == 302
        browsers.append(browser)

    def complete_all(browser):
        done = []
        for slug in ("roles", "wrap-up"):
            try:
                status = browser.post_form(server.url, f"/lessons/{slug}/complete", {}, "/account")
            except (OSError, AttributeError):
                break  # the server died under us
            if status == 302:
                done.append(slug)
        return done

    with ThreadPoolExecutor(len(browsers)) as pool:
        futures = [pool.submit(complete_all, browser) for browser in browsers]
        time.sleep(0.3)
        server.stop(signal.SIGKILL)  # no goodbye: the master dies mid-request
        for pid in subprocess.run(
            ["pgrep", "-f", f"127.0.0.1:{server.port}"], capture_output=True, text=True
        ).stdout.split():
            os.kill(int(pid), signal.SIGKILL)
        confirmed = [future.result() for future in futures]

    connection = sqlite3.connect(database)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = set(
            connection.execute(
                'SELECT u.email, p.lesson_slug FROM lesson_progress p JOIN "user" u '
                "ON u.id = p.user_id WHERE p.completed_at IS NOT NULL"
            ).fetchall()
        )
    finally:
        connection.close()
    for email, slugs in zip(emails, confirmed, strict=True):
        for slug in ["welcome", *slugs]:
            assert (email, slug) in stored


def test_with_redis_down_a_server_signs_people_in_and_says_so_once(tmp_path):
    environment = {
        "COURSE_DATABASE_URL": f"sqlite:///{tmp_path / 'course.db'}",
        "COURSE_CONTENT_DIR": str(FIXTURE_COURSE),
        "COURSE_SECRET_KEY": "redis down test",
        "COURSE_REDIS_URL": "redis://127.0.0.1:1/0",  # a closed port
    }
    migrate(environment)
    create_learner(environment, "pat@example.com")
    server = Server(environment, healthy=False).start()
    try:
        for _sign_in in range(2):
            status = Browser().post_form(
                server.url, "/login", {"email": "pat@example.com", "password": PASSWORD}, "/login"
            )
            assert status == 302
        status, body = Browser().request(server.url + "/healthz")
        assert status == 503
        assert "limits store (Redis) unavailable" in body
    finally:
        server.stop()
    assert server.log.count("counting in this process until it answers again") == 1, server.log


def test_with_the_database_down_a_server_shows_its_own_503_page(tmp_path):
    from course import create_app

    environment = {
        "COURSE_DATABASE_URL": "postgresql+psycopg://course@127.0.0.1:1/course",  # a closed port
        "COURSE_CONTENT_DIR": str(FIXTURE_COURSE),
        "COURSE_SECRET_KEY": "database down test",
    }
    # The cookie of a learner who signed in before the database went away.
    signer = create_app(
        {"TESTING": True, "CONTENT_DIR": str(FIXTURE_COURSE), "SECRET_KEY": "database down test"},
        str(tmp_path / "instance"),
    )
    signer.extensions["course_db"]["engine"].dispose()
    client = signer.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1"
        session["auth_token"] = "a session the database would have to confirm"
    cookie = client.get_cookie("session").value
    server = Server(environment, healthy=False).start()
    try:
        request = urllib.request.Request(
            server.url + "/account", headers={"Cookie": f"session={cookie}"}
        )
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(request, timeout=30)
        page = answer.value.read().decode()
        assert answer.value.code == 503
        assert "Try again in a minute" in page
        assert 'rel="stylesheet" href="/static/course.css?v=' in page
        assert answer.value.headers["X-Request-Id"] in page
        status, body = Browser().request(server.url + "/healthz")
        assert status == 503
        assert "database unavailable" in body
    finally:
        server.stop()
