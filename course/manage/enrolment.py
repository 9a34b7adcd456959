"""Adding people to a cohort by email: existing accounts are invited, new ones are made.

An email that has an account gets an invitation its owner accepts or declines at their
next sign-in; until then the cohort's managers see nothing of theirs. An email without
one gets a new account, made for this cohort and in it at once (nobody has done
anything with it yet), and a set-password link for the manager to pass on. What the
manager is told counts both alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from course.auth.models import Role, User
from course.auth.password_links import issue_password_tokens
from course.manage.cohorts import invite_to_cohort
from course.manage.roster import Person
from course.membership import CohortMember
from course.progress.summaries import refresh_members


@dataclass
class Enrolment:
    """What adding a list of people did, for the manager to read."""

    invited: int = 0  # new invitations, to existing accounts and new ones alike
    already: int = 0  # in the cohort, or invited to it, before
    created: list[tuple[User, str]] = field(default_factory=list)  # new accounts and tokens
    # Existing accounts now invited: told by mail, never shown to the manager as such.
    invitees: list[User] = field(default_factory=list)


def enrol_people(
    session: Session, *, cohort_id: int, people: list[Person], invited_by: int, now: datetime
) -> Enrolment:
    """Invite each person to the cohort, creating accounts (without a password) for new emails.

    A fixed number of queries whatever the list's length.
    """
    emails = [person.email for person in people]
    existing = {
        user.email: user for user in session.scalars(select(User).where(User.email.in_(emails)))
    }
    listed = set(
        session.scalars(
            select(CohortMember.user_id).where(
                CohortMember.cohort_id == cohort_id,
                CohortMember.user_id.in_([user.id for user in existing.values()]),
            )
        )
    )
    enrolment = Enrolment()
    inviting, new_users = [], []
    for person in people:
        user = existing.get(person.email)
        if user is None:
            new_users.append(User(email=person.email, name=person.name, role=Role.LEARNER))
        elif user.id in listed:
            enrolment.already += 1
        else:
            inviting.append(user.id)
            enrolment.invitees.append(user)
    session.add_all(new_users)
    session.flush()
    invite_to_cohort(
        session, cohort_id=cohort_id, user_ids=inviting, invited_by=invited_by, now=now
    )
    # Accounts made just now have no attempts: joining, they bring nothing to the tallies.
    session.add_all(
        CohortMember(
            cohort_id=cohort_id,
            user_id=user.id,
            joined_at=now,
            invited_by_id=invited_by,
            invited_at=now,
            created_account=True,
        )
        for user in new_users
    )
    if new_users:
        refresh_members(session, cohort_id=cohort_id, user_ids=[user.id for user in new_users])
    tokens = issue_password_tokens(
        session, [user.id for user in new_users], now, issued_by=invited_by
    )
    enrolment.invited = len(inviting) + len(new_users)
    enrolment.created = [(user, tokens[user.id]) for user in new_users]
    return enrolment
