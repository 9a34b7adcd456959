"""Load a content directory into a ``Catalog``, or every problem that stops it loading.

This is the only place that knows where the files live; each file's own
format is read by ``outline``, ``lessons``, ``quizzes`` and ``scenarios``.
"""

from __future__ import annotations

import errno
import gc
import hashlib
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from course.content.fields import SLUG_RE, SLUG_RULE, Reference, SourceFile, describe
from course.content.item_writing import duplicate_prompts
from course.content.lessons import parse_lesson
from course.content.model import Catalog, Course, Item, Module, OutlineItem, Quiz
from course.content.objectives import check_objectives
from course.content.outline import (
    OUTLINE_PATH,
    OutlineDraft,
    check_outline_items,
    parse_outline,
)
from course.content.problems import ContentError, Problem, sort_problems
from course.content.quizzes import parse_quiz
from course.content.scenarios import parse_scenario
from course.content.yaml_source import YamlList, YamlMap, parse_yaml

QUIZ_FILE_KINDS = ("quiz", "scenario")
VERSION_LENGTH = 16
# Far above any lesson or quiz a person writes (real ones are a few KB to a few dozen),
# and low enough that a pasted dump is refused at once instead of parsed for seconds.
MAX_FILE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class ParsedFile:
    """What one file yielded: its object (None when invalid), problems and references."""

    path: str
    slug: str
    kind: str | None  # lesson, quiz or scenario; None when it cannot be told
    item: Any  # Lesson | Quiz | Scenario | OutlineDraft | None
    problems: tuple[Problem, ...]
    references: tuple[Reference, ...]
    warnings: tuple[Problem, ...] = ()


# (path, version) -> ParsedFile: lets a reload skip files whose bytes did not change.
ParseCache = MutableMapping[tuple[str, str], ParsedFile]


def content_files(content_dir: Path) -> list[Path]:
    """Return the files the catalog is read from (and ``.yml`` files, to be reported).

    Broken symbolic links are listed too, so that reading them reports them.
    """
    found = [content_dir / OUTLINE_PATH] if _is_content_file(content_dir / OUTLINE_PATH) else []
    for folder, patterns in (("lessons", ("*.md",)), ("quizzes", ("*.yaml", "*.yml"))):
        for pattern in patterns:
            found.extend(
                path
                for path in sorted((content_dir / folder).glob(pattern))
                if not path.name.startswith(".") and _is_content_file(path)
            )
    return found


def _is_content_file(path: Path) -> bool:
    # is_file() follows links and answers False for a dangling one or a loop.
    return path.is_file() or (path.is_symlink() and not path.is_dir())


def load_catalog(content_dir: Path) -> Catalog:
    """Load the content in ``content_dir``; raise ``ContentError`` listing every error."""
    catalog, problems = check_content(content_dir)
    if catalog is None:
        raise ContentError(problem for problem in problems if problem.is_error)
    return catalog


def check_content(
    content_dir: Path, cache: ParseCache | None = None
) -> tuple[Catalog | None, list[Problem]]:
    """Validate the content in ``content_dir``: the catalog (None when any error) and problems.

    The problems are the errors and the warnings, sorted by file and line; a
    valid catalog may come with warnings.
    """
    content_dir = Path(content_dir)
    cache = {} if cache is None else cache
    if not _is_content_file(content_dir / OUTLINE_PATH):
        message = f"file not found: a course needs an outline at {content_dir / OUTLINE_PATH}"
        return None, [Problem(OUTLINE_PATH, 1, message)]

    with _cycle_collector_paused():
        parsed = [_parse_file(content_dir, path, cache) for path in content_files(content_dir)]
    live_keys = {(each.path, version) for each, version in parsed}
    for key in [key for key in cache if key not in live_keys]:
        del cache[key]
    files = [each for each, _version in parsed]

    problems = [problem for each in files for problem in each.problems]
    warnings = [warning for each in files for warning in each.warnings]
    outline = next((each for each in files if each.path == OUTLINE_PATH), None)
    if outline is None:  # removed while being read
        return None, [Problem(OUTLINE_PATH, 1, "file not found: a course needs an outline")]
    lessons = {
        each.slug: each
        for each in files
        if each.path.startswith("lessons/") and each is not outline and SLUG_RE.match(each.slug)
    }
    quiz_files = {
        each.slug: each
        for each in files
        if each.path.endswith(".yaml")
        and each.path.startswith("quizzes/")
        and SLUG_RE.match(each.slug)
    }
    if isinstance(outline.item, OutlineDraft):
        problems += check_outline_items(
            outline.item, set(lessons), {slug: each.kind for slug, each in quiz_files.items()}
        )
    problems += _check_references(files, lessons, quiz_files)
    quizzes = [each.item for each in quiz_files.values() if isinstance(each.item, Quiz)]
    warnings += duplicate_prompts(quizzes)
    for problem in check_objectives({slug: each.item for slug, each in lessons.items()}, quizzes):
        (problems if problem.is_error else warnings).append(problem)
    if problems or not isinstance(outline.item, OutlineDraft):
        return None, sort_problems(problems + warnings)
    return _assemble(outline.item, lessons, quiz_files), sort_problems(warnings)


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while files are parsed, then restore it.

    Parsing allocates a few hundred thousand short-lived objects (YAML nodes,
    Markdown tokens) that form hardly any cycles, yet the collections they
    trigger walk every object of the app: loading took a tenth longer. Nothing
    is leaked: whatever cycles there are go once the collector is back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _parse_file(content_dir: Path, path: Path, cache: ParseCache) -> tuple[ParsedFile, str]:
    relative = path.relative_to(content_dir).as_posix()
    slug = path.stem
    source = SourceFile(relative)
    try:
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        source.problem(1, _unreadable(path, error))
        return _finish(source, slug, None, None), ""
    if len(data) > MAX_FILE_BYTES:
        limit = f"{MAX_FILE_BYTES // 1024 // 1024} MiB"
        source.problem(
            1, f"the file is larger than {limit}, the limit for a content file: split it up"
        )
        return _finish(source, slug, None, None), ""
    version = hashlib.sha256(data).hexdigest()[:VERSION_LENGTH]
    if (relative, version) in cache:
        return cache[(relative, version)], version

    kind, item = None, None
    if path.suffix == ".yml":
        source.problem(1, f"quiz and scenario files end in .yaml: rename it to {slug}.yaml")
    elif relative != OUTLINE_PATH and not SLUG_RE.match(slug):
        source.problem(1, f"file name '{slug}' is not a valid slug: {SLUG_RULE}")
    else:
        text = _decode(data, source)
        if text is not None:
            kind, item = _parse_text(text, relative, source, slug, version)
    parsed = _finish(source, slug, kind, item)
    cache[(relative, version)] = parsed
    return parsed, version


def _unreadable(path: Path, error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "the file is a symbolic link in a loop: it never reaches a file"
    if error.errno == errno.ENOENT and path.is_symlink():
        try:
            target = path.readlink().as_posix()
        except OSError:  # the link itself has just gone
            target = "a file"
        return f"the file is a symbolic link to {target}, which does not exist"
    return f"cannot read the file: {error.strerror or error}"


def _finish(source: SourceFile, slug: str, kind: str | None, item: Any) -> ParsedFile:
    return ParsedFile(
        source.path,
        slug,
        kind,
        item,
        tuple(source.problems),
        tuple(source.references),
        tuple(source.warnings),
    )


def _decode(data: bytes, source: SourceFile) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        source.problem(line, "the file is not valid UTF-8 text: save it as UTF-8")
        return None


def _parse_text(
    text: str, relative: str, source: SourceFile, slug: str, version: str
) -> tuple[str | None, Any]:
    if relative.startswith("lessons/") and relative != OUTLINE_PATH:
        return "lesson", parse_lesson(text, source, slug, version)
    problems_before = len(source.problems)
    raw = parse_yaml(text, source.problem)
    if not isinstance(raw, YamlMap):
        if len(source.problems) == problems_before:
            line = raw.line if isinstance(raw, YamlList) else 1
            message = f"the file must be a mapping of keys (title: ...), not {describe(raw)}"
            source.problem(line, message)
        return None, None
    if relative == OUTLINE_PATH:
        return None, parse_outline(raw, source)
    kind = raw.get("kind", "quiz")
    if kind not in QUIZ_FILE_KINDS:
        source.problem(
            raw.line_of("kind"), f"'kind' must be quiz or scenario, not {describe(kind)}"
        )
        return None, None
    parse = parse_quiz if kind == "quiz" else parse_scenario
    return kind, parse(raw, source, slug, version)


def _check_references(
    files: list[ParsedFile], lessons: dict[str, ParsedFile], quiz_files: dict[str, ParsedFile]
) -> list[Problem]:
    problems = []
    for reference in (reference for each in files for reference in each.references):
        if reference.kind == "lesson":
            exists = reference.slug in lessons
        else:
            target = quiz_files.get(reference.slug)
            exists = target is not None and target.kind in (None, reference.kind)
        if not exists:
            problems.append(
                Problem(
                    reference.path,
                    reference.line,
                    f"{reference.source} points nowhere: there is no {reference.kind} "
                    f"'{reference.slug}'",
                )
            )
    return problems


def _assemble(
    draft: OutlineDraft, lessons: dict[str, ParsedFile], quiz_files: dict[str, ParsedFile]
) -> Catalog:
    found: dict[str, dict[str, Item]] = {"lesson": {}, "quiz": {}, "scenario": {}}
    modules, all_items = [], []
    for module_index, (title, entries) in enumerate(draft.modules):
        module_items = []
        for entry in entries:
            files = lessons if entry.kind == "lesson" else quiz_files
            item = files[entry.slug].item
            found[entry.kind][entry.slug] = item
            outline_item = OutlineItem(
                kind=entry.kind,
                slug=entry.slug,
                required=entry.required,
                module_index=module_index,
                index=len(all_items),
                title=item.title,
                minutes=item.minutes,
            )
            module_items.append(outline_item)
            all_items.append(outline_item)
        modules.append(Module(module_index, title, tuple(module_items)))
    course = Course(draft.title, draft.summary_html, draft.sequential, tuple(modules))
    return Catalog(
        course=course,
        lessons=MappingProxyType(found["lesson"]),
        quizzes=MappingProxyType(found["quiz"]),
        scenarios=MappingProxyType(found["scenario"]),
        items=tuple(all_items),
    )
