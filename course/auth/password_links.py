"""One-time set-password links: issued for an account (at a manager's request), redeemed once.

An account has at most one live link: a new one replaces the last, and whoever makes it
is told whose link stops working (see ``live_link``).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from course.auth.accounts import token_hash
from course.auth.models import PasswordToken, User

TOKEN_LIFETIME = timedelta(days=7)
TOKEN_BYTES = 32
# What secrets.token_urlsafe makes; anything else is no token and costs no query.
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class LiveLink:
    """A set-password link that still works: who made it, and when."""

    issued_by: str | None  # None when made outside the site or by an account since deleted
    created_at: datetime


def live_link(session: Session, user_id: int, now: datetime) -> LiveLink | None:
    """Return the account's link that still works, if any (there is at most one)."""
    issuer = User.__table__.alias("issuer")
    row = session.execute(
        select(issuer.c.name, PasswordToken.created_at)
        .select_from(PasswordToken)
        .outerjoin(issuer, issuer.c.id == PasswordToken.issued_by_id)
        .where(
            PasswordToken.user_id == user_id,
            PasswordToken.used_at.is_(None),
            PasswordToken.expires_at > now,
        )
        .order_by(PasswordToken.created_at.desc(), PasswordToken.id.desc())
        .limit(1)
    ).first()
    return LiveLink(*row) if row else None


def issue_password_tokens(
    session: Session, user_ids: list[int], now: datetime, *, issued_by: int | None = None
) -> dict[int, str]:
    """Return a new token per account; earlier unused links of those accounts stop working."""
    if not user_ids:
        return {}
    # A revoked link counts as used: one column says whether a link still works.
    session.execute(
        update(PasswordToken)
        .where(PasswordToken.user_id.in_(user_ids), PasswordToken.used_at.is_(None))
        .values(used_at=now)
    )
    tokens = {user_id: secrets.token_urlsafe(TOKEN_BYTES) for user_id in user_ids}
    session.add_all(
        PasswordToken(
            user_id=user_id,
            issued_by_id=issued_by,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + TOKEN_LIFETIME,
        )
        for user_id, token in tokens.items()
    )
    session.flush()
    return tokens


def account_for_token(session: Session, token: str, now: datetime) -> User | None:
    """Return the account a token may set the password of, or None (unknown, used or expired)."""
    if not token or not TOKEN_RE.fullmatch(token):
        return None
    return session.scalar(
        select(User)
        .join(PasswordToken, PasswordToken.user_id == User.id)
        .where(
            PasswordToken.token_hash == token_hash(token),
            PasswordToken.used_at.is_(None),
            PasswordToken.expires_at > now,
        )
    )


def redeem_token(session: Session, token: str, user_id: int, now: datetime) -> bool:
    """Use up the token; False when it no longer works (used meanwhile, or expired).

    One conditional UPDATE marks it used, so two submissions of the form
    cannot both succeed.
    """
    result = session.execute(
        update(PasswordToken)
        .where(
            PasswordToken.token_hash == token_hash(token),
            PasswordToken.user_id == user_id,
            PasswordToken.used_at.is_(None),
            PasswordToken.expires_at > now,
        )
        .values(used_at=now)
    )
    return result.rowcount == 1
