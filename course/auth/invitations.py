"""Sign-up by invitation, from a feature that auth does not know.

A cohort's invite link (manage) invites a visitor to sign up: where registration is by
invitation only, it is what lets them; once their account exists it joins them to the
cohort, and they go on to the cohort's page. Manage builds on auth, so auth must not
import it: manage registers, in its ``init_app``, how to find the invitation a visitor
holds, and sign-up asks through ``held_invitation``.
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


InvitationFinder = Callable[[Session], Invitation | None]


def find_invitations_with(app: Flask, finder: InvitationFinder) -> None:
    """Let sign-up ask ``finder`` for the invitation the visitor holds, if any."""
    app.extensions[EXTENSION_KEY] = finder


def held_invitation(db: Session) -> Invitation | None:
    """Return the invitation this visitor holds, or None (also when nothing invites)."""
    finder = current_app.extensions.get(EXTENSION_KEY)
    return finder(db) if finder is not None else None
