"""The status of one outline item for one learner."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import NamedTuple

from course.content.model import OutlineItem


class Status(enum.StrEnum):
    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    COMPLETED = "completed"
    ATTEMPTED = "attempted"
    PASSED = "passed"
    OUT_OF_ATTEMPTS = "out of attempts"
    FINISHED = "finished"


class ItemState(NamedTuple):
    """One item's state for one learner (a named tuple: reports build tens of thousands)."""

    item: OutlineItem
    status: Status
    is_done: bool
    is_locked: bool = False
    best_score: float | None = None
    attempts_used: int = 0
    max_attempts: int | None = None
    last_activity_at: datetime | None = None
    done_at: datetime | None = None
    ending_title: str | None = None

    @property
    def is_started(self) -> bool:
        return self.status != Status.NOT_STARTED
