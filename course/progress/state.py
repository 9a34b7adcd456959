"""Where learners stand: every outline item's state and the course's, from one service.

The outline, ``/progress``, the certificate and the manager's reports all read
``progress_for_learners``, so they cannot disagree. It runs one query for any
number of learners.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from course.content.model import Catalog
from course.progress import item_kinds
from course.progress.status import ItemState


@dataclass(frozen=True)
class LearnerProgress:
    items: tuple[ItemState, ...]
    required_done: int
    required_total: int
    completed_at: datetime | None
    last_activity_at: datetime | None

    @property
    def fraction(self) -> float:
        return self.required_done / self.required_total if self.required_total else 1.0

    @property
    def percent(self) -> int:
        return int(self.fraction * 100)

    @property
    def is_complete(self) -> bool:
        return self.required_done == self.required_total

    @property
    def is_started(self) -> bool:
        return any(state.is_started for state in self.items)

    @property
    def next_item(self) -> ItemState | None:
        """The item "Continue" leads to: the first unfinished required one."""
        for state in self.items:
            if state.item.required and not state.is_done:
                return state
        return None

    @property
    def remaining(self) -> tuple[ItemState, ...]:
        return tuple(s for s in self.items if s.item.required and not s.is_done)

    def state_of(self, kind: str, slug: str) -> ItemState | None:
        for state in self.items:
            if state.item.kind == kind and state.item.slug == slug:
                return state
        return None


def progress_for_learner(session: Session, catalog: Catalog, user_id: int) -> LearnerProgress:
    """Return one learner's progress through the course."""
    return progress_for_learners(session, catalog, [user_id])[user_id]


def progress_for_learners(
    session: Session, catalog: Catalog, user_ids: Iterable[int]
) -> dict[int, LearnerProgress]:
    """Return each learner's progress, reading every kind of record in one query."""
    user_ids = list(user_ids)
    facts = item_kinds.fetch_facts(session, catalog, user_ids)
    # An item a learner never touched has the same (frozen) state for everyone.
    untouched = tuple(item_kinds.state_for(catalog, item, None) for item in catalog.items)
    return {user_id: summarise(catalog, facts.get(user_id, {}), untouched) for user_id in user_ids}


def summarise(
    catalog: Catalog, item_facts: dict, untouched: tuple[ItemState, ...]
) -> LearnerProgress:
    """Turn one learner's facts (keyed by (kind, slug)) into their progress.

    ``untouched`` holds each item's state for a learner who has not started it.
    """
    states: list[ItemState] = []
    blocked_by_earlier = False
    for index, item in enumerate(catalog.items):
        fact = item_facts.get((item.kind, item.slug))
        state = untouched[index] if fact is None else item_kinds.state_for(catalog, item, fact)
        if catalog.course.sequential and blocked_by_earlier:
            state = _locked(state)
        if item.required and not state.is_done:
            blocked_by_earlier = True
        states.append(state)
    required = [s for s in states if s.item.required]
    done = [s for s in required if s.is_done]
    activity = [s.last_activity_at for s in states if s.last_activity_at]
    done_times = [s.done_at for s in done if s.done_at]
    completed_at = max(done_times) if len(done) == len(required) and done_times else None
    return LearnerProgress(
        items=tuple(states),
        required_done=len(done),
        required_total=len(required),
        completed_at=completed_at,
        last_activity_at=max(activity) if activity else None,
    )


def _locked(state: ItemState) -> ItemState:
    return state._replace(is_locked=True)
