"""Quiz files: ``kind: quiz`` YAML with questions or sections; each type reads its own part."""

from __future__ import annotations

from course.content.fields import (
    SourceFile,
    check_keys,
    check_unique,
    mapping_items,
    read_boolean,
    read_identifier,
    read_integer,
    read_list,
    read_markdown,
    read_number,
    read_text,
)
from course.content.item_writing import ParsedQuestion, check_item_writing
from course.content.model import Quiz, QuizSection
from course.content.question_types import QUESTION_TYPES, Question
from course.content.question_types.base import read_objective
from course.content.yaml_source import YamlMap

QUIZ_KEYS = (
    "kind",
    "title",
    "intro",
    "pass_mark",
    "max_attempts",
    "shuffle",
    "minutes",
    "questions",
    "sections",
)
SECTION_KEYS = ("title", "draw", "questions")
QUESTION_KEYS = ("id", "type", "prompt", "points", "explanation", "objective")
DEFAULT_PASS_MARK = 70
WHERE = "the quiz"


def parse_quiz(raw: YamlMap, source: SourceFile, slug: str, version: str) -> Quiz | None:
    """Read a quiz file's mapping; report its problems and return None when it is invalid."""
    problems_before = len(source.problems)
    check_keys(source, raw, QUIZ_KEYS, WHERE)
    title = read_text(source, raw, "title", WHERE)
    intro_html = read_markdown(source, raw, "intro", WHERE)
    pass_mark = read_integer(source, raw, "pass_mark", WHERE, minimum=0, maximum=100)
    max_attempts = None
    if raw.get("max_attempts") is not None:  # an explicit null also means unlimited
        max_attempts = read_integer(source, raw, "max_attempts", WHERE, minimum=1)
    shuffle = read_boolean(source, raw, "shuffle", WHERE, default=False)
    minutes = read_integer(source, raw, "minutes", WHERE, minimum=1)
    if "sections" in raw:
        if "questions" in raw:
            source.problem(
                raw.line_of("questions"),
                "a quiz has either 'questions' or 'sections' (each with its questions), not both",
            )
        parsed, sections = _parse_sections(source, raw)
    else:
        parsed, sections = _parse_questions(source, raw, "questions", WHERE, {}), ()
    questions = tuple(each.question for each in parsed)

    if len(source.problems) > problems_before or title is None or not questions:
        return None
    check_item_writing(source, parsed, raw)
    return Quiz(
        slug=slug,
        title=title,
        intro_html=intro_html,
        pass_mark=DEFAULT_PASS_MARK if pass_mark is None else pass_mark,
        max_attempts=max_attempts,
        shuffle=bool(shuffle),
        questions=questions,
        total_points=sum(question.points for question in questions),
        # About a minute a question an attempt gets.
        minutes=minutes or (sum(each.draw for each in sections) if sections else len(questions)),
        version=version,
        path=source.path,
        question_lines={each.question.id: each.raw.line_of("prompt") for each in parsed},
        sections=sections,
    )


def _parse_sections(
    source: SourceFile, raw: YamlMap
) -> tuple[tuple[ParsedQuestion, ...], tuple[QuizSection, ...]]:
    sections_list = read_list(source, raw, "sections", WHERE)
    if sections_list is None:
        return (), ()
    parsed: list[ParsedQuestion] = []
    sections = []
    seen_ids: dict[str, int] = {}  # question ids are unique across the whole quiz
    for position, section_raw in mapping_items(source, sections_list, "'sections'"):
        where = f"section {position}"
        check_keys(source, section_raw, SECTION_KEYS, where)
        title = read_text(source, section_raw, "title", where, required=False)
        draw = read_integer(source, section_raw, "draw", where, minimum=1)
        in_section = _parse_questions(
            source, section_raw, "questions", where, seen_ids, first_position=len(parsed) + 1
        )
        parsed.extend(in_section)
        ids = tuple(each.question.id for each in in_section)
        if draw is not None and in_section and draw > len(ids):
            source.problem(
                section_raw.line_of("draw"),
                f"'draw' in {where} is {draw}, but the section has only {len(ids)} "
                f"question{'s' if len(ids) != 1 else ''}; draw at most {len(ids)}",
            )
        sections.append(QuizSection(title=title, draw=draw or len(ids), question_ids=ids))
    return tuple(parsed), tuple(sections)


def _parse_questions(
    source: SourceFile,
    raw: YamlMap,
    key: str,
    where: str,
    seen_ids: dict[str, int],
    *,
    first_position: int = 1,
) -> tuple[ParsedQuestion, ...]:
    questions_list = read_list(source, raw, key, where)
    if questions_list is None:
        return ()
    questions = []
    for index, question_raw in mapping_items(source, questions_list, f"'{key}'"):
        position = first_position + index - 1
        question = _parse_question(source, question_raw, position, seen_ids)
        if question is not None:
            questions.append(ParsedQuestion(question, question_raw))
    return tuple(questions)


def _parse_question(
    source: SourceFile, raw: YamlMap, position: int, seen_ids: dict[str, int]
) -> Question | None:
    question_id = read_identifier(source, raw, "id", f"question {position}")
    where = f"question '{question_id}'" if question_id else f"question {position}"
    if question_id is not None:
        check_unique(source, seen_ids, question_id, raw.line_of("id"), "question id")

    type_name = read_text(source, raw, "type", where)
    question_type = QUESTION_TYPES.get(type_name) if type_name else None
    if type_name is not None and question_type is None:
        known = ", ".join(sorted(QUESTION_TYPES))
        source.problem(
            raw.line_of("type"),
            f"unknown question type '{type_name}' in {where}; the known types are: {known}",
        )
    _check_question_keys(source, raw, where, question_type)

    common = {
        "id": question_id,
        "prompt_html": read_markdown(source, raw, "prompt", where, required=True),
        "points": read_number(source, raw, "points", where, default=1.0, above_zero=True),
        "explanation_html": read_markdown(source, raw, "explanation", where),
        "objective": read_objective(source, raw, where),
    }
    if question_type is None or question_id is None:
        return None
    return question_type.parse(raw, common, source, where)


def _check_question_keys(
    source: SourceFile, raw: YamlMap, where: str, question_type: type[Question] | None
) -> None:
    every_type_key = {key for each in QUESTION_TYPES.values() for key in each.keys}
    if question_type is None:
        # Without a known type, any type's keys may be meant; report only strangers.
        check_keys(source, raw, (*QUESTION_KEYS, *every_type_key), where)
        return
    own_keys = (*QUESTION_KEYS, *question_type.keys)
    for key in raw:
        if key in every_type_key and key not in own_keys:
            takes = ", ".join(question_type.keys)
            source.problem(
                raw.line_of(key),
                f"'{key}' does not apply to {where}, a {question_type.type} question "
                f"(it takes: {takes})",
            )
    check_keys(source, raw, (*own_keys, *every_type_key), where)
