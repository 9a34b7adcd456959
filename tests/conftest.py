"""Shared fixtures: an app on a fresh database, its clients, and small factories.

Every test that uses ``app`` runs on SQLite and, when ``TEST_DATABASE_URL``
names a PostgreSQL database, once more on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import itertools
import os
import re
import shutil
import socket
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from course import create_app
from course.auth.accounts import begin_session
from course.auth.models import Role, User
from course.auth.passwords import hash_password
from course.auth.sessions import SESSION_TOKEN_KEY
from course.content import get_catalog
from course.db import Model, make_engine, new_session, utcnow
from course.manage.cohorts import create_cohort, join_cohort, renew_invite_code
from course.membership import Cohort
from course.models import import_all_models
from course.progress.lessons import complete_lesson
from course.progress.quizzes import submit_attempt
from course.progress.scenarios import choose, start_run

TESTS = Path(__file__).parent
FIXTURE_COURSE = TESTS / "data" / "course"
PASSWORD = "correct horse battery staple"
IN_CI = os.environ.get("CI", "").lower() == "true"
# Under pytest-xdist (`make test` runs a worker per CPU) each worker has a PostgreSQL
# database and a Redis database of its own, named after it, so that workers never
# truncate or flush each other's data.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", ...
SHARED_POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")


def _worker_postgres_url(url: str) -> str:
    if not url or not WORKER:
        return url
    base, name = url.rsplit("/", 1)
    return f"{base}/{name}_{WORKER}"


def _worker_redis_url(url: str) -> str:
    if not WORKER:
        return url
    base, number = url.rsplit("/", 1)
    return f"{base}/{int(number) - int(WORKER.removeprefix('gw'))}"


POSTGRES_URL = _worker_postgres_url(SHARED_POSTGRES_URL)
REDIS_URL = _worker_redis_url(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))


def pytest_configure(config):
    """Make this worker's PostgreSQL database, once, when the tests have a server."""
    if POSTGRES_URL == SHARED_POSTGRES_URL:
        return
    name = POSTGRES_URL.rsplit("/", 1)[1].split("?")[0]
    admin = make_engine(SHARED_POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError:  # no server here: the tests that need one skip (or fail in CI)
        return
    finally:
        admin.dispose()


@contextlib.contextmanager
def scratch_postgres_database(purpose: str) -> Iterator[str]:
    """Make an empty PostgreSQL database, yield its address, and drop it afterwards.

    Named after the test database, so runs against different test databases (parallel
    worktrees) never drop each other's scratch database. Needs TEST_DATABASE_URL.
    """
    require(bool(POSTGRES_URL), "TEST_DATABASE_URL is not set")
    base, name = POSTGRES_URL.rsplit("/", 1)
    database = f"{name.split('?')[0]}_{purpose}"
    admin = make_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {database}"))
        yield f"{base}/{database}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
        admin.dispose()


import_all_models()


def require(condition: bool, reason: str) -> None:
    """Skip when something the test needs is missing, but fail in CI where it must exist."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI must have it)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _no_course_environment(monkeypatch):
    """Keep the developer's COURSE_* settings out of the tests."""
    for name in list(os.environ):
        if name.startswith("COURSE_"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def password_hash() -> str:
    # Hashing is deliberately slow; every factory-made user shares one hash.
    return hash_password(PASSWORD)


@pytest.fixture(scope="session")
def postgres_engine():
    require(bool(POSTGRES_URL), "TEST_DATABASE_URL is not set")
    engine = make_engine(POSTGRES_URL)
    Model.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    Model.metadata.create_all(engine)
    yield engine
    Model.metadata.drop_all(engine)
    engine.dispose()


def _backends():
    yield pytest.param("sqlite", id="sqlite")
    if POSTGRES_URL or IN_CI:
        yield pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)


# For a test that gives its app a SQLite database of its own (DATABASE_URL=...):
# it runs once, not again under a PostgreSQL parameter it never uses.
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture(params=list(_backends()))
def database_url(request, tmp_path):
    """A fresh, empty database with every table, on each backend under test."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'course.db'}"
        engine = make_engine(url)
        Model.metadata.create_all(engine)
        engine.dispose()
        yield url
        return
    engine = request.getfixturevalue("postgres_engine")
    yield POSTGRES_URL
    tables = ", ".join(f'"{t.name}"' for t in Model.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def app_config(database_url, tmp_path) -> dict:
    """The settings ``app`` is made with; a test may change them first."""
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "CONTENT_DIR": str(FIXTURE_COURSE),
        "SECRET_KEY": "test secret key",
        "RATELIMIT_ENABLED": False,
    }


@pytest.fixture
def course_copy_dir(tmp_path) -> Path:
    """A copy of the fixture course that a test may edit, for ``make_app(CONTENT_DIR=...)``."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_COURSE, content)
    return content


@pytest.fixture
def make_app(app_config, tmp_path):
    """Create another app on the same database: ``make_app(CONTENT_DIR=...)``."""
    made = []

    def make(**overrides):
        instance = tmp_path / f"instance{len(made)}"
        made.append(create_app({**app_config, **overrides}, instance_path=str(instance)))
        return made[-1]

    yield make
    for each in made:
        each.extensions["course_db"]["engine"].dispose()


@pytest.fixture
def sequential_app(make_app, tmp_path):
    """Another app on the same database, with the fixture course made sequential."""
    content = tmp_path / "sequential-course"
    shutil.copytree(FIXTURE_COURSE, content)
    outline = content / "lessons" / "course.yaml"
    outline.write_text(outline.read_text().replace("sequential: false", "sequential: true"))
    return make_app(CONTENT_DIR=str(content))


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app, password_hash):
    """Create an account: ``make_user(role=Role.MANAGER, name=..., email=...)``."""
    counter = itertools.count(1)

    def make(*, role: Role = Role.LEARNER, name: str | None = None, email: str | None = None):
        number = next(counter)
        with app.app_context(), new_session(write=True) as session:
            user = User(
                email=(email or f"{role.value}{number}@example.com").lower(),
                name=name or f"{role.value.title()} {number}",
                role=role,
                password_hash=password_hash,
            )
            session.add(user)
            session.commit()
            return user

    return make


def csrf_token(client) -> str:
    """Return the CSRF token of the client's current session."""
    for path in ("/account", "/login"):
        response = client.get(path)
        match = re.search(r'name="(?:[\w-]+-)?csrf_token"[^>]*value="([^"]+)"', response.text)
        if match:
            return match.group(1)
    raise AssertionError("no page offered a CSRF token")


def post_form(client, path: str, data: dict | None = None, **kwargs):
    """POST ``data`` to ``path`` with the session's CSRF token, as a browser would."""
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client))
    return client.post(path, data=data, **kwargs)


@pytest.fixture
def sign_in(client):
    """Sign ``user`` in on ``client`` (the test client by default) through the form."""

    def sign_in(user, on=None):
        browser = on or client
        response = post_form(browser, "/login", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.text
        return browser

    return sign_in


# Answers to the fixture quiz, in the shape the question types grade.
RIGHT = {
    "pick-one": "intern",
    "pick-many": frozenset({"checklist", "calendar"}),
    "is-accountable": False,
    "who-does-it": {"capstone": "intern", "checklist": "coordinator"},
}
WRONG = {
    "pick-one": "coordinator",
    "pick-many": frozenset({"roadmap"}),
    "is-accountable": True,
    "who-does-it": {"capstone": "coordinator", "checklist": "intern"},
}


@pytest.fixture
def make_cohort(app):
    """Create a cohort: ``make_cohort(manager, members=[...], due_on=..., invite=True)``."""

    def make(
        manager,
        *,
        name: str = "Spring hires",
        members=(),
        starts_on: date | None = None,
        due_on: date | None = None,
        invite: bool = False,
        joined_at: datetime | None = None,
    ) -> Cohort:
        with app.app_context(), new_session(write=True) as session:
            cohort = create_cohort(
                session,
                name=name,
                starts_on=starts_on,
                due_on=due_on,
                manager_id=manager.id,
                now=utcnow(),
            )
            if invite:
                renew_invite_code(cohort)
            join_cohort(
                session,
                cohort_id=cohort.id,
                user_ids=[member.id for member in members],
                now=joined_at or utcnow(),
            )
            session.commit()
            return cohort

    return make


class Activity:
    """Write what a learner did through the progress services, at a chosen time."""

    def __init__(self, app):
        self.app = app

    def lessons(self, user, *slugs: str, at: datetime | None = None) -> None:
        with self.app.app_context(), new_session(write=True) as session:
            for slug in slugs:
                complete_lesson(session, user.id, slug, at or utcnow())
            session.commit()

    def quiz(self, user, answers: dict, *, number: int = 1, at: datetime | None = None) -> int:
        """Submit an attempt at the fixture quiz; return its id."""
        with self.app.app_context(), new_session(write=True) as session:
            when = at or utcnow()
            attempt = submit_attempt(
                session,
                user_id=user.id,
                quiz=get_catalog().quizzes["fixture-quiz"],
                number=number,
                answers=answers,
                started_at=when - timedelta(minutes=5),
                now=when,
            )
            session.commit()
            return attempt.id

    def scenario(
        self,
        user,
        *choices: str,
        number: int = 1,
        at: datetime | None = None,
        slug: str = "fixture-scenario",
    ) -> int:
        """Play a fixture scenario making ``choices``; return the run's id."""
        with self.app.app_context(), new_session(write=True) as session:
            when = at or utcnow()
            scenario = get_catalog().scenarios[slug]
            run = start_run(session, user_id=user.id, scenario=scenario, number=number, now=when)
            for choice_id in choices:
                choose(
                    session,
                    run=run,
                    scenario=scenario,
                    step_id=run.current_step,
                    position=len(run.choices),
                    choice_id=choice_id,
                    now=when,
                )
            session.commit()
            return run.id

    def everything(self, user, at: datetime | None = None) -> None:
        """Complete every required item of the fixture course."""
        self.lessons(user, "welcome", "roles", at=at)
        self.quiz(user, RIGHT, at=at)
        self.scenario(user, "careful", "ship", at=at)


@pytest.fixture
def activity(app) -> Activity:
    return Activity(app)


@pytest.fixture
def enter_as(app, client):
    """Sign ``user`` in on a client without the sign-in form (and its deliberately slow hash).

    For tests about what a signed-in user may do, not about signing in.
    """

    def enter(user, on=None):
        browser = on or client
        with app.app_context(), new_session(write=True) as session:
            token = begin_session(session, session.get(User, user.id))
            session.commit()
        with browser.session_transaction() as cookie:
            cookie["_user_id"] = str(user.id)
            cookie["_fresh"] = True
            cookie[SESSION_TOKEN_KEY] = token
        return browser

    return enter


class MailServer:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives.

    ``stop()`` and ``start()`` take it down and bring it back on the same port;
    ``tls`` is None, "starttls" or "tls" (with a self-signed certificate the
    test trusts through ``SSL_CERT_FILE``).
    """

    def __init__(self, port: int, tls: str | None = None, ssl_context=None):
        self.port = port
        self.tls = tls
        self.ssl_context = ssl_context
        self.received: list[email.message.EmailMessage] = []
        self.refused: set[str] = set()  # addresses the server says it has no mailbox for
        self.controller = None

    @property
    def url(self) -> str:
        scheme = {None: "smtp", "starttls": "smtp+starttls", "tls": "smtps"}[self.tls]
        return f"{scheme}://127.0.0.1:{self.port}"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        server = self

        class Keep:
            async def handle_RCPT(self, _server, _session, envelope, address, _options):
                if address in server.refused:
                    return "550 No such mailbox here"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, _server, _session, envelope):
                server.received.append(
                    email.message_from_bytes(envelope.content, policy=email.policy.default)
                )
                return "250 Message accepted for delivery"

        options = {}
        if self.tls == "starttls":
            options = {"tls_context": self.ssl_context, "require_starttls": True}
        elif self.tls == "tls":
            options = {"ssl_context": self.ssl_context}
        self.controller = Controller(Keep(), hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list[email.message.EmailMessage]:
        """Return the mails received for ``address``."""
        return [mail for mail in self.received if mail["To"] == address]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mail_server():
    """A running SMTP server on loopback; point ``SMTP_URL`` at ``mail_server.url``."""
    server = MailServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_app(make_app, mail_server):
    """An app that sends mail through ``mail_server``, with links under a public address."""
    return make_app(SMTP_URL=mail_server.url, BASE_URL="https://learn.example.com")


def mail_link(mail: email.message.EmailMessage) -> str:
    """Return the first site address in a mail's text part."""
    text = mail.get_body(("plain",)).get_content()
    return re.search(r"https://learn\.example\.com/\S*", text).group(0)
