"""The demo's bulk load on a fresh database: indexes built after, the schema as migrated."""

import sqlite3

import pytest
from alembic import command
from sqlalchemy import insert, inspect
from sqlalchemy.exc import IntegrityError

from course.bulk_insert import indexes_built_after
from course.config import REPOSITORY_ROOT
from course.db import make_engine, new_session, utcnow
from course.migrate import alembic_config
from course.progress.models import LearningRecord, QuizAnswer
from tests.conftest import scratch_postgres_database, sqlite_only
from tests.test_demo import run_demo

RECORDS = LearningRecord.__table__


def schema(url: str) -> list[tuple]:
    """Every table, index and constraint as the database itself states it."""
    engine = make_engine(url)
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            query = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
        else:
            query = (
                "SELECT tablename, indexname, indexdef, NULL FROM pg_indexes "
                "WHERE schemaname = 'public' UNION ALL "
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), "
                "convalidated::text FROM pg_constraint "
                "WHERE connamespace = 'public'::regnamespace"
            )
        rows = sorted((tuple(row) for row in connection.exec_driver_sql(query)), key=repr)
    engine.dispose()
    return rows


def an_orphan_answer_is_refused(url: str) -> None:
    engine = make_engine(url)
    orphan = {
        "attempt_id": 10**9, "position": 0, "question_id": "q", "question_type": "single",
        "answer": "a", "points": 0, "max_points": 1, "is_correct": False, "review_id": 1,
    }  # fmt: skip
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(insert(QuizAnswer.__table__), orphan)
    engine.dispose()


def demo_on_fresh_database(make_app, url: str) -> None:
    command.upgrade(alembic_config(url), "head")
    migrated = schema(url)
    app = make_app(DATABASE_URL=url, CONTENT_DIR=str(REPOSITORY_ROOT))
    run_demo(app, "--learners", "30", "--seed", "3")
    assert schema(url) == migrated
    check = app.test_cli_runner().invoke(args=["db", "check"])
    assert check.exit_code == 0, check.output
    an_orphan_answer_is_refused(url)
    # A second demo finds the tables filled, keeps their indexes, and is as correct.
    run_demo(app, "--learners", "5")
    assert schema(url) == migrated
    check = app.test_cli_runner().invoke(args=["db", "check"])
    assert check.exit_code == 0, check.output


@sqlite_only
def test_a_demo_on_a_fresh_sqlite_database_leaves_the_migrated_schema(make_app, tmp_path):
    path = tmp_path / "fresh.db"
    demo_on_fresh_database(make_app, f"sqlite:///{path}")
    # The rollback journal of the load is gone, and the database logs ahead again.
    assert not (tmp_path / "fresh.db-journal").exists()
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.postgres
@sqlite_only  # the app's own database is unused: the demo runs on a scratch one
def test_a_demo_on_a_fresh_postgresql_database_leaves_the_migrated_schema(make_app):
    with scratch_postgres_database("demo") as url:
        demo_on_fresh_database(make_app, url)


def indexes_of(connection, table) -> set[str]:
    return {index["name"] for index in inspect(connection).get_indexes(table.name)}


def test_indexes_of_empty_tables_are_dropped_for_the_load_and_built_again(app):
    with app.app_context(), new_session(write=True) as session:
        connection = session.connection()
        before = indexes_of(connection, RECORDS)
        assert "ix_learning_record_user_id" in before
        with indexes_built_after(connection, [RECORDS]) as dropped:
            assert dropped
            assert indexes_of(connection, RECORDS) == set()
        assert indexes_of(connection, RECORDS) == before
        session.rollback()


def test_tables_that_hold_rows_keep_their_indexes(app, make_user):
    learner = make_user()
    record = {
        "user_id": learner.id, "verb": "opened", "object_kind": "lesson", "object_slug": "x",
        "recorded_at": utcnow(),
    }  # fmt: skip
    with app.app_context(), new_session(write=True) as session:
        connection = session.connection()
        connection.execute(insert(RECORDS), record)
        before = indexes_of(connection, RECORDS)
        with indexes_built_after(connection, [QuizAnswer.__table__, RECORDS]) as dropped:
            assert not dropped
            assert indexes_of(connection, RECORDS) == before
        session.rollback()
