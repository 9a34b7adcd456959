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
from datetime import datetime

from sqlalchemy import Connection, Table, bindparam, func, insert, select

# Rows per executemany call on SQLite: the statement is prepared once per call.
SQLITE_CHUNK = 20_000
# SQLite's page cache while rows are sent, in KiB (its default is 2 MiB). Rows in time
# order land all over their table's index by learner: with the default cache each of
# those pages is written out and read back again and again (a 100,000-learner demo
# read 16 GB back); this holds such an index whole.
SQLITE_CACHE_KIB = 256 * 1024
# Ids reserved at a time on PostgreSQL; the next block is asked for while this one is used.
ID_BLOCK = 20_000


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
        statement = self._sqlite_statement(table, columns)
        rows = iter(rows)
        while chunk := list(itertools.islice(rows, SQLITE_CHUNK)):
            self.connection.exec_driver_sql(statement, chunk)

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

    def _sqlite_statement(self, table: Table, columns: tuple[str, ...]) -> str:
        # A Core INSERT of these columns, compiled once; its ? placeholders follow the
        # table's order of columns, which the rows' tuples must keep to bind as they are.
        key = (table.name, columns)
        found = self._statements.get(key)
        if found is None:
            statement = insert(table).values({name: bindparam(name) for name in columns})
            compiled = statement.compile(dialect=self.connection.dialect)
            if compiled.positiontup != list(columns):
                raise ValueError(f"name the columns of {table.name} in the table's order")
            found = self._statements[key] = compiled.string
        return found
