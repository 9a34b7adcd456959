"""Question analysis for a cohort: responses, facility, discrimination and what was picked.

Facility is the mean score on a question as a share of its points. The
discrimination index is computed as Moodle does: the correlation, across
attempts, between the score on the question and the score on the rest of the
attempt (its total minus this question), so a question does not correlate
with itself. In a quiz with sections each attempt draws some questions: a
question is counted over the attempts that drew it, and says how many.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from statistics import StatisticsError, correlation, mean

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from course.content.model import Quiz
from course.content.question_types import Question, ResponseCount
from course.progress.models import QuizAnswer, QuizAttempt

MIN_RESPONSES = 10  # fewer than this, and the indices are noise
REVIEW_BELOW = 0.3  # a discrimination under this suggests the question needs revising


@dataclass(frozen=True)
class QuestionStats:
    number: int
    question: Question
    responses: int  # the attempts that drew the question (all of them, without draws)
    facility: float | None  # 0-1; None without responses, or for a question worth no points
    discrimination: float | None  # -1 to 1; None when every score was the same
    counts: tuple[ResponseCount, ...]

    @property
    def is_enough(self) -> bool:
        return self.responses >= MIN_RESPONSES

    @property
    def needs_review(self) -> bool:
        return (
            self.is_enough
            and self.discrimination is not None
            and self.discrimination < REVIEW_BELOW
        )


@dataclass(frozen=True)
class QuizAnalysis:
    quiz: Quiz
    is_first_only: bool
    attempts: int
    learners: int
    questions: tuple[QuestionStats, ...]

    @property
    def most_missed(self) -> QuestionStats | None:
        """The question with the lowest facility, among those with enough responses."""
        ranked = [q for q in self.questions if q.is_enough and q.facility is not None]
        return min(ranked, key=lambda q: (q.facility, q.number)) if ranked else None


@dataclass
class _Responses:
    scores: list[float]  # the question's points, per attempt
    rests: list[float]  # the rest of the attempt's points, per attempt
    fractions: list[float]  # of the question's points, where it was worth any
    answers: list


def analyse_quiz(
    session: Session, quiz: Quiz, learner_ids: Select, *, first_only: bool = True
) -> QuizAnalysis:
    """Return per-question figures over the learners' attempts (their first ones by default)."""
    query = (
        select(
            QuizAnswer.question_id,
            QuizAnswer.points,
            QuizAnswer.max_points,
            QuizAnswer.answer,
            QuizAttempt.id,
            QuizAttempt.user_id,
            QuizAttempt.points,
        )
        .join(QuizAttempt, QuizAnswer.attempt_id == QuizAttempt.id)
        .where(QuizAttempt.quiz_slug == quiz.slug, QuizAttempt.user_id.in_(learner_ids))
    )
    if first_only:
        query = query.where(QuizAttempt.number == 1)
    by_question: dict[str, _Responses] = defaultdict(lambda: _Responses([], [], [], []))
    attempts, learners = set(), set()
    for question_id, points, max_points, answer, attempt_id, user_id, total in session.execute(
        query
    ):
        attempts.add(attempt_id)
        learners.add(user_id)
        responses = by_question[question_id]
        responses.scores.append(points)
        responses.rests.append(total - points)
        if max_points:
            responses.fractions.append(points / max_points)
        responses.answers.append(answer)
    questions = tuple(
        _question_stats(number, question, by_question.get(question.id))
        for number, question in enumerate(quiz.questions, start=1)
    )
    return QuizAnalysis(quiz, first_only, len(attempts), len(learners), questions)


def _question_stats(number: int, question: Question, responses: _Responses | None):
    if responses is None:
        return QuestionStats(number, question, 0, None, None, ())
    counts = question.summarise(responses.answers)
    return QuestionStats(
        number=number,
        question=question,
        responses=len(responses.scores),
        facility=mean(responses.fractions) if responses.fractions else None,
        discrimination=(
            discrimination(responses.scores, responses.rests) if responses.fractions else None
        ),
        counts=tuple(counts),
    )


def discrimination(scores: list[float], rests: list[float]) -> float | None:
    """Return the correlation of question scores with rest-of-attempt scores; None if undefined."""
    if len(scores) < 2:
        return None
    try:
        return correlation(scores, rests)
    except StatisticsError:  # one of the two never varies
        return None
