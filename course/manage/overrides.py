"""What a manager may change for one learner: another attempt at a quiz, their own due date.

Both are kept as rows that say who did it and when, so the learner's page can
show the history. Callers check who may do it, and commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from course.auth.models import User
from course.content.model import Quiz
from course.membership import Cohort, CohortMember, LearnerDueDate
from course.progress.models import AttemptGrant
from course.progress.summaries import record_item, refresh_members
from course.site.formats import day as format_date

HISTORY_LENGTH = 10  # the learner's page shows this many of the latest changes


class OverrideError(ValueError):
    """A change that cannot be made, with a message for the manager."""


def grant_attempt(
    session: Session, *, user_id: int, quiz: Quiz, granted_by: int, now: datetime
) -> AttemptGrant:
    """Give the learner one attempt at ``quiz`` beyond its limit."""
    if quiz.max_attempts is None:
        raise OverrideError(f"“{quiz.title}” allows any number of attempts already.")
    grant = AttemptGrant(
        user_id=user_id, quiz_slug=quiz.slug, granted_by_id=granted_by, granted_at=now
    )
    session.add(grant)
    session.flush()
    # A grant can turn "out of attempts" back into "attempted", and ends that risk flag.
    record_item(session, user_id, "quiz", quiz.slug)
    return grant


def extend_due_date(
    session: Session, *, cohort_id: int, user_id: int, due_on: date, set_by: int, now: datetime
) -> LearnerDueDate:
    """Give the learner their own due date in the cohort, in place of the cohort's."""
    row = LearnerDueDate(
        cohort_id=cohort_id, user_id=user_id, due_on=due_on, set_by_id=set_by, set_at=now
    )
    session.add(row)
    refresh_members(session, cohort_id=cohort_id, user_ids=[user_id])
    return row


def due_date_for(session: Session, user_id: int, cohort: Cohort) -> date | None:
    """Return the learner's due date in the cohort: their own if a manager set one."""
    own = session.scalar(
        select(LearnerDueDate.due_on)
        .where(LearnerDueDate.cohort_id == cohort.id, LearnerDueDate.user_id == user_id)
        .order_by(LearnerDueDate.set_at.desc(), LearnerDueDate.id.desc())
        .limit(1)
    )
    return own if own is not None else cohort.due_on


def own_due_dates(session: Session, cohort_ids: Iterable[int]) -> dict[tuple[int, int], date]:
    """Return (cohort id, user id) -> the learner's own due date, for learners given one."""
    rows = session.execute(
        select(LearnerDueDate.cohort_id, LearnerDueDate.user_id, LearnerDueDate.due_on)
        .where(LearnerDueDate.cohort_id.in_(list(cohort_ids)))
        .order_by(LearnerDueDate.set_at, LearnerDueDate.id)
    )
    # Oldest first, so the latest date of each learner is the one left standing.
    return {(cohort_id, user_id): due_on for cohort_id, user_id, due_on in rows}


def learner_due_on(session: Session, user_id: int) -> date | None:
    """Return the learner's nearest due date over the cohorts they have joined, their own first.

    For the learner's pages: a date a manager set for them replaces their cohort's.
    """
    cohorts = session.execute(
        select(Cohort.id, Cohort.due_on)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == user_id, CohortMember.joined_at.is_not(None))
    ).all()
    if not cohorts:
        return None
    own = session.execute(
        select(LearnerDueDate.cohort_id, LearnerDueDate.due_on)
        .where(
            LearnerDueDate.user_id == user_id,
            LearnerDueDate.cohort_id.in_([cohort_id for cohort_id, _ in cohorts]),
        )
        .order_by(LearnerDueDate.set_at, LearnerDueDate.id)
    )
    own_dates = dict(own.all())  # the latest of each cohort left standing
    dates = [own_dates.get(cohort_id, due_on) for cohort_id, due_on in cohorts]
    return min((due_on for due_on in dates if due_on is not None), default=None)


@dataclass(frozen=True)
class Change:
    """One line of a learner's history: what a manager changed, who and when."""

    at: datetime
    by: str | None  # the manager's name; None once their account is gone
    what: str


def override_history(
    session: Session, *, cohort: Cohort, user_id: int, quiz_titles: dict[str, str]
) -> list[Change]:
    """Return the latest attempts granted to the learner and due dates set in the cohort."""
    manager = aliased(User)
    grants = session.execute(
        select(AttemptGrant.granted_at, manager.name, AttemptGrant.quiz_slug)
        .outerjoin(manager, manager.id == AttemptGrant.granted_by_id)
        .where(AttemptGrant.user_id == user_id)
        .order_by(AttemptGrant.granted_at.desc(), AttemptGrant.id.desc())
        .limit(HISTORY_LENGTH)
    )
    dates = session.execute(
        select(LearnerDueDate.set_at, manager.name, LearnerDueDate.due_on)
        .outerjoin(manager, manager.id == LearnerDueDate.set_by_id)
        .where(LearnerDueDate.cohort_id == cohort.id, LearnerDueDate.user_id == user_id)
        .order_by(LearnerDueDate.set_at.desc(), LearnerDueDate.id.desc())
        .limit(HISTORY_LENGTH)
    )
    changes = [
        Change(at, by, f"another attempt at {quiz_titles.get(slug, slug)}")
        for at, by, slug in grants
    ]
    changes += [Change(at, by, f"a due date of {format_date(due_on)}") for at, by, due_on in dates]
    changes.sort(key=lambda change: change.at, reverse=True)
    return changes[:HISTORY_LENGTH]
