"""Account services: create, authenticate and change accounts. Callers commit."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from course.auth.models import Role, User
from course.auth.passwords import hash_password, needs_rehash, verify_password


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


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the account for these credentials, or None, in the same time either way."""
    user = find_user_by_email(session, email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def change_password(user: User, new_password: str) -> None:
    """Set a new password and end every other session of the account."""
    user.password_hash = hash_password(new_password)
    user.session_generation += 1


def load_user_by_session_id(session: Session, session_id: str) -> User | None:
    """Return the user a session cookie names, if that session is still valid."""
    user_id, _, generation = session_id.partition(":")
    if not (user_id.isdigit() and generation.isdigit()):
        return None
    user = session.get(User, int(user_id))
    if user is None or user.session_generation != int(generation):
        return None
    return user
