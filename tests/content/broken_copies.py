"""Broken copies of the fixture course: make one, break it, and check what is reported."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from course.content import check_content

FIXTURE_COURSE = Path(__file__).resolve().parent.parent / "data" / "course"
OUTLINE = "lessons/course.yaml"
WELCOME = "lessons/welcome.md"
QUIZ = "quizzes/fixture-quiz.yaml"
SCENARIO = "quizzes/fixture-scenario.yaml"
ROUTES = "quizzes/fixture-routes.yaml"
# The fixture scenario predates the checks for gameable scenarios, and is kept
# as it was: its best path is its first choices. A warning does not stop loading.
FIXTURE_WARNINGS = [
    f"{SCENARIO}:7: warning: always taking the first choice reaches ending 'success', rated "
    "best: move the best choice out of first place at some steps, or set shuffle: true"
]


@dataclass(frozen=True)
class Rule:
    """One broken copy: the edits to make and the line ``course check`` must print."""

    path: str  # the file the problem is reported in
    marker: str  # text on the reported line, after the edits ("" for line 1)
    message: str
    edits: tuple[tuple[str, str, str], ...] = ()  # (file, old, new)
    writes: dict[str, str] = field(default_factory=dict)  # file -> text
    after: str = ""  # the marker is the first one below the line with this text


def edit(path: str, old: str, new: str) -> tuple[tuple[str, str, str], ...]:
    """Return a rule's single edit: replace ``old`` with ``new`` in ``path``."""
    return ((path, old, new),)


class CourseCopy:
    """A writable copy of the fixture course, with helpers to break it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        shutil.copytree(FIXTURE_COURSE, root)

    def edit(self, relative: str, old: str, new: str) -> None:
        """Replace the one occurrence of ``old`` in a file with ``new``."""
        path = self.root / relative
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} is not exactly once in {relative}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    def write(self, relative: str, text: str) -> None:
        """Create or overwrite a file."""
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def line_of(self, relative: str, text: str, after: str = "") -> int:
        """Return the 1-based line of the one line that contains ``text``.

        With ``after``, return the first such line below the one line containing ``after``.
        """
        lines = (self.root / relative).read_text(encoding="utf-8").splitlines()
        start = self.line_of(relative, after) if after else 0
        found = [
            number for number, line in enumerate(lines, start=1) if text in line and number > start
        ]
        assert found, f"{text!r} is not in {relative} after line {start}"
        assert after or len(found) == 1, f"{text!r} is on lines {found} of {relative}"
        return found[0]

    def problems(self) -> list[str]:
        """Return ``course check``'s lines for the copy: errors and warnings."""
        catalog, problems = check_content(self.root)
        assert (catalog is None) == any(problem.is_error for problem in problems)
        return [str(problem) for problem in problems]

    def break_by(self, rule: Rule) -> str:
        """Apply the rule's edits; return the ``path:line: message`` it must produce."""
        for path, old, new in rule.edits:
            self.edit(path, old, new)
        for path, text in rule.writes.items():
            self.write(path, text)
        line = self.line_of(rule.path, rule.marker, rule.after) if rule.marker else 1
        return f"{rule.path}:{line}: {rule.message}"


# The welcome lesson's objectives with ids, and the fixture questions that assess them.
OBJECTIVES_WITH_IDS = """\
objectives:
  - id: find-your-way
    text: Find your way around the course
  - id: roles
    text: Tell the two roles apart
"""
ASSESSES = {  # question id -> the objective it assesses
    "pick-one": "welcome#roles",
    "pick-many": "welcome#roles",
    "who-does-it": "welcome#find-your-way",
}


def add_objectives(copy: CourseCopy) -> None:
    """Give the welcome lesson's objectives ids, and point fixture questions at each."""
    copy.edit(
        WELCOME,
        "objectives:\n  - Find your way around the course\n  - Tell the two roles apart\n",
        OBJECTIVES_WITH_IDS,
    )
    for question_id, objective in ASSESSES.items():
        copy.edit(
            QUIZ, f"  - id: {question_id}\n", f"  - id: {question_id}\n    objective: {objective}\n"
        )
