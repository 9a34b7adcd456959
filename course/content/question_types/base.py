"""What every question type provides, and the pieces several types share.

A type parses and checks its part of a quiz file, builds the form field a
learner answers in, reads and grades that answer, freezes what the review
shows, and summarises a group's answers for managers.
"""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from wtforms import Field

from course.content.fields import (
    SourceFile,
    check_keys,
    check_unique,
    mapping_items,
    read_boolean,
    read_identifier,
    read_list,
    read_markdown,
    read_text,
)
from course.content.model import Option, Question
from course.content.yaml_source import YamlMap

OPTION_KEYS = ("id", "text", "correct", "feedback")

QUESTION_TYPES: dict[str, QuestionType] = {}


@dataclass(frozen=True)
class Grade:
    """The points an answer earned, and whether it earned them all."""

    points: float
    is_correct: bool


@dataclass(frozen=True)
class ResponseCount:
    """How many answers in a group gave one response, for the manager's analysis."""

    label: str
    count: int
    is_expected: bool


class AnswerError(ValueError):
    """A submitted answer that no honest form could send (an unknown option, say)."""


class QuestionType(ABC):
    """One kind of question; each subclass registers itself under its ``name``."""

    name: ClassVar[str]
    keys: ClassVar[tuple[str, ...]]  # the keys this type adds to id, type, prompt, ...

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        QUESTION_TYPES[cls.name] = cls()

    @abstractmethod
    def parse(
        self, raw: YamlMap, common: Mapping[str, Any], source: SourceFile, where: str
    ) -> Question | None:
        """Check the type's part of ``raw`` and build the question; None when invalid."""

    @abstractmethod
    def grade(self, question: Question, answer: Any) -> Grade:
        """Grade ``answer``, the learner's response in this type's shape."""

    @abstractmethod
    def form_field(self, question: Question, rng: random.Random | None, label: str) -> Field:
        """Return the unbound form field for the question (``rng`` shuffles, when given)."""

    @abstractmethod
    def read_answer(self, question: Question, field: Field) -> Any:
        """Return the answer in the bound field, None when unanswered; AnswerError if forged."""

    def field_names(self, question: Question, name: str) -> set[str]:
        """Return the form keys the question's field may send."""
        return {name}

    def answer_to_json(self, answer: Any) -> Any:
        """Return the answer as JSON-ready data for storage."""
        return answer

    @abstractmethod
    def review(self, question: Question, answer: Any, grade: Grade) -> dict:
        """Return what the review shows, frozen at submission time."""

    @abstractmethod
    def summarise(self, question: Question, answers: Sequence[Any]) -> list[ResponseCount]:
        """Count a group's stored (JSON) answers by response."""


def fraction_grade(question: Question, fraction: float) -> Grade:
    """Return the grade for earning ``fraction`` (clamped to 0-1) of the question's points."""
    fraction = min(1.0, max(0.0, fraction))
    return Grade(points=question.points * fraction, is_correct=fraction == 1.0)


def ordered(things: Sequence, rng: random.Random | None) -> list:
    """Return ``things`` shuffled by ``rng``, or in file order without one."""
    things = list(things)
    if rng is not None:
        rng.shuffle(things)
    return things


def review_base(question: Question, layout: str, rows: list[dict]) -> dict:
    """Return the review's common shape: ``options`` or ``pairs`` rows under the prompt."""
    return {
        "layout": layout,
        "prompt_html": question.prompt_html,
        "explanation_html": question.explanation_html,
        "rows": rows,
    }


def option_review(question: Question, picked: set[str]) -> dict:
    """Review an options question: each option, whether picked, whether right, its feedback."""
    rows = [
        {
            "label": option.text,
            "is_picked": option.id in picked,
            "is_expected": option.correct,
            "feedback_html": option.feedback_html if option.id in picked else "",
        }
        for option in question.options
    ]
    return review_base(question, "options", rows)


def option_summary(question: Question, picks: Sequence[set[str]]) -> list[ResponseCount]:
    """Count how many answers picked each option."""
    return [
        ResponseCount(option.text, sum(option.id in p for p in picks), option.correct)
        for option in question.options
    ]


def single_value(field: Field) -> str | None:
    """Return a single-choice field's raw value, None when nothing was sent."""
    raw = field.raw_data or []
    if len(raw) > 1:
        raise AnswerError("A question that takes one answer was sent several.")
    return raw[0] if raw and raw[0] != "" else None


def parse_options(source: SourceFile, raw: YamlMap, where: str) -> tuple[Option, ...] | None:
    problems_before = len(source.problems)
    options_list = read_list(source, raw, "options", where)
    if options_list is None:
        return None
    if len(options_list) < 2:
        source.problem(raw.line_of("options"), f"{where} needs at least two options")
    options, seen = [], {}
    for position, option_raw in mapping_items(source, options_list, f"the options of {where}"):
        option_where = f"option {position} of {where}"
        check_keys(source, option_raw, OPTION_KEYS, option_where)
        option_id = read_identifier(source, option_raw, "id", option_where)
        text = read_text(source, option_raw, "text", option_where)
        correct = read_boolean(source, option_raw, "correct", option_where, default=False)
        feedback_html = read_markdown(source, option_raw, "feedback", option_where)
        if option_id is not None:
            check_unique(source, seen, option_id, option_raw.line_of("id"), "option id", where)
        if option_id is not None and text is not None:
            options.append(Option(option_id, text, bool(correct), feedback_html))
    if len(source.problems) > problems_before:
        return None
    return tuple(options)
