"""One learner's records for their manager: every quiz attempt and scenario run, with paths."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager, selectinload

from course.progress.models import QuizAnswer, QuizAttempt, ScenarioRun


@dataclass(frozen=True)
class LearnerRecords:
    attempts: list[QuizAttempt]  # by quiz, then number
    runs: list[ScenarioRun]  # by scenario, then number, each with its choices
    # Answers to questions worth no points (reflections), each with its attempt: the
    # learner's own words are read here, one learner at a time, never in cohort tables.
    ungraded: list[QuizAnswer]  # by quiz, attempt number, position


def learner_records(session: Session, user_id: int) -> LearnerRecords:
    """Return the learner's attempts, runs and ungraded answers, in three queries and a load."""
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
    ungraded = session.scalars(
        select(QuizAnswer)
        .join(QuizAnswer.attempt)
        .where(QuizAttempt.user_id == user_id, QuizAnswer.max_points == 0)
        .order_by(QuizAttempt.quiz_slug, QuizAttempt.number, QuizAnswer.position)
        .options(contains_eager(QuizAnswer.attempt))
    ).all()
    return LearnerRecords(list(attempts), list(runs), list(ungraded))
