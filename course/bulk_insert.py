"""Rows sent in bulk the fastest public way: COPY on PostgreSQL, executemany on SQLite.

For data made outside the services, many thousands of rows at a time (``course demo``):
rows are plain tuples in the order of the columns named, nothing goes through the ORM,
and parents get their ids reserved as they are made, so children can name them.

The rows are sent by one thread of their own, in the order they were given, while
the caller makes the next ones: the database's work (its own process on PostgreSQL,
SQLite's C code, which lets go of Python's lock) runs beside Python's. Only that
thread uses the connection until ``wait`` returns.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Table, bindparam, exists, func, insert, select, text

# Rows per executemany call on SQLite: the statement is prepared once per call.
SQLITE_CHUNK = 20_000
# Rows per INSERT on SQLite, within the 999 values its older builds bind at most: each
# row inserted alone costs a step of the statement and a turn of Python's lock for the
# sending thread (which the thread making rows holds most of the time).
SQLITE_ROWS_PER_INSERT = 50
SQLITE_VARIABLES = 999
# SQLite's page cache while rows are sent, in KiB (its default is 2 MiB). Rows in time
# order land all over their table's index by learner: with the default cache each of
# those pages is written out and read back again and again (a 100,000-learner demo
# read 16 GB back); this holds such an index whole.
SQLITE_CACHE_KIB = 256 * 1024
# Ids reserved at a time on PostgreSQL; the next block is asked for while this one is used.
ID_BLOCK = 20_000
# PostgreSQL's sort memory for building the indexes again after a load, for this
# transaction only (its default, 64 MB, sorts the largest of them on disk).
INDEX_BUILD_MEMORY = "256MB"


def refresh_statistics(connection: Connection, tables: Iterable[Table]) -> None:
    """Have PostgreSQL sample ``tables`` afresh, in this transaction: after filling them in bulk.

    Autovacuum samples only committed rows, so inside the transaction that filled
    them the planner takes these tables for as small as they were: the member
    summaries of a 40,000-learner demo were planned as a nested loop over the
    final quiz's summaries, 78 s, and take 0.4 s once the tables are analyzed.
    SQLite plans without such figures unless told to gather them.
    """
    if connection.dialect.name != "postgresql":
        return
    quoted = connection.dialect.identifier_preparer.quote
    connection.exec_driver_sql("ANALYZE " + ", ".join(quoted(table.name) for table in tables))


@contextmanager
def sqlite_rollback_journal(connection: Connection) -> Iterator[bool]:
    """Run what is inside with SQLite's rollback journal rather than its write-ahead log.

    For a load into a database that holds little: the log receives every page
    written and copies it into the database again at the checkpoint (at 100,000
    learners, 6.6 GB twice), where a rollback journal keeps only the pages that
    existed before, to put them back if the load fails (those added beyond the
    file's old end it never copies). A crash at any point leaves the database as
    it was before: the next connection finds the journal and rolls back.

    ``connection`` must be between transactions (SQLite changes its journal only
    there) and is given back with its log. Only when no other connection has the
    database open, since the journal is the file's; otherwise nothing changes.
    Meanwhile other connections wait, as for any writer that holds SQLite's lock.
    Yields whether the journal changed.
    """
    if connection.dialect.name != "sqlite":
        yield False
        return
    driver = connection.connection.driver_connection  # no BEGIN is sent through it
    if _journal_mode(driver) != "wal" or _journal_mode(driver, "DELETE") != "delete":
        yield False
        return
    # FULL: with a rollback journal, NORMAL could leave a corrupt file after a power cut.
    synchronous = driver.execute("PRAGMA synchronous").fetchone()[0]
    driver.execute("PRAGMA synchronous=FULL")
    try:
        yield True
    finally:
        driver.execute(f"PRAGMA synchronous={int(synchronous)}")
        _journal_mode(driver, "WAL")


def _journal_mode(driver, mode: str | None = None) -> str:
    pragma = "PRAGMA journal_mode" if mode is None else f"PRAGMA journal_mode={mode}"
    return driver.execute(pragma).fetchone()[0].lower()


@dataclass(frozen=True)
class Deferred:
    """A definition taken off a table for a load: how to take it off, how to put it back."""

    drop: str
    create: str


@contextmanager
def indexes_built_after(connection: Connection, tables: Sequence[Table]) -> Iterator[bool]:
    """Load ``tables`` without their secondary indexes, built again once they are filled.

    The way both databases' manuals advise filling empty tables: an index built
    from all its rows at once is sorted once, where one kept up row by row is
    written all over. On PostgreSQL the foreign keys of ``tables`` go too (each
    row would otherwise run a trigger looking up its parent) and are added back,
    which checks every row in one join. Only when every table is empty: then
    nobody else's rows depend on them while they are away. What is dropped is
    read from the database and put back as it was written there, so the schema
    ends as the migrations left it. Unique indexes and primary keys stay, and
    so does SQLite's foreign-key checking (which it cannot drop).

    Yields whether they were taken off. The drops are part of the transaction:
    if the load fails, rolling it back brings them back.
    """
    if any(connection.scalar(select(exists().select_from(table))) for table in tables):
        yield False
        return
    deferred = [found for table in tables for found in _deferrable(connection, table)]
    for each in deferred:
        connection.exec_driver_sql(each.drop)
    yield True
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
    for each in deferred:
        connection.exec_driver_sql(each.create)


def _deferrable(connection: Connection, table: Table) -> list[Deferred]:
    if connection.dialect.name == "postgresql":
        return _postgresql_deferrable(connection, table)
    return _sqlite_deferrable(connection, table)


def _sqlite_deferrable(connection: Connection, table: Table) -> list[Deferred]:
    # Indexes made by CREATE INDEX (origin "c") that are not unique; SQLite keeps the
    # statement that made each.
    quoted = connection.dialect.identifier_preparer.quote
    listed = connection.exec_driver_sql(f"PRAGMA index_list({quoted(table.name)})").mappings()
    names = [row["name"] for row in listed if row["origin"] == "c" and not row["unique"]]
    made = text("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :name")
    return [
        Deferred(f"DROP INDEX {quoted(name)}", connection.scalar(made, {"name": name}))
        for name in sorted(names)
    ]


def _postgresql_deferrable(connection: Connection, table: Table) -> list[Deferred]:
    quoted = connection.dialect.identifier_preparer.quote
    name = quoted(table.name)
    indexes = connection.execute(
        text(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = CAST(:table AS regclass) AND NOT indisunique AND NOT indisprimary "
            "ORDER BY 1"
        ),
        {"table": name},
    )
    foreign_keys = connection.execute(
        text(
            "SELECT quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = CAST(:table AS regclass) AND contype = 'f' ORDER BY 1"
        ),
        {"table": name},
    )
    return [
        *(Deferred(f"DROP INDEX {index}", made) for index, made in indexes),
        *(
            Deferred(
                f"ALTER TABLE {name} DROP CONSTRAINT {key}",
                f"ALTER TABLE {name} ADD CONSTRAINT {key} {made}",
            )
            for key, made in foreign_keys
        ),
    ]


class BulkInsert:
    """Sends rows into tables on one connection, inside its open transaction, in order.

    Use it as a context manager: leaving it waits for every row to be sent (or,
    after an error, for what was under way, dropping the rest).
    """

    def __init__(self, connection: Connection):
        self.connection = connection
        self.is_postgresql = connection.dialect.name == "postgresql"
        self._statements: dict[tuple[str, tuple[str, ...]], str] = {}
        self._sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bulk-insert")
        self._pending: list[Future] = []
        self._cache_size = None

    def __enter__(self) -> BulkInsert:
        if not self.is_postgresql:
            # A setting of this connection alone, which only trades memory for speed;
            # put back before the connection goes back to the pool.
            self._cache_size = self.connection.exec_driver_sql("PRAGMA cache_size").scalar()
            self.connection.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        return self

    def __exit__(self, exc_type, *_exc) -> None:
        self._sender.shutdown(wait=True, cancel_futures=exc_type is not None)
        if self._cache_size is not None:
            self.connection.exec_driver_sql(f"PRAGMA cache_size={int(self._cache_size)}")

    def stamp(self, moment: datetime):
        """Return a UTC timestamp as this database's rows take it.

        PostgreSQL's COPY takes the aware datetime itself; SQLite takes the text
        SQLAlchemy's DateTime stores there (no offset, always microseconds), so
        that stored values compare and sort as the rest of the code expects.
        """
        if self.is_postgresql:
            return moment
        return moment.isoformat(" ", "microseconds")[:26]

    def new_ids(self, table: Table) -> Callable[[], int]:
        """Return a function giving the next id for a row of ``table`` this transaction inserts.

        Ids are handed out in increasing order, so rows keep the order they were made in.
        """
        if self.is_postgresql:
            return self._reserved_ids(table).__next__
        # SQLite: the writing transaction holds the database's write lock (BEGIN
        # IMMEDIATE), so nobody else adds rows until it ends; count on from the largest id.
        largest = self._sender.submit(self.connection.scalar, select(func.max(table.c.id)))
        return itertools.count((largest.result() or 0) + 1).__next__

    def _reserved_ids(self, table: Table) -> Iterator[int]:
        # Taken from the table's own sequence, as its default would, a block at a time:
        # safe beside other writers, whose rows take the ids between the blocks.
        sequence = func.pg_get_serial_sequence(table.name, "id")
        block = select(func.nextval(sequence)).select_from(func.generate_series(1, ID_BLOCK))
        upcoming = self._sender.submit(self._ids, block)
        while True:
            ids = upcoming.result()
            upcoming = self._sender.submit(self._ids, block)
            yield from ids

    def _ids(self, block) -> list[int]:
        return sorted(self.connection.scalars(block))

    def send(self, table: Table, columns: Sequence[str], rows: Iterable[tuple]) -> None:
        """Insert ``rows`` (tuples in the order of ``columns``), after what was sent before.

        ``rows`` is read by the sending thread: the caller must not change it afterwards.
        """
        self.call(self._send, table, tuple(columns), rows)

    def call(self, work: Callable[..., object], *args) -> None:
        """Run ``work(*args)`` in turn with the sending (it may use the connection)."""
        self._pending.append(self._sender.submit(work, *args))

    def wait(self) -> None:
        """Return once everything given so far is in; raise what went wrong, if anything did."""
        pending, self._pending = self._pending, []
        for future in pending:
            future.result()

    def _send(self, table: Table, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
        if self.is_postgresql:
            self._copy(table, columns, rows)
            return
        rows = iter(rows)
        per_statement = max(1, min(SQLITE_ROWS_PER_INSERT, SQLITE_VARIABLES // len(columns)))
        several = self._sqlite_statement(table, columns, per_statement)
        while chunk := list(itertools.islice(rows, SQLITE_CHUNK)):
            whole = len(chunk) - len(chunk) % per_statement
            if whole:
                flat = itertools.chain.from_iterable
                groups = [
                    tuple(flat(chunk[first : first + per_statement]))
                    for first in range(0, whole, per_statement)
                ]
                self.connection.exec_driver_sql(several, groups)
            if whole < len(chunk):
                one = self._sqlite_statement(table, columns, 1)
                self.connection.exec_driver_sql(one, chunk[whole:])

    def _copy(self, table: Table, columns: Sequence[str], rows: Iterable[tuple]) -> None:
        # psycopg 3's COPY, on the driver connection under this SQLAlchemy connection,
        # so the rows land in the same transaction.
        driver = self.connection.connection.driver_connection
        quoted = self.connection.dialect.identifier_preparer.quote
        names = ", ".join(quoted(name) for name in columns)
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY {quoted(table.name)} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def _sqlite_statement(self, table: Table, columns: tuple[str, ...], rows: int) -> str:
        # A Core INSERT of these columns, compiled once; its ? placeholders follow the
        # table's order of columns, which the rows' tuples must keep to bind as they are.
        # Its VALUES repeated for ``rows`` rows at a time, bound from their values in turn.
        key = (table.name, columns)
        found = self._statements.get(key)
        if found is None:
            statement = insert(table).values({name: bindparam(name) for name in columns})
            compiled = statement.compile(dialect=self.connection.dialect)
            if compiled.positiontup != list(columns):
                raise ValueError(f"name the columns of {table.name} in the table's order")
            found = self._statements[key] = compiled.string
        head, values = found.rsplit(" VALUES ", 1)
        return f"{head} VALUES {', '.join([values] * rows)}"
