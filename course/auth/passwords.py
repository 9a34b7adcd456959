"""Password hashing (Argon2id) and the rules a new password must meet."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
MAX_LENGTH = 256
# zxcvbn's 0-4 guessability score: below 2 means the password is in, or built
# from, the lists attackers try first (common passwords, names, keyboard walks).
MIN_STRENGTH = 2
# Only this much of a password is scored: zxcvbn slows down on very long input.
STRENGTH_CHECK_CHARS = 64

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against when the account does not exist, so that a sign-in
    for an unknown email takes as long as one with a wrong password (made once, on
    first use, since hashing is deliberately slow)."""
    return _hasher.hash("not a real password, only for timing")


def hash_password(password: str) -> str:
    """Return an Argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Tell whether ``password`` matches ``password_hash`` (None: no password set)."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str, *, user_inputs: tuple[str, ...] = ()) -> str | None:
    """Return why ``password`` may not be used, or None when it may."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    # Imported here: its word lists take a noticeable share of start-up, and only
    # the few requests that set a password need them.
    from zxcvbn import zxcvbn

    verdict = zxcvbn(password[:STRENGTH_CHECK_CHARS], user_inputs=[u for u in user_inputs if u])
    if verdict["score"] < MIN_STRENGTH:
        reason = verdict["feedback"].get("warning") or "It is too easy to guess."
        return f"Choose a less common password. {reason}".strip()
    return None
