"""When a learner must finish: the due date of each cohort they are in.

Every page and feed that shows a learner's deadline reads ``due_dates_for_learner``,
so a later per-learner change to a due date (an extension) is made in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from course.membership import Cohort, CohortMember


@dataclass(frozen=True)
class DueDate:
    """The day one of the learner's cohorts expects the course finished by."""

    cohort_id: int
    cohort_name: str
    due_on: date

    def is_overdue(self, today: date) -> bool:
        return self.due_on < today


def due_dates_for_learner(session: Session, user_id: int) -> tuple[DueDate, ...]:
    """Return the learner's due dates, soonest first: one per cohort that sets one."""
    rows = session.execute(
        select(Cohort.id, Cohort.name, Cohort.due_on)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == user_id, Cohort.due_on.is_not(None))
        .order_by(Cohort.due_on, Cohort.id)
    )
    return tuple(DueDate(cohort_id, name, due_on) for cohort_id, name, due_on in rows)
