"""Adding people to a cohort by email: existing accounts join, new ones get a set-password link."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from course.auth.models import Role, User
from course.manage.cohorts import join_cohort
from course.manage.models import CohortMember
from course.manage.roster import Person
from course.manage.tokens import issue_password_tokens


@dataclass
class Enrolment:
    """What adding a list of people did, for the manager to read."""

    added: list[User] = field(default_factory=list)  # existing accounts, now members
    already: list[User] = field(default_factory=list)  # members before
    created: list[tuple[User, str]] = field(default_factory=list)  # new accounts and tokens


def enrol_people(
    session: Session, *, cohort_id: int, people: list[Person], now: datetime
) -> Enrolment:
    """Add each person to the cohort, creating accounts (without a password) for new emails.

    A fixed number of queries whatever the list's length.
    """
    emails = [person.email for person in people]
    existing = {
        user.email: user for user in session.scalars(select(User).where(User.email.in_(emails)))
    }
    members = set(
        session.scalars(
            select(CohortMember.user_id).where(
                CohortMember.cohort_id == cohort_id,
                CohortMember.user_id.in_([user.id for user in existing.values()]),
            )
        )
    )
    enrolment = Enrolment()
    new_users = []
    for person in people:
        user = existing.get(person.email)
        if user is None:
            user = User(email=person.email, name=person.name, role=Role.LEARNER)
            new_users.append(user)
        elif user.id in members:
            enrolment.already.append(user)
        else:
            enrolment.added.append(user)
    session.add_all(new_users)
    session.flush()
    joining = [user.id for user in (*enrolment.added, *new_users)]
    join_cohort(session, cohort_id=cohort_id, user_ids=joining, now=now)
    tokens = issue_password_tokens(session, [user.id for user in new_users], now)
    enrolment.created = [(user, tokens[user.id]) for user in new_users]
    return enrolment
