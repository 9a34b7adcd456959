"""Problems found in content files, and the error that carries them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import click

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a content file, at a line of that file.

    An error stops the content loading; a warning (a cue that lets learners
    guess, a gameable scenario) is printed by ``course check`` and fails it
    only with ``--strict``.
    """

    path: str  # relative to the content directory, with forward slashes
    line: int  # 1-based
    message: str
    severity: str = ERROR  # error | warning

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def __str__(self) -> str:
        if self.is_error:
            return f"{self.path}:{self.line}: {self.message}"
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Return ``problems`` ordered by path, then line, keeping the order of ties."""
    return sorted(problems, key=lambda problem: (problem.path, problem.line))


# A ClickException, so a command line that loads broken content prints the
# problems and exits 1 instead of showing a traceback.
class ContentError(click.ClickException):
    """The content is invalid; ``problems`` says where and why."""

    exit_code = 1

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sort_problems(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    def format_message(self) -> str:
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        return f"the course content has {count} {noun}:\n{self.message}"
