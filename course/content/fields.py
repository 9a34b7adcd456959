"""Reading typed fields out of a parsed file, reporting each problem with its line.

Every reader takes the ``SourceFile`` being read, the mapping, the key and a
description of where the mapping is (``"question 'goal'"``), so messages read
the same everywhere.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from course.content.markdown import RenderedMarkdown, render_markdown
from course.content.problems import WARNING, Problem
from course.content.yaml_source import YamlList, YamlMap

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
SLUG_RULE = "use lowercase letters, digits and hyphens"
ID_RULE = "use letters, digits, hyphens and underscores"


@dataclass(frozen=True)
class Reference:
    """A pointer from one file to an item, checked once every file is known."""

    path: str
    line: int
    kind: str  # lesson | quiz | scenario
    slug: str
    source: str  # what points: "link 'lesson:x'" or "based_on"


@dataclass
class SourceFile:
    """The file being read: where its problems and references are collected."""

    path: str
    problems: list[Problem] = field(default_factory=list)  # errors: the file is invalid
    references: list[Reference] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # the file loads all the same

    def problem(self, line: int, message: str) -> None:
        """Record a problem at ``line`` of this file."""
        self.problems.append(Problem(self.path, line, message))

    def warning(self, line: int, message: str) -> None:
        """Record a warning at ``line``: printed by ``course check``, fatal only with --strict."""
        self.warnings.append(Problem(self.path, line, message, WARNING))

    def markdown(self, text: str, first_line: int, keeps_lines: bool = True) -> RenderedMarkdown:
        """Render Markdown that starts at ``first_line``, recording its links and bad images.

        ``keeps_lines`` is false for YAML text whose line breaks were folded: its
        problems are then reported at the line it starts on.
        """
        rendered = render_markdown(text)

        def line_of(source_line: int) -> int:
            return first_line + source_line if keeps_lines else first_line

        for link in rendered.links:
            line = line_of(link.line)
            what = f"link '{link.href}'"
            self.references.append(Reference(self.path, line, link.kind, link.slug, what))
        for line in rendered.images_without_alt:
            self.problem(line_of(line), "image has no alt text: write it as ![what it shows](url)")
        return rendered


def describe(value: Any) -> str:
    """Name a YAML value for a message: ``text 'x'``, ``a list``, ``empty``."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"text {shown!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def check_keys(source: SourceFile, mapping: YamlMap, allowed: Collection[str], where: str) -> None:
    """Report every key of ``mapping`` that is not ``allowed``, with a hint."""
    for key in mapping:
        if key in allowed:
            continue
        close = difflib.get_close_matches(str(key), list(allowed), n=1)
        if close:
            hint = f"did you mean '{close[0]}'?"
        else:
            hint = "allowed keys: " + ", ".join(sorted(allowed))
        source.problem(mapping.line_of(key), f"unknown key '{key}' in {where}; {hint}")


def _missing(source: SourceFile, mapping: YamlMap, key: str, where: str) -> None:
    source.problem(mapping.line, f"missing required key '{key}' in {where}")


def _wrong(source: SourceFile, mapping: YamlMap, key: str, where: str, expected: str) -> None:
    value = mapping[key]
    hint = ""
    if isinstance(value, str) and (
        value.strip().lower() in {"true", "false"} or _looks_numeric(value)
    ):
        hint = " (remove the quotes)"
    message = f"'{key}' in {where} must be {expected}, not {describe(value)}{hint}"
    source.problem(mapping.line_of(key), message)


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _read(
    source: SourceFile,
    mapping: YamlMap,
    key: str,
    where: str,
    *,
    required: bool,
    is_valid: Callable[[Any], bool],
    expected: str,
) -> tuple[bool, Any]:
    """Return (found and valid, value); report a missing required key or a wrong value."""
    if key not in mapping:
        if required:
            _missing(source, mapping, key, where)
        return False, None
    value = mapping[key]
    if not is_valid(value):
        _wrong(source, mapping, key, where, expected)
        return False, None
    return True, value


def read_text(
    source: SourceFile, mapping: YamlMap, key: str, where: str, *, required: bool = True
) -> str | None:
    """Return the non-empty text at ``key``; None when absent or wrong."""
    ok, value = _read(
        source,
        mapping,
        key,
        where,
        required=required,
        is_valid=lambda v: isinstance(v, str) and bool(v.strip()),
        expected="non-empty text",
    )
    return value.strip() if ok else None


def read_markdown(
    source: SourceFile, mapping: YamlMap, key: str, where: str, *, required: bool = False
) -> str:
    """Render the Markdown at ``key`` to HTML; "" when absent or wrong."""
    text = read_text(source, mapping, key, where, required=required)
    if text is None:
        return ""
    first_line, keeps_lines = mapping.text_starts.get(key, (mapping.line_of(key), False))
    # read_text stripped leading blank lines; count them back for exact lines.
    raw = mapping[key]
    first_line += raw[: len(raw) - len(raw.lstrip())].count("\n")
    return source.markdown(text, first_line, keeps_lines).html


def read_integer(
    source: SourceFile,
    mapping: YamlMap,
    key: str,
    where: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    required: bool = False,
) -> int | None:
    """Return the whole number at ``key`` within bounds; None when absent or wrong."""

    def is_valid(value: Any) -> bool:
        return (
            isinstance(value, int)
            and not isinstance(value, bool)
            and (minimum is None or value >= minimum)
            and (maximum is None or value <= maximum)
        )

    ok, value = _read(
        source,
        mapping,
        key,
        where,
        required=required,
        is_valid=is_valid,
        expected=_integer_rule(minimum, maximum),
    )
    return value if ok else None


def _integer_rule(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"a whole number from {minimum} to {maximum}"
    if minimum == 1:
        return "a whole number above 0"
    if minimum is not None:
        return f"a whole number of at least {minimum}"
    return "a whole number"


def read_number(
    source: SourceFile,
    mapping: YamlMap,
    key: str,
    where: str,
    *,
    default: float,
    above_zero: bool = False,
) -> float:
    """Return the non-negative (or positive) number at ``key``; ``default`` when absent."""
    if key not in mapping:
        return default
    value = mapping[key]
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
        or (above_zero and value == 0)
    ):
        expected = "a number above 0" if above_zero else "a number of at least 0"
        _wrong(source, mapping, key, where, expected)
        return default
    return float(value)


def read_boolean(
    source: SourceFile,
    mapping: YamlMap,
    key: str,
    where: str,
    *,
    default: bool | None = False,
    required: bool = False,
) -> bool | None:
    """Return the true/false value at ``key``; ``default`` when absent or wrong."""
    ok, value = _read(
        source,
        mapping,
        key,
        where,
        required=required,
        is_valid=lambda v: isinstance(v, bool),
        expected="true or false",
    )
    return value if ok else default


def read_list(
    source: SourceFile, mapping: YamlMap, key: str, where: str, *, required: bool = True
) -> YamlList | None:
    """Return the non-empty list at ``key``; None when absent or wrong."""
    ok, value = _read(
        source,
        mapping,
        key,
        where,
        required=required,
        is_valid=lambda v: isinstance(v, YamlList) and bool(v),
        expected="a non-empty list",
    )
    return value if ok else None


def read_mapping(
    source: SourceFile, mapping: YamlMap, key: str, where: str, *, required: bool = True
) -> YamlMap | None:
    """Return the non-empty mapping at ``key``; None when absent or wrong."""
    ok, value = _read(
        source,
        mapping,
        key,
        where,
        required=required,
        is_valid=lambda v: isinstance(v, YamlMap) and bool(v),
        expected="a non-empty mapping of keys to values",
    )
    return value if ok else None


def read_identifier(
    source: SourceFile, mapping: YamlMap, key: str, where: str, *, required: bool = True
) -> str | None:
    """Return the id at ``key`` (letters, digits, hyphens, underscores); None when wrong."""
    ok, value = _read(
        source,
        mapping,
        key,
        where,
        required=required,
        is_valid=lambda v: isinstance(v, str) and bool(ID_RE.match(v)),
        expected=f"an id ({ID_RULE})",
    )
    return value if ok else None


def read_slug(
    source: SourceFile, mapping: YamlMap, key: str, where: str, *, required: bool = True
) -> str | None:
    """Return the slug at ``key``; None when absent or malformed."""
    ok, value = _read(
        source,
        mapping,
        key,
        where,
        required=required,
        is_valid=lambda v: isinstance(v, str) and bool(SLUG_RE.match(v)),
        expected=f"a slug ({SLUG_RULE})",
    )
    return value if ok else None


def mapping_items(source: SourceFile, items: YamlList, where: str) -> list[tuple[int, YamlMap]]:
    """Return the list's items that are mappings, with their 1-based positions; report the rest."""
    found = []
    for index, item in enumerate(items):
        if isinstance(item, YamlMap):
            found.append((index + 1, item))
        else:
            message = f"item {index + 1} of {where} must be a mapping of keys, not {describe(item)}"
            source.problem(items.line_of(index), message)
    return found


def check_unique(
    source: SourceFile,
    seen: dict[str, int],
    value: str,
    line: int,
    what: str,
    where: str = "",
) -> bool:
    """Record ``value`` at ``line``; report it and return False when it was seen before."""
    if value in seen:
        within = f" in {where}" if where else ""
        source.problem(
            line, f"{what} '{value}' is used twice{within} (first at line {seen[value]})"
        )
        return False
    seen[value] = line
    return True
