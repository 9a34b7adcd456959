"""Scenario graphs: reachability, loops, the best path's points, conditions and every path."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from course.content.model import Choice, Condition, Ending, Route, Step, Variant
from course.content.scenario_graph import (
    Edge,
    best_path_points,
    enumerate_paths,
    find_loops,
    follow,
    reachable_from,
    settle_maximum,
)

# The fixture scenario's graph: the best path is not the longest.
FIXTURE_EDGES = {
    "kickoff": (
        Edge("careful", "checklist", 2),
        Edge("ask", "detour", 1),
        Edge("rush", "stumble", 0),
    ),
    "checklist": (Edge("ship", "success", 2), Edge("wait", "detour", 1)),
    "detour": (Edge("recover", "muddle", 0), Edge("give-up", "stumble", 0)),
}


def test_best_path_is_the_most_points_not_the_most_steps():
    assert best_path_points("kickoff", FIXTURE_EDGES) == 4


def test_best_path_from_a_later_step():
    assert best_path_points("checklist", FIXTURE_EDGES) == 2
    assert best_path_points("detour", FIXTURE_EDGES) == 0


def test_best_path_on_shared_subpaths():
    # A diamond: both branches meet at "mid"; the best adds the larger branch.
    edges = {
        "a": (Edge("x", "b", 1), Edge("y", "c", 3)),
        "b": (Edge("z", "mid", 5),),
        "c": (Edge("z", "mid", 1),),
        "mid": (Edge("end", "done", 2),),
    }
    assert best_path_points("a", edges) == 8


def test_reachable_from_start():
    assert reachable_from("kickoff", FIXTURE_EDGES) == {
        "kickoff",
        "checklist",
        "detour",
        "success",
        "muddle",
        "stumble",
    }
    assert reachable_from("detour", FIXTURE_EDGES) == {"detour", "muddle", "stumble"}


def test_no_loops_in_the_fixture():
    assert find_loops(FIXTURE_EDGES, FIXTURE_EDGES) == []


def test_loops_are_found_with_their_closing_choice():
    edges = {
        "a": (Edge("go", "b", 0),),
        "b": (Edge("back", "a", 0), Edge("on", "c", 0)),
        "c": (Edge("self", "c", 0), Edge("out", "end", 0)),
    }
    loops = find_loops(edges, edges)
    assert [(loop.path, loop.step, loop.choice_id) for loop in loops] == [
        (("a", "b", "a"), "b", "back"),
        (("c", "c"), "c", "self"),
    ]


def test_long_chains_do_not_exhaust_the_stack():
    length = 20_000
    edges = {f"s{i}": (Edge("next", f"s{i + 1}", 1),) for i in range(length)}
    edges[f"s{length}"] = (Edge("end", "done", 1),)
    assert find_loops(edges, edges) == []
    assert best_path_points("s0", edges) == length + 1
    assert len(reachable_from("s0", edges)) == length + 2


# Hand-worked graphs with state: conditions, routes and variants.
def cond(**keys) -> Condition:
    keys = {k: frozenset(v) if k in ("flags", "not_flags") else v for k, v in keys.items()}
    return Condition(**keys)


def test_a_condition_holds_when_every_key_holds():
    assert Condition().holds(set(), 0)
    assert cond(flags=["a", "b"]).holds({"a", "b", "c"}, 0)
    assert not cond(flags=["a", "b"]).holds({"a"}, 100)
    assert not cond(not_flags=["x"]).holds({"x"}, 50)
    assert cond(min_score=80).holds(set(), 80)  # bounds are inclusive
    assert not cond(min_score=80).holds(set(), 79.99)
    assert cond(max_score=40).holds(set(), 40)
    assert not cond(min_score=10, flags=["a"]).holds({"a"}, 5)
    assert not cond(min_score=10, flags=["a"]).holds(set(), 50)


def choice(choice_id, points=0, to=(), sets=()):
    routes = tuple(Route(target, when) for when, target in to)
    return Choice(choice_id, choice_id, float(points), "", routes, "good", frozenset(sets))


ENDINGS = {
    "win": Ending("win", "Win", "best", "<p>win</p>"),
    "lose": Ending("lose", "Lose", "poor", "<p>lose</p>", (Variant(cond(flags=["f"]), "v"),)),
}
# a: flag (1 point, sets f) or plain (2 points); b: go (1 point) routes to win
# when f is set and the score is at least 50%, else to lose.
STATE_STEPS = {
    "a": Step(
        "a",
        "",
        (
            choice("flag", 1, [(None, "b")], ["f"]),
            choice("plain", 2, [(None, "b")]),
        ),
    ),
    "b": Step(
        "b",
        "",
        (choice("go", 1, [(cond(flags=["f"], min_score=50), "win"), (None, "lose")]),),
        (Variant(cond(not_flags=["f"]), "unflagged"),),
    ),
}


def test_enumeration_walks_every_path_as_a_run_would():
    result = enumerate_paths("a", STATE_STEPS, ENDINGS, max_points=3)
    assert [(p.choices, p.points, p.flags, p.ending) for p in result.paths] == [
        ((("a", "flag"), ("b", "go")), 2.0, frozenset({"f"}), "win"),  # 67% with f
        ((("a", "plain"), ("b", "go")), 3.0, frozenset(), "lose"),
    ]
    assert result.is_complete
    assert result.routes_taken == {
        ("a", "flag", 0),
        ("a", "plain", 0),
        ("b", "go", 0),
        ("b", "go", 1),
    }
    assert result.variants_shown == {("b", 0)}  # lose's variant needs f, reached only without


def test_enumeration_stops_at_the_cap_and_says_so():
    result = enumerate_paths("a", STATE_STEPS, ENDINGS, max_points=3, cap=1)
    assert len(result.paths) == 1
    assert not result.is_complete


def test_the_maximum_settles_on_the_best_path_a_run_can_take():
    maximum, result, is_settled = settle_maximum("a", STATE_STEPS, ENDINGS)
    assert (maximum, is_settled) == (3.0, True)
    steps = {
        "a": Step("a", "", (choice("x", 1, [(None, "b")], ["f"]), choice("y", 0, [(None, "b")]))),
        "b": Step(
            "b",
            "",
            # The 5-point branch needs a score above 100%: open routes would count it.
            (choice("z", 0, [(cond(not_flags=["f"], min_score=101), "c"), (None, "win")]),),
        ),
        "c": Step("c", "", (choice("jackpot", 5, [(None, "win")]),)),
    }
    maximum, result, is_settled = settle_maximum("a", steps, ENDINGS)
    assert (maximum, is_settled) == (1.0, True)  # not the 6 the open routes would allow
    assert max(path.points for path in result.paths) == maximum


def test_following_a_policy_takes_one_path():
    path = follow("a", STATE_STEPS, ENDINGS, 3, lambda step: step.choices[0])
    assert (path.choices, path.ending) == ((("a", "flag"), ("b", "go")), "win")


@st.composite
def scenario_graphs(draw):
    """Random loop-free scenarios: steps point only forward, some through routes."""
    count = draw(st.integers(1, 5))
    flag_names = ["f", "g"]
    steps = {}
    for index in range(count):
        later = [f"s{j}" for j in range(index + 1, count)] + list(ENDINGS)
        choices = []
        for number in range(draw(st.integers(1, 3))):
            entries = []
            for _entry in range(draw(st.integers(0, 2))):
                when = cond(
                    flags=draw(st.lists(st.sampled_from(flag_names), max_size=1)),
                    min_score=draw(st.none() | st.integers(0, 100)),
                )
                entries.append((when, draw(st.sampled_from(later))))
            entries.append((None, draw(st.sampled_from(later))))
            sets = draw(st.lists(st.sampled_from(flag_names), max_size=1))
            points = draw(st.integers(0, 3))
            choices.append(choice(f"c{number}", points, entries, sets))
        steps[f"s{index}"] = Step(f"s{index}", "", tuple(choices))
    return steps


@settings(max_examples=150, deadline=None)
@given(scenario_graphs())
def test_every_enumerated_path_ends_and_the_maximum_is_the_best_path(steps):
    maximum, result, is_settled = settle_maximum("s0", steps, ENDINGS)
    assert result.is_complete
    assert result.paths
    for path in result.paths:
        assert path.ending in ENDINGS
        assert path.choices[0][0] == "s0"
        assert path.points == sum(steps[s].choice(c).points for s, c in path.choices)
    if is_settled:
        assert maximum == max(path.points for path in result.paths)
