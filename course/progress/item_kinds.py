"""Per kind of outline item: the records that tell its status, and how to read them.

Each kind is one small class: a SELECT over its records that answers the same
named columns (below), one row per learner and item, and the rule that reads an
item's state from that row. The facts query is the UNION ALL of every kind's
SELECT, built once with SQLAlchemy Core when this module is imported, so the
whole course's state for any number of learners comes back in one round trip.
A new kind of item adds one class here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import (
    Boolean,
    ColumnElement,
    CompoundSelect,
    Float,
    Integer,
    Select,
    String,
    bindparam,
    case,
    func,
    literal_column,
    null,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session

from course.content.model import Catalog, OutlineItem
from course.progress.models import AttemptGrant, LessonProgress, QuizAttempt, ScenarioRun
from course.progress.quizzes import attempt_limit
from course.progress.status import ItemState, Status


class Fact(NamedTuple):
    """What one learner did with one item: a row of the facts query, by name.

    Every kind's SELECT answers these columns in this order. Whatever the kind,
    ``last_at`` is when the learner last worked on the item (NULL only for a quiz
    they were granted attempts at but never tried) and ``done_at`` when they
    finished it (NULL until then), so a learner's figures for the whole course
    read the same two columns.
    """

    kind: str
    user_id: int
    slug: str
    records: int  # lesson rows, quiz attempts or scenario runs
    best_score: float | None
    last_at: datetime
    done_at: datetime | None
    unfinished: int  # scenario runs not yet ended
    ending_title: str | None
    granted: int  # extra quiz attempts managers gave, beyond the quiz's limit


# Constants written into the SQL rather than bound: the statement is the same every time.
ONE, ZERO = literal_column("1", Integer), literal_column("0", Integer)
# Narrows each kind's records to the learners asked about, given its user_id column.
LearnerFilter = Callable[[ColumnElement[int]], ColumnElement[bool]]


class LessonKind:
    name = "lesson"

    def facts(self, learners: LearnerFilter) -> Select:
        """Return one row per learner and lesson they opened."""
        lesson = LessonProgress
        # Completing a lesson also counts as opening it, but an opening written by a
        # clock running behind can predate the completion: last_at is the later one.
        last_at = case(
            (lesson.completed_at > lesson.last_opened_at, lesson.completed_at),
            else_=lesson.last_opened_at,
        )
        return select(
            literal_column("'lesson'", String).label("kind"),
            lesson.user_id.label("user_id"),
            lesson.lesson_slug.label("slug"),
            ONE.label("records"),
            type_coerce(null(), Float).label("best_score"),
            last_at.label("last_at"),
            lesson.completed_at.label("done_at"),
            ZERO.label("unfinished"),
            type_coerce(null(), String).label("ending_title"),
            ZERO.label("granted"),
        ).where(learners(lesson.user_id))

    def state(self, catalog: Catalog, item: OutlineItem, fact: Fact | None) -> ItemState:
        """Not started, in progress (opened) or completed."""
        if fact is None:
            return ItemState(item, Status.NOT_STARTED, False)
        if fact.done_at is None:
            return ItemState(item, Status.IN_PROGRESS, False, last_activity_at=fact.last_at)
        return ItemState(
            item, Status.COMPLETED, True, last_activity_at=fact.last_at, done_at=fact.done_at
        )


class QuizKind:
    name = "quiz"

    def facts(self, learners: LearnerFilter) -> Select:
        """Return one row per learner and quiz they attempted or were granted attempts at."""
        attempt, grant = QuizAttempt, AttemptGrant
        # Grants ride along as records of their own, so that a learner given an
        # attempt before trying still has a row, and the limit is read here only.
        records = union_all(
            select(
                attempt.user_id,
                attempt.quiz_slug,
                ONE.label("is_attempt"),
                attempt.score,
                attempt.submitted_at,
                attempt.is_passed,
            ).where(learners(attempt.user_id)),
            select(
                grant.user_id,
                grant.quiz_slug,
                ZERO,
                type_coerce(null(), Float),
                type_coerce(null(), attempt.submitted_at.type),
                type_coerce(null(), Boolean),
            ).where(learners(grant.user_id)),
        ).subquery("quiz_records")
        record = records.c
        attempts = func.sum(record.is_attempt)
        return select(
            literal_column("'quiz'", String),
            record.user_id,
            record.quiz_slug,
            attempts,
            func.max(record.score),
            func.max(record.submitted_at),
            func.min(case((record.is_passed, record.submitted_at))),
            ZERO,
            type_coerce(null(), String),
            func.count() - attempts,
        ).group_by(record.user_id, record.quiz_slug)

    def state(self, catalog: Catalog, item: OutlineItem, fact: Fact | None) -> ItemState:
        """Not started, attempted, passed, or out of attempts (a limit reached without a pass)."""
        max_attempts = attempt_limit(
            catalog.quizzes[item.slug].max_attempts, fact.granted if fact else 0
        )
        if fact is None or not fact.records:
            return ItemState(item, Status.NOT_STARTED, False, max_attempts=max_attempts)
        attempts, done_at = fact.records, fact.done_at
        if done_at is not None:
            status = Status.PASSED
        elif max_attempts is not None and attempts >= max_attempts:
            status = Status.OUT_OF_ATTEMPTS
        else:
            status = Status.ATTEMPTED
        return ItemState(
            item=item,
            status=status,
            is_done=done_at is not None,
            best_score=fact.best_score,
            attempts_used=attempts,
            max_attempts=max_attempts,
            last_activity_at=fact.last_at,
            done_at=done_at,
        )


class ScenarioKind:
    name = "scenario"

    def facts(self, learners: LearnerFilter) -> Select:
        """Return one row per learner and scenario: their best finished run, all runs' totals."""
        run = ScenarioRun
        learner_runs = {"partition_by": (run.user_id, run.scenario_slug)}
        ranked = (
            select(
                run.user_id,
                run.scenario_slug,
                run.score,
                run.ending_title,
                func.count().over(**learner_runs).label("runs"),
                func.sum(case((run.finished_at.is_(None), ONE), else_=ZERO))
                .over(**learner_runs)
                .label("unfinished"),
                func.max(run.updated_at).over(**learner_runs).label("last_at"),
                func.min(case((run.is_passed, run.finished_at)))
                .over(**learner_runs)
                .label("passed_at"),
                # The best finished run first: unfinished runs last, then by score, earliest.
                func.row_number()
                .over(
                    **learner_runs,
                    order_by=(run.finished_at.is_(None), run.score.desc(), run.finished_at),
                )
                .label("best_first"),
            )
            .where(learners(run.user_id))
            .subquery("ranked")
        )
        any_finished = ranked.c.runs > ranked.c.unfinished
        return select(
            literal_column("'scenario'", String),
            ranked.c.user_id,
            ranked.c.scenario_slug,
            ranked.c.runs,
            case((any_finished, ranked.c.score)),
            ranked.c.last_at,
            ranked.c.passed_at,
            ranked.c.unfinished,
            case((any_finished, ranked.c.ending_title)),
            ZERO,
        ).where(ranked.c.best_first == ONE)

    def state(self, catalog: Catalog, item: OutlineItem, fact: Fact | None) -> ItemState:
        """Not started, in progress (a run not ended), attempted (below the pass mark), finished."""
        if fact is None:
            return ItemState(item, Status.NOT_STARTED, False)
        done_at = fact.done_at
        if done_at is not None:
            status = Status.FINISHED
        elif fact.unfinished:
            status = Status.IN_PROGRESS
        else:
            status = Status.ATTEMPTED  # finished, but below the pass mark
        return ItemState(
            item=item,
            status=status,
            is_done=done_at is not None,
            best_score=fact.best_score,
            attempts_used=fact.records,
            last_activity_at=fact.last_at,
            done_at=done_at,
            ending_title=fact.ending_title,
        )


ITEM_KINDS = {kind.name: kind for kind in (LessonKind(), QuizKind(), ScenarioKind())}


def _facts_query(learners: LearnerFilter) -> CompoundSelect:
    return union_all(*(kind.facts(learners) for kind in ITEM_KINDS.values()))


FACTS_QUERY = _facts_query(lambda user_id: user_id.in_(bindparam("user_ids", expanding=True)))
# Every learner page asks for one learner: a plain comparison runs the statement as
# it was compiled, where an expanding list is rewritten on every execution.
ONE_LEARNER_FACTS_QUERY = _facts_query(lambda user_id: user_id == bindparam("user_id"))


def fetch_facts(session: Session, user_ids: list[int]) -> Iterator[Fact]:
    """Return every learner's facts about every kind of item, in one query."""
    if not user_ids:
        return iter(())
    # On the connection: the rows are plain columns, so the ORM has nothing to add.
    if len(user_ids) == 1:
        rows = session.connection().execute(ONE_LEARNER_FACTS_QUERY, {"user_id": user_ids[0]})
    else:
        rows = session.connection().execute(FACTS_QUERY, {"user_ids": user_ids})
    # Each row becomes a named tuple at once: reading a field of one costs a
    # tenth of reading it from a Row, and a report reads a quarter of a million.
    return map(Fact._make, rows)


def item_state(catalog: Catalog, item: OutlineItem, fact: Fact | None) -> ItemState:
    """Return the item's state for a learner with this fact about it (None: nothing recorded)."""
    return ITEM_KINDS[item.kind].state(catalog, item, fact)
