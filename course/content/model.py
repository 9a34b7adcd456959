"""The catalog's immutable objects: the course outline, lessons, quizzes and scenarios.

Everything here is built once by the loader and never changes afterwards, so
views can share these objects between requests and threads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:  # each question is an instance of its type's class
    from course.content.question_types import Question

ITEM_KINDS = ("lesson", "quiz", "scenario")
ENDING_RATINGS = ("best", "good", "mixed", "poor")


@dataclass(frozen=True)
class Heading:
    """A heading in a lesson body, for an on-page contents list."""

    level: int
    anchor_id: str
    text: str


@dataclass(frozen=True)
class OutlineItem:
    """One place in the outline: which item, in which module, at which position."""

    kind: str  # lesson | quiz | scenario
    slug: str
    required: bool
    module_index: int
    index: int  # position in the whole outline, 0-based
    title: str
    minutes: int


@dataclass(frozen=True)
class Module:
    """A titled group of outline items."""

    index: int
    title: str
    items: tuple[OutlineItem, ...]


@dataclass(frozen=True)
class Course:
    """The course as ``lessons/course.yaml`` describes it."""

    title: str
    summary_html: str
    sequential: bool
    modules: tuple[Module, ...]


@dataclass(frozen=True)
class Lesson:
    """A lesson: front matter and its rendered Markdown body."""

    kind: ClassVar[str] = "lesson"

    slug: str
    title: str
    summary: str
    minutes: int
    objectives: tuple[str, ...]
    html: str
    headings: tuple[Heading, ...]
    version: str
    path: str


@dataclass(frozen=True)
class Quiz:
    """A quiz and its questions, answer key included (it never leaves the server).

    Each question is an instance of its type's class in ``course.content.question_types``.
    """

    kind: ClassVar[str] = "quiz"

    slug: str
    title: str
    intro_html: str
    pass_mark: int  # percent of total_points
    max_attempts: int | None
    shuffle: bool
    questions: tuple[Question, ...]
    total_points: float
    minutes: int
    version: str
    path: str

    def question(self, question_id: str) -> Question | None:
        """Return the question with ``question_id``, or None."""
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass(frozen=True)
class Choice:
    """A choice at a scenario step, leading to a step or an ending."""

    id: str
    text: str  # plain text: it is the button's name
    points: float
    feedback_html: str
    next: str


@dataclass(frozen=True)
class Step:
    """A moment of a scenario and the choices open there."""

    id: str
    text_html: str
    choices: tuple[Choice, ...]

    def choice(self, choice_id: str) -> Choice | None:
        """Return the choice with ``choice_id``, or None."""
        return next((choice for choice in self.choices if choice.id == choice_id), None)


@dataclass(frozen=True)
class Ending:
    """Where a scenario path ends, with its debrief."""

    id: str
    title: str
    rating: str  # best | good | mixed | poor
    text_html: str


@dataclass(frozen=True)
class Scenario:
    """A branching scenario: a graph of steps without loops, ending at endings."""

    kind: ClassVar[str] = "scenario"

    slug: str
    title: str
    intro_html: str
    based_on: str | None  # a lesson slug
    start: str
    pass_mark: int | None  # percent of max_points; None: any ending finishes it
    steps: Mapping[str, Step]
    endings: Mapping[str, Ending]
    max_points: float  # the best path's points
    minutes: int
    version: str
    path: str


Item = Lesson | Quiz | Scenario


@dataclass(frozen=True)
class Catalog:
    """The whole course as loaded from one content directory."""

    course: Course
    lessons: Mapping[str, Lesson]
    quizzes: Mapping[str, Quiz]
    scenarios: Mapping[str, Scenario]
    items: tuple[OutlineItem, ...]
    _places: Mapping[tuple[str, str], OutlineItem] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        places = {(item.kind, item.slug): item for item in self.items}
        object.__setattr__(self, "_places", places)

    def find(self, kind: str, slug: str) -> Item | None:
        """Return the lesson, quiz or scenario ``slug`` of ``kind``, or None."""
        by_kind: Mapping[str, Item] | None = {
            "lesson": self.lessons,
            "quiz": self.quizzes,
            "scenario": self.scenarios,
        }.get(kind)
        return by_kind.get(slug) if by_kind is not None else None

    def outline_item(self, kind: str, slug: str) -> OutlineItem | None:
        """Return the outline's place for the item, or None."""
        return self._places.get((kind, slug))

    @property
    def required_items(self) -> tuple[OutlineItem, ...]:
        """The items a learner must finish to complete the course."""
        return tuple(item for item in self.items if item.required)

    def counts(self) -> dict[str, int]:
        """Return how many lessons, quizzes, scenarios and modules the course has."""
        return {
            "lessons": len(self.lessons),
            "quizzes": len(self.quizzes),
            "scenarios": len(self.scenarios),
            "modules": len(self.course.modules),
        }

    def summary(self) -> str:
        """Return the counts as a phrase, e.g. ``3 lessons, 1 quiz, 1 scenario in 2 modules``."""
        counts = self.counts()
        return (
            f"{_count(counts['lessons'], 'lesson')}, {_count(counts['quizzes'], 'quiz')}, "
            f"{_count(counts['scenarios'], 'scenario')} in {_count(counts['modules'], 'module')}"
        )


def _count(number: int, noun: str) -> str:
    plural = noun + ("zes" if noun.endswith("z") else "s")
    return f"{number} {noun if number == 1 else plural}"
