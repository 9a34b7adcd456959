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

The sums the mean and the correlation are computed from are kept per cohort,
question, version and distinct answer as attempts are submitted and learners
join or leave (``course.progress.answer_tallies``): the page reads those few
rows, so it costs the same at any cohort's size.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from math import sqrt
from statistics import mean
from textwrap import shorten
from typing import Any

from markupsafe import Markup
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from course.content.model import Lesson, ObjectiveReference, Quiz
from course.content.question_types import Question, ResponseCount
from course.progress.models import AnswerTally, AttemptTally

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
class Moments:
    """Running sums of paired values, from which their mean and correlation follow.

    The database keeps them added up, so a cohort's answers never travel to Python:
    the figures come from a handful of numbers however many attempts there are.
    """

    n: int = 0
    sum_x: float = 0.0
    sum_y: float = 0.0
    sum_xy: float = 0.0
    sum_xx: float = 0.0
    sum_yy: float = 0.0

    @classmethod
    def of(cls, xs: Sequence[float], ys: Sequence[float]) -> Moments:
        moments = cls()
        for x, y in zip(xs, ys, strict=True):
            moments.add(Moments(1, x, y, x * y, x * x, y * y))
        return moments

    def add(self, other: Moments) -> None:
        self.n += other.n
        self.sum_x += other.sum_x
        self.sum_y += other.sum_y
        self.sum_xy += other.sum_xy
        self.sum_xx += other.sum_xx
        self.sum_yy += other.sum_yy

    @property
    def mean_x(self) -> float | None:
        return self.sum_x / self.n if self.n else None

    @property
    def correlation(self) -> float | None:
        """Pearson's r of x and y; None with fewer than two pairs or when either never varies."""
        if self.n < 2:
            return None
        spread_x = self.sum_xx - self.sum_x * self.sum_x / self.n
        spread_y = self.sum_yy - self.sum_y * self.sum_y / self.n
        # Sums of equal values leave rounding crumbs, not zero: such a spread is none.
        if spread_x <= NO_SPREAD * self.sum_xx or spread_y <= NO_SPREAD * self.sum_yy:
            return None
        covariance = self.sum_xy - self.sum_x * self.sum_y / self.n
        return max(-1.0, min(1.0, covariance / sqrt(spread_x * spread_y)))


NO_SPREAD = 1e-9  # a spread below this share of the sum of squares is rounding


@dataclass
class _Responses:
    """One version of a question's answers, summed: what the figures are computed from."""

    count: int = 0
    graded: Moments = field(default_factory=Moments)  # x: share of its points, y: the rest
    answers: list[tuple[Any, int]] = field(default_factory=list)  # (stored answer, how many)
    first_answered: datetime | None = None


def analyse_quiz(
    session: Session,
    quiz: Quiz,
    cohort_id: int,
    *,
    first_only: bool = True,
    lessons: Mapping[str, Lesson] | None = None,
) -> QuizAnalysis:
    """Return per-question figures over the cohort's attempts (their first ones by default).

    With ``lessons`` (the catalog's), the figures are also gathered by the lesson
    objective each question assesses.
    """
    counted = [AttemptTally.cohort_id == cohort_id, AttemptTally.quiz_slug == quiz.slug]
    first = AttemptTally.is_first
    # Attempts are numbered from 1, so each learner who made any has exactly one first.
    attempts, learners = session.execute(
        select(
            func.coalesce(func.sum(case((first, AttemptTally.attempts))), 0)
            if first_only
            else func.coalesce(func.sum(AttemptTally.attempts), 0),
            func.coalesce(func.sum(case((first, AttemptTally.attempts))), 0),
        ).where(*counted)
    ).one()
    sums = session.execute(_tallied_sums(cohort_id, quiz.slug, first_only=first_only))
    return figures_from_sums(
        quiz, sums, attempts=attempts, learners=learners, first_only=first_only, lessons=lessons
    )


def figures_from_sums(
    quiz: Quiz,
    sums: Iterable,
    *,
    attempts: int,
    learners: int,
    first_only: bool,
    lessons: Mapping[str, Lesson] | None = None,
) -> QuizAnalysis:
    """Return the analysis from sums per question, version and answer (as tallied)."""
    by_question: dict[str, dict[str | None, _Responses]] = defaultdict(
        lambda: defaultdict(_Responses)
    )
    for row in sums:
        responses = by_question[row.question_id][row.question_version or None]
        responses.count += row.responses
        responses.graded.add(
            Moments(
                row.graded,
                row.sum_x or 0.0,
                row.sum_y or 0.0,
                row.sum_xy or 0.0,
                row.sum_xx or 0.0,
                row.sum_yy or 0.0,
            )
        )
        responses.answers.append((_stored_answer(row.answer), row.responses))
        if responses.first_answered is None or row.first_answered < responses.first_answered:
            responses.first_answered = row.first_answered
    questions = tuple(
        _question_stats(number, question, by_question.get(question.id, {}))
        for number, question in enumerate(quiz.questions, start=1)
    )
    return QuizAnalysis(
        quiz,
        first_only,
        attempts,
        learners,
        questions,
        by_objective(questions, lessons or {}),
    )


def _tallied_sums(cohort_id: int, quiz_slug: str, *, first_only: bool) -> Select:
    """SELECT the cohort's tallies of the quiz per question, version and answer.

    A handful of rows per question, however many attempts the cohort made: the
    tallies were summed as the answers were given (``course.progress.answer_tallies``).
    "All attempts" adds the rows of first and later attempts together.
    """
    tally = AnswerTally
    counted = [tally.cohort_id == cohort_id, tally.quiz_slug == quiz_slug]
    if first_only:
        counted.append(tally.is_first)
    return (
        select(
            tally.question_id,
            tally.question_version,
            tally.answer,
            func.sum(tally.responses).label("responses"),
            func.sum(tally.graded).label("graded"),
            func.sum(tally.sum_x).label("sum_x"),
            func.sum(tally.sum_y).label("sum_y"),
            func.sum(tally.sum_xy).label("sum_xy"),
            func.sum(tally.sum_xx).label("sum_xx"),
            func.sum(tally.sum_yy).label("sum_yy"),
            func.min(tally.first_answered_at).label("first_answered"),
        )
        .where(*counted)
        .group_by(tally.question_id, tally.question_version, tally.answer)
    )


def _stored_answer(text: str | None) -> Any:
    return None if text is None else json.loads(text)


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
                    responses=responses.count,
                    facility=responses.graded.mean_x,
                )
                for version, responses in earlier.items()
            ),
            key=lambda each: each.first_answered,
        )
    )
    if current is None:
        return QuestionStats(number, question, 0, None, None, (), earlier_stats)
    return QuestionStats(
        number=number,
        question=question,
        responses=current.count,
        facility=current.graded.mean_x,
        discrimination=current.graded.correlation,
        counts=tuple(summarise_grouped(question, current.answers)),
        earlier=earlier_stats,
        changed_on=current.first_answered if earlier_stats else None,
    )


def summarise_grouped(
    question: Question, answers: Sequence[tuple[Any, int]]
) -> list[ResponseCount]:
    """Count by response as ``question.summarise`` does, from distinct answers and their counts."""
    totals = question.summarise([])
    for answer, times in answers:
        totals = [
            replace(total, count=total.count + times * one.count)
            for total, one in zip(totals, question.summarise([answer]), strict=True)
        ]
    return totals


def discrimination(scores: list[float], rests: list[float]) -> float | None:
    """Return the correlation of question scores with rest-of-attempt scores; None if undefined."""
    return Moments.of(scores, rests).correlation
