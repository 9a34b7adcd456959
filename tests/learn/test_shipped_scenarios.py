"""The shipped scenarios reward judgment, not a pattern of clicking.

A small evaluator of the scenario format (AUTHORING.md) reads the YAML files with PyYAML and
walks each graph as a run would: a choice adds its points and flags, and a route takes its
first entry whose ``when`` holds, where the score is the points so far (this choice included)
as a percent of the most points any path earns. It is kept here, on its own, so that these
checks hold the content to the format whatever engine reads it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import yaml

from course.config import REPOSITORY_ROOT

SLUGS = ["saas-onboarding", "decision-rights", "ecommerce-releases"]


@dataclass(frozen=True)
class Path:
    choices: tuple[tuple[str, str], ...]
    points: float
    flags: frozenset[str]
    ending: str
    variants_shown: frozenset[tuple[str, int]]


def load(slug: str) -> dict:
    return yaml.safe_load((REPOSITORY_ROOT / "quizzes" / f"{slug}.yaml").read_text("utf-8"))


def holds(when: dict | None, flags: frozenset[str], score: float) -> bool:
    when = when or {}
    return (
        set(when.get("flags", ())) <= flags
        and not set(when.get("not_flags", ())) & flags
        and score >= when.get("min_score", float("-inf"))
        and score <= when.get("max_score", float("inf"))
    )


def target(choice: dict, flags: frozenset[str], score: float) -> str:
    if isinstance(choice["next"], str):
        return choice["next"]
    return next(entry["to"] for entry in choice["next"] if holds(entry.get("when"), flags, score))


def variant_shown(place: dict, flags: frozenset[str], score: float) -> int | None:
    for index, variant in enumerate(place.get("variants", ())):
        if holds(variant["when"], flags, score):
            return index
    return None


def walk(scenario: dict, maximum: float, pick=None) -> list[Path]:
    """Every path from the start (or the one path ``pick`` chooses at each step)."""
    steps, endings = scenario["steps"], scenario["endings"]
    paths = []
    stack = [(scenario["start"], 0.0, frozenset(), (), frozenset())]
    while stack:
        node, points, flags, choices, shown = stack.pop()
        score = points / maximum * 100 if maximum else 100.0
        place = steps.get(node) or endings[node]
        index = variant_shown(place, flags, score)
        if index is not None:
            shown |= {(node, index)}
        if node in endings:
            paths.append(Path(choices, points, flags, node, shown))
            continue
        assert len(choices) < 50, f"a loop through {node}"
        options = steps[node]["choices"] if pick is None else [pick(steps[node]["choices"])]
        for choice in reversed(options):
            new_points = points + choice.get("points", 0)
            new_flags = flags | set(choice.get("sets", ()))
            new_score = new_points / maximum * 100 if maximum else 100.0
            stack.append(
                (
                    target(choice, new_flags, new_score),
                    new_points,
                    new_flags,
                    (*choices, (node, choice["id"])),
                    shown,
                )
            )
    return paths


def maximum_points(scenario: dict) -> float:
    """The best path's points; settled in rounds, since routes may read the score."""
    maximum = sum(max(c.get("points", 0) for c in s["choices"]) for s in scenario["steps"].values())
    for _round in range(10):
        best = max(path.points for path in walk(scenario, maximum))
        if best == maximum:
            return maximum
        maximum = best
    raise AssertionError("the maximum does not settle")


def score(path: Path, maximum: float) -> float:
    return path.points / maximum * 100


def first(choices):
    return choices[0]


def longest(choices):
    return max(choices, key=lambda choice: len(choice["text"]))


@pytest.fixture(params=SLUGS)
def scenario(request):
    loaded = load(request.param)
    loaded["maximum"] = maximum_points(loaded)
    return loaded


def is_best(scenario: dict, path: Path) -> bool:
    return scenario["endings"][path.ending]["rating"] == "best"


def test_choices_are_shuffled_and_a_best_ending_is_earned_by_the_best_path(scenario):
    assert scenario["shuffle"] is True
    paths = walk(scenario, scenario["maximum"])
    best_path = max(paths, key=lambda path: path.points)
    assert is_best(scenario, best_path), best_path


@pytest.mark.parametrize("policy", [first, longest])
def test_always_first_or_always_longest_misses_every_best_ending(scenario, policy):
    (path,) = walk(scenario, scenario["maximum"], pick=policy)
    assert not is_best(scenario, path), (path.choices, path.ending)


def test_no_path_below_the_pass_mark_reaches_a_best_ending(scenario):
    for path in walk(scenario, scenario["maximum"]):
        if is_best(scenario, path):
            assert score(path, scenario["maximum"]) >= scenario["pass_mark"], path.choices


def test_the_best_choice_is_not_always_the_longest(scenario):
    steps = scenario["steps"].values()
    best_is_longest = [
        step
        for step in steps
        if longest(step["choices"]).get("points", 0)
        == max(c.get("points", 0) for c in step["choices"])
    ]
    assert len(best_is_longest) <= len(steps) / 2


def test_every_weak_choice_changes_something_later(scenario):
    """A weaker choice sets a flag some later text or route reads, or leads somewhere else."""
    read = set()
    for place in [*scenario["steps"].values(), *scenario["endings"].values()]:
        for variant in place.get("variants", ()):
            read |= set(variant["when"].get("flags", ())) | set(
                variant["when"].get("not_flags", ())
            )
    for step in scenario["steps"].values():
        for choice in step["choices"]:
            for entry in choice["next"] if isinstance(choice["next"], list) else ():
                when = entry.get("when", {})
                read |= set(when.get("flags", ())) | set(when.get("not_flags", ()))
    for step_id, step in scenario["steps"].items():
        top = max(c.get("points", 0) for c in step["choices"])
        best_next = [c["next"] for c in step["choices"] if c.get("points", 0) == top]
        for choice in step["choices"]:
            if choice.get("points", 0) == top:
                continue
            assert set(choice.get("sets", ())) & read or choice["next"] not in best_next, (
                f"{step_id}/{choice['id']} rejoins the best path and changes nothing"
            )


def test_endings_depend_on_the_whole_path_not_the_last_choice(scenario):
    """Some last choice leads to different endings depending on what came before."""
    endings_by_last_choice: dict[tuple[str, str], set[str]] = {}
    for path in walk(scenario, scenario["maximum"]):
        endings_by_last_choice.setdefault(path.choices[-1], set()).add(path.ending)
    assert any(len(endings) > 1 for endings in endings_by_last_choice.values())


def test_every_route_entry_and_variant_is_taken_by_some_path(scenario):
    paths = walk(scenario, scenario["maximum"])
    shown = set().union(*(path.variants_shown for path in paths))
    for node, place in [*scenario["steps"].items(), *scenario["endings"].items()]:
        for index in range(len(place.get("variants", ()))):
            assert (node, index) in shown, f"variant {index + 1} of {node} is never shown"
    reached = {ending for ending in scenario["endings"] if any(p.ending == ending for p in paths)}
    assert reached == set(scenario["endings"])


def test_the_evaluator_routes_on_score_and_flags():
    """Guard the evaluator itself on a two-step graph worked by hand."""
    scenario = {
        "start": "a",
        "steps": {
            "a": {
                "choices": [
                    {"id": "good", "points": 2, "next": "b"},
                    {"id": "risky", "points": 1, "sets": ["x"], "next": "b"},
                ]
            },
            "b": {
                "choices": [
                    {
                        "id": "end",
                        "points": 2,
                        "next": [
                            {"when": {"flags": ["x"]}, "to": "flagged"},
                            {"when": {"min_score": 100}, "to": "top"},
                            {"to": "other"},
                        ],
                    }
                ]
            },
        },
        "endings": {"top": {}, "flagged": {}, "other": {}},
    }
    assert maximum_points(scenario) == 4
    endings = {p.choices[0][1]: p.ending for p in walk(scenario, 4)}
    assert endings == {"good": "top", "risky": "flagged"}
