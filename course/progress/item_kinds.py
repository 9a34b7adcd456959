"""Per kind of outline item: the records that tell its status, and how to read them.

Each kind is one small class holding its part of a single UNION ALL query, so the
whole course's state for any number of learners comes back in one round trip. The
SQL is written out (and parsed once) because this runs on every page a learner
opens; building it from expression objects each time cost more than running it.
A new kind of item adds one class here.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Float, Integer, String, bindparam, column, text
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from course.content.model import Catalog, OutlineItem
from course.db import UTCDateTime
from course.progress.status import ItemState, Status

Facts = dict[int, dict[tuple[str, str], Row]]
# Looked up once: reports read these for every learner and item.
IN_PROGRESS, COMPLETED = Status.IN_PROGRESS, Status.COMPLETED

# Every kind's query answers with these columns, one row per learner and item.
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


class LessonKind:
    name = "lesson"
    sql = """
        SELECT 'lesson' AS kind, user_id, lesson_slug AS slug, 1 AS records,
               NULL AS best_score, last_opened_at AS last_at, completed_at AS done_at,
               0 AS unfinished, NULL AS ending_title
        FROM lesson_progress WHERE user_id IN :user_ids
    """

    def state(self, catalog: Catalog, item: OutlineItem, fact: Row | None) -> ItemState:
        if fact is None:
            return ItemState(item=item, status=Status.NOT_STARTED, is_done=False)
        completed_at, last_opened_at = fact.done_at, fact.last_at
        if completed_at is None:
            return ItemState(item, IN_PROGRESS, False, last_activity_at=last_opened_at)
        last_activity_at = max(completed_at, last_opened_at or completed_at)
        return ItemState(
            item, COMPLETED, True, last_activity_at=last_activity_at, done_at=completed_at
        )


class QuizKind:
    name = "quiz"
    sql = """
        SELECT 'quiz', user_id, quiz_slug, COUNT(*), MAX(score), MAX(submitted_at),
               MIN(CASE WHEN is_passed THEN submitted_at END), 0, NULL
        FROM quiz_attempt WHERE user_id IN :user_ids
        GROUP BY user_id, quiz_slug
    """

    def state(self, catalog: Catalog, item: OutlineItem, fact: Row | None) -> ItemState:
        max_attempts = catalog.quizzes[item.slug].max_attempts
        if fact is None:
            return ItemState(
                item=item, status=Status.NOT_STARTED, is_done=False, max_attempts=max_attempts
            )
        if fact.done_at is not None:
            status = Status.PASSED
        elif max_attempts is not None and fact.records >= max_attempts:
            status = Status.OUT_OF_ATTEMPTS
        else:
            status = Status.ATTEMPTED
        return ItemState(
            item=item,
            status=status,
            is_done=fact.done_at is not None,
            best_score=fact.best_score,
            attempts_used=fact.records,
            max_attempts=max_attempts,
            last_activity_at=fact.last_at,
            done_at=fact.done_at,
        )


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
            FROM scenario_run WHERE user_id IN :user_ids
            WINDOW learner_runs AS (PARTITION BY user_id, scenario_slug)
        ) AS ranked
        WHERE best_first = 1
    """

    def state(self, catalog: Catalog, item: OutlineItem, fact: Row | None) -> ItemState:
        if fact is None:
            return ItemState(item=item, status=Status.NOT_STARTED, is_done=False)
        if fact.done_at is not None:
            status = Status.FINISHED
        elif fact.unfinished:
            status = Status.IN_PROGRESS
        else:
            status = Status.ATTEMPTED  # finished, but below the pass mark
        return ItemState(
            item=item,
            status=status,
            is_done=fact.done_at is not None,
            best_score=fact.best_score,
            attempts_used=fact.records,
            last_activity_at=fact.last_at,
            done_at=fact.done_at,
            ending_title=fact.ending_title,
        )


ITEM_KINDS = {kind.name: kind for kind in (LessonKind(), QuizKind(), ScenarioKind())}
FACTS_QUERY = (
    text(" UNION ALL ".join(kind.sql for kind in ITEM_KINDS.values()))
    .bindparams(bindparam("user_ids", expanding=True))
    .columns(*FACT_COLUMNS)
)


def fetch_facts(session: Session, catalog: Catalog, user_ids: list[int]) -> Facts:
    """Return every learner's facts for every kind of item, in one query."""
    facts: Facts = defaultdict(dict)
    if not user_ids:
        return facts
    # .all() fetches every row in one call; iterating the result fetches them one by one.
    for row in session.execute(FACTS_QUERY, {"user_ids": user_ids}).all():
        facts[row[1]][row[0], row[2]] = row  # (kind, user_id, slug, ...)
    return facts


def state_for(catalog: Catalog, item: OutlineItem, fact: Any) -> ItemState:
    """Read one item's status from its facts (None: nothing recorded)."""
    return ITEM_KINDS[item.kind].state(catalog, item, fact)
