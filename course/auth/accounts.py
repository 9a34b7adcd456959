"""Account services: create, authenticate and change accounts. Callers commit."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app
from flask_login import UserMixin
from sqlalchemy import Connection, bindparam, func, select, update
from sqlalchemy.orm import Session

from course.auth.models import AuthSession, Role, RoleChecks, User
from course.auth.passwords import hash_password, needs_rehash, verify_password
from course.db import utcnow


class AccountError(ValueError):
    """A change to an account that cannot be made, with a message for the person."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(
    session: Session, *, email: str, name: str, password: str | None, role: Role = Role.LEARNER
) -> User:
    """Add an account; refuse an email that is already taken, whatever its case."""
    email = normalise_email(email)
    taken = session.scalar(select(func.count()).select_from(User).where(User.email == email))
    if taken:
        raise AccountError("An account with this email already exists.")
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        password_hash=hash_password(password) if password else None,
    )
    session.add(user)
    session.flush()
    return user


RENAME_LISTENERS = "course.auth.rename_listeners"


def listen_for_renames(app: Flask, listener: Callable[[Session, int], None]) -> None:
    """Have ``listener(session, user_id)`` called, in the same transaction, after a rename.

    Features that keep a copy of a name (the cohort reports sort by it) listen here,
    since auth imports none of them.
    """
    app.extensions.setdefault(RENAME_LISTENERS, []).append(listener)


def rename(session: Session, user: User, name: str) -> None:
    """Give the account a new name, and tell the features that keep a copy of it."""
    if name == user.name:
        return
    user.name = name
    session.flush()
    for listener in current_app.extensions.get(RENAME_LISTENERS, ()):
        listener(session, user.id)


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the account for these credentials, or None, in the same time either way."""
    user = find_user_by_email(session, email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def change_password(session: Session, user: User, new_password: str, keep_token: str) -> None:
    """Set a new password and end every other session of the account."""
    user.password_hash = hash_password(new_password)
    session.execute(
        update(AuthSession)
        .where(
            AuthSession.user_id == user.id,
            AuthSession.ended_at.is_(None),
            AuthSession.token_hash != token_hash(keep_token),
        )
        .values(ended_at=utcnow())
    )


def token_hash(token: str) -> str:
    """Return the stored form of a token (a plain hash: every token is random)."""
    return hashlib.sha256(token.encode()).hexdigest()


def begin_session(session: Session, user: User) -> str:
    """Record a new signed-in session for ``user`` and return its secret token."""
    token = secrets.token_urlsafe(32)
    session.add(AuthSession(user_id=user.id, token_hash=token_hash(token), created_at=utcnow()))
    return token


def end_session(session: Session, token: str) -> None:
    """End the signed-in session with ``token``; its cookie signs nobody in afterwards."""
    session.execute(
        update(AuthSession)
        .where(AuthSession.token_hash == token_hash(token), AuthSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


@dataclass(frozen=True)
class SignedInUser(RoleChecks, UserMixin):
    """Who is signed in, as every request sees them: read-only, so loading it is cheap.

    Pages that change the account load the ``User`` itself.
    """

    id: int
    email: str
    name: str
    role: Role


# Built once, on the tables rather than the ORM classes, and run on the connection:
# it runs on every request of a signed-in person, and plain rows are cheaper.
_users, _sessions = User.__table__.c, AuthSession.__table__.c
SIGNED_IN_USER = (
    select(_users.id, _users.email, _users.name, _users.role)
    .join_from(User.__table__, AuthSession.__table__, _sessions.user_id == _users.id)
    .where(
        _users.id == bindparam("user_id"),
        _sessions.token_hash == bindparam("token_hash"),
        _sessions.ended_at.is_(None),
    )
)


def load_signed_in_user(
    connection: Connection, user_id: str, token: str | None
) -> SignedInUser | None:
    """Return the user of a live signed-in session, or None (one query)."""
    if not token or not user_id.isdigit() or len(user_id) > 10:
        return None
    row = connection.execute(
        SIGNED_IN_USER, {"user_id": int(user_id), "token_hash": token_hash(token)}
    ).first()
    return SignedInUser(*row) if row else None
