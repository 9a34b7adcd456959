"""The database: the ``Model`` base, the engine, and one session per request.

Views commit; services only add and flush. A POST gets a writing session: on
SQLite its transaction opens with ``BEGIN IMMEDIATE``, so concurrent writers
queue on the busy timeout instead of failing with "database is locked". A GET
gets a reading session and reads; the one GET that writes (a lesson page noting
that it was opened) says so by calling ``begin_write`` before it writes, which
makes its writes one transaction holding the write lock.

What every page reads (who is signed in, where a learner stands) is plain Core
and runs on ``get_connection``: in a GET that is a connection with no ORM
session around it, and a session opened later in the request carries on in it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql.compiler import Compiled
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 30_000
WRITE_OPTION = "course_write"


class Model(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """A timestamp stored as UTC and always read back timezone-aware.

    SQLite keeps no time zone, so without this a value read back would compare
    unequal to the aware value that was written.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given for a UTC column")
            value = value.astimezone(UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value

    def result_processor(self, dialect, coltype):
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)

        # One step from SQLite's text to an aware datetime: reports read a
        # hundred thousand of these, and the general path takes three. Values are
        # stored without an offset (above); parsing one appended costs a sixth of
        # what .replace(tzinfo=UTC) does afterwards.
        def to_aware(value):
            if value is None:
                return None
            return datetime.fromisoformat(value + "+00:00")

        return to_aware


def utcnow() -> datetime:
    """Return the current time, aware, in UTC."""
    return datetime.now(UTC)


def make_engine(url: str) -> Engine:
    """Create an engine for ``url`` with the settings each backend needs."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Leave transaction control to the writing engine's "begin" hook below:
        # a reading session runs each statement on its own (SQLite's autocommit),
        # so a page that records one small write never has to upgrade a read
        # snapshot to a write lock, which SQLite refuses at once when another
        # writer got in first.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def writing_engine(engine: Engine) -> Engine:
    """Return ``engine`` for sessions that write: on SQLite they take the write lock up front.

    The hook is set on this engine alone, not on ``engine``: a connection whose
    engine has no event hooks skips SQLAlchemy's event dispatch on every
    statement, which reading requests (most of them) would otherwise pay for nothing.
    """
    writer = engine.execution_options(**{WRITE_OPTION: True})
    if engine.dialect.name == "sqlite":

        @event.listens_for(writer, "begin")
        def on_begin(connection):
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return writer


def init_app(app: Flask) -> None:
    """Create the app's engine and close each request's session at teardown."""
    engine = make_engine(app.config["DATABASE_URL"])
    writer = writing_engine(engine)
    app.extensions["course_db"] = {
        "engine": engine,
        "writing_engine": writer,
        "reader": sessionmaker(bind=engine, expire_on_commit=False),
        "writer": sessionmaker(bind=writer, expire_on_commit=False),
    }
    app.teardown_appcontext(_close_session)


def database_engine() -> Engine:
    """Return the current app's engine."""
    return current_app.extensions["course_db"]["engine"]


def get_session() -> Session:
    """Return this request's session, opening it on first use.

    A POST gets a writing session; anything else a reading one, on the request's
    reading connection when ``get_connection`` opened one.
    """
    if "db_session" not in g:
        if "db_connection" in g:
            # It takes the connection's transaction as its own: its commit commits
            # what it wrote, and closing it rolls back whatever it left.
            makers = current_app.extensions["course_db"]
            g.db_session = makers["reader"](
                bind=g.db_connection, join_transaction_mode="control_fully"
            )
        else:
            g.db_session = new_session(write=_request_writes())
    return g.db_session


def get_connection() -> Connection:
    """Return this request's connection, for reading with Core.

    In a GET it is a connection alone: an ORM session costs about 35 µs more to
    open and close than a connection, on a lesson page whose two queries take
    about 45 µs. A POST reads on its writing session's connection, in the
    transaction it writes in.
    """
    if "db_session" in g or _request_writes():
        return get_session().connection()
    if "db_connection" not in g:
        g.db_connection = database_engine().connect()
    return g.db_connection


def _request_writes() -> bool:
    return has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")


def new_session(*, write: bool = False, connection: Connection | None = None) -> Session:
    """Return a new session of the current app, for commands and threads.

    ``connection``: one from ``writing_connection``, for the session to run on.
    """
    makers = current_app.extensions["course_db"]
    maker = makers["writer" if write else "reader"]
    return maker() if connection is None else maker(bind=connection)


def writing_connection() -> Connection:
    """Return a connection of the writing engine whose transaction has not begun.

    For a command that sets what SQLite takes only between transactions (its journal)
    on the connection its writing session then runs on (``new_session(connection=...)``).
    """
    return current_app.extensions["course_db"]["writing_engine"].connect()


def begin_write(session: Session) -> None:
    """Make what follows one transaction holding the write lock, in a reading session too.

    A view that writes in a GET (a lesson's opening and its first learning
    record) calls this first, so its writes land together or not at all.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite" and not connection.get_execution_options().get(
        WRITE_OPTION
    ):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _close_session(_exc) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()  # rolls back whatever a failed request left uncommitted
    connection = g.pop("db_connection", None)
    if connection is not None:
        connection.close()


def insert_for(session: Session, table):
    """Return an INSERT for ``table`` in the session's dialect, with ON CONFLICT support."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def run_compiled(connection: Connection, compiled: Compiled, params: dict) -> None:
    """Run a statement compiled once and kept, with ``params`` bound.

    For statements SQLAlchemy does not cache compiled (an INSERT … ON CONFLICT):
    only plain ints and strings may be bound, which the driver takes as they are.
    """
    values = compiled.construct_params(params)
    if compiled.positiontup is not None:  # SQLite's ? placeholders
        values = tuple(values[key] for key in compiled.positiontup)
    connection.exec_driver_sql(compiled.string, values)
