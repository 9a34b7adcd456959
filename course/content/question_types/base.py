"""What every question type provides, and the pieces several types share.

A type is one frozen data class, a subclass of ``Question`` registered under
its ``type`` name, with its own fields beside the common ones. It parses and
checks its own keys of a quiz file, builds the form field a learner answers in,
reads and grades that answer, freezes what the review shows, summarises a
group's answers for managers, and picks an answer for the demo cohort. Its
input and its review are the macros ``input`` and ``review`` of the template
``learn/question_types/<type>.html``.
"""

from __future__ import annotations

import hashlib
import random
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from wtforms import Field

from course.content.fields import (
    ID_RE,
    SLUG_RE,
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
from course.content.model import ObjectiveReference
from course.content.yaml_source import YamlMap

OPTION_KEYS = ("id", "text", "correct", "feedback")
TEMPLATE_FOLDER = "learn/question_types"

QUESTION_TYPES: dict[str, type[Question]] = {}


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


@dataclass(frozen=True, kw_only=True)
class Question(ABC):
    """A quiz question: the fields every type shares; each type adds its own.

    It holds the answer key, so it never reaches the browser: pages get its
    prompt and the form field it builds.
    """

    type: ClassVar[str]  # the name a quiz file gives as ``type``
    keys: ClassVar[tuple[str, ...]]  # the keys this type adds to id, type, prompt, ...
    instruction: ClassVar[str] = (
        ""  # said after the question's number, e.g. "choose all that apply"
    )
    # Free-text answers seldom repeat, so the analysis counts them as given or not
    # instead of grouping a cohort's answers by what they say.
    is_free_text: ClassVar[bool] = False

    id: str
    prompt_html: str
    points: float
    explanation_html: str = ""
    objective: ObjectiveReference | None = None  # the lesson objective it assesses
    # A short hash of what learners answer (see ``content_version``); each answer keeps
    # it, so editing a question starts its statistics afresh.
    version: str = field(init=False, compare=False, default="")

    def __post_init__(self) -> None:
        # Frozen: setting a field once, while the object is being built, is the documented way.
        object.__setattr__(self, "version", content_version(self))

    @classmethod
    @abstractmethod
    def parse(
        cls, raw: YamlMap, common: Mapping[str, Any], source: SourceFile, where: str
    ) -> Question | None:
        """Check the type's keys of ``raw`` and build the question from them and ``common``.

        Report each problem on ``source`` at its line and return None when invalid.
        """

    @abstractmethod
    def grade(self, answer: Any) -> Grade:
        """Grade ``answer``, the learner's response in this type's shape."""

    @abstractmethod
    def form_field(self, rng: random.Random | None, label: str) -> Field:
        """Return the unbound form field for the question (``rng`` shuffles, when given)."""

    @abstractmethod
    def read_answer(self, field: Field) -> Any:
        """Return the answer in the bound field, None when unanswered; AnswerError if forged."""

    def field_names(self, name: str) -> set[str]:
        """Return the form keys the question's field, named ``name``, may send."""
        return {name}

    def answer_to_json(self, answer: Any) -> Any:
        """Return the answer as JSON-ready data for storage."""
        return answer

    @abstractmethod
    def review(self, answer: Any, grade: Grade) -> dict:
        """Return what the review shows as JSON-ready data, frozen at submission time."""

    @abstractmethod
    def summarise(self, answers: Sequence[Any]) -> list[ResponseCount]:
        """Count a group's stored (JSON) answers by response."""

    @abstractmethod
    def pick_answer(self, is_right: bool, rng: random.Random) -> Any:
        """Return an answer a learner could give, right or plausibly wrong (for the demo)."""


# What does not change the question learners answer: its id names it, and the
# explanation and objective are read after answering or only by managers.
NOT_VERSIONED = frozenset({"id", "explanation_html", "objective", "version"})
VERSION_LENGTH = 12


def content_version(question: Question) -> str:
    """Return a short hash of the question's type, prompt, points and its type's own fields.

    Two loads of the same question give the same version; changing its wording,
    options, key or points gives another.
    """
    content = [question.type] + [
        (each.name, getattr(question, each.name))
        for each in fields(question)
        if each.name not in NOT_VERSIONED
    ]
    return hashlib.sha256(repr(content).encode()).hexdigest()[:VERSION_LENGTH]


def read_objective(source: SourceFile, raw: YamlMap, where: str) -> ObjectiveReference | None:
    """Read a question's optional ``objective: <lesson-slug>#<id>``; None when absent or wrong.

    Whether the lesson has that objective is checked once every file is read.
    """
    text = read_text(source, raw, "objective", where, required=False)
    if text is None:
        return None
    lesson, _, objective_id = text.partition("#")
    if not (SLUG_RE.match(lesson) and ID_RE.match(objective_id)):
        source.problem(
            raw.line_of("objective"),
            f"'objective' of {where} must be <lesson-slug>#<objective-id> "
            f"(e.g. welcome#find-your-way), not '{text}'",
        )
        return None
    return ObjectiveReference(lesson, objective_id, raw.line_of("objective"))


def register(question_class: type[Question]) -> type[Question]:
    """Add a question type to ``QUESTION_TYPES`` under its ``type`` (a class decorator)."""
    QUESTION_TYPES[question_class.type] = question_class
    return question_class


def template_name(type_name: str) -> str:
    """Return the template holding a type's ``input`` and ``review`` macros."""
    return f"{TEMPLATE_FOLDER}/{type_name}.html"


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


def review_base(question: Question, rows: list[dict]) -> dict:
    """Return the review's common shape: the prompt, the explanation and the type's rows."""
    return {
        "prompt_html": question.prompt_html,
        "explanation_html": question.explanation_html,
        "rows": rows,
    }


def single_value(field: Field) -> str | None:
    """Return a single-choice field's raw value, None when nothing was sent."""
    raw = field.raw_data or []
    if len(raw) > 1:
        raise AnswerError("A question that takes one answer was sent several.")
    return raw[0] if raw and raw[0] != "" else None


@dataclass(frozen=True)
class Option:
    """An option of a ``single`` or ``multiple`` question."""

    id: str
    text: str  # plain text: it is the input's label
    correct: bool
    feedback_html: str


def parse_options(source: SourceFile, raw: YamlMap, where: str) -> tuple[Option, ...] | None:
    """Read the ``options`` of an options question; None when any is invalid."""
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


def option_review(question: Question, options: Sequence[Option], picked: set[str]) -> dict:
    """Review an options question: each option, whether picked, whether right, its feedback."""
    rows = [
        {
            "label": option.text,
            "is_picked": option.id in picked,
            "is_expected": option.correct,
            "feedback_html": option.feedback_html if option.id in picked else "",
        }
        for option in options
    ]
    return review_base(question, rows)


def option_summary(options: Sequence[Option], picks: Sequence[set[str]]) -> list[ResponseCount]:
    """Count how many answers picked each option."""
    return [
        ResponseCount(option.text, sum(option.id in p for p in picks), option.correct)
        for option in options
    ]
