"""Per kind of outline item: the records that tell its status, and the rule that reads them.

Each kind is one small class: a SELECT over its records that answers the same
named columns (``FACT_COLUMNS``), one row per learner and item, and the status
rule as a SQL expression over those columns. Both run only inside the database,
in ``course.progress.summaries``: the same statement writes a learner's summary
when they act and recomputes every summary, so there is one rule, in one place.
A new kind of item adds one class here.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Float,
    Integer,
    Select,
    String,
    case,
    cast,
    func,
    literal_column,
    null,
    select,
    union_all,
)

from course.progress.models import AttemptGrant, LessonProgress, QuizAttempt, ScenarioRun
from course.progress.status import Status

# The columns every kind's SELECT answers, in this order. Whatever the kind,
# ``last_at`` is when the learner last worked on the item (NULL only for a quiz
# they were granted attempts at but never tried) and ``done_at`` when they
# finished it (NULL until then), so a learner's figures read the same two columns.
FACT_COLUMNS = (
    "kind",
    "user_id",
    "slug",
    "records",  # lesson rows, quiz attempts or scenario runs
    "best_score",
    "last_at",
    "done_at",
    "unfinished",  # scenario runs not yet ended
    "ending_title",
    "granted",  # extra quiz attempts managers gave, beyond the quiz's limit
)


# Constants written into the SQL rather than bound: the statement is the same every time.
ONE, ZERO = literal_column("1", Integer), literal_column("0", Integer)
IN_PROGRESS = Status.IN_PROGRESS.value
# Narrows each kind's records to the learners asked about, given its user_id column.
LearnerFilter = Callable[[ColumnElement[int]], ColumnElement[bool]]


def _named(*columns: ColumnElement) -> Select:
    """Return a SELECT of ``columns`` under the names of ``FACT_COLUMNS``."""
    return select(*(column.label(name) for column, name in zip(columns, FACT_COLUMNS, strict=True)))


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
            cast(null(), Float).label("best_score"),
            last_at.label("last_at"),
            lesson.completed_at.label("done_at"),
            ZERO.label("unfinished"),
            cast(null(), String).label("ending_title"),
            ZERO.label("granted"),
        ).where(learners(lesson.user_id))

    def status(self, fact, max_attempts: ColumnElement) -> ColumnElement[str]:
        """In progress (opened) or completed."""
        return case((fact.done_at.is_not(None), Status.COMPLETED.value), else_=IN_PROGRESS)


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
                cast(null(), Float),
                cast(null(), attempt.submitted_at.type),
                cast(null(), Boolean),
            ).where(learners(grant.user_id)),
        ).subquery("quiz_records")
        record = records.c
        attempts = func.sum(record.is_attempt)
        return _named(
            literal_column("'quiz'", String),
            record.user_id,
            record.quiz_slug,
            attempts,
            func.max(record.score),
            func.max(record.submitted_at),
            func.min(case((record.is_passed, record.submitted_at))),
            ZERO,
            cast(null(), String),
            func.count() - attempts,
        ).group_by(record.user_id, record.quiz_slug)

    def status(self, fact, max_attempts: ColumnElement) -> ColumnElement[str]:
        """Not started (only granted), passed, out of attempts (a limit reached), attempted."""
        return case(
            (fact.records == ZERO, Status.NOT_STARTED.value),
            (fact.done_at.is_not(None), Status.PASSED.value),
            (
                max_attempts.is_not(None) & (fact.records >= max_attempts + fact.granted),
                Status.OUT_OF_ATTEMPTS.value,
            ),
            else_=Status.ATTEMPTED.value,
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
        return _named(
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

    def status(self, fact, max_attempts: ColumnElement) -> ColumnElement[str]:
        """Finished (passed), in progress (a run not ended), attempted (below the pass mark)."""
        return case(
            (fact.done_at.is_not(None), Status.FINISHED.value),
            (fact.unfinished > ZERO, IN_PROGRESS),
            else_=Status.ATTEMPTED.value,
        )


ITEM_KINDS = {kind.name: kind for kind in (LessonKind(), QuizKind(), ScenarioKind())}
