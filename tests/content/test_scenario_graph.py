"""Scenario graphs: reachability, loops and the best path's points."""

from __future__ import annotations

from course.content.scenario_graph import Edge, best_path_points, find_loops, reachable_from

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
