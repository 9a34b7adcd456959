"""Taking a learner out of a cohort, carefully: what it keeps, and undoing it for 30 days.

A removal only ends the membership; the learner's account and records stay, so
undoing it gives the manager back exactly what they saw. Callers commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ScalarSelect, Select, exists, func, select
from sqlalchemy.orm import Session, aliased

from course.auth.models import User
from course.manage.cohorts import join_cohort, remove_member
from course.membership import CohortMember, CohortRemoval
from course.progress.models import LessonProgress, QuizAttempt, ScenarioRun

UNDO_WINDOW = timedelta(days=30)  # after this, a removal is no longer offered to undo


@dataclass(frozen=True)
class RecordCounts:
    """What a learner has on record, to say on the confirm page that it stays."""

    lessons: int
    attempts: int
    runs: int


def record_counts(session: Session, user_id: int) -> RecordCounts:
    """Count the learner's lessons, quiz attempts and scenario runs, in one query."""

    def count(model) -> ScalarSelect[int]:
        return select(func.count()).where(model.user_id == user_id).scalar_subquery()

    row = session.execute(
        select(count(LessonProgress), count(QuizAttempt), count(ScenarioRun))
    ).one()
    return RecordCounts(*row)


def remove_from_cohort(
    session: Session, *, cohort_id: int, user_id: int, removed_by: int, now: datetime
) -> CohortRemoval | None:
    """Take the learner out of the cohort and note it so it can be undone; None if not in it."""
    joined_at = session.scalar(
        select(CohortMember.joined_at).where(
            CohortMember.cohort_id == cohort_id, CohortMember.user_id == user_id
        )
    )
    if not remove_member(session, cohort_id=cohort_id, user_id=user_id):
        return None
    removal = CohortRemoval(
        cohort_id=cohort_id,
        user_id=user_id,
        joined_at=joined_at,
        removed_by_id=removed_by,
        removed_at=now,
    )
    session.add(removal)
    session.flush()
    return removal


def undoable(
    session: Session, cohort_id: int, removal_id: int, now: datetime
) -> CohortRemoval | None:
    """Return the removal if it may still be undone, else None."""
    return session.scalar(_undoable(cohort_id, now).where(CohortRemoval.id == removal_id))


def put_back(session: Session, removal: CohortRemoval, *, now: datetime) -> None:
    """Put the learner back in the cohort as they were, joined when they first joined."""
    join_cohort(
        session,
        cohort_id=removal.cohort_id,
        user_ids=[removal.user_id],
        now=removal.joined_at or now,
    )
    removal.undone_at = now
    session.flush()


@dataclass(frozen=True)
class Removed:
    """A learner removed from the cohort lately, whom the manager may still put back."""

    removal_id: int
    user_id: int
    name: str
    email: str
    removed_at: datetime
    undo_until: datetime


def recent_removals(session: Session, cohort_id: int, now: datetime) -> list[Removed]:
    """Return the removals that may still be undone, the latest first."""
    rows = session.execute(
        _undoable(cohort_id, now)
        .with_only_columns(
            CohortRemoval.id, User.id, User.name, User.email, CohortRemoval.removed_at
        )
        .join(User, User.id == CohortRemoval.user_id)
        .order_by(CohortRemoval.removed_at.desc(), CohortRemoval.id.desc())
    )
    return [Removed(*row, undo_until=row[4] + UNDO_WINDOW) for row in rows]


def _undoable(cohort_id: int, now: datetime) -> Select:
    # Not undone, within the window, and not back in the cohort some other way
    # (an invite link, or added again): there is nothing to undo then. Only a
    # learner's latest removal counts.
    back_in = exists().where(
        CohortMember.cohort_id == CohortRemoval.cohort_id,
        CohortMember.user_id == CohortRemoval.user_id,
    )
    later = aliased(CohortRemoval)
    removed_again = exists().where(
        later.cohort_id == CohortRemoval.cohort_id,
        later.user_id == CohortRemoval.user_id,
        later.id > CohortRemoval.id,
    )
    return select(CohortRemoval).where(
        CohortRemoval.cohort_id == cohort_id,
        CohortRemoval.undone_at.is_(None),
        CohortRemoval.removed_at > now - UNDO_WINDOW,
        ~back_in,
        ~removed_again,
    )
