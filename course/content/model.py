"""The catalog's immutable objects: the course outline, lessons, quizzes and scenarios.

Everything here is built once by the loader and never changes afterwards, so
views can share these objects between requests and threads.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:  # each question is an instance of its type's class
    from course.content.question_types import Question

ITEM_KINDS = ("lesson", "quiz", "scenario")
ENDING_RATINGS = ("best", "good", "mixed", "poor")
CHOICE_RATINGS = ("good", "partial", "poor")


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
class Objective:
    """A lesson objective: its text, and an id when questions point at it."""

    text: str
    id: str | None = None
    line: int = field(default=0, compare=False, repr=False)  # in the lesson file

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class ObjectiveReference:
    """A question's ``objective: <lesson-slug>#<id>``: the lesson objective it assesses."""

    lesson: str
    id: str
    line: int = field(default=0, compare=False, repr=False)  # in the quiz file

    def __str__(self) -> str:
        return f"{self.lesson}#{self.id}"


@dataclass(frozen=True)
class Lesson:
    """A lesson: front matter and its rendered Markdown body."""

    kind: ClassVar[str] = "lesson"

    slug: str
    title: str
    summary: str
    minutes: int
    objectives: tuple[Objective, ...]
    html: str  # links to other items as written (``lesson:<slug>``): see site.addresses
    headings: tuple[Heading, ...]
    contents: tuple[Heading, ...]  # the "On this page" list: its ## headings, if 3+ headings
    version: str
    path: str

    def objective(self, objective_id: str) -> Objective | None:
        """Return the objective with ``objective_id``, or None."""
        return next((each for each in self.objectives if each.id == objective_id), None)


@dataclass(frozen=True)
class QuizSection:
    """A part of a quiz: an attempt gets ``draw`` of its questions, picked at random."""

    title: str | None
    draw: int
    question_ids: tuple[str, ...]

    @property
    def is_drawn(self) -> bool:
        """Tell whether an attempt gets fewer than all of the section's questions."""
        return self.draw < len(self.question_ids)


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
    # Question id -> the line of its prompt, for checks that look across files.
    question_lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    # From a file with ``sections``; () for one with plain ``questions``, which
    # every attempt gets in full. ``questions`` holds every section's, in order.
    sections: tuple[QuizSection, ...] = ()

    def question(self, question_id: str) -> Question | None:
        """Return the question with ``question_id``, or None."""
        return next((q for q in self.questions if q.id == question_id), None)

    @property
    def has_draws(self) -> bool:
        """Tell whether attempts get a random part of the questions (and so need a draw)."""
        return any(section.is_drawn for section in self.sections)

    def drawn(self, question_ids: Collection[str]) -> Quiz:
        """Return this quiz as one attempt sees it: only ``question_ids``, scored on their points.

        Ids no longer in the quiz (the file changed since the draw) are left out.
        """
        kept = set(question_ids)
        questions = tuple(q for q in self.questions if q.id in kept)
        sections = tuple(
            replace(section, question_ids=tuple(i for i in section.question_ids if i in kept))
            for section in self.sections
        )
        return replace(
            self,
            questions=questions,
            total_points=sum(q.points for q in questions),
            sections=tuple(section for section in sections if section.question_ids),
        )

    def question_groups(self) -> list[tuple[str | None, tuple[Question, ...]]]:
        """Return (section title or None, its questions) in order; one group without sections."""
        if not self.sections:
            return [(None, self.questions)]
        by_id = {question.id: question for question in self.questions}
        return [
            (section.title, tuple(by_id[i] for i in section.question_ids if i in by_id))
            for section in self.sections
        ]


@dataclass(frozen=True)
class Condition:
    """A scenario's ``when``: holds when every key it has holds for the run so far."""

    flags: frozenset[str] = frozenset()  # all set
    not_flags: frozenset[str] = frozenset()  # none set
    min_score: float | None = None  # percent of the scenario's maximum
    max_score: float | None = None

    def holds(self, flags: Collection[str], score: float) -> bool:
        """Say whether the condition holds for a run with ``flags`` and ``score`` percent."""
        return (
            self.flags.issubset(flags)
            and self.not_flags.isdisjoint(flags)
            and (self.min_score is None or score >= self.min_score)
            and (self.max_score is None or score <= self.max_score)
        )

    @property
    def flags_read(self) -> frozenset[str]:
        """The flags this condition looks at."""
        return self.flags | self.not_flags


@dataclass(frozen=True)
class Route:
    """One entry of a choice's ``next``: go ``to`` a step or ending when ``when`` holds."""

    to: str
    when: Condition | None = None  # None: always (the last entry)


@dataclass(frozen=True)
class Variant:
    """Text that replaces a step's or ending's ``text`` when ``when`` holds."""

    when: Condition
    text_html: str


def first_holding(
    entries: tuple[Route, ...] | tuple[Variant, ...], flags: Collection[str], score: float
) -> int | None:
    """Return the index of the first entry whose ``when`` holds (no ``when`` always holds)."""
    for index, entry in enumerate(entries):
        if entry.when is None or entry.when.holds(flags, score):
            return index
    return None


@dataclass(frozen=True)
class Choice:
    """A choice at a scenario step, leading to a step or an ending."""

    id: str
    text: str  # plain text: it is the button's name
    points: float
    feedback_html: str
    routes: tuple[Route, ...]  # a plain ``next`` is one entry without ``when``
    rating: str = "good"  # good | partial | poor
    sets: frozenset[str] = frozenset()

    @property
    def targets(self) -> tuple[str, ...]:
        """Every step or ending this choice may lead to."""
        return tuple(dict.fromkeys(route.to for route in self.routes))

    def route_index(self, flags: Collection[str], score: float) -> int:
        """Return the index of the route entry that decides, for a run with ``flags``/``score``."""
        index = first_holding(self.routes, flags, score)
        return len(self.routes) - 1 if index is None else index

    def next_for(self, flags: Collection[str], score: float) -> str:
        """Return where this choice leads a run with ``flags`` and ``score`` (choice included)."""
        return self.routes[self.route_index(flags, score)].to


@dataclass(frozen=True)
class Step:
    """A moment of a scenario and the choices open there."""

    id: str
    text_html: str
    choices: tuple[Choice, ...]
    variants: tuple[Variant, ...] = ()

    def choice(self, choice_id: str) -> Choice | None:
        """Return the choice with ``choice_id``, or None."""
        return next((choice for choice in self.choices if choice.id == choice_id), None)

    def text_for(self, flags: Collection[str], score: float) -> str:
        """Return the text a run with ``flags`` and ``score`` reads here."""
        return _text_for(self.text_html, self.variants, flags, score)


@dataclass(frozen=True)
class Ending:
    """Where a scenario path ends, with its debrief."""

    id: str
    title: str
    rating: str  # best | good | mixed | poor
    text_html: str
    variants: tuple[Variant, ...] = ()

    def text_for(self, flags: Collection[str], score: float) -> str:
        """Return the debrief a run with ``flags`` and ``score`` reads here."""
        return _text_for(self.text_html, self.variants, flags, score)


def _text_for(text_html: str, variants, flags: Collection[str], score: float) -> str:
    index = first_holding(variants, flags, score)
    return text_html if index is None else variants[index].text_html


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
    shuffle: bool = False
    # The best path's choices in order, as (step id, choice id): the debrief's model answer.
    best_path: tuple[tuple[str, str], ...] = ()

    def score_percent(self, points: float) -> float:
        """Return ``points`` as a percent of the scenario's maximum (100 when it has none)."""
        return points / self.max_points * 100 if self.max_points else 100.0

    def passes_with(self, points: float) -> bool:
        """Say whether a run ending with ``points`` passes (as progress scores a run)."""
        if self.pass_mark is None:
            return True
        # Rounded as quiz and run scores are, so 6 of 10 passes a 60% mark.
        return round(min(100.0, self.score_percent(points)), 9) >= self.pass_mark

    def best_choice(self, step_id: str) -> Choice | None:
        """Return the choice the best path takes at a step, else the step's most points."""
        step = self.steps.get(step_id)
        if step is None or not step.choices:
            return None
        on_best_path = dict(self.best_path).get(step_id)
        if on_best_path is not None and step.choice(on_best_path) is not None:
            return step.choice(on_best_path)
        return max(step.choices, key=lambda choice: choice.points)


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
