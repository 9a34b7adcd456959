"""Per kind of outline item: how its records are fetched in bulk and read as a status.

Each kind is one small class; a new kind of item adds one class here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from course.content.model import Catalog, OutlineItem
from course.progress.models import LessonProgress, QuizAttempt, ScenarioRun
from course.progress.status import ItemState, Status

Facts = dict[int, dict[tuple[str, str], Any]]


class LessonKind:
    name = "lesson"

    def fetch(self, session: Session, user_ids) -> Facts:
        facts: Facts = defaultdict(dict)
        rows = session.execute(
            select(
                LessonProgress.user_id,
                LessonProgress.lesson_slug,
                LessonProgress.last_opened_at,
                LessonProgress.completed_at,
            ).where(LessonProgress.user_id.in_(user_ids))
        )
        for user_id, slug, last_opened_at, completed_at in rows:
            facts[user_id][(self.name, slug)] = (last_opened_at, completed_at)
        return facts

    def state(self, catalog: Catalog, item: OutlineItem, fact) -> ItemState:
        if fact is None:
            return ItemState(item=item, status=Status.NOT_STARTED, is_done=False)
        last_opened_at, completed_at = fact
        return ItemState(
            item=item,
            status=Status.COMPLETED if completed_at else Status.IN_PROGRESS,
            is_done=completed_at is not None,
            last_activity_at=max(filter(None, (last_opened_at, completed_at))),
            done_at=completed_at,
        )


@dataclass(frozen=True)
class QuizFacts:
    attempts: int
    best_score: float
    last_submitted_at: datetime
    first_passed_at: datetime | None


class QuizKind:
    name = "quiz"

    def fetch(self, session: Session, user_ids) -> Facts:
        facts: Facts = defaultdict(dict)
        rows = session.execute(
            select(
                QuizAttempt.user_id,
                QuizAttempt.quiz_slug,
                func.count(),
                func.max(QuizAttempt.score),
                func.max(QuizAttempt.submitted_at),
                func.min(case((QuizAttempt.is_passed, QuizAttempt.submitted_at))),
            )
            .where(QuizAttempt.user_id.in_(user_ids))
            .group_by(QuizAttempt.user_id, QuizAttempt.quiz_slug)
        )
        for user_id, slug, attempts, best, last_at, passed_at in rows:
            facts[user_id][(self.name, slug)] = QuizFacts(
                attempts, best, _aware(last_at), _aware(passed_at)
            )
        return facts

    def state(self, catalog: Catalog, item: OutlineItem, fact: QuizFacts | None) -> ItemState:
        quiz = catalog.quizzes[item.slug]
        if fact is None:
            return ItemState(
                item=item, status=Status.NOT_STARTED, is_done=False, max_attempts=quiz.max_attempts
            )
        if fact.first_passed_at is not None:
            status = Status.PASSED
        elif quiz.max_attempts is not None and fact.attempts >= quiz.max_attempts:
            status = Status.OUT_OF_ATTEMPTS
        else:
            status = Status.ATTEMPTED
        return ItemState(
            item=item,
            status=status,
            is_done=fact.first_passed_at is not None,
            best_score=fact.best_score,
            attempts_used=fact.attempts,
            max_attempts=quiz.max_attempts,
            last_activity_at=fact.last_submitted_at,
            done_at=fact.first_passed_at,
        )


@dataclass(frozen=True)
class ScenarioFacts:
    runs: int
    unfinished: int
    best_score: float | None
    best_ending: str | None
    last_activity_at: datetime
    first_passed_at: datetime | None


class ScenarioKind:
    name = "scenario"

    def fetch(self, session: Session, user_ids) -> Facts:
        run = ScenarioRun
        partition = {"partition_by": (run.user_id, run.scenario_slug)}
        # One row per learner and scenario: its best finished run, with the
        # partition's totals alongside, so no query runs per learner.
        ranked = (
            select(
                run.user_id,
                run.scenario_slug,
                func.count().over(**partition).label("runs"),
                func.sum(case((run.finished_at.is_(None), 1), else_=0))
                .over(**partition)
                .label("unfinished"),
                func.max(run.updated_at).over(**partition).label("last_at"),
                func.min(case((run.is_passed, run.finished_at)))
                .over(**partition)
                .label("passed_at"),
                run.score,
                run.ending_title,
                func.row_number()
                .over(
                    **partition,
                    order_by=(run.finished_at.is_(None), run.score.desc(), run.finished_at),
                )
                .label("rank"),
            )
            .where(run.user_id.in_(user_ids))
            .subquery()
        )
        facts: Facts = defaultdict(dict)
        rows = session.execute(select(ranked).where(ranked.c.rank == 1))
        for row in rows:
            finished = row.runs - row.unfinished
            facts[row.user_id][(self.name, row.scenario_slug)] = ScenarioFacts(
                runs=row.runs,
                unfinished=row.unfinished,
                best_score=row.score if finished else None,
                best_ending=row.ending_title if finished else None,
                last_activity_at=_aware(row.last_at),
                first_passed_at=_aware(row.passed_at),
            )
        return facts

    def state(self, catalog: Catalog, item: OutlineItem, fact: ScenarioFacts | None) -> ItemState:
        if fact is None:
            return ItemState(item=item, status=Status.NOT_STARTED, is_done=False)
        if fact.first_passed_at is not None:
            status = Status.FINISHED
        elif fact.unfinished:
            status = Status.IN_PROGRESS
        else:
            status = Status.ATTEMPTED  # finished, but below the pass mark
        return ItemState(
            item=item,
            status=status,
            is_done=fact.first_passed_at is not None,
            best_score=fact.best_score,
            attempts_used=fact.runs,
            last_activity_at=fact.last_activity_at,
            done_at=fact.first_passed_at,
            ending_title=fact.best_ending,
        )


def _aware(value):
    """Window and aggregate results bypass the column type; restore UTC where SQLite drops it."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


ITEM_KINDS = {kind.name: kind for kind in (LessonKind(), QuizKind(), ScenarioKind())}


def fetch_facts(session: Session, catalog: Catalog, user_ids) -> Facts:
    """Return every learner's facts for every kind, one query per kind."""
    merged: Facts = defaultdict(dict)
    for kind in ITEM_KINDS.values():
        for user_id, facts in kind.fetch(session, user_ids).items():
            merged[user_id].update(facts)
    return merged


def state_for(catalog: Catalog, item: OutlineItem, fact) -> ItemState:
    """Read one item's status from its facts (None: nothing recorded)."""
    return ITEM_KINDS[item.kind].state(catalog, item, fact)
