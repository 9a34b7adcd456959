"""The outline file, ``lessons/course.yaml``: the course, its modules and their items."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from course.content.fields import (
    SourceFile,
    check_keys,
    mapping_items,
    read_boolean,
    read_list,
    read_markdown,
    read_slug,
    read_text,
)
from course.content.model import ITEM_KINDS
from course.content.problems import Problem
from course.content.yaml_source import YamlMap

OUTLINE_PATH = "lessons/course.yaml"
COURSE_KEYS = ("title", "summary", "sequential", "modules")
MODULE_KEYS = ("title", "items")
ITEM_KEYS = (*ITEM_KINDS, "required")
WHERE = "the course"
FILE_PATTERNS = {
    "lesson": "lessons/{}.md",
    "quiz": "quizzes/{}.yaml",
    "scenario": "quizzes/{}.yaml",
}


@dataclass(frozen=True)
class OutlineEntry:
    """An item as the outline names it, before the item itself is known."""

    kind: str
    slug: str
    required: bool
    module_index: int
    line: int


@dataclass(frozen=True)
class OutlineDraft:
    """The outline file's content, to be joined with the items it names."""

    title: str
    summary_html: str
    sequential: bool
    modules: tuple[tuple[str, tuple[OutlineEntry, ...]], ...]  # (title, entries)


def parse_outline(raw: YamlMap, source: SourceFile) -> OutlineDraft | None:
    """Read the outline file's mapping; report its problems and return None when it is invalid."""
    problems_before = len(source.problems)
    check_keys(source, raw, COURSE_KEYS, WHERE)
    title = read_text(source, raw, "title", WHERE)
    summary_html = read_markdown(source, raw, "summary", WHERE)
    sequential = read_boolean(source, raw, "sequential", WHERE, default=False)
    modules_list = read_list(source, raw, "modules", WHERE)
    modules = []
    for position, module_raw in mapping_items(source, modules_list or [], "'modules'"):
        module_index = position - 1
        where = f"module {position}"
        check_keys(source, module_raw, MODULE_KEYS, where)
        module_title = read_text(source, module_raw, "title", where)
        items_list = read_list(source, module_raw, "items", where)
        entries = tuple(
            entry
            for item_position, item_raw in mapping_items(
                source, items_list or [], f"the items of {where}"
            )
            if (
                entry := _parse_entry(
                    source, item_raw, f"item {item_position} of {where}", module_index
                )
            )
            is not None
        )
        modules.append((module_title or "", entries))
    if len(source.problems) > problems_before or title is None:
        return None
    return OutlineDraft(title, summary_html, bool(sequential), tuple(modules))


def _parse_entry(
    source: SourceFile, raw: YamlMap, where: str, module_index: int
) -> OutlineEntry | None:
    check_keys(source, raw, ITEM_KEYS, where)
    kinds = [kind for kind in ITEM_KINDS if kind in raw]
    if len(kinds) != 1:
        named = " and ".join(kinds) if kinds else "nothing"
        source.problem(
            raw.line,
            f"{where} names {named}; each item names one lesson, quiz or scenario, "
            "e.g. 'lesson: introduction'",
        )
        return None
    kind = kinds[0]
    slug = read_slug(source, raw, kind, where)
    required = read_boolean(source, raw, "required", where, default=True)
    if slug is None:
        return None
    return OutlineEntry(kind, slug, bool(required), module_index, raw.line_of(kind))


def check_outline_items(
    draft: OutlineDraft,
    lesson_slugs: set[str],
    quiz_file_kinds: Mapping[str, str | None],
) -> list[Problem]:
    """Check that every outline entry names an existing file of its kind, once, and vice versa.

    ``quiz_file_kinds`` maps each quiz file's slug to its ``kind`` (None when unreadable).
    """
    problems = []
    first_lines: dict[tuple[str, str], int] = {}
    for _title, entries in draft.modules:
        for entry in entries:
            problem = _check_entry(entry, lesson_slugs, quiz_file_kinds, first_lines)
            if problem:
                problems.append(Problem(OUTLINE_PATH, entry.line, problem))
    listed = {slug for (directory, slug) in first_lines if directory == "lessons"}
    for slug in sorted(lesson_slugs - listed):
        problems.append(_orphan("lesson", slug))
    listed = {slug for (directory, slug) in first_lines if directory == "quizzes"}
    for slug in sorted(set(quiz_file_kinds) - listed):
        problems.append(_orphan(quiz_file_kinds[slug] or "quiz", slug))
    return problems


def _check_entry(
    entry: OutlineEntry,
    lesson_slugs: set[str],
    quiz_file_kinds: Mapping[str, str | None],
    first_lines: dict[tuple[str, str], int],
) -> str | None:
    directory = "lessons" if entry.kind == "lesson" else "quizzes"
    place = (directory, entry.slug)
    if place in first_lines:
        return f"{entry.kind} '{entry.slug}' is already in the outline at line {first_lines[place]}"
    file_path = FILE_PATTERNS[entry.kind].format(entry.slug)
    exists = entry.slug in (lesson_slugs if entry.kind == "lesson" else quiz_file_kinds)
    if not exists:
        return f"{entry.kind} '{entry.slug}' does not exist: there is no {file_path}"
    first_lines[place] = entry.line
    file_kind = quiz_file_kinds.get(entry.slug) if entry.kind != "lesson" else "lesson"
    if file_kind is not None and file_kind != entry.kind:
        return (
            f"'{entry.slug}' is listed as a {entry.kind}, but {file_path} has kind: "
            f"{file_kind}; write '{file_kind}: {entry.slug}'"
        )
    return None


def _orphan(kind: str, slug: str) -> Problem:
    return Problem(
        FILE_PATTERNS[kind].format(slug),
        1,
        f"{kind} '{slug}' is not in the outline: add it to a module in {OUTLINE_PATH}",
    )
