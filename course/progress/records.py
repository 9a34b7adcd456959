"""Learning records: every learning event written in this one place.

Each row reads as an xAPI statement (actor, verb, object, result, timestamp),
so an export needs no rework of what is stored.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy.orm import Session

from course.progress.models import LearningRecord


class Verb(enum.StrEnum):
    OPENED = "opened"  # a lesson, the first time
    COMPLETED = "completed"  # a lesson marked complete
    ATTEMPTED = "attempted"  # a quiz attempt submitted
    PASSED = "passed"  # a quiz attempt at or above the pass mark
    FAILED = "failed"  # a quiz attempt below it
    CHOSE = "chose"  # a scenario choice
    FINISHED = "finished"  # a scenario run reaching an ending


def record_event(session: Session, **event) -> None:
    """Add one learning record (``record_values``' arguments); the caller commits it."""
    session.add(LearningRecord(**record_values(**event)))


def record_values(
    *,
    user_id: int,
    verb: Verb,
    kind: str,
    slug: str,
    at: datetime,
    part: str | None = None,
    score: float | None = None,
    is_success: bool | None = None,
    is_completion: bool | None = None,
    response: str | None = None,
) -> dict:
    """Return one learning record's columns, every one present (bulk inserts need that)."""
    return {
        "user_id": user_id,
        "verb": verb.value,
        "object_kind": kind,
        "object_slug": slug,
        "object_part": part,
        "score": score,
        "is_success": is_success,
        "is_completion": is_completion,
        "response": response,
        "recorded_at": at,
    }
