"""Item-writing checks: cues in a quiz's questions that let a learner guess without knowing.

Each is a warning at the line of the offending item: ``course check`` prints it,
and only ``course check --strict`` fails on it. They read parsed questions beside
the YAML they came from (for lines), and look only at what any option question
has: options with text, some correct.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from course.content.fields import SourceFile
from course.content.model import Quiz
from course.content.problems import WARNING, Problem
from course.content.question_types import Question
from course.content.yaml_source import YamlList, YamlMap

LENGTH_RATIO = 1.5  # a correct option longer than this times the others' average stands out
# Words that make a statement false more often than not: test-wise learners rule out
# the options that hold them, so they should not appear only in wrong options.
ABSOLUTE_WORDS = (
    "never",
    "always",
    "only",
    "guaranteed",
    "all",
    "none",
    "every",
    "everyone",
    "everything",
    "nobody",
    "nothing",
    "completely",
    "entirely",
)
ABSOLUTE_RE = re.compile(r"\b(" + "|".join(ABSOLUTE_WORDS) + r")\b", re.IGNORECASE)
ABOVE_RE = re.compile(r"\b(all|none|both|neither) of the (above|options)\b", re.IGNORECASE)
SAME_POSITION_FROM = 4  # single-choice questions needed before a pattern of positions counts
TAG_RE = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class ParsedQuestion:
    """A question with the YAML mapping it was read from, for the lines of its parts."""

    question: Question
    raw: YamlMap


def check_item_writing(source: SourceFile, questions: Sequence[ParsedQuestion], raw: YamlMap):
    """Warn on ``source`` about each cue in a quiz's questions (``raw`` is the quiz's mapping)."""
    for each in questions:
        options = _options(each)
        if options:
            _check_lengths(source, each, options)
            _check_absolute_words(source, each, options)
            _check_above(source, options)
            _check_same_text(source, each, options)
    if raw.get("shuffle") is not True:
        _check_positions(source, questions, raw)


def _options(each: ParsedQuestion) -> list[tuple[object, int]]:
    """The question's options with the line of each one's text; [] for other types."""
    options = getattr(each.question, "options", None)
    raw_options = each.raw.get("options")
    if not options or not isinstance(raw_options, YamlList):
        return []
    lines = [
        raw.line_of("text") if isinstance(raw, YamlMap) else raw_options.line_of(index)
        for index, raw in enumerate(raw_options)
    ]
    return list(zip(options, lines, strict=False))


def _check_lengths(source: SourceFile, each: ParsedQuestion, options) -> None:
    if all(option.correct for option, _line in options):
        return
    for option, line in options:
        if not option.correct:
            continue
        others = [len(other.text) for other, _ in options if other is not option]
        average = sum(others) / len(others)
        if average and len(option.text) > LENGTH_RATIO * average:
            ratio = len(option.text) / average
            source.warning(
                line,
                f"the correct option '{option.id}' of question '{each.question.id}' is "
                f"{ratio:.1f} times as long as the others on average (more than "
                f"{LENGTH_RATIO}): learners can pick it by its length; shorten it or "
                "give the others as much detail",
            )


def _check_absolute_words(source: SourceFile, each: ParsedQuestion, options) -> None:
    if any(ABSOLUTE_RE.search(option.text) for option, _ in options if option.correct):
        return
    for option, line in options:
        found = ABSOLUTE_RE.search(option.text)
        if found and not option.correct and not ABOVE_RE.search(option.text):
            source.warning(
                line,
                f"'{found.group(1).lower()}' appears only in wrong options of question "
                f"'{each.question.id}' (here in option '{option.id}'): learners rule out "
                "absolute words; qualify this option or use such words in a correct one too",
            )
            return


def _check_above(source: SourceFile, options) -> None:
    for option, line in options:
        found = ABOVE_RE.search(option.text)
        if found:
            source.warning(
                line,
                f"option '{option.id}' says '{found.group(0)}': it depends on the order of "
                "the options and is often the answer; write a question with several right "
                "options (type: multiple) instead",
            )


def _check_same_text(source: SourceFile, each: ParsedQuestion, options) -> None:
    seen: dict[str, str] = {}
    for option, line in options:
        text = " ".join(option.text.lower().split())
        if text in seen:
            source.warning(
                line,
                f"options '{seen[text]}' and '{option.id}' of question "
                f"'{each.question.id}' have the same text: reword or remove one",
            )
        else:
            seen[text] = option.id


def _check_positions(source: SourceFile, questions: Sequence[ParsedQuestion], raw) -> None:
    positions = []
    for each in questions:
        options = getattr(each.question, "options", None)
        if options and sum(option.correct for option in options) == 1:
            positions.append(next(i for i, o in enumerate(options, 1) if o.correct))
    if len(positions) < SAME_POSITION_FROM:
        return
    position, count = Counter(positions).most_common(1)[0]
    if count * 2 > len(positions):
        source.warning(
            raw.line_of("questions"),
            f"the correct option is option {position} in {count} of the quiz's "
            f"{len(positions)} single-choice questions (more than half): learners can "
            "guess by position; vary where the correct option stands, or set shuffle: true",
        )


def prompt_text(html: str) -> str:
    """Return a prompt's words, lowercased, without markup: what makes two prompts the same."""
    return " ".join(TAG_RE.sub(" ", html).lower().split())


def duplicate_prompts(quizzes: Iterable[Quiz]) -> list[Problem]:
    """Warn at each question whose prompt an earlier question (any quiz, file order) has."""
    first: dict[str, tuple[str, int, str]] = {}
    warnings = []
    for quiz in sorted(quizzes, key=lambda quiz: quiz.path):
        for question in quiz.questions:
            text = prompt_text(question.prompt_html)
            line = quiz.question_lines.get(question.id, 1)
            if text in first:
                path, first_line, first_id = first[text]
                warnings.append(
                    Problem(
                        quiz.path,
                        line,
                        f"question '{question.id}' has the same prompt as question "
                        f"'{first_id}' at {path}:{first_line}: a learner who met one "
                        "knows the other; ask something else or remove one",
                        WARNING,
                    )
                )
            else:
                first[text] = (quiz.path, line, question.id)
    return warnings
