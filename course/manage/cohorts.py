"""Cohort services: create, invite, join, add managers, remove learners. Callers commit.

A membership counts (in every report, and for seeing a learner's records) only once the
learner has joined: by an invite link, by accepting a manager's invitation, or because
the account was made for this cohort. Until then it is an invitation.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, case, delete, exists, func, select, update
from sqlalchemy.orm import Session, object_session

from course.auth.accounts import find_user_by_email
from course.auth.models import User
from course.db import insert_for
from course.manage.paging import Paging
from course.membership import JOINED, Cohort, CohortManager, CohortMember
from course.progress.answer_tallies import learners_joined, learners_left
from course.progress.summaries import refresh_members

INVITE_CODE_BYTES = 16
# What token_urlsafe makes; anything else is refused before it reaches the database.
CODE_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


class CohortError(ValueError):
    """A change to a cohort that cannot be made, with a message for the manager."""


@dataclass(frozen=True)
class Member:
    user_id: int
    name: str
    email: str
    joined_at: datetime | None  # None while only invited
    has_password: bool
    invited_at: datetime | None
    created_account: bool  # the account was made for this cohort

    @property
    def is_invited(self) -> bool:
        return self.joined_at is None


def create_cohort(
    session: Session,
    *,
    name: str,
    starts_on: date | None,
    due_on: date | None,
    manager_id: int,
    now: datetime,
) -> Cohort:
    """Add a cohort with its creator as its first manager."""
    cohort = Cohort(name=name.strip(), starts_on=starts_on, due_on=due_on, created_at=now)
    cohort.managers.append(CohortManager(user_id=manager_id, added_at=now))
    session.add(cohort)
    session.flush()
    return cohort


def update_cohort(
    cohort: Cohort, *, name: str, starts_on: date | None, due_on: date | None
) -> None:
    """Rename the cohort and change its dates."""
    cohort.name = name.strip()
    cohort.starts_on = starts_on
    if due_on != cohort.due_on:
        cohort.due_on = due_on
        # Every member without a date of their own now has this one.
        refresh_members(object_session(cohort), cohort_id=cohort.id)


def renew_invite_code(cohort: Cohort) -> str:
    """Give the cohort a new invite code; the old link stops working at once."""
    cohort.invite_code = secrets.token_urlsafe(INVITE_CODE_BYTES)
    return cohort.invite_code


def cohort_for_invite(session: Session, code: str | None) -> Cohort | None:
    """Return the cohort whose current invite code is ``code``, or None."""
    if not code or not CODE_RE.fullmatch(code):
        return None
    return session.scalar(select(Cohort).where(Cohort.invite_code == code))


def member_ids(cohort_id: int) -> Select:
    """Return a SELECT of the cohort's members' user ids (not those only invited)."""
    return select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id, JOINED)


def _members(cohort_id: int, *, with_invited: bool = False) -> Select:
    # An invited learner's chosen name is theirs to share by accepting: until then the
    # row sorts and reads by email.
    shown_name = case((JOINED, User.name), else_=User.email)
    query = (
        select(
            User.id,
            shown_name,
            User.email,
            CohortMember.joined_at,
            User.password_hash.is_not(None),
            CohortMember.invited_at,
            CohortMember.created_account,
        )
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(CohortMember.cohort_id == cohort_id)
        .order_by(func.lower(shown_name), User.id)
    )
    return query if with_invited else query.where(JOINED)


def members_of(session: Session, cohort_id: int) -> list[Member]:
    """Return the cohort's members (not those only invited) with their accounts, by name."""
    # On the connection: plain columns, which the ORM's loading would only slow down.
    return [Member(*row) for row in session.connection().execute(_members(cohort_id))]


@dataclass(frozen=True)
class MemberPage:
    """One page of a cohort's members and invited people, by name, among those a search matched."""

    members: list[Member]
    total: int  # everyone in the cohort or invited to it
    matched: int  # those whose name or email holds the search
    page: int
    pages: int


def member_page(session: Session, cohort_id: int, *, find: str = "", page: int = 1) -> MemberPage:
    """Return page ``page`` (past the last: the last) of the people matching ``find``."""
    everyone = _members(cohort_id, with_invited=True)
    matching = everyone
    if find:
        # Case-insensitive, and a % or _ typed in the search means itself. The name
        # searched is the one shown: an invited learner's own name is not searchable.
        text = find.lower()
        matching = everyone.where(
            func.lower(case((JOINED, User.name), else_=User.email)).contains(text, autoescape=True)
            | func.lower(User.email).contains(text, autoescape=True)
        )
    total = session.scalar(select(func.count()).select_from(everyone.subquery()))
    matched = (
        total if not find else session.scalar(select(func.count()).select_from(matching.subquery()))
    )
    paging = Paging.of(matched, page)
    rows = session.connection().execute(matching.limit(paging.size).offset(paging.offset))
    return MemberPage([Member(*row) for row in rows], total, matched, paging.page, paging.pages)


def is_member(session: Session, cohort_id: int, user_id: int) -> bool:
    """Tell whether the learner has joined the cohort (an invitation alone does not count)."""
    return session.scalar(
        select(
            exists().where(
                CohortMember.cohort_id == cohort_id, CohortMember.user_id == user_id, JOINED
            )
        )
    )


def membership(session: Session, cohort_id: int, user_id: int) -> CohortMember | None:
    """Return the learner's membership of (or invitation to) the cohort, if any."""
    return session.scalar(
        select(CohortMember).where(
            CohortMember.cohort_id == cohort_id, CohortMember.user_id == user_id
        )
    )


def join_cohort(session: Session, *, cohort_id: int, user_ids: list[int], now: datetime) -> None:
    """Make the learners members of the cohort by their own act; an invitation becomes a
    membership, and those already in it stay as they were.
    """
    if not user_ids:
        return
    table = CohortMember.__table__
    statement = insert_for(session, table)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.cohort_id, table.c.user_id],
        set_={"joined_at": statement.excluded.joined_at},
        where=table.c.joined_at.is_(None),
    )
    # Only the rows inserted or turned from an invitation come back: the learners new
    # to the cohort, whose attempts its tallies do not count yet.
    joined = session.scalars(
        statement.returning(table.c.user_id),
        [
            {"cohort_id": cohort_id, "user_id": uid, "joined_at": now, "created_account": False}
            for uid in user_ids
        ],
    ).all()
    learners_joined(session, cohort_id=cohort_id, user_ids=joined)
    if joined:
        refresh_members(session, cohort_id=cohort_id, user_ids=joined)


def invite_to_cohort(
    session: Session, *, cohort_id: int, user_ids: list[int], invited_by: int, now: datetime
) -> None:
    """Invite existing accounts to the cohort; members and earlier invitations stay as they were.

    Nothing of the learner's is shown to the cohort's managers until they accept.
    """
    if not user_ids:
        return
    table = CohortMember.__table__
    statement = insert_for(session, table).on_conflict_do_nothing(
        index_elements=[table.c.cohort_id, table.c.user_id]
    )
    session.execute(
        statement,
        [
            {
                "cohort_id": cohort_id,
                "user_id": uid,
                "joined_at": None,
                "invited_by_id": invited_by,
                "invited_at": now,
                "created_account": False,
            }
            for uid in user_ids
        ],
    )


@dataclass(frozen=True)
class Invitation:
    """A cohort a learner is invited to, as the learner reads it."""

    cohort_id: int
    cohort_name: str
    invited_by: str | None  # the inviting manager's name; None if their account is gone
    invited_at: datetime | None


def invitations_for(session: Session, user_id: int) -> list[Invitation]:
    """Return the learner's invitations not yet accepted, oldest first."""
    inviter = User.__table__.alias("inviter")
    rows = session.connection().execute(
        select(Cohort.id, Cohort.name, inviter.c.name, CohortMember.invited_at)
        .select_from(CohortMember)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .outerjoin(inviter, inviter.c.id == CohortMember.invited_by_id)
        .where(CohortMember.user_id == user_id, CohortMember.joined_at.is_(None))
        .order_by(CohortMember.invited_at, CohortMember.id)
    )
    return [Invitation(*row) for row in rows]


def has_invitations(session: Session, user_id: int) -> bool:
    """Tell whether the learner has an invitation waiting for their answer."""
    return session.scalar(
        select(exists().where(CohortMember.user_id == user_id, CohortMember.joined_at.is_(None)))
    )


def accept_invitation(session: Session, *, cohort_id: int, user_id: int, now: datetime) -> bool:
    """Join the cohort the learner is invited to; False when there is no such invitation."""
    result = session.execute(
        update(CohortMember)
        .where(
            CohortMember.cohort_id == cohort_id,
            CohortMember.user_id == user_id,
            CohortMember.joined_at.is_(None),
        )
        .values(joined_at=now)
    )
    if result.rowcount != 1:
        return False
    learners_joined(session, cohort_id=cohort_id, user_ids=[user_id])
    refresh_members(session, cohort_id=cohort_id, user_ids=[user_id])
    return True


def decline_invitation(session: Session, *, cohort_id: int, user_id: int) -> bool:
    """Forget the invitation, leaving the cohort's managers nothing; False when there is none."""
    result = session.execute(
        delete(CohortMember).where(
            CohortMember.cohort_id == cohort_id,
            CohortMember.user_id == user_id,
            CohortMember.joined_at.is_(None),
        )
    )
    return result.rowcount == 1


def remove_member(session: Session, *, cohort_id: int, user_id: int) -> bool:
    """Take a learner out of the cohort (or withdraw their invitation), keeping their records;
    tell whether they were in it.
    """
    removed = session.execute(
        delete(CohortMember)
        .where(CohortMember.cohort_id == cohort_id, CohortMember.user_id == user_id)
        .returning(CohortMember.joined_at)
    ).all()
    if any(joined_at is not None for (joined_at,) in removed):
        learners_left(session, cohort_id=cohort_id, user_ids=[user_id])
    if removed:
        refresh_members(session, cohort_id=cohort_id, user_ids=[user_id])
    return bool(removed)


def add_manager(session: Session, cohort: Cohort, *, email: str, now: datetime) -> User:
    """Make an existing manager or admin account a manager of the cohort too."""
    user = find_user_by_email(session, email)
    if user is None or not user.is_manager:
        raise CohortError(
            "No manager account has that email. Create it first with `course users create`."
        )
    if any(manager.user_id == user.id for manager in cohort.managers):
        raise CohortError(f"{user.name} already manages this cohort.")
    cohort.managers.append(CohortManager(user_id=user.id, added_at=now))
    session.flush()
    return user


@dataclass(frozen=True)
class Manager:
    user_id: int
    name: str


def managers_of(session: Session, cohort_id: int) -> list[Manager]:
    """Return the cohort's managers, in the order they were added."""
    rows = session.connection().execute(
        select(User.id, User.name)
        .join(CohortManager, CohortManager.user_id == User.id)
        .where(CohortManager.cohort_id == cohort_id)
        .order_by(CohortManager.added_at, CohortManager.id)
    )
    return [Manager(*row) for row in rows]


def remove_manager(session: Session, cohort: Cohort, *, user_id: int) -> bool:
    """Stop ``user_id`` managing the cohort; tell whether they did.

    The last manager stays: a cohort nobody but admins can see would be lost to its team.
    """
    remaining = [manager for manager in cohort.managers if manager.user_id != user_id]
    if len(remaining) == len(cohort.managers):
        return False
    if not remaining:
        raise CohortError("A cohort needs a manager: add another before removing the last one.")
    cohort.managers[:] = remaining
    session.flush()
    return True
