"""Lesson files: YAML front matter between ``---`` lines, then a Markdown body."""

from __future__ import annotations

from course.content.fields import (
    SourceFile,
    check_keys,
    check_unique,
    describe,
    read_identifier,
    read_integer,
    read_text,
)
from course.content.model import Heading, Lesson, Objective
from course.content.yaml_source import YamlList, YamlMap, parse_yaml

LESSON_KEYS = ("title", "summary", "minutes", "objectives")
OBJECTIVE_KEYS = ("id", "text")
FENCE = "---"
# A lesson with this many headings (## and ###) lists its ## headings at the top.
CONTENTS_FROM_HEADINGS = 3
WHERE = "the front matter"


def parse_lesson(text: str, source: SourceFile, slug: str, version: str) -> Lesson | None:
    """Read a lesson file's text; report its problems and return None when it is invalid."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != FENCE:
        source.problem(
            1,
            "a lesson must start with front matter: a line '---', keys such as "
            "title and minutes, then another line '---'",
        )
        return None
    closing = next(
        (index for index in range(1, len(lines)) if lines[index].rstrip() == FENCE), None
    )
    if closing is None:
        source.problem(1, "the front matter is never closed: add a line '---' after its last key")
        return None
    problems_before = len(source.problems)
    front = parse_yaml("".join(lines[1:closing]), source.problem, first_line=2)
    if not isinstance(front, YamlMap):
        if len(source.problems) == problems_before:
            line = front.line if isinstance(front, YamlList) else 2
            source.problem(
                line,
                "the front matter must be keys and values (title: ..., minutes: ...), "
                f"not {describe(front)}",
            )
        return None

    check_keys(source, front, LESSON_KEYS, WHERE)
    title = read_text(source, front, "title", WHERE)
    summary = read_text(source, front, "summary", WHERE, required=False) or ""
    minutes = read_integer(source, front, "minutes", WHERE, minimum=1, required=True)
    objectives = _read_objectives(source, front)
    body_first_line = closing + 2  # the line after the closing fence, 1-based
    body = source.markdown("".join(lines[closing + 1 :]), body_first_line)

    if len(source.problems) > problems_before or title is None or minutes is None:
        return None
    return Lesson(
        slug=slug,
        title=title,
        summary=summary,
        minutes=minutes,
        objectives=objectives,
        html=body.html,
        headings=body.headings,
        contents=on_page_contents(body.headings),
        version=version,
        path=source.path,
    )


def on_page_contents(headings: tuple[Heading, ...]) -> tuple[Heading, ...]:
    """Return the headings a lesson's "On this page" list shows: none for a short lesson."""
    if len(headings) < CONTENTS_FROM_HEADINGS:
        return ()
    return tuple(heading for heading in headings if heading.level == 2)


def _read_objectives(source: SourceFile, front: YamlMap) -> tuple[Objective, ...]:
    if "objectives" not in front:
        return ()
    value = front["objectives"]
    if not isinstance(value, YamlList):
        source.problem(
            front.line_of("objectives"),
            f"'objectives' in {WHERE} must be a list of text, not {describe(value)}",
        )
        return ()
    objectives, seen_ids = [], {}
    for index, objective in enumerate(value):
        line = value.line_of(index)
        if isinstance(objective, str) and objective.strip():
            objectives.append(Objective(objective.strip(), line=line))
        elif isinstance(objective, YamlMap):
            where = f"objective {index + 1}"
            check_keys(source, objective, OBJECTIVE_KEYS, where)
            objective_id = read_identifier(source, objective, "id", where)
            text = read_text(source, objective, "text", where)
            if objective_id is not None:
                check_unique(
                    source, seen_ids, objective_id, objective.line_of("id"), "objective id"
                )
            if objective_id is not None and text is not None:
                objectives.append(Objective(text, objective_id, line=line))
        else:
            source.problem(
                line,
                f"objective {index + 1} must be non-empty text or {{id: ..., text: ...}}, "
                f"not {describe(objective)}",
            )
    return tuple(objectives)
