"""Where learners stand: every outline item's state and the course's, from one service.

The outline, ``/progress``, the certificate and the manager's reports all read
``progress_for_learners``, so they cannot disagree. It runs one query for any
number of learners.

A learner's figures (items done, completion, last activity, items out of
attempts) are read from their facts at once; each item's state is read from its
fact only when asked for, and not kept. A report over 5,000 learners needs
everyone's figures but the items of only the hundred rows it shows, or writes one
learner's line at a time: holding 95,000 item states cost it more (in building
them and in the garbage collector's passes over them) than anything else it did.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from typing import ClassVar, overload

from sqlalchemy.orm import Session

from course.content.model import Catalog, OutlineItem
from course.progress import item_kinds
from course.progress.item_kinds import DONE_AT, LAST_AT, OUT_OF_ATTEMPTS, Fact, StateReader
from course.progress.status import ItemState

OUTLINE_ORDER = attrgetter("index")  # sorts outline items as the outline lists them


@dataclass(frozen=True)
class LearnerProgress:
    items: Sequence[ItemState]
    required_done: int
    required_total: int
    completed_at: datetime | None
    last_activity_at: datetime | None
    out_of_attempts: tuple[OutlineItem, ...] = ()  # required quizzes with no attempt left

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
        # Every record has a time, so a learner with any has a last activity.
        return self.last_activity_at is not None

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
    facts = item_kinds.fetch_facts(session, user_ids)
    outline = OutlineReader.of(catalog)
    no_facts: dict = {}
    return {user_id: outline.progress(facts.get(user_id, no_facts)) for user_id in user_ids}


@dataclass(frozen=True)
class OutlineReader:
    """How to read a learner's progress from their facts: made once per catalog, for everyone."""

    items: tuple[OutlineItem, ...]
    readers: tuple[StateReader, ...]  # by outline index
    untouched: tuple[ItemState, ...]  # each item's state for a learner who has not started it
    places: dict[tuple[str, str], tuple[int, bool]]  # (kind, slug): (index, is required)
    required: tuple[int, ...]  # the indices of the required items
    is_sequential: bool
    # The last catalog read and its reader: every request reads the same catalog until the
    # content is reloaded, and making a reader costs as much as one learner's progress.
    _last_made: ClassVar[tuple[Catalog, OutlineReader] | None] = None

    @classmethod
    def of(cls, catalog: Catalog) -> OutlineReader:
        """Return the reader for ``catalog``, made on its first use: a catalog never changes."""
        made = cls._last_made
        if made is None or made[0] is not catalog:
            made = cls._last_made = (catalog, cls._make(catalog))
        return made[1]

    @classmethod
    def _make(cls, catalog: Catalog) -> OutlineReader:
        readers = tuple(item_kinds.reader_for(catalog, item) for item in catalog.items)
        return cls(
            items=catalog.items,
            readers=readers,
            untouched=tuple(read(None) for read in readers),
            places={(item.kind, item.slug): (item.index, item.required) for item in catalog.items},
            required=tuple(item.index for item in catalog.items if item.required),
            is_sequential=catalog.course.sequential,
        )

    def progress(self, item_facts: dict[tuple[str, str], Fact]) -> LearnerProgress:
        """Return one learner's progress from their facts, keyed by (kind, slug)."""
        places, readers = self.places, self.readers  # looked up once: this runs per learner
        required_done = 0
        last_done_at = last_activity_at = None
        out_of_attempts = []
        for key, fact in item_facts.items():
            place = places.get(key)
            if place is None:
                continue  # a record of an item no longer in the outline
            index, is_required = place
            last_at, done_at = fact[LAST_AT], fact[DONE_AT]
            if last_activity_at is None or last_at > last_activity_at:
                last_activity_at = last_at
            if not is_required:
                continue
            if done_at is not None:
                required_done += 1
                if last_done_at is None or done_at > last_done_at:
                    last_done_at = done_at
            elif readers[index](fact).status is OUT_OF_ATTEMPTS:  # its kind's rule
                out_of_attempts.append(self.items[index])
        return LearnerProgress(
            items=LearnerItems(self, item_facts),
            required_done=required_done,
            required_total=len(self.required),
            completed_at=last_done_at if required_done == len(self.required) else None,
            last_activity_at=last_activity_at,
            out_of_attempts=tuple(sorted(out_of_attempts, key=OUTLINE_ORDER)),
        )

    def states(self, item_facts: dict[tuple[str, str], Fact]) -> tuple[ItemState, ...]:
        """Return the state of every outline item for the learner with these facts."""
        # Start from everything untouched and read only the items the learner has
        # facts for: half of them, on average, in a cohort.
        places, readers = self.places, self.readers
        states = list(self.untouched)
        for key, fact in item_facts.items():
            place = places.get(key)
            if place is not None:
                index = place[0]
                states[index] = readers[index](fact)
        if self.is_sequential:
            first = self._first_unfinished(item_facts)
            states[first + 1 :] = [state._replace(is_locked=True) for state in states[first + 1 :]]
        return tuple(states)

    def state(self, item_facts: dict[tuple[str, str], Fact], index: int) -> ItemState:
        """Return the state of the outline's item at ``index`` for the learner with these facts."""
        item = self.items[index]
        state = self.readers[index](item_facts.get((item.kind, item.slug)))
        if self.is_sequential and index > self._first_unfinished(item_facts):
            return state._replace(is_locked=True)
        return state

    def _first_unfinished(self, item_facts: dict[tuple[str, str], Fact]) -> int:
        """Return the index of the first required item not yet done (or past the last item)."""
        for index in self.required:
            item = self.items[index]
            fact = item_facts.get((item.kind, item.slug))
            if fact is None or fact[DONE_AT] is None:
                return index
        return len(self.items)


class LearnerItems(Sequence[ItemState]):
    """A learner's state of each outline item, read from their facts whenever it is asked for."""

    __slots__ = ("_facts", "_outline")

    def __init__(self, outline: OutlineReader, item_facts: dict[tuple[str, str], Fact]) -> None:
        self._outline = outline
        self._facts = item_facts

    def __len__(self) -> int:
        return len(self._outline.items)

    @overload
    def __getitem__(self, index: int) -> ItemState: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[ItemState, ...]: ...

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._outline.states(self._facts)[index]
        # range() turns a negative index into its place, and refuses one out of range.
        return self._outline.state(self._facts, range(len(self))[index])

    def __iter__(self) -> Iterator[ItemState]:
        return iter(self._outline.states(self._facts))
