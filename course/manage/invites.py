"""The invite a signed-out visitor followed, remembered in their session until they sign up."""

from __future__ import annotations

from flask import session
from sqlalchemy.orm import Session

from course.manage.cohorts import cohort_for_invite
from course.manage.models import Cohort

SESSION_KEY = "join_code"


def remember_invite(code: str) -> None:
    """Keep the invite code for the sign-up that follows."""
    session[SESSION_KEY] = code


def pending_invite(db: Session) -> Cohort | None:
    """Return the cohort of the invite this visitor followed, if its link still works."""
    return cohort_for_invite(db, session.get(SESSION_KEY))


def forget_invite() -> None:
    """Drop the remembered invite once it has been used."""
    session.pop(SESSION_KEY, None)
