"""The invite a signed-out visitor followed, remembered in their session until they sign up.

Sign-up (auth) does not know cohorts: it asks ``invitation_from_link`` (registered in
manage's ``init_app``) whether the visitor holds an invite that still works.
"""

from __future__ import annotations

from datetime import datetime

from flask import session, url_for
from sqlalchemy.orm import Session

from course.auth.invitations import Invitation
from course.manage.cohorts import cohort_for_invite, join_cohort
from course.membership import Cohort

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


def invitation_from_link(db: Session) -> Invitation | None:
    """Return the invitation to sign up that a followed invite link gives, if it still works."""
    cohort = pending_invite(db)
    if cohort is None:
        return None
    cohort_id = cohort.id

    def join(db: Session, user_id: int, now: datetime) -> None:
        join_cohort(db, cohort_id=cohort_id, user_ids=[user_id], now=now)

    return Invitation(leads_to=url_for("manage.join", code=cohort.invite_code), accept=join)
