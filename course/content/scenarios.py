"""Scenario files: ``kind: scenario`` YAML with steps, choices, endings, conditions and routes."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
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
    read_boolean,
    read_identifier,
    read_integer,
    read_mapping,
    read_markdown,
    read_number,
    read_slug,
    read_text,
)
from course.content.model import (
    CHOICE_RATINGS,
    ENDING_RATINGS,
    Choice,
    Condition,
    Ending,
    Route,
    Scenario,
    Step,
    Variant,
)
from course.content.scenario_graph import (
    MAX_PATHS,
    Edge,
    Enumeration,
    find_loops,
    follow,
    reachable_from,
    settle_maximum,
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
    "shuffle",
    "steps",
    "endings",
)
STEP_KEYS = ("text", "variants", "choices")
CHOICE_KEYS = ("id", "text", "points", "rating", "feedback", "sets", "next")
ENDING_KEYS = ("title", "rating", "text", "variants")
CONDITION_KEYS = ("flags", "not_flags", "min_score", "max_score")
ROUTE_KEYS = ("when", "to")
VARIANT_KEYS = ("when", "text")
WHERE = "the scenario"


@dataclass
class Lines:
    """Where the parts of a scenario were written, for problems found after parsing."""

    next: dict[tuple[str, str], int] = field(default_factory=dict)  # (step, choice)
    routes: dict[tuple[str, str, int], int] = field(default_factory=dict)  # (step, choice, entry)
    targets: list[tuple[str, str, str, int]] = field(default_factory=list)  # step, choice, to, line
    variants: dict[tuple[str, int], int] = field(default_factory=dict)  # (step or ending, index)
    flags_read: dict[str, int] = field(default_factory=dict)  # flag -> first line reading it
    flags_set: set[str] = field(default_factory=set)


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
    shuffle = bool(read_boolean(source, raw, "shuffle", WHERE, default=False))
    endings_raw = read_mapping(source, raw, "endings", WHERE)
    steps_raw = read_mapping(source, raw, "steps", WHERE)
    lines = Lines()
    endings = _parse_endings(source, endings_raw, lines) if endings_raw is not None else {}
    steps = {} if steps_raw is None else _parse_steps(source, steps_raw, lines)
    _check_flags(source, lines)

    if steps_raw is not None and endings_raw is not None:
        _check_graph(source, raw, start, steps, steps_raw, endings_raw, lines)
    if len(source.problems) > problems_before or title is None or start is None:
        return None
    max_points, enumeration, is_settled = settle_maximum(start, steps, endings)
    if not is_settled:
        source.problem(
            raw.line_of("start"),
            "the scenario's maximum keeps changing: which paths exist depends on min_score or "
            "max_score conditions measured against that maximum; use flags there instead",
        )
        return None
    if pass_mark is not None and max_points == 0:
        source.problem(
            raw.line_of("pass_mark"),
            "pass_mark needs points, but no path through the scenario earns any",
        )
        return None
    scenario = Scenario(
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
        shuffle=shuffle,
        best_path=_best_path(enumeration, max_points),
    )
    if not enumeration.is_complete:
        source.warning(
            raw.line_of("steps"),
            f"the scenario has more than {MAX_PATHS} paths, so its paths were not all checked: "
            "join branches back together or split it into two scenarios",
        )
        return scenario
    _check_paths_taken(source, enumeration, steps, endings, lines)
    if len(source.problems) > problems_before:
        return None
    _warn_where_gameable(source, raw, scenario, enumeration)
    return scenario


def _best_path(enumeration: Enumeration, max_points: float) -> tuple[tuple[str, str], ...]:
    best = next((path for path in enumeration.paths if path.points == max_points), None)
    return best.choices if best is not None and enumeration.is_complete else ()


def _check_node_id(source: SourceFile, mapping: YamlMap, node_id: str, what: str) -> bool:
    if ID_RE.match(node_id):
        return True
    source.problem(mapping.line_of(node_id), f"{what} id '{node_id}' is not valid: {ID_RULE}")
    return False


def _parse_endings(source: SourceFile, endings_raw: YamlMap, lines: Lines) -> dict[str, Ending]:
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
        variants = _parse_variants(source, ending_raw, ending_id, where, lines)
        if title is not None and rating in ENDING_RATINGS:
            endings[ending_id] = Ending(ending_id, title, rating, text_html, variants)
    return endings


def _parse_steps(source: SourceFile, steps_raw: YamlMap, lines: Lines) -> dict[str, Step]:
    steps = {}
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
        variants = _parse_variants(source, step_raw, step_id, where, lines)
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
            choice = _parse_choice(
                source, choice_raw, step_id, f"choice {position} of {where}", lines
            )
            if choice is None:
                continue
            line = choice_raw.line_of("id")
            check_unique(source, seen_ids, choice.id, line, "choice id", where)
            choices.append(choice)
        steps[step_id] = Step(step_id, text_html, _rated(choices), variants)
    return steps


def _rated(choices: list[Choice]) -> tuple[Choice, ...]:
    """Give each choice without a ``rating`` one from its points: the step's best is good."""
    best = max((choice.points for choice in choices), default=0.0)
    rated = []
    for choice in choices:
        if not choice.rating:
            rating = (
                "good" if choice.points == best else "poor" if choice.points == 0 else "partial"
            )
            choice = replace(choice, rating=rating)
        rated.append(choice)
    return tuple(rated)


def _parse_choice(
    source: SourceFile, choice_raw: YamlMap, step_id: str, where: str, lines: Lines
) -> Choice | None:
    check_keys(source, choice_raw, CHOICE_KEYS, where)
    choice_id = read_identifier(source, choice_raw, "id", where)
    text = read_text(source, choice_raw, "text", where)
    points = read_number(source, choice_raw, "points", where, default=0.0)
    feedback_html = read_markdown(source, choice_raw, "feedback", where)
    rating = read_text(source, choice_raw, "rating", where, required=False)
    if rating is not None and rating not in CHOICE_RATINGS:
        source.problem(
            choice_raw.line_of("rating"),
            f"rating '{rating}' of {where} must be one of: {', '.join(CHOICE_RATINGS)}",
        )
    sets = _read_flags(source, choice_raw, "sets", where)
    lines.flags_set.update(sets)
    routes = _parse_next(source, choice_raw, where, lines)
    if choice_id is None or text is None or routes is None:
        return None
    lines.next[(step_id, choice_id)] = choice_raw.line_of("next")
    for index, (route, entry_line, to_line) in enumerate(routes):
        lines.routes[(step_id, choice_id, index)] = entry_line
        lines.targets.append((step_id, choice_id, route.to, to_line))
    return Choice(
        choice_id,
        text,
        points,
        feedback_html,
        tuple(route for route, _entry_line, _to_line in routes),
        rating if rating in CHOICE_RATINGS else "",
        sets,
    )


def _parse_next(
    source: SourceFile, choice_raw: YamlMap, where: str, lines: Lines
) -> list[tuple[Route, int, int]] | None:
    """Read ``next``: a step or ending id, or a route (a list of ``{when, to}``).

    Each entry comes with its own line and the line of its ``to``.
    """
    value = choice_raw.get("next")
    if not isinstance(value, YamlList):
        next_id = read_identifier(source, choice_raw, "next", where)
        line = choice_raw.line_of("next")
        return None if next_id is None else [(Route(next_id), line, line)]
    if not value:
        source.problem(
            choice_raw.line_of("next"),
            f"'next' in {where} is an empty route: give it entries with 'to' (the last without "
            "'when')",
        )
        return None
    routes, is_valid = [], True
    entries = mapping_items(source, value, f"the route of {where}")
    is_valid = len(entries) == len(value)
    for position, entry_raw in entries:
        entry_where = f"route entry {position} of {where}"
        check_keys(source, entry_raw, ROUTE_KEYS, entry_where)
        to = read_identifier(source, entry_raw, "to", entry_where)
        is_last = position == len(value)
        when = None
        if "when" in entry_raw:
            when = _parse_condition(source, entry_raw, entry_where, lines)
            if is_last:
                source.problem(
                    entry_raw.line_of("when"),
                    f"the last entry of the route of {where} has a 'when': remove it, so the "
                    "route always leads somewhere when no other entry holds",
                )
                is_valid = False
        elif not is_last:
            source.problem(
                entry_raw.line,
                f"{entry_where} has no 'when', so the entries after it are never taken: "
                "give it a 'when', or make it the last entry",
            )
            is_valid = False
        if to is None or (when is None and "when" in entry_raw):
            is_valid = False
            continue
        routes.append((Route(to, when), entry_raw.line, entry_raw.line_of("to")))
    return routes if is_valid else None


def _parse_variants(
    source: SourceFile, raw: YamlMap, node_id: str, where: str, lines: Lines
) -> tuple[Variant, ...]:
    """Read ``variants``: texts that replace ``text`` when their ``when`` holds."""
    if "variants" not in raw:
        return ()
    value = raw["variants"]
    if not isinstance(value, YamlList) or not value:
        source.problem(
            raw.line_of("variants"),
            f"'variants' in {where} must be a non-empty list of {{when, text}}, "
            f"not {describe(value)}",
        )
        return ()
    variants = []
    for position, variant_raw in mapping_items(source, value, f"the variants of {where}"):
        variant_where = f"variant {position} of {where}"
        check_keys(source, variant_raw, VARIANT_KEYS, variant_where)
        text_html = read_markdown(source, variant_raw, "text", variant_where, required=True)
        if "when" not in variant_raw:
            source.problem(
                variant_raw.line,
                f"missing required key 'when' in {variant_where}: a variant replaces the text "
                "only when its condition holds",
            )
            continue
        when = _parse_condition(source, variant_raw, variant_where, lines)
        if when is not None and text_html:
            lines.variants[(node_id, len(variants))] = variant_raw.line
            variants.append(Variant(when, text_html))
    return tuple(variants)


def _parse_condition(
    source: SourceFile, owner: YamlMap, where: str, lines: Lines
) -> Condition | None:
    """Read the ``when`` of ``owner``: flags, not_flags, min_score, max_score."""
    where = f"the condition of {where}"
    raw = owner["when"]
    if not isinstance(raw, YamlMap) or not raw:
        source.problem(
            owner.line_of("when"),
            f"'when' in {where[len('the condition of ') :]} must be a mapping with any of "
            f"{', '.join(CONDITION_KEYS)}, not {describe(raw)}",
        )
        return None
    problems_before = len(source.problems)
    check_keys(source, raw, CONDITION_KEYS, where)
    flags = _read_flags(source, raw, "flags", where)
    not_flags = _read_flags(source, raw, "not_flags", where)
    for key, names in (("flags", flags), ("not_flags", not_flags)):
        for name in names:
            lines.flags_read.setdefault(name, raw.line_of(key))
    bounds = {}
    for key in ("min_score", "max_score"):
        if key not in raw:
            continue
        value = raw[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
            source.problem(
                raw.line_of(key),
                f"'{key}' in {where} must be a percent from 0 to 100, not {describe(value)}",
            )
            continue
        bounds[key] = float(value)
    if len(source.problems) > problems_before:
        return None
    return Condition(flags, not_flags, bounds.get("min_score"), bounds.get("max_score"))


def _read_flags(source: SourceFile, raw: YamlMap, key: str, where: str) -> frozenset[str]:
    if key not in raw:
        return frozenset()
    value = raw[key]
    if (
        not isinstance(value, YamlList)
        or not value
        or not all(isinstance(name, str) and ID_RE.match(name) for name in value)
    ):
        source.problem(
            raw.line_of(key),
            f"'{key}' in {where} must be a non-empty list of flag names ({ID_RULE}), "
            f"not {describe(value)}",
        )
        return frozenset()
    return frozenset(value)


def _check_flags(source: SourceFile, lines: Lines) -> None:
    for name, line in lines.flags_read.items():
        if name not in lines.flags_set:
            source.problem(
                line,
                f"flag '{name}' is read here but no choice sets it: add it to a choice's "
                "'sets', or correct its spelling",
            )


def _edges(steps: dict[str, Step]) -> dict[str, tuple[Edge, ...]]:
    return {
        step_id: tuple(
            Edge(choice.id, target, choice.points)
            for choice in step.choices
            for target in choice.targets
        )
        for step_id, step in steps.items()
    }


def _check_graph(
    source: SourceFile,
    raw: YamlMap,
    start: str | None,
    steps: dict[str, Step],
    steps_raw: YamlMap,
    endings_raw: YamlMap,
    lines: Lines,
) -> None:
    for node_id in endings_raw:
        if node_id in steps_raw:
            source.problem(
                endings_raw.line_of(node_id),
                f"'{node_id}' is both a step (line {steps_raw.line_of(node_id)}) and an ending; "
                "give them different ids",
            )
    for step_id, choice_id, target, line in lines.targets:
        if target not in steps_raw and target not in endings_raw:
            source.problem(
                line,
                f"choice '{choice_id}' of step '{step_id}' leads to '{target}', "
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
            lines.next[(loop.step, loop.choice_id)],
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


def _check_paths_taken(
    source: SourceFile,
    enumeration: Enumeration,
    steps: dict[str, Step],
    endings: dict[str, Ending],
    lines: Lines,
) -> None:
    """Report route entries and variants that no path takes: dead text the author trusts."""
    for step in steps.values():
        for choice in step.choices:
            if len(choice.routes) < 2:
                continue
            for index, route in enumerate(choice.routes):
                if (step.id, choice.id, index) not in enumeration.routes_taken:
                    source.problem(
                        lines.routes[(step.id, choice.id, index)],
                        f"no path takes route entry {index + 1} (to '{route.to}') of choice "
                        f"'{choice.id}' of step '{step.id}': its 'when' never holds there, or "
                        "an entry above it always decides",
                    )
    for node_id, place in (*steps.items(), *endings.items()):
        for index, _variant in enumerate(place.variants):
            if (node_id, index) not in enumeration.variants_shown:
                kind = "step" if node_id in steps else "ending"
                source.problem(
                    lines.variants[(node_id, index)],
                    f"no path shows variant {index + 1} of {kind} '{node_id}': its 'when' "
                    "never holds when a run arrives there, or a variant above it always does",
                )


def _warn_where_gameable(
    source: SourceFile, raw: YamlMap, scenario: Scenario, enumeration: Enumeration
) -> None:
    """Warn where a learner can reach a best ending without earning it."""
    endings_raw = raw["endings"]
    if scenario.pass_mark is not None:
        low = {}
        for path in enumeration.paths:
            ending = scenario.endings[path.ending]
            if ending.rating == "best" and not scenario.passes_with(path.points):
                low.setdefault(ending.id, path)
        for ending_id, path in low.items():
            source.warning(
                endings_raw.line_of(ending_id),
                f"ending '{ending_id}' is rated best, yet a path below the pass mark reaches "
                f"it ({' > '.join(c for _s, c in path.choices)}: "
                f"{scenario.score_percent(path.points):.0f}%): route low scores elsewhere "
                "with min_score, or rate the ending lower",
            )
    policies = [
        (
            "the longest choice",
            lambda step: max(step.choices, key=_length),
            "make the best choices no longer than the others",
        )
    ]
    if not scenario.shuffle:  # shuffled choices have no first place to learn
        policies.insert(
            0,
            (
                "the first choice",
                lambda step: step.choices[0],
                "move the best choice out of first place at some steps, or set shuffle: true",
            ),
        )
    for policy, pick, remedy in policies:
        path = follow(scenario.start, scenario.steps, scenario.endings, scenario.max_points, pick)
        if scenario.endings[path.ending].rating == "best":
            source.warning(
                raw.line_of("start"),
                f"always taking {policy} reaches ending '{path.ending}', rated best: {remedy}",
            )


def _length(choice: Choice) -> int:
    return len(choice.text)
