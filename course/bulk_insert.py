"""Rows sent in bulk the fastest public way: COPY on PostgreSQL, executemany on SQLite.

For data made outside the services, many thousands of rows at a time (``course demo``):
rows are plain tuples in the order of the columns named, nothing goes through the ORM,
and a table's parents get their ids reserved first so that children can name them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection, Table, bindparam, func, insert, select

# Rows per executemany call on SQLite: the statement is prepared once per call.
SQLITE_CHUNK = 20_000
# Ids reserved at a time on PostgreSQL.
ID_BLOCK = 10_000


class BulkInsert:
    """Sends rows into tables on one connection, inside its open transaction."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self.is_postgresql = connection.dialect.name == "postgresql"
        self._statements: dict[tuple[str, tuple[str, ...]], str] = {}

    def stamp(self, moment: datetime):
        """Return a UTC timestamp as this database's rows take it.

        PostgreSQL's COPY takes the aware datetime itself; SQLite takes the text
        SQLAlchemy's DateTime stores there (no offset, always microseconds), so
        that stored values compare and sort as the rest of the code expects.
        """
        if self.is_postgresql:
            return moment
        return moment.astimezone(UTC).isoformat(" ", "microseconds")[:26]

    def new_ids(self, table: Table) -> Callable[[], int]:
        """Return a function giving the next id for a row of ``table`` this transaction inserts.

        Ids are handed out in increasing order, so rows keep the order they were made in.
        """
        if self.is_postgresql:
            return self._reserved_ids(table).__next__
        # SQLite: the writing transaction holds the database's write lock (BEGIN
        # IMMEDIATE), so nobody else adds rows until it ends; count on from the largest id.
        largest = self.connection.scalar(select(func.max(table.c.id)))
        return itertools.count((largest or 0) + 1).__next__

    def _reserved_ids(self, table: Table) -> Iterator[int]:
        # Taken from the table's own sequence, as its default would, a block at a time:
        # safe beside other writers, whose rows take the ids between the blocks.
        sequence = func.pg_get_serial_sequence(table.name, "id")
        block = select(func.nextval(sequence)).select_from(func.generate_series(1, ID_BLOCK))
        while True:
            yield from sorted(self.connection.scalars(block))

    def send(self, table: Table, columns: Sequence[str], rows: Iterable[tuple]) -> None:
        """Insert ``rows`` (tuples in the order of ``columns``) into ``table``."""
        if self.is_postgresql:
            self._copy(table, columns, rows)
            return
        statement = self._sqlite_statement(table, tuple(columns))
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
