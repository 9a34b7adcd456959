"""Telling other features that a learner completed an item, in the completion's transaction.

A feature that acts on completions (LTI sends the score to the learner's LMS)
registers a listener in its ``init_app``; progress knows nothing of it. Each
listener runs inside the service that recorded the completion, with its session,
so whatever it writes commits or rolls back together with the completion.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session

EXTENSION_KEY = "course.progress.completions"


@dataclass(frozen=True)
class Completion:
    """One item finished by one learner: a lesson marked complete, a quiz submitted,
    a scenario run that reached an ending."""

    user_id: int
    kind: str  # lesson, quiz or scenario
    slug: str
    at: datetime


CompletionListener = Callable[[Session, Completion], None]


def listen_for_completions(app: Flask, listener: CompletionListener) -> None:
    """Call ``listener`` with each completion recorded in ``app``, in its transaction."""
    app.extensions.setdefault(EXTENSION_KEY, []).append(listener)


def tell_completed(session: Session, completion: Completion) -> None:
    """Tell every listener of the current app about ``completion``."""
    if not has_app_context():
        return
    for listener in current_app.extensions.get(EXTENSION_KEY, ()):
        listener(session, completion)
