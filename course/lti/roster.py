"""Filling an LTI-linked cohort from its LMS roster (Names and Role Provisioning)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from course.lti import tool
from course.lti.launches import is_instructor, linked_account, make_manager
from course.lti.models import LtiContext, LtiPlatform
from course.manage.cohorts import join_cohort


class RosterUnavailable(RuntimeError):
    """The LMS did not give its roster; the message says why, for the manager."""


@dataclass(frozen=True)
class RosterUpdate:
    learners: int  # members now in the cohort as learners
    managers: int  # instructors now managing it


def roster_link(db: Session, cohort_id: int) -> LtiContext | None:
    """Return the LMS course a cohort is linked to when its roster can be read, else None."""
    return db.scalar(
        select(LtiContext).where(
            LtiContext.cohort_id == cohort_id, LtiContext.memberships_url.is_not(None)
        )
    )


def update_roster(db: Session, link: LtiContext, now: datetime) -> RosterUpdate:
    """Add every active member of the LMS course: learners join, instructors manage.

    Accounts are found or made by (issuer, sub), as a launch does; nobody is mailed.
    """
    platform = db.get(LtiPlatform, link.platform_id)
    try:
        members = tool.roster(platform, link.memberships_url)
    except tool.PLATFORM_ERRORS as error:
        raise RosterUnavailable(
            "The LMS did not give its list of participants just now. Try again later."
        ) from error
    learner_ids, managers = [], 0
    for member in members:
        if member.get("status", "Active") != "Active" or not member.get("user_id"):
            continue
        teaches = is_instructor(member.get("roles") or [])
        user = linked_account(
            db,
            issuer=platform.issuer,
            subject=str(member["user_id"]),
            name=(member.get("name") or "LMS learner").strip()[:120],
            email=member.get("email"),
            teaches=teaches,
            now=now,
        )
        if teaches:
            make_manager(db, link.cohort_id, user.id, now)
            managers += 1
        else:
            learner_ids.append(user.id)
    join_cohort(db, cohort_id=link.cohort_id, user_ids=learner_ids, now=now)
    return RosterUpdate(learners=len(learner_ids), managers=managers)
