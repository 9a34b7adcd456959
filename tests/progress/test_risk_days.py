"""The days from which a member is at risk and overdue say what the flags in words say.

The cohort page counts and filters its at-risk and overdue learners by comparing
today with days the database computed once (``course.progress.risk``). Every
percent, with and without a due date, idle or not and out of attempts or not,
is computed by each database and compared, day by day, with ``risk_flags``.
"""

from __future__ import annotations

import functools
import itertools
from datetime import UTC, date, datetime, time

from sqlalchemy import Integer, literal, select, true, union_all

from course.content import get_catalog
from course.db import new_session
from course.manage.matrix import risk_flags
from course.progress.days import date_of, day_of
from course.progress.risk import at_risk_from_day, overdue_from_day
from course.progress.state import LearnerProgress

FIRST = day_of(date(2026, 1, 1))  # the days checked are the three weeks from it
DAYS = range(FIRST, FIRST + 23)
PERCENTS = range(101)
OUT_OF_ATTEMPTS = (0, 1)
# Idle from before the first day, from within the days checked, and from the last
# one (the last a learner who never started, counted from joining).
ACTIVE_DAYS = (FIRST - 20, FIRST, FIRST + 8)
NEVER_ACTIVE = FIRST + 8
# Due before, within and after the days checked: every number of days left
# through the final week, and past it.
DUE_DAYS = (None, *range(FIRST - 3, FIRST + 26))


def _values(name: str, values) -> object:
    """A one-column table of ``values`` in SQL."""
    return union_all(*(select(literal(value, Integer).label(name)) for value in values)).subquery()


def _at(day: int) -> datetime:
    return datetime.combine(date_of(day), time(12), tzinfo=UTC)


def test_risk_days_agree_with_the_flags_on_every_day(app):
    with app.app_context(), new_session() as session:
        quiz = next(item for item in get_catalog().items if item.kind == "quiz")
        tables = [
            _values(name, values)
            for name, values in (
                ("percent", PERCENTS),
                ("out_of_attempts", OUT_OF_ATTEMPTS),
                ("active_day", ACTIVE_DAYS),
                ("due_day", DUE_DAYS),
            )
        ]
        every_case = functools.reduce(lambda left, right: left.join(right, true()), tables)
        percent, out, active, due = (table.c[0] for table in tables)
        rows = session.connection().execute(
            select(
                percent,
                out,
                active,
                due,
                at_risk_from_day(percent, out, active, due),
                overdue_from_day(percent, due),
            ).select_from(every_case)
        )
        computed = {tuple(row[:4]): tuple(row[4:]) for row in rows}
    assert len(computed) == len(PERCENTS) * len(OUT_OF_ATTEMPTS) * len(ACTIVE_DAYS) * len(DUE_DAYS)
    wrong = []
    for key in itertools.product(PERCENTS, OUT_OF_ATTEMPTS, ACTIVE_DAYS, DUE_DAYS):
        percent_done, out_of_attempts, active_day, due_day = key
        at_risk_from, overdue_from = computed[key]
        never_active = active_day == NEVER_ACTIVE
        progress = LearnerProgress(
            items=(),
            required_done=percent_done,
            required_total=100,
            completed_at=None,
            last_activity_at=None if never_active else _at(active_day),
            out_of_attempts=(quiz,) * out_of_attempts,
        )
        joined_at = _at(active_day if never_active else active_day - 30)
        due_on = None if due_day is None else date_of(due_day)
        for day in DAYS:
            today = date_of(day)
            is_at_risk = bool(risk_flags(progress, joined_at, due_on, today))
            is_overdue = percent_done < 100 and due_on is not None and due_on < today
            stored = (
                at_risk_from is not None and at_risk_from <= day,
                overdue_from is not None and overdue_from <= day,
            )
            if stored != (is_at_risk, is_overdue):
                wrong.append((key, today, stored, (is_at_risk, is_overdue)))
    assert not wrong, wrong[:5]  # (case, day, stored, flags): at risk, overdue
