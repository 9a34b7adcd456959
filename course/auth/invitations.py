"""Invitations from a feature that auth does not know, as sign-up and sign-in see them.

Cohorts (manage) invite people: a cohort's invite link invites a visitor to sign up
(where registration is by invitation only, it is what lets them; once their account
exists it joins them to the cohort), and a manager's invitation waits for the learner's
answer, which comes first after signing in. Manage builds on auth, so auth must not
import it: manage registers its ``Inviter`` in its ``init_app``, and sign-up and sign-in
ask through ``held_invitation`` and ``after_sign_in``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app
from sqlalchemy.orm import Session

EXTENSION_KEY = "course.auth.invitations"


@dataclass(frozen=True)
class Invitation:
    """An invitation to sign up, as sign-up sees it."""

    leads_to: str  # the path the new account goes to once signed up
    # What accepting does for the new account (joins it to a cohort), in sign-up's
    # transaction: it changes the session and never commits.
    accept: Callable[[Session, int, datetime], None]


@dataclass(frozen=True)
class Inviter:
    """What a feature that invites people answers sign-up and sign-in."""

    # The invitation to sign up this visitor holds, if any.
    held_invitation: Callable[[Session], Invitation | None]
    # The page where an account answers its waiting invitations, given the page it
    # asked for (to go on to afterwards); None when nothing waits.
    answer_first: Callable[[Session, int, str | None], str | None]


def invitations_from(app: Flask, inviter: Inviter) -> None:
    """Let sign-up and sign-in ask ``inviter`` about invitations."""
    app.extensions[EXTENSION_KEY] = inviter


def held_invitation(db: Session) -> Invitation | None:
    """Return the invitation to sign up this visitor holds, or None (also when nothing invites)."""
    inviter = current_app.extensions.get(EXTENSION_KEY)
    return inviter.held_invitation(db) if inviter is not None else None


def after_sign_in(db: Session, user_id: int, next_path: str | None, landing: str) -> str:
    """Return where a just-signed-in account goes: its waiting invitations first, if any,
    else the page it asked for, else ``landing``."""
    inviter = current_app.extensions.get(EXTENSION_KEY)
    first = inviter.answer_first(db, user_id, next_path) if inviter is not None else None
    return first or next_path or landing
