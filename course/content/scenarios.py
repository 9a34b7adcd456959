"""Scenario files: ``kind: scenario`` YAML with steps, choices and endings."""

from __future__ import annotations

from types import MappingProxyType

from course.content.fields import (
    ID_RE,
    ID_RULE,
    Reference,
    SourceFile,
    check_keys,
    check_unique,
    describe,
    mapping_items,
    read_identifier,
    read_integer,
    read_mapping,
    read_markdown,
    read_number,
    read_slug,
    read_text,
)
from course.content.model import ENDING_RATINGS, Choice, Ending, Scenario, Step
from course.content.scenario_graph import (
    Edge,
    best_path_points,
    find_loops,
    reachable_from,
)
from course.content.yaml_source import YamlList, YamlMap

SCENARIO_KEYS = (
    "kind",
    "title",
    "intro",
    "based_on",
    "start",
    "pass_mark",
    "minutes",
    "steps",
    "endings",
)
STEP_KEYS = ("text", "choices")
CHOICE_KEYS = ("id", "text", "points", "feedback", "next")
ENDING_KEYS = ("title", "rating", "text")
WHERE = "the scenario"


def parse_scenario(raw: YamlMap, source: SourceFile, slug: str, version: str) -> Scenario | None:
    """Read a scenario file's mapping; report its problems and return None when it is invalid."""
    problems_before = len(source.problems)
    check_keys(source, raw, SCENARIO_KEYS, WHERE)
    title = read_text(source, raw, "title", WHERE)
    intro_html = read_markdown(source, raw, "intro", WHERE)
    based_on = read_slug(source, raw, "based_on", WHERE, required=False)
    if based_on is not None:
        source.references.append(
            Reference(source.path, raw.line_of("based_on"), "lesson", based_on, "based_on")
        )
    start = read_identifier(source, raw, "start", WHERE)
    pass_mark = read_integer(source, raw, "pass_mark", WHERE, minimum=0, maximum=100)
    minutes = read_integer(source, raw, "minutes", WHERE, minimum=1)
    endings_raw = read_mapping(source, raw, "endings", WHERE)
    steps_raw = read_mapping(source, raw, "steps", WHERE)
    endings = _parse_endings(source, endings_raw) if endings_raw is not None else {}
    steps, next_lines = ({}, {}) if steps_raw is None else _parse_steps(source, steps_raw)

    if steps_raw is not None and endings_raw is not None:
        _check_graph(source, raw, start, steps, steps_raw, endings_raw, next_lines)
    if len(source.problems) > problems_before or title is None or start is None:
        return None
    edges = _edges(steps)
    max_points = best_path_points(start, edges)
    if pass_mark is not None and max_points == 0:
        source.problem(
            raw.line_of("pass_mark"),
            "pass_mark needs points, but no path through the scenario earns any",
        )
        return None
    return Scenario(
        slug=slug,
        title=title,
        intro_html=intro_html,
        based_on=based_on,
        start=start,
        pass_mark=pass_mark,
        steps=MappingProxyType(steps),
        endings=MappingProxyType(endings),
        max_points=max_points,
        minutes=minutes or len(steps),  # about a minute a step
        version=version,
        path=source.path,
    )


def _check_node_id(source: SourceFile, mapping: YamlMap, node_id: str, what: str) -> bool:
    if ID_RE.match(node_id):
        return True
    source.problem(mapping.line_of(node_id), f"{what} id '{node_id}' is not valid: {ID_RULE}")
    return False


def _parse_endings(source: SourceFile, endings_raw: YamlMap) -> dict[str, Ending]:
    endings = {}
    for ending_id, ending_raw in endings_raw.items():
        where = f"ending '{ending_id}'"
        if not _check_node_id(source, endings_raw, ending_id, "ending"):
            continue
        if not isinstance(ending_raw, YamlMap):
            source.problem(
                endings_raw.line_of(ending_id),
                f"{where} must be a mapping with title, rating and text, "
                f"not {describe(ending_raw)}",
            )
            continue
        check_keys(source, ending_raw, ENDING_KEYS, where)
        title = read_text(source, ending_raw, "title", where)
        rating = read_text(source, ending_raw, "rating", where)
        if rating is not None and rating not in ENDING_RATINGS:
            source.problem(
                ending_raw.line_of("rating"),
                f"rating '{rating}' of {where} must be one of: {', '.join(ENDING_RATINGS)}",
            )
        text_html = read_markdown(source, ending_raw, "text", where)
        if title is not None and rating in ENDING_RATINGS:
            endings[ending_id] = Ending(ending_id, title, rating, text_html)
    return endings


def _parse_steps(
    source: SourceFile, steps_raw: YamlMap
) -> tuple[dict[str, Step], dict[tuple[str, str], int]]:
    steps, next_lines = {}, {}
    for step_id, step_raw in steps_raw.items():
        where = f"step '{step_id}'"
        if not _check_node_id(source, steps_raw, step_id, "step"):
            continue
        if not isinstance(step_raw, YamlMap):
            source.problem(
                steps_raw.line_of(step_id),
                f"{where} must be a mapping with text and choices, not {describe(step_raw)}",
            )
            continue
        check_keys(source, step_raw, STEP_KEYS, where)
        text_html = read_markdown(source, step_raw, "text", where, required=True)
        choices = []
        choices_raw = step_raw.get("choices")
        if not isinstance(choices_raw, YamlList) or not choices_raw:
            line = step_raw.key_lines.get("choices", steps_raw.line_of(step_id))
            source.problem(
                line,
                f"{where} has no choices, so its path never ends: give it choices "
                "(a list with id, text and next), or make it an ending",
            )
            choices_raw = YamlList(step_raw.line)
        seen_ids: dict[str, int] = {}
        for position, choice_raw in mapping_items(source, choices_raw, f"the choices of {where}"):
            choice = _parse_choice(source, choice_raw, f"choice {position} of {where}")
            if choice is None:
                continue
            line = choice_raw.line_of("id")
            check_unique(source, seen_ids, choice.id, line, "choice id", where)
            choices.append(choice)
            next_lines[(step_id, choice.id)] = choice_raw.line_of("next")
        steps[step_id] = Step(step_id, text_html, tuple(choices))
    return steps, next_lines


def _parse_choice(source: SourceFile, choice_raw: YamlMap, where: str) -> Choice | None:
    check_keys(source, choice_raw, CHOICE_KEYS, where)
    choice_id = read_identifier(source, choice_raw, "id", where)
    text = read_text(source, choice_raw, "text", where)
    points = read_number(source, choice_raw, "points", where, default=0.0)
    feedback_html = read_markdown(source, choice_raw, "feedback", where)
    next_id = read_identifier(source, choice_raw, "next", where)
    if choice_id is None or text is None or next_id is None:
        return None
    return Choice(choice_id, text, points, feedback_html, next_id)


def _edges(steps: dict[str, Step]) -> dict[str, tuple[Edge, ...]]:
    return {
        step_id: tuple(Edge(choice.id, choice.next, choice.points) for choice in step.choices)
        for step_id, step in steps.items()
    }


def _check_graph(
    source: SourceFile,
    raw: YamlMap,
    start: str | None,
    steps: dict[str, Step],
    steps_raw: YamlMap,
    endings_raw: YamlMap,
    next_lines: dict[tuple[str, str], int],
) -> None:
    for node_id in endings_raw:
        if node_id in steps_raw:
            source.problem(
                endings_raw.line_of(node_id),
                f"'{node_id}' is both a step (line {steps_raw.line_of(node_id)}) and an ending; "
                "give them different ids",
            )
    for step in steps.values():
        for choice in step.choices:
            if choice.next not in steps_raw and choice.next not in endings_raw:
                source.problem(
                    next_lines[(step.id, choice.id)],
                    f"choice '{choice.id}' of step '{step.id}' leads to '{choice.next}', "
                    "which is neither a step nor an ending",
                )
    if start is not None and start not in steps_raw:
        where_else = "an ending" if start in endings_raw else "not a step"
        source.problem(
            raw.line_of("start"),
            f"start '{start}' is {where_else}; it must be one of the steps: "
            + ", ".join(steps_raw),
        )
        start = None

    edges = _edges(steps)
    for loop in find_loops(edges, [*(filter(None, [start])), *steps]):
        source.problem(
            next_lines[(loop.step, loop.choice_id)],
            f"path loops: {' -> '.join(loop.path)} (choice '{loop.choice_id}' of step "
            f"'{loop.step}' leads back); a scenario's paths must always move on to an ending",
        )
    if start is None:
        return
    reached = reachable_from(start, edges)
    for step_id in steps_raw:
        if step_id not in reached:
            source.problem(
                steps_raw.line_of(step_id),
                f"step '{step_id}' cannot be reached from start '{start}'",
            )
    for ending_id in endings_raw:
        if ending_id not in reached and ending_id not in steps_raw:
            source.problem(
                endings_raw.line_of(ending_id),
                f"ending '{ending_id}' cannot be reached from start '{start}'",
            )
