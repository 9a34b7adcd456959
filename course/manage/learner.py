"""One learner's records for their manager: every quiz attempt and scenario run, with paths."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from course.progress.models import QuizAttempt, ScenarioRun


@dataclass(frozen=True)
class LearnerRecords:
    attempts: list[QuizAttempt]  # by quiz, then number
    runs: list[ScenarioRun]  # by scenario, then number, each with its choices


def learner_records(session: Session, user_id: int) -> LearnerRecords:
    """Return the learner's quiz attempts and scenario runs, in two queries and a choice load."""
    attempts = session.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.user_id == user_id)
        .order_by(QuizAttempt.quiz_slug, QuizAttempt.number)
    ).all()
    runs = session.scalars(
        select(ScenarioRun)
        .where(ScenarioRun.user_id == user_id)
        .order_by(ScenarioRun.scenario_slug, ScenarioRun.number)
        .options(selectinload(ScenarioRun.choices))
    ).all()
    return LearnerRecords(list(attempts), list(runs))
