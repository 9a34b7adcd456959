"""Question analysis for a cohort: responses, facility, discrimination and what was picked.

Facility is the mean score on a question as a share of its points. The
discrimination index is computed as Moodle does: the correlation, across
attempts, between the score on the question and the score on the rest of the
attempt (its total minus this question), so a question does not correlate
with itself. In a quiz with sections each attempt draws some questions: a
question is counted over the attempts that drew it, and says how many.

Each answer keeps its question's content version, so a question edited since
some learners answered it is counted per version: its figures are those of the
current version, and the earlier versions are listed apart, never mixed in.
Answers from before versions were recorded count as one version of their own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from statistics import StatisticsError, correlation, mean
from textwrap import shorten

from markupsafe import Markup
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from course.content.model import Lesson, ObjectiveReference, Quiz
from course.content.question_types import Question, ResponseCount
from course.progress.models import QuizAnswer, QuizAttempt

MIN_RESPONSES = 10  # fewer than this, and the indices are noise
REVIEW_BELOW = 0.3  # a discrimination under this suggests the question needs revising
PROMPT_LENGTH = 90  # characters of a prompt the summary table shows
TYPE_LABELS = {
    "single": "One answer",
    "multiple": "Several answers",
    "true_false": "True or false",
    "classify": "Classify",
}


def prompt_text(question: Question, length: int = PROMPT_LENGTH) -> str:
    """Return the question's prompt as plain text, cut at a word to at most ``length``."""
    # Markup only to strip the tags and unescape the entities: what comes out is
    # plain text, and the page escapes it again like any other.
    text = Markup(question.prompt_html).striptags()  # noqa: S704
    return shorten(text, width=length, placeholder=" …")


def type_label(question: Question) -> str:
    """Return how a manager reads the question's type, e.g. "True or false"."""
    return TYPE_LABELS.get(question.type, question.type.replace("_", " ").capitalize())


@dataclass(frozen=True)
class VersionStats:
    """How the cohort did on an earlier version of a question."""

    version: str | None  # None: answered before versions were recorded
    first_answered: datetime
    responses: int
    facility: float | None


@dataclass(frozen=True)
class QuestionStats:
    number: int
    question: Question
    responses: int  # the attempts that drew the question (all of them, without draws)
    facility: float | None  # 0-1; None without responses, or for a question worth no points
    discrimination: float | None  # -1 to 1; None when every score was the same
    counts: tuple[ResponseCount, ...]
    earlier: tuple[VersionStats, ...] = ()  # versions answered before the current one, oldest first
    changed_on: datetime | None = None  # the first answer to the current version, when it changed

    @property
    def is_enough(self) -> bool:
        return self.responses >= MIN_RESPONSES

    @property
    def prompt(self) -> str:
        return prompt_text(self.question)

    @property
    def type_label(self) -> str:
        return type_label(self.question)

    @property
    def objective(self) -> str | None:
        # Questions may name the objective they assess; older quiz files do not.
        return getattr(self.question, "objective", None) or None

    @property
    def needs_review(self) -> bool:
        return (
            self.is_enough
            and self.discrimination is not None
            and self.discrimination < REVIEW_BELOW
        )


@dataclass(frozen=True)
class ObjectiveStats:
    """A lesson objective the quiz assesses, and how the cohort did on its questions."""

    reference: ObjectiveReference
    lesson_title: str
    text: str
    questions: tuple[QuestionStats, ...]

    @property
    def facility(self) -> float | None:
        """The mean facility of its graded questions; None when none has one."""
        facilities = [q.facility for q in self.questions if q.facility is not None]
        return mean(facilities) if facilities else None

    @property
    def is_enough(self) -> bool:
        return all(q.is_enough for q in self.questions)


@dataclass(frozen=True)
class QuizAnalysis:
    quiz: Quiz
    is_first_only: bool
    attempts: int
    learners: int
    questions: tuple[QuestionStats, ...]
    objectives: tuple[ObjectiveStats, ...] = ()  # weakest first

    def objective_of(self, question: Question) -> ObjectiveStats | None:
        """The figures for the objective ``question`` assesses; None when it names none."""
        return next((o for o in self.objectives if o.reference == question.objective), None)

    @property
    def has_objectives(self) -> bool:
        return any(stats.objective for stats in self.questions)

    @property
    def most_missed(self) -> QuestionStats | None:
        """The question with the lowest facility, among those with enough responses."""
        ranked = [q for q in self.questions if q.is_enough and q.facility is not None]
        return min(ranked, key=lambda q: (q.facility, q.number)) if ranked else None


@dataclass
class _Responses:
    scores: list[float] = field(default_factory=list)  # the question's points, per attempt
    rests: list[float] = field(default_factory=list)  # the rest of the attempt's, per attempt
    fractions: list[float] = field(default_factory=list)  # of its points, where worth any
    answers: list = field(default_factory=list)
    first_answered: datetime | None = None


def analyse_quiz(
    session: Session,
    quiz: Quiz,
    learner_ids: Select,
    *,
    first_only: bool = True,
    lessons: Mapping[str, Lesson] | None = None,
) -> QuizAnalysis:
    """Return per-question figures over the learners' attempts (their first ones by default).

    With ``lessons`` (the catalog's), the figures are also gathered by the lesson
    objective each question assesses.
    """
    query = (
        select(
            QuizAnswer.question_id,
            QuizAnswer.question_version,
            QuizAnswer.points,
            QuizAnswer.max_points,
            QuizAnswer.answer,
            QuizAttempt.id,
            QuizAttempt.user_id,
            QuizAttempt.points,
            QuizAttempt.submitted_at,
        )
        .join(QuizAttempt, QuizAnswer.attempt_id == QuizAttempt.id)
        .where(QuizAttempt.quiz_slug == quiz.slug, QuizAttempt.user_id.in_(learner_ids))
    )
    if first_only:
        query = query.where(QuizAttempt.number == 1)
    # Question id -> its version (None before versions were recorded) -> the responses.
    by_question: dict[str, dict[str | None, _Responses]] = defaultdict(
        lambda: defaultdict(_Responses)
    )
    attempts, learners = set(), set()
    for row in session.execute(query):
        (question_id, version, points, max_points, answer, attempt_id, user_id, total, at) = row
        attempts.add(attempt_id)
        learners.add(user_id)
        responses = by_question[question_id][version]
        if responses.first_answered is None or at < responses.first_answered:
            responses.first_answered = at
        responses.scores.append(points)
        responses.rests.append(total - points)
        if max_points:
            responses.fractions.append(points / max_points)
        responses.answers.append(answer)
    questions = tuple(
        _question_stats(number, question, by_question.get(question.id, {}))
        for number, question in enumerate(quiz.questions, start=1)
    )
    return QuizAnalysis(
        quiz,
        first_only,
        len(attempts),
        len(learners),
        questions,
        by_objective(questions, lessons or {}),
    )


def by_objective(
    questions: tuple[QuestionStats, ...], lessons: Mapping[str, Lesson]
) -> tuple[ObjectiveStats, ...]:
    """Group question figures by the objective each assesses; the weakest objective first.

    Built from the figures already computed, so it costs no query.
    """
    grouped: dict[ObjectiveReference, list[QuestionStats]] = defaultdict(list)
    for stats in questions:
        if stats.question.objective is not None:
            grouped[stats.question.objective].append(stats)
    objectives = []
    for reference, assessing in grouped.items():
        lesson = lessons.get(reference.lesson)
        objective = lesson.objective(reference.id) if lesson else None
        objectives.append(
            ObjectiveStats(
                reference=reference,
                lesson_title=lesson.title if lesson else reference.lesson,
                text=objective.text if objective else str(reference),
                questions=tuple(assessing),
            )
        )
    # Ungraded objectives (reflections only) go last; ties keep the quiz's order.
    return tuple(sorted(objectives, key=lambda each: (each.facility is None, each.facility or 0.0)))


def _question_stats(
    number: int, question: Question, by_version: Mapping[str | None, _Responses]
) -> QuestionStats:
    if set(by_version) == {None}:
        # Nothing recorded a version yet: those answers are all there is to count.
        current, earlier = by_version[None], {}
    else:
        current = by_version.get(question.version)
        earlier = {v: r for v, r in by_version.items() if v != question.version}
    earlier_stats = tuple(
        sorted(
            (
                VersionStats(
                    version=version,
                    first_answered=responses.first_answered,
                    responses=len(responses.scores),
                    facility=mean(responses.fractions) if responses.fractions else None,
                )
                for version, responses in earlier.items()
            ),
            key=lambda each: each.first_answered,
        )
    )
    if current is None:
        return QuestionStats(number, question, 0, None, None, (), earlier_stats)
    counts = question.summarise(current.answers)
    responses = current
    return QuestionStats(
        number=number,
        question=question,
        responses=len(responses.scores),
        facility=mean(responses.fractions) if responses.fractions else None,
        discrimination=(
            discrimination(responses.scores, responses.rests) if responses.fractions else None
        ),
        counts=tuple(counts),
        earlier=earlier_stats,
        changed_on=current.first_answered if earlier_stats else None,
    )


def discrimination(scores: list[float], rests: list[float]) -> float | None:
    """Return the correlation of question scores with rest-of-attempt scores; None if undefined."""
    if len(scores) < 2:
        return None
    try:
        return correlation(scores, rests)
    except StatisticsError:  # one of the two never varies
        return None
