"""Who may do what, for every feature: one helper per rule.

It sits above auth and manage's tables (roles are on the signed-in user; who manages
and who is in a cohort are manage's rows) and below every view that asks: learn asks
whether a signed-in user may see a learner's attempt, manage whether they may see a
cohort. Auth reads none of it, so it never depends on manage.
"""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from course.auth.models import User
from course.membership import Cohort, CohortManager, CohortMember


def manager_required(view):
    """Let managers and admins through; others get a 403."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_manager:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


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


def managers_of_learner(session: Session, user_id: int) -> list[str]:
    """Return the names of who manages a cohort the learner has joined: who can grant more."""
    return list(
        session.scalars(
            select(User.name)
            .join(CohortManager, CohortManager.user_id == User.id)
            .join(CohortMember, CohortMember.cohort_id == CohortManager.cohort_id)
            .where(
                CohortMember.user_id == user_id,
                CohortMember.joined_at.is_not(None),
                User.id != user_id,
            )
            .group_by(User.id, User.name)
            .order_by(User.name, User.id)
        )
    )
