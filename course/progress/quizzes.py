"""Quiz attempts: grade a submission against the quiz and keep what was seen and scored."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from course.content.model import Quiz
from course.progress.answer_tallies import tally_attempt
from course.progress.completions import Completion, tell_completed
from course.progress.models import AttemptGrant, QuizAnswer, QuizAttempt
from course.progress.records import Verb, record_event
from course.progress.reviews import stored_review_ids
from course.progress.summaries import record_item


class AttemptRefused(Exception):
    """An attempt that may not be recorded, with a message for the learner."""


def submitted_attempts(session: Session, user_id: int, slug: str) -> list[QuizAttempt]:
    """Return the learner's attempts at a quiz, oldest first."""
    return list(
        session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.user_id == user_id, QuizAttempt.quiz_slug == slug)
            .order_by(QuizAttempt.number)
        )
    )


def attempt_limit(max_attempts: int | None, granted: int) -> int | None:
    """Return how many attempts a learner may make: the quiz's limit and what managers granted."""
    return None if max_attempts is None else max_attempts + granted


def granted_attempts(session: Session, user_id: int, slug: str) -> int:
    """Return how many extra attempts at a quiz managers have given the learner."""
    return session.scalar(
        select(func.count())
        .select_from(AttemptGrant)
        .where(AttemptGrant.user_id == user_id, AttemptGrant.quiz_slug == slug)
    )


def is_passing(score: float, pass_mark: int) -> bool:
    """Tell whether a score (0-1) reaches a pass mark in percent."""
    # Rounded so that 7 of 10 points passes a 70% mark despite binary fractions.
    return round(score * 100, 9) >= pass_mark


def submit_attempt(
    session: Session,
    *,
    user_id: int,
    quiz: Quiz,
    number: int,
    answers: Mapping[str, Any],
    started_at: datetime,
    now: datetime,
) -> QuizAttempt:
    """Grade ``answers`` (question id -> answer) and add the attempt with every answer.

    ``number`` is the attempt this form was served as; the unique constraint on
    it turns a second submission of the same form into an IntegrityError.
    """
    limit = attempt_limit(quiz.max_attempts, granted_attempts(session, user_id, quiz.slug))
    if limit is not None and number > limit:
        raise AttemptRefused(f"You have used all {limit} attempts at this quiz.")
    attempt = QuizAttempt(
        user_id=user_id,
        quiz_slug=quiz.slug,
        content_version=quiz.version,
        number=number,
        started_at=min(started_at, now),
        submitted_at=now,
        max_points=quiz.total_points,
        pass_mark=quiz.pass_mark,
    )
    questions = quiz.questions
    given = [answers.get(question.id) for question in questions]
    grades = [question.grade(answer) for question, answer in zip(questions, given, strict=True)]
    reviews = [
        question.review(answer, grade)
        for question, answer, grade in zip(questions, given, grades, strict=True)
    ]
    review_ids = stored_review_ids(session, reviews)
    earned = 0.0
    for position, question in enumerate(questions):
        grade = grades[position]
        earned += grade.points
        attempt.answers.append(
            QuizAnswer(
                position=position,
                question_id=question.id,
                question_type=question.type,
                question_version=question.version,
                answer=question.answer_to_json(given[position]),
                points=grade.points,
                max_points=question.points,
                is_correct=grade.is_correct,
                review_id=review_ids[position],
            )
        )
    attempt.points = earned
    # A quiz worth no points (reflections only) has nothing to miss: submitting it is
    # all it asks, so it scores in full and passes, and counts as done.
    attempt.score = earned / quiz.total_points if quiz.total_points else 1.0
    attempt.is_passed = is_passing(attempt.score, quiz.pass_mark)
    session.add(attempt)
    session.flush()
    record_item(session, user_id, "quiz", quiz.slug)  # takes the learner's lock first
    tally_attempt(session, attempt_id=attempt.id)
    for verb in (Verb.ATTEMPTED, Verb.PASSED if attempt.is_passed else Verb.FAILED):
        record_event(
            session,
            user_id=user_id,
            verb=verb,
            kind="quiz",
            slug=quiz.slug,
            at=now,
            score=attempt.score,
            is_success=attempt.is_passed,
            is_completion=True,
        )
    tell_completed(session, Completion(user_id=user_id, kind="quiz", slug=quiz.slug, at=now))
    return attempt
