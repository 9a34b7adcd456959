"""Who may see a cohort and a learner's records: one helper per rule."""

from __future__ import annotations

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from course.manage.models import Cohort, CohortManager, CohortMember


def can_view_cohort(user, cohort: Cohort) -> bool:
    """Let the cohort's managers and admins see it."""
    if not user.is_authenticated or not user.is_manager:
        return False
    return user.is_admin or any(manager.user_id == user.id for manager in cohort.managers)


def can_view_learner(session: Session, user, learner_id: int) -> bool:
    """Let a learner see their own records, and admins and their cohorts' managers see them.

    Only a cohort the learner has joined counts: an invitation they have not accepted
    gives its managers nothing.
    """
    if not user.is_authenticated:
        return False
    if user.id == learner_id or user.is_admin:
        return True
    if not user.is_manager:
        return False
    return session.scalar(
        select(
            exists()
            .where(CohortMember.user_id == learner_id)
            .where(CohortMember.joined_at.is_not(None))
            .where(CohortManager.cohort_id == CohortMember.cohort_id)
            .where(CohortManager.user_id == user.id)
        )
    )


def visible_cohorts(user) -> Select:
    """Return a SELECT of the cohorts ``user`` may see: all for an admin, else those they manage."""
    query = select(Cohort).order_by(Cohort.created_at.desc(), Cohort.id.desc())
    if user.is_admin:
        return query
    managed = select(CohortManager.cohort_id).where(CohortManager.user_id == user.id)
    return query.where(Cohort.id.in_(managed))
