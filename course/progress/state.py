"""Where learners stand: every outline item's state and the course's, read from summary rows.

The outline, ``/progress``, the certificate, "Continue" and the manager's pages
all read the learners' ``ItemSummary`` rows, which the services write with the
facts (``course.progress.summaries``), so they cannot disagree. Any number of
learners costs one query; the figures (items done, completion, last activity,
items out of attempts) are counted from the item states the rows give. A report
of a whole cohort reads each learner's rows packed in one text instead
(``packed_item_summaries``), and locks items by the same rule (``locked_from``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import ColumnElement, Connection, ScalarSelect, Text, bindparam, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

from course.content.model import Catalog, OutlineItem
from course.progress.drafts import drafts_saved_at
from course.progress.models import ItemSummary
from course.progress.quizzes import attempt_limit
from course.progress.status import ItemState, Status
from course.progress.summaries import ensure_outline

_SUMMARY_COLUMNS = (
    ItemSummary.user_id,
    ItemSummary.item_kind,
    ItemSummary.item_slug,
    ItemSummary.status,
    ItemSummary.attempts,
    ItemSummary.granted,
    ItemSummary.best_score,
    ItemSummary.last_activity_at,
    ItemSummary.done_at,
    ItemSummary.ending_title,
)
LEARNERS_ITEMS = select(*_SUMMARY_COLUMNS).where(
    ItemSummary.user_id.in_(bindparam("user_ids", expanding=True))
)
# Every learner page asks for one learner: a plain comparison runs the statement as
# it was compiled, where an expanding list is rewritten on every execution.
LEARNER_ITEMS = select(*_SUMMARY_COLUMNS).where(ItemSummary.user_id == bindparam("user_id"))


@dataclass(frozen=True)
class LearnerProgress:
    items: tuple[ItemState, ...]  # every outline item's state, in outline order
    required_done: int
    required_total: int
    completed_at: datetime | None
    last_activity_at: datetime | None
    out_of_attempts: tuple[OutlineItem, ...] = ()  # required quizzes with no attempt left
    # Quiz slug -> when answers to it were last saved as a draft; read only for "Continue".
    drafts_saved_at: Mapping[str, datetime] = field(default_factory=dict)

    @property
    def fraction(self) -> float:
        return self.required_done / self.required_total if self.required_total else 1.0

    @property
    def percent(self) -> int:
        # In integers, as the learner's summary row has it: 100 only when all is done.
        return self.required_done * 100 // self.required_total if self.required_total else 100

    @property
    def is_complete(self) -> bool:
        return self.required_done == self.required_total

    @property
    def is_started(self) -> bool:
        # Every record has a time, so a learner with any has a last activity.
        return self.last_activity_at is not None

    @property
    def next_item(self) -> ItemState | None:
        """The item "Continue" leads to: the one left unfinished last, else the first required."""
        return self.resume_item or next(iter(self.remaining), None)

    @property
    def resume_item(self) -> ItemState | None:
        """The unfinished item last worked on: a lesson opened, a run not ended, a quiz saved."""
        worked_on: list[tuple[datetime, ItemState]] = []
        for state in self.items:
            if state.is_done or state.is_locked:
                continue
            if state.status is Status.IN_PROGRESS and state.last_activity_at is not None:
                worked_on.append((state.last_activity_at, state))
            saved_at = self.drafts_saved_at.get(state.item.slug)
            if state.item.kind == "quiz" and saved_at is not None:
                worked_on.append((saved_at, state))
        return max(worked_on, key=lambda pair: pair[0], default=(None, None))[1]

    @property
    def remaining(self) -> tuple[ItemState, ...]:
        return tuple(s for s in self.items if s.item.required and not s.is_done)

    def state_of(self, kind: str, slug: str) -> ItemState | None:
        for state in self.items:
            if state.item.kind == kind and state.item.slug == slug:
                return state
        return None


def progress_for_learner(
    connection: Connection, catalog: Catalog, user_id: int, *, with_drafts: bool = False
) -> LearnerProgress:
    """Return one learner's progress; ``with_drafts`` for pages with "Continue" on them."""
    progress = progress_for_learners(connection, catalog, [user_id])[user_id]
    if with_drafts:
        progress = replace(progress, drafts_saved_at=drafts_saved_at(connection, user_id))
    return progress


def progress_for_learners(
    connection: Connection, catalog: Catalog, user_ids: Iterable[int]
) -> dict[int, LearnerProgress]:
    """Return each learner's progress, reading their item summaries in one query."""
    user_ids = list(user_ids)
    ensure_outline(connection, catalog)
    # Everyone starts from the same untouched states; only the items a learner
    # has a summary of (about half of them, in a cohort) are read from it.
    untouched = tuple(untouched_state(catalog, item) for item in catalog.items)
    states = {user_id: list(untouched) for user_id in user_ids}
    # Unpacked as plain tuples and built positionally: a report reads a hundred rows
    # of ten items on every page, and a Row's fields cost ten times a tuple's.
    rows = item_summaries(connection, user_ids)
    for user_id, kind, slug, status, attempts, granted, *rest in rows:
        item = catalog.outline_item(kind, slug)
        if item is not None:  # else a record of an item no longer in the outline
            states[user_id][item.index] = summary_state(
                catalog, item, status, attempts, granted, *rest
            )
    is_sequential = catalog.course.sequential
    return {
        user_id: progress_from_states(items, is_sequential) for user_id, items in states.items()
    }


class float_text(GenericFunction):  # named as SQL functions are, like func.date
    """SQL: a float as text that reads back as the very same float (NULL stays NULL)."""

    type = Text()
    inherit_cache = True


@compiles(float_text, "sqlite")
def _sqlite_float_text(element, compiler, **kw):
    # SQLite's own text of a REAL keeps 15 digits; 17 always read back exactly, and
    # its printf writes more than 16 only with the ! flag (and NULL as 0).
    value = compiler.process(element.clauses, **kw)
    return f"CASE WHEN {value} IS NULL THEN NULL ELSE printf('%!.17g', {value}) END"


@compiles(float_text, "postgresql")
def _postgresql_float_text(element, compiler, **kw):
    # PostgreSQL writes the shortest text that reads back exactly (since version 12).
    return f"CAST({compiler.process(element.clauses, **kw)} AS TEXT)"


PACKED_ITEMS, PACKED_FIELDS = ";", ":"  # neither is in a slug, a status or a number


def packed_item_summaries(user_id: ColumnElement[int]) -> ScalarSelect:
    """SELECT a learner's item summaries packed in one text (NULL when there is none).

    For reports that read every learner of a cohort: a hundred thousand learners are
    a hundred thousand rows this way, where their item summaries are two million.
    Each summary is kind, slug, status, best score and whether it is done; read them
    with ``unpack_item_summaries``.
    """
    item = ItemSummary.__table__.c
    parts = (
        item.item_kind,
        item.item_slug,
        item.status,
        func.coalesce(float_text(item.best_score), ""),
        case((item.done_at.is_(None), "0"), else_="1"),
    )
    packed = parts[0]
    for part in parts[1:]:
        packed = packed + PACKED_FIELDS + part
    return (
        select(func.aggregate_strings(packed, PACKED_ITEMS))
        .where(item.user_id == user_id)
        .scalar_subquery()
    )


class PackedItem(NamedTuple):
    index: int  # the item's place in the outline
    status: str
    best_score: float | None
    is_done: bool


def unpack_item_summaries(
    packed: str | None, places: Mapping[tuple[str, str], int]
) -> Iterator[PackedItem]:
    """Yield the summaries ``packed_item_summaries`` packed of the items in ``places``.

    ``places`` maps each outline item's (kind, slug) to its index; a summary of an
    item no longer in the outline is left out, as ``progress_for_learners`` does.
    """
    if not packed:
        return
    for summary in packed.split(PACKED_ITEMS):
        kind, slug, status, best_score, is_done = summary.split(PACKED_FIELDS)
        index = places.get((kind, slug))
        if index is not None:
            yield PackedItem(
                index, status, float(best_score) if best_score else None, is_done == "1"
            )


def locked_from(required: Sequence[int], done: Collection[int], is_sequential: bool) -> int | None:
    """Return the index of the first item a learner may not open yet, or None.

    ``required`` are the indexes of the outline's required items, ``done`` those
    the learner has done: in a sequential course, what follows the first
    unfinished required item waits for it.
    """
    if not is_sequential:
        return None
    first = next((index for index in required if index not in done), None)
    return None if first is None else first + 1


def item_summaries(connection: Connection, user_ids: list[int]):
    """Return the learners' item summary rows, in one query."""
    if not user_ids:
        return ()
    if len(user_ids) == 1:
        return connection.execute(LEARNER_ITEMS, {"user_id": user_ids[0]})
    # Fetched at once: a report's batch of learners is ten thousand rows or more, and
    # one fetch costs a third less than fetching them one by one.
    return connection.execute(LEARNERS_ITEMS, {"user_ids": user_ids}).all()


def untouched_state(catalog: Catalog, item: OutlineItem) -> ItemState:
    """Return the state of an item the learner has no summary of: not started."""
    if item.kind == "quiz":
        return ItemState(
            item, Status.NOT_STARTED, False, max_attempts=catalog.quizzes[item.slug].max_attempts
        )
    return ItemState(item, Status.NOT_STARTED, False)


STATUSES = {status.value: status for status in Status}


def summary_state(
    catalog: Catalog,
    item: OutlineItem,
    status: str,
    attempts: int,
    granted: int,
    best_score: float | None,
    last_activity_at: datetime | None,
    done_at: datetime | None,
    ending_title: str | None,
) -> ItemState:
    """Return the item's state as its summary row (these columns of it) tells it."""
    is_quiz = item.kind == "quiz"
    return ItemState(
        item,
        STATUSES[status],
        done_at is not None,
        False,
        best_score,
        # A lesson is opened, not attempted: its one row counts no attempt.
        0 if item.kind == "lesson" else attempts,
        attempt_limit(catalog.quizzes[item.slug].max_attempts, granted) if is_quiz else None,
        last_activity_at,
        done_at,
        ending_title,
    )


def progress_from_states(states: list[ItemState], is_sequential: bool) -> LearnerProgress:
    """Return a learner's progress from the state of each outline item, in outline order."""
    required = [state for state in states if state.item.required]
    done = [state.done_at for state in required if state.is_done]
    is_complete = len(done) == len(required)
    if is_sequential and not is_complete:
        locked = locked_from(
            [state.item.index for state in required],
            {state.item.index for state in required if state.is_done},
            is_sequential,
        )
        states[locked:] = [state._replace(is_locked=True) for state in states[locked:]]
    return LearnerProgress(
        items=tuple(states),
        required_done=len(done),
        required_total=len(required),
        completed_at=max(done, default=None) if is_complete else None,
        last_activity_at=max(
            (state.last_activity_at for state in states if state.last_activity_at is not None),
            default=None,
        ),
        out_of_attempts=tuple(
            state.item for state in required if state.status is Status.OUT_OF_ATTEMPTS
        ),
    )
