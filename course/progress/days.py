"""Day numbers: a date or a UTC timestamp as whole days since 1970-01-01, in Python and SQL.

The at-risk rules compare dates (idle for so many days, due so soon); kept as day
numbers they are integer arithmetic that both databases evaluate for a hundred
thousand rows without parsing a date per row.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import DateTime, Integer, TypeDecorator
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

EPOCH = date(1970, 1, 1)


def day_of(value: date | datetime) -> int:
    """Return the day number of a date, or of a timestamp's date in UTC."""
    if isinstance(value, datetime):
        value = value.astimezone(UTC).date()
    return (value - EPOCH).days


def date_of(day: int) -> date:
    """Return the date of a day number."""
    return date.fromordinal(EPOCH.toordinal() + day)


class day_number(GenericFunction):  # named as SQL functions are, like func.date
    """SQL: the day number of a DATE or of a UTC timestamp (NULL stays NULL)."""

    type = Integer()
    inherit_cache = True


@compiles(day_number, "sqlite")
def _sqlite_day_number(element, compiler, **kw):
    # Dates and timestamps are stored as ISO text in UTC; julianday counts from noon.
    value = compiler.process(element.clauses, **kw)
    return f"CAST(julianday(date({value})) - 2440587.5 AS INTEGER)"


@compiles(day_number, "postgresql")
def _postgresql_day_number(element, compiler, **kw):
    # A date minus a date is whole days; a timestamp is first read as a date in UTC
    # (never through a cast, which would use the session's time zone).
    value = compiler.process(element.clauses, **kw)
    kind = next(iter(element.clauses)).type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    if isinstance(kind, DateTime):
        value = f"CAST(timezone('UTC', {value}) AS DATE)"
    return f"({value} - DATE '1970-01-01')"


class least(GenericFunction):  # named as SQL functions are, like func.date
    """SQL: the least of its arguments, none of which may be NULL.

    PostgreSQL's LEAST skips NULLs where SQLite's min() returns NULL: callers keep
    NULLs out so that both databases agree.
    """

    type = Integer()
    inherit_cache = True


@compiles(least, "sqlite")
def _sqlite_least(element, compiler, **kw):
    # SQLite's min() with two or more arguments is a scalar function, not the aggregate.
    return f"min({compiler.process(element.clauses, **kw)})"
