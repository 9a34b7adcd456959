"""Answer tallies: each cohort's answers to each quiz question, summed as they are given.

The question analysis shows, per question, version and distinct answer, sums
over a cohort's attempts (responses, and the sums a facility and a correlation
follow from). Summing them from the answers takes as long as the cohort is
large, so they are kept instead, in ``answer_tally`` (and the attempts counted
in ``attempt_tally``), and written in the transaction that writes the facts:

- a submitted attempt is added to the tallies of every cohort its learner has joined;
- a learner who joins a cohort brings their attempts to its tallies, and one who
  leaves takes them away, so a membership change costs that learner's attempts.

Every write is an INSERT … SELECT from the facts with ON CONFLICT adding to the
stored row in SQL (``n = n + excluded.n``), so concurrent writers add up. The
SELECT is the one that recomputes every tally from the facts
(``recomputed_tallies``), narrowed to one attempt or learner: what the migration
fills the tables with and what ``course db check`` compares them against.

On PostgreSQL the writes for one learner wait for each other (the advisory lock
the summaries take, keyed by the learner), taken after the fact is written and
before the other side is read: a submission and a membership change of the same
learner then always see each other, so an attempt is counted once, never zero times.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    Insert,
    Integer,
    Select,
    Text,
    and_,
    bindparam,
    case,
    cast,
    delete,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import Compiled

from course.content.question_types import QUESTION_TYPES
from course.db import run_compiled
from course.membership import JOINED, CohortMember
from course.progress.item_kinds import LearnerFilter
from course.progress.models import AnswerTally, AttemptTally, QuizAnswer, QuizAttempt
from course.progress.summaries import LOCK_SPACE

ANSWERS = AnswerTally.__table__
ATTEMPTS = AttemptTally.__table__
ANSWER_KEY = (
    "cohort_id",
    "quiz_slug",
    "question_id",
    "question_version",
    "answer",
    "is_first",
)
ANSWER_SUMS = ("responses", "graded", "sum_x", "sum_y", "sum_xy", "sum_xx", "sum_yy")
ANSWER_COLUMNS = (*ANSWER_KEY, *ANSWER_SUMS, "first_answered_at")
ATTEMPT_KEY = ("cohort_id", "quiz_slug", "is_first")
ATTEMPT_COLUMNS = (*ATTEMPT_KEY, "attempts")
WRITTEN = '"(written)"'  # what every given free-text answer is counted as (JSON text)
NO_VERSION = ""  # the version of answers from before versions were recorded
# Two sums of the same floats added in another order differ in the last bits: a
# tally differs from its recomputation only past this share of the values' size.
SUM_TOLERANCE = 1e-9


def counted_answer() -> ColumnElement[str]:
    """The answer as tallied: its JSON text, or for free text only whether it was given."""
    stored = cast(QuizAnswer.answer, Text)
    # Compared one by one, not with IN: an IN list is expanded at each execution, which
    # the statements compiled once for a submission cannot be.
    free_text = [name for name, kind in QUESTION_TYPES.items() if kind.is_free_text]
    is_free_text = or_(false(), *(QuizAnswer.question_type == name for name in free_text))
    return case(
        (
            is_free_text,
            case((or_(stored.is_(None), stored == "null"), "null"), else_=WRITTEN),
        ),
        else_=func.coalesce(stored, "null"),
    )


def _answer_sums(cohort_id: ColumnElement[int], *, sign: int = 1) -> Select:
    """SELECT the answers' sums per question, version and answer, first attempts apart.

    x is the share of its points an answer earned, y the rest of its attempt's
    points, as Moodle correlates them. ``sign`` -1 gives the sums to take away.
    The caller joins what gives ``cohort_id`` and narrows the attempts.
    """
    points = cast(QuizAnswer.points, Float)
    is_graded = QuizAnswer.max_points > 0
    x = case((is_graded, points / cast(QuizAnswer.max_points, Float)))
    y = case((is_graded, cast(QuizAttempt.points, Float) - points))
    version = func.coalesce(QuizAnswer.question_version, NO_VERSION)
    answer = counted_answer()
    is_first = QuizAttempt.number == 1
    zero = literal(0.0, Float)

    def signed(total):
        return -total if sign < 0 else total

    return (
        select(
            cohort_id.label("cohort_id"),
            QuizAttempt.quiz_slug,
            QuizAnswer.question_id,
            version.label("question_version"),
            answer.label("answer"),
            is_first.label("is_first"),
            signed(func.count()).label("responses"),
            signed(func.count(x)).label("graded"),
            signed(func.coalesce(func.sum(x), zero)).label("sum_x"),
            signed(func.coalesce(func.sum(y), zero)).label("sum_y"),
            signed(func.coalesce(func.sum(x * y), zero)).label("sum_xy"),
            signed(func.coalesce(func.sum(x * x), zero)).label("sum_xx"),
            signed(func.coalesce(func.sum(y * y), zero)).label("sum_yy"),
            func.min(QuizAttempt.submitted_at).label("first_answered_at"),
        )
        .select_from(QuizAnswer)
        .join(QuizAttempt, QuizAnswer.attempt_id == QuizAttempt.id)
        .group_by(QuizAttempt.quiz_slug, QuizAnswer.question_id, version, answer, is_first)
    )


def _attempt_counts(cohort_id: ColumnElement[int], *, sign: int = 1) -> Select:
    """SELECT the attempts per quiz, first attempts apart; the caller narrows them."""
    is_first = QuizAttempt.number == 1
    count = func.count()
    return select(
        cohort_id.label("cohort_id"),
        QuizAttempt.quiz_slug,
        is_first.label("is_first"),
        (-count if sign < 0 else count).label("attempts"),
    ).group_by(QuizAttempt.quiz_slug, is_first)


def _by_membership(query: Select) -> Select:
    """Count ``query``'s attempts in each cohort their learner has joined."""
    return query.join(
        CohortMember, and_(CohortMember.user_id == QuizAttempt.user_id, JOINED)
    ).group_by(CohortMember.cohort_id)


def recomputed_tallies() -> tuple[Select, Select]:
    """SELECT every answer tally and every attempt tally from the facts."""
    answers = _by_membership(_answer_sums(CohortMember.cohort_id))
    attempts = _by_membership(_attempt_counts(CohortMember.cohort_id).select_from(QuizAttempt))
    return answers, attempts


def _dialect_insert(dialect: str, table) -> Insert:
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(table)


def _adding(dialect: str, table, columns, key, sums, source: Select, earliest: str | None = None):
    """INSERT ``source``'s rows, adding each to the stored row of its key if there is one.

    ``earliest``: a column that keeps the earlier of the stored and the new time.
    """
    # In the order of the key, so that two transactions adding to the same rows lock them
    # in the same order and wait for each other instead of deadlocking (PostgreSQL).
    # SQLite needs a WHERE in the SELECT of an upsert to read ON CONFLICT as its own.
    source = source.where(true()).order_by(*(source.selected_columns[name] for name in key))
    statement = _dialect_insert(dialect, table).from_select(list(columns), source)
    new = statement.excluded
    set_ = {name: table.c[name] + new[name] for name in sums}
    if earliest is not None:
        stored = table.c[earliest]
        set_[earliest] = case((new[earliest] < stored, new[earliest]), else_=stored)
    return statement.on_conflict_do_update(index_elements=list(key), set_=set_)


def _add_answers(dialect: str, source: Select):
    return _adding(
        dialect, ANSWERS, ANSWER_COLUMNS, ANSWER_KEY, ANSWER_SUMS, source, "first_answered_at"
    )


def _add_attempts(dialect: str, source: Select):
    return _adding(dialect, ATTEMPTS, ATTEMPT_COLUMNS, ATTEMPT_KEY, ("attempts",), source)


def _lock_learners(connection: Connection, user_ids: Iterable[int]) -> None:
    """Wait for other writes of these learners' summaries and tallies (PostgreSQL)."""
    if connection.dialect.name != "postgresql":
        return  # SQLite has one writer at a time
    for user_id in sorted(set(user_ids)):  # in one order, so two writers never deadlock
        connection.execute(select(func.pg_advisory_xact_lock(LOCK_SPACE, user_id)))


# Compiled once per dialect: SQLAlchemy does not cache the compiled form of an INSERT …
# ON CONFLICT, and a quiz submission runs these two every time.
_compiled: dict[tuple[str, str], Compiled] = {}


def _compiled_submission(dialect: Dialect, name: str) -> Compiled:
    found = _compiled.get((dialect.name, name))
    if found is None:
        one_attempt = QuizAttempt.id == bindparam("attempt_id", type_=Integer)
        if name == "answers":
            source = _by_membership(_answer_sums(CohortMember.cohort_id)).where(one_attempt)
            statement = _add_answers(dialect.name, source)
        else:
            counts = _attempt_counts(CohortMember.cohort_id).select_from(QuizAttempt)
            statement = _add_attempts(dialect.name, _by_membership(counts).where(one_attempt))
        found = _compiled[(dialect.name, name)] = statement.compile(dialect=dialect)
    return found


def _run_compiled(connection: Connection, name: str, params: dict) -> None:
    # Only ints and the statement's own strings are bound.
    run_compiled(connection, _compiled_submission(connection.dialect, name), params)


def tally_attempt(session: Session, *, attempt_id: int) -> None:
    """Add a submitted attempt's answers to the tallies of every cohort its learner joined.

    Called by the service that records the attempt, in its transaction, after
    ``record_item``: the learner's lock that it took is what this relies on
    (taking it again would cost a submission one more round trip on PostgreSQL).
    """
    connection = session.connection()
    _run_compiled(connection, "answers", {"attempt_id": attempt_id})
    _run_compiled(connection, "attempts", {"attempt_id": attempt_id})


def learners_joined(session: Session, *, cohort_id: int, user_ids: Iterable[int]) -> None:
    """Add the attempts of learners who have just joined the cohort to its tallies.

    Called after the memberships are written, with only the learners who were not
    members before (a learner counted twice would count double).
    """
    _change_members(session, cohort_id, sorted(set(user_ids)), sign=1)


def learners_left(session: Session, *, cohort_id: int, user_ids: Iterable[int]) -> None:
    """Take the attempts of learners who have just left the cohort out of its tallies.

    Called after the memberships are gone, with only the learners who had joined.
    """
    _change_members(session, cohort_id, sorted(set(user_ids)), sign=-1)


def _change_members(session: Session, cohort_id: int, user_ids: list[int], *, sign: int) -> None:
    if not user_ids:
        return
    connection = session.connection()
    _lock_learners(connection, user_ids)
    theirs = QuizAttempt.user_id.in_(user_ids)
    _add_learners(connection, cohort_id, theirs, sign=sign)
    if sign < 0:
        _forget_emptied(connection, cohort_id)
        cohort = literal(cohort_id, Integer)
        _renew_first_answers(connection, cohort_id, _answer_sums(cohort).where(theirs))


def _forget_emptied(connection: Connection, cohort_id: int) -> None:
    """Delete the cohort's tallies that count nothing any more."""
    connection.execute(
        delete(ANSWERS).where(ANSWERS.c.cohort_id == cohort_id, ANSWERS.c.responses <= 0)
    )
    connection.execute(
        delete(ATTEMPTS).where(ATTEMPTS.c.cohort_id == cohort_id, ATTEMPTS.c.attempts <= 0)
    )


def _renew_first_answers(connection: Connection, cohort_id: int, left: Select) -> None:
    """Find again the first answer of each tally whose first answer left with the learners.

    An earliest time cannot be taken away like a sum: where the learners who left
    held it, it is looked up among the members who stay, for that tally alone.
    """
    tally = ANSWERS.c
    key = ANSWER_KEY[1:]  # the cohort is fixed
    held = {
        tuple(row[name] for name in key): row["first_answered_at"]
        for row in connection.execute(left).mappings()
    }
    if not held:
        return
    stored = connection.execute(
        select(*(tally[name] for name in key), tally.first_answered_at).where(
            tally.cohort_id == cohort_id,
            tally.quiz_slug.in_({quiz_slug for quiz_slug, *_ in held}),
        )
    )
    for row in stored:
        left_key, first = tuple(row[:-1]), row[-1]
        if held.get(left_key) != first:
            continue  # someone who stays answered first
        quiz_slug, question_id, version, answer, is_first = left_key
        earliest = (
            select(func.min(QuizAttempt.submitted_at))
            .select_from(QuizAnswer)
            .join(QuizAttempt, QuizAnswer.attempt_id == QuizAttempt.id)
            .join(
                CohortMember,
                and_(
                    CohortMember.user_id == QuizAttempt.user_id,
                    CohortMember.cohort_id == cohort_id,
                    JOINED,
                ),
            )
            .where(
                QuizAttempt.quiz_slug == quiz_slug,
                QuizAnswer.question_id == question_id,
                func.coalesce(QuizAnswer.question_version, NO_VERSION) == version,
                counted_answer() == answer,
                QuizAttempt.number == 1 if is_first else QuizAttempt.number != 1,
            )
            .scalar_subquery()
        )
        connection.execute(
            update(ANSWERS)
            .where(
                *(
                    tally[name] == value
                    for name, value in zip(ANSWER_KEY, (cohort_id, *left_key), strict=True)
                )
            )
            .values(first_answered_at=earliest)
        )


def tally_new_learners(connection: Connection, cohort_id: int, learners: LearnerFilter) -> None:
    """Add the attempts of new cohort members, inserted in bulk, to the cohort's tallies.

    What ``learners_joined`` adds, for the learners ``learners`` lets through, without
    their locks: learners made in this transaction are nobody else's to write.
    """
    _add_learners(connection, cohort_id, learners(QuizAttempt.user_id), sign=1)


def _add_learners(connection: Connection, cohort_id: int, theirs, *, sign: int) -> None:
    # Adds (sign 1) or takes away (-1) the attempts ``theirs`` lets through.
    dialect = connection.dialect.name
    cohort = literal(cohort_id, Integer)
    connection.execute(_add_answers(dialect, _answer_sums(cohort, sign=sign).where(theirs)))
    attempts = _attempt_counts(cohort, sign=sign).select_from(QuizAttempt).where(theirs)
    connection.execute(_add_attempts(dialect, attempts))


def rebuild_answer_tallies(connection: Connection) -> None:
    """Recompute every tally from the facts, in bulk (two INSERT … SELECT)."""
    answers, attempts = recomputed_tallies()
    connection.execute(delete(ANSWERS))
    connection.execute(delete(ATTEMPTS))
    connection.execute(insert(ANSWERS).from_select(list(ANSWER_COLUMNS), answers))
    connection.execute(insert(ATTEMPTS).from_select(list(ATTEMPT_COLUMNS), attempts))


@dataclass(frozen=True)
class TallyDifference:
    """A stored tally that disagrees with the facts."""

    table: str
    key: tuple
    stored: tuple | None
    recomputed: tuple | None


def _agree(stored: tuple | None, recomputed: tuple | None) -> bool:
    if stored is None or recomputed is None:
        return stored is recomputed
    for mine, theirs in zip(stored, recomputed, strict=True):
        if isinstance(mine, float) or isinstance(theirs, float):
            if not math.isclose(mine, theirs, rel_tol=SUM_TOLERANCE, abs_tol=SUM_TOLERANCE):
                return False
        elif mine != theirs:
            return False
    return True


def _keyed(rows, width: int) -> dict[tuple, tuple]:
    return {
        tuple(bool(v) if i == width - 1 else v for i, v in enumerate(row[:width])): tuple(
            row[width:]
        )
        for row in rows
    }


def tally_differences(connection: Connection) -> list[TallyDifference]:
    """Recompute every tally from the facts and return where the stored ones differ."""
    found = []
    answers, attempts = recomputed_tallies()
    for table, columns, key, recomputed in (
        (ANSWERS, ANSWER_COLUMNS, ANSWER_KEY, answers),
        (ATTEMPTS, ATTEMPT_COLUMNS, ATTEMPT_KEY, attempts),
    ):
        width = len(key)
        stored_rows = _keyed(
            connection.execute(select(*(table.c[name] for name in columns))), width
        )
        recomputed_rows = _keyed(connection.execute(recomputed), width)
        for each in sorted(stored_rows.keys() | recomputed_rows.keys(), key=repr):
            stored, fresh = stored_rows.get(each), recomputed_rows.get(each)
            if not _agree(stored, fresh):
                found.append(TallyDifference(table.name, each, stored, fresh))
    return found
