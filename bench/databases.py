"""Throwaway databases: a SQLite file in the run's folder, or a PostgreSQL database made for it."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from bench.processes import course_environment, run_course

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


class DatabaseUnavailable(RuntimeError):
    """The PostgreSQL server the benchmark needs is not there."""


def sqlite_url(folder: Path, name: str) -> str:
    return f"sqlite:///{folder / f'{name}.db'}"


def postgres_admin_url() -> str:
    """The server to make benchmark databases on: BENCH_DATABASE_URL, else TEST_DATABASE_URL."""
    return (
        os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("TEST_DATABASE_URL")
        or DEFAULT_POSTGRES_URL
    )


@contextmanager
def postgres_database(name: str) -> Iterator[str]:
    """Create the database ``name`` afresh, yield its URL, and drop it afterwards."""
    admin_url = make_url(postgres_admin_url())
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        admin.dispose()
        where = admin_url.render_as_string(hide_password=True)
        raise DatabaseUnavailable(f"PostgreSQL is not reachable at {where}") from error
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def each_database(
    workspace: Path, name: str
) -> dict[str, Callable[[], AbstractContextManager[str]]]:
    """The databases a benchmark runs on, by their names in the report: each, entered,
    gives the URL of a fresh database called ``name`` (dropped afterwards on PostgreSQL)."""
    return {
        "SQLite": lambda: nullcontext(sqlite_url(workspace, name)),
        "PostgreSQL": lambda: postgres_database(f"course_bench_{name.replace('-', '_')}"),
    }


def migrate(database_url: str, code: Path | None = None) -> None:
    """Bring the database to the newest migration, as an operator would.

    ``code``: another checkout of the project, whose migrations (and code) to run.
    """
    environment = course_environment(DATABASE_URL=database_url)
    if code is not None:
        environment["PYTHONPATH"] = str(code)
    run_course(environment, "db", "upgrade")


def add_learners(database_url: str, emails: list[str]) -> str:
    """Add learner accounts that share one new password (hashing is slow on purpose); return it."""
    from sqlalchemy.orm import Session

    from course.auth.models import Role, User
    from course.auth.passwords import hash_password
    from course.db import make_engine
    from course.models import import_all_models

    import_all_models()
    password = secrets.token_urlsafe(16)
    password_hash = hash_password(password)
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            session.add_all(
                User(
                    email=email,
                    name=f"Bench Learner {number}",
                    role=Role.LEARNER,
                    password_hash=password_hash,
                )
                for number, email in enumerate(emails, start=1)
            )
            session.commit()
    finally:
        engine.dispose()
    return password
