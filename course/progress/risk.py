"""When an unfinished cohort member is overdue or at risk, as the first day each holds.

Each rule holds from some day on, until the learner finishes: idle for so many
days, past their due date, behind an even pace through the final week (and out of
attempts, from the start). The member summary keeps that first day beside the
facts it follows from (``course.progress.summaries``), so the cohort page counts its
at-risk and overdue learners as an index range, ``from_day <= today``, instead of
testing every learner's dates. ``course.manage.matrix.risk_flags`` says the same
rules in words, one learner at a time; a test holds the two to each other.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, case, func, literal_column

from course.progress.days import least

# This long without activity (or since joining, when never active), an unfinished
# learner is at risk, and is reminded: one rule for the flag and the reminder.
INACTIVE_AFTER_DAYS = 14
DUE_SOON_DAYS = 7  # this close to the due date, an unfinished learner is at risk
# Out of attempts, a learner is at risk whatever the day: day 0 is 1970-01-01,
# before any day a course runs.
ALWAYS = 0


def overdue_from_day(
    percent: ColumnElement[int], due_day: ColumnElement[int | None]
) -> ColumnElement[int | None]:
    """SQL: the day after the due day, for an unfinished learner (NULL without a due day)."""
    return case((percent < 100, due_day + 1))


def at_risk_from_day(
    percent: ColumnElement[int],
    out_of_attempts: ColumnElement[int],
    active_day: ColumnElement[int],
    due_day: ColumnElement[int | None],
) -> ColumnElement[int | None]:
    """SQL: the first day an unfinished learner is at risk on; NULL for one who finished."""
    idle_from = active_day + INACTIVE_AFTER_DAYS
    # Behind pace on day t, `left` = due_day - t days before the due day, when
    # 7 * percent + 100 * left < 700 (matrix.Conditions, risk_flags), that is when
    # t > due_day - 7 + 7 * percent / 100: from the next whole day on. Only positive
    # integers are divided, which both databases round down alike. By the due day
    # itself an unfinished learner is behind, so being past due is never earlier.
    # NULL without a due day, which leaves the idle rule (LEAST must not see a NULL).
    behind_from = due_day + (1 - DUE_SOON_DAYS) + DUE_SOON_DAYS * percent // 100
    return case(
        (percent == 100, None),
        (out_of_attempts > 0, literal_column(str(ALWAYS))),
        else_=least(idle_from, func.coalesce(behind_from, idle_from)),
    )
