"""Per kind of outline item: the records that tell its status, and how to read them.

Each kind is one small class holding its part of a single UNION ALL query, so the
whole course's state for any number of learners comes back in one round trip. The
SQL is written out (and parsed once) because this runs on every page a learner
opens; building it from expression objects each time cost more than running it.
A new kind of item adds one class here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import Float, Integer, String, bindparam, column, text
from sqlalchemy.orm import Session

from course.content.model import Catalog, OutlineItem
from course.db import UTCDateTime
from course.progress.status import ItemState, Status

# One row of the facts query, as a plain tuple: see fetch_facts.
Fact = tuple[Any, ...]
Facts = dict[int, dict[tuple[str, str], Fact]]  # by learner, then by (kind, slug)
# Reads one item's state from a learner's fact about it (None: nothing recorded).
StateReader = Callable[[Fact | None], ItemState]
# Looked up once: reports read these for every learner and item.
NOT_STARTED, IN_PROGRESS, COMPLETED = Status.NOT_STARTED, Status.IN_PROGRESS, Status.COMPLETED
ATTEMPTED, PASSED, OUT_OF_ATTEMPTS = Status.ATTEMPTED, Status.PASSED, Status.OUT_OF_ATTEMPTS
FINISHED = Status.FINISHED

# Every kind's query answers with these columns, one row per learner and item.
# Whatever the kind, ``last_at`` is when the learner last worked on the item (never
# NULL: every record has a time) and ``done_at`` when they finished it (NULL until
# then), so a learner's figures for the whole course read the same two columns.
FACT_COLUMNS = (
    column("kind", String),
    column("user_id", Integer),
    column("slug", String),
    column("records", Integer),  # lesson rows, quiz attempts or scenario runs
    column("best_score", Float),
    column("last_at", UTCDateTime()),
    column("done_at", UTCDateTime()),
    column("unfinished", Integer),
    column("ending_title", String),
)
# Positions in a fact (a plain tuple: see fetch_facts).
KIND, USER_ID, SLUG, RECORDS, BEST_SCORE, LAST_AT, DONE_AT, UNFINISHED, ENDING_TITLE = range(
    len(FACT_COLUMNS)
)


class LessonKind:
    name = "lesson"
    # Completing a lesson also counts as opening it, but an opening written by a
    # clock running behind can predate the completion: last_at is the later one.
    sql = """
        SELECT 'lesson' AS kind, user_id, lesson_slug AS slug, 1 AS records,
               NULL AS best_score,
               CASE WHEN completed_at > last_opened_at THEN completed_at
                    ELSE last_opened_at END AS last_at,
               completed_at AS done_at, 0 AS unfinished, NULL AS ending_title
        FROM lesson_progress WHERE {learners}
    """

    def reader(self, catalog: Catalog, item: OutlineItem) -> StateReader:
        untouched = ItemState(item, NOT_STARTED, False)

        def state(fact: Fact | None) -> ItemState:
            if fact is None:
                return untouched
            done_at = fact[DONE_AT]
            if done_at is None:
                return ItemState(item, IN_PROGRESS, False, last_activity_at=fact[LAST_AT])
            return ItemState(item, COMPLETED, True, last_activity_at=fact[LAST_AT], done_at=done_at)

        return state


class QuizKind:
    name = "quiz"
    sql = """
        SELECT 'quiz', user_id, quiz_slug, COUNT(*), MAX(score), MAX(submitted_at),
               MIN(CASE WHEN is_passed THEN submitted_at END), 0, NULL
        FROM quiz_attempt WHERE {learners}
        GROUP BY user_id, quiz_slug
    """

    def reader(self, catalog: Catalog, item: OutlineItem) -> StateReader:
        max_attempts = catalog.quizzes[item.slug].max_attempts
        untouched = ItemState(item, NOT_STARTED, False, max_attempts=max_attempts)

        def state(fact: Fact | None) -> ItemState:
            if fact is None:
                return untouched
            attempts, done_at = fact[RECORDS], fact[DONE_AT]
            if done_at is not None:
                status = PASSED
            elif max_attempts is not None and attempts >= max_attempts:
                status = OUT_OF_ATTEMPTS
            else:
                status = ATTEMPTED
            return ItemState(
                item=item,
                status=status,
                is_done=done_at is not None,
                best_score=fact[BEST_SCORE],
                attempts_used=attempts,
                max_attempts=max_attempts,
                last_activity_at=fact[LAST_AT],
                done_at=done_at,
            )

        return state


class ScenarioKind:
    name = "scenario"
    # One row per learner and scenario: the best finished run, with the totals
    # of all their runs alongside from window functions.
    sql = """
        SELECT 'scenario', user_id, scenario_slug, runs,
               CASE WHEN runs > unfinished THEN score END,
               last_at, passed_at, unfinished,
               CASE WHEN runs > unfinished THEN ending_title END
        FROM (
            SELECT user_id, scenario_slug, score, ending_title,
                   COUNT(*) OVER learner_runs AS runs,
                   SUM(CASE WHEN finished_at IS NULL THEN 1 ELSE 0 END)
                       OVER learner_runs AS unfinished,
                   MAX(updated_at) OVER learner_runs AS last_at,
                   MIN(CASE WHEN is_passed THEN finished_at END) OVER learner_runs AS passed_at,
                   ROW_NUMBER() OVER (
                       PARTITION BY user_id, scenario_slug
                       ORDER BY finished_at IS NULL, score DESC, finished_at
                   ) AS best_first
            FROM scenario_run WHERE {learners}
            WINDOW learner_runs AS (PARTITION BY user_id, scenario_slug)
        ) AS ranked
        WHERE best_first = 1
    """

    def reader(self, catalog: Catalog, item: OutlineItem) -> StateReader:
        untouched = ItemState(item, NOT_STARTED, False)

        def state(fact: Fact | None) -> ItemState:
            if fact is None:
                return untouched
            done_at = fact[DONE_AT]
            if done_at is not None:
                status = FINISHED
            elif fact[UNFINISHED]:
                status = IN_PROGRESS
            else:
                status = ATTEMPTED  # finished, but below the pass mark
            return ItemState(
                item=item,
                status=status,
                is_done=done_at is not None,
                best_score=fact[BEST_SCORE],
                attempts_used=fact[RECORDS],
                last_activity_at=fact[LAST_AT],
                done_at=done_at,
                ending_title=fact[ENDING_TITLE],
            )

        return state


ITEM_KINDS = {kind.name: kind for kind in (LessonKind(), QuizKind(), ScenarioKind())}


def _facts_query(learners: str):
    union = " UNION ALL ".join(kind.sql.format(learners=learners) for kind in ITEM_KINDS.values())
    return text(union).columns(*FACT_COLUMNS)


FACTS_QUERY = _facts_query("user_id IN :user_ids").bindparams(bindparam("user_ids", expanding=True))
# Every learner page asks for one learner: without a list to expand, the statement
# runs as it was compiled, where expanding one costs more than the query itself.
ONE_LEARNER_FACTS_QUERY = _facts_query("user_id = :user_id")


def fetch_facts(session: Session, user_ids: list[int]) -> Facts:
    """Return every learner's facts for every kind of item, in one query."""
    facts: Facts = defaultdict(dict)
    if not user_ids:
        return facts
    # Run on the connection: the rows are plain tuples, so the ORM has nothing to add.
    # Each row is kept as a tuple, and the Row let go at once: a tuple of numbers,
    # text and times drops out of the garbage collector's sight, where 50,000 Rows
    # held by a report were traversed again and again.
    if len(user_ids) == 1:
        rows = session.connection().execute(ONE_LEARNER_FACTS_QUERY, {"user_id": user_ids[0]})
    else:
        rows = session.connection().execute(FACTS_QUERY, {"user_ids": user_ids})
    for row in rows:
        facts[row[USER_ID]][row[KIND], row[SLUG]] = tuple(row)
    return facts


def reader_for(catalog: Catalog, item: OutlineItem) -> StateReader:
    """Return how to read the item's state from a learner's fact about it."""
    return ITEM_KINDS[item.kind].reader(catalog, item)
