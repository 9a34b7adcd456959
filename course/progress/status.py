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


class Badge(NamedTuple):
    """How an item's state is shown in a list: its style and its words."""

    css_class: str
    label: str


LOCKED_BADGE = Badge("badge-locked", "Locked")
STATUS_BADGES = {
    status: Badge(f"badge-{status.value.replace(' ', '-')}", status.value.capitalize())
    for status in Status
}


def badge_of(state: ItemState) -> Badge:
    """Return the badge that shows ``state``: a locked item shows as locked, whatever its status."""
    return LOCKED_BADGE if state.is_locked else STATUS_BADGES[state.status]
