"""On SQLite, who holds the write lock: a writing session from its start, a reading one never."""

import sqlite3

import pytest
from sqlalchemy import text

from course import create_app
from course.db import Model, begin_write, new_session
from tests.conftest import FIXTURE_COURSE


@pytest.fixture
def sqlite_app(tmp_path):
    # SQLite only, whatever backends the other tests run on: the lock is SQLite's.
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'locks.db'}",
            "CONTENT_DIR": str(FIXTURE_COURSE),
            "SECRET_KEY": "test secret key",
        },
        instance_path=str(tmp_path / "instance"),
    )
    engine = app.extensions["course_db"]["engine"]
    Model.metadata.create_all(engine)
    yield app
    engine.dispose()


def can_take_write_lock(app) -> bool:
    """Try, from another connection and without waiting, to start writing."""
    path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as error:
        if "locked" not in str(error):
            raise
        return False
    finally:
        other.close()


def test_a_writing_session_holds_the_write_lock_from_its_first_statement(sqlite_app):
    # Were the lock taken only at the first write, a second writer that got in
    # first would make this one fail at once instead of waiting its turn.
    with sqlite_app.app_context(), new_session(write=True) as session:
        session.execute(text("SELECT 1"))
        assert not can_take_write_lock(sqlite_app)
        session.rollback()
        assert can_take_write_lock(sqlite_app)


def test_a_reading_session_leaves_the_lock_free_until_it_asks(sqlite_app):
    with sqlite_app.app_context(), new_session() as session:
        session.execute(text("SELECT 1"))
        assert can_take_write_lock(sqlite_app)
        begin_write(session)
        assert not can_take_write_lock(sqlite_app)
