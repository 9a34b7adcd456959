"""Graph checks for scenarios: reachability, loops, the best path's points, every path.

A scenario is a graph whose nodes are step and ending ids; each step's
choices are its edges. These functions are iterative so that a long scenario
cannot exhaust Python's recursion limit.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from course.content.model import Choice, Ending, Step, first_holding


@dataclass(frozen=True)
class Edge:
    """A choice seen as an edge: from its step to ``target``, worth ``points``."""

    choice_id: str
    target: str
    points: float


Edges = Mapping[str, Sequence[Edge]]  # step id -> its choices


@dataclass(frozen=True)
class Loop:
    """A path that comes back to a step, and the choice that closes it."""

    path: tuple[str, ...]  # first and last are the same step
    step: str
    choice_id: str


def reachable_from(start: str, edges: Edges) -> set[str]:
    """Return every step and ending that some path from ``start`` reaches."""
    seen = {start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for edge in edges.get(node, ()):
            if edge.target not in seen:
                seen.add(edge.target)
                queue.append(edge.target)
    return seen


def find_loops(edges: Edges, roots: Iterable[str]) -> list[Loop]:
    """Return one loop per choice that leads back onto the path that reached it."""
    visiting, done = set(), set()
    loops: list[Loop] = []
    for root in roots:
        if root in done or root not in edges:
            continue
        path = [root]
        visiting.add(root)
        stack = [(root, iter(edges[root]))]
        while stack:
            node, pending = stack[-1]
            for edge in pending:
                if edge.target not in edges:
                    continue  # an ending, or a target reported elsewhere
                if edge.target in visiting:
                    start = path.index(edge.target)
                    loop_path = (*path[start:], edge.target)
                    loops.append(Loop(loop_path, node, edge.choice_id))
                elif edge.target not in done:
                    visiting.add(edge.target)
                    path.append(edge.target)
                    stack.append((edge.target, iter(edges[edge.target])))
                    break
            else:
                visiting.discard(node)
                done.add(node)
                path.pop()
                stack.pop()
    return loops


def best_path_points(start: str, edges: Edges) -> float:
    """Return the most points any path from ``start`` collects; the graph must have no loops."""
    best: dict[str, float] = {}
    stack = [(start, False)]
    while stack:
        node, children_done = stack.pop()
        if node in best or node not in edges:
            continue
        if children_done:
            best[node] = max(
                (edge.points + best.get(edge.target, 0.0) for edge in edges[node]),
                default=0.0,
            )
        else:
            stack.append((node, True))
            stack.extend(
                (edge.target, False)
                for edge in edges[node]
                if edge.target in edges and edge.target not in best
            )
    return best.get(start, 0.0)


# Scenarios are small; a file past this many paths is too branched to check
# path by path (and to balance by hand), so the checks stop and say so.
MAX_PATHS = 5000
# The maximum is the best path's points, yet which paths exist can depend on
# score conditions measured against that maximum: settle it in a few rounds.
MAX_SETTLING_ROUNDS = 5


@dataclass(frozen=True)
class ScenarioPath:
    """One way through a scenario: its choices as (step id, choice id), points, flags, ending."""

    choices: tuple[tuple[str, str], ...]
    points: float
    flags: frozenset[str]
    ending: str


@dataclass
class Enumeration:
    """Every path from the start, and which route entries and variants some path takes."""

    paths: list[ScenarioPath]
    is_complete: bool  # False when it stopped at ``MAX_PATHS``
    routes_taken: set[tuple[str, str, int]]  # (step id, choice id, entry index)
    variants_shown: set[tuple[str, int]]  # (step or ending id, variant index)


def enumerate_paths(
    start: str,
    steps: Mapping[str, Step],
    endings: Mapping[str, Ending],
    max_points: float,
    cap: int = MAX_PATHS,
) -> Enumeration:
    """Walk every path from ``start`` as a run would; the graph must have no loops."""
    result = Enumeration([], True, set(), set())

    def score(points: float) -> float:
        return points / max_points * 100 if max_points else 100.0

    # Depth first, file order first: the first path always takes the first choice.
    stack: list[tuple[str, float, frozenset[str], tuple[tuple[str, str], ...]]] = [
        (start, 0.0, frozenset(), ())
    ]
    while stack:
        node, points, flags, choices = stack.pop()
        place = steps.get(node) or endings.get(node)
        if place is None:
            continue  # a target reported elsewhere
        shown = first_holding(place.variants, flags, score(points))
        if shown is not None:
            result.variants_shown.add((node, shown))
        if node in endings:
            if len(result.paths) >= cap:
                result.is_complete = False
                break
            result.paths.append(ScenarioPath(choices, points, flags, node))
            continue
        for choice in reversed(steps[node].choices):
            after_points = points + choice.points
            after_flags = flags | choice.sets
            index = choice.route_index(after_flags, score(after_points))
            result.routes_taken.add((node, choice.id, index))
            step_choice = (node, choice.id)
            stack.append(
                (choice.routes[index].to, after_points, after_flags, (*choices, step_choice))
            )
    return result


def settle_maximum(
    start: str, steps: Mapping[str, Step], endings: Mapping[str, Ending], cap: int = MAX_PATHS
) -> tuple[float, Enumeration, bool]:
    """Return the scenario's maximum, the enumeration under it, and whether it settled.

    The first guess is the most points any path earns when every route entry is
    open; each round enumerates under the guess and takes its best path's points.
    """
    edges = {
        step_id: tuple(
            Edge(choice.id, target, choice.points)
            for choice in step.choices
            for target in choice.targets
        )
        for step_id, step in steps.items()
    }
    maximum = best_path_points(start, edges)
    for _round in range(MAX_SETTLING_ROUNDS):
        enumeration = enumerate_paths(start, steps, endings, maximum, cap)
        if not enumeration.is_complete or not enumeration.paths:
            return best_path_points(start, edges), enumeration, True
        best = max(path.points for path in enumeration.paths)
        if best == maximum:
            return maximum, enumeration, True
        maximum = best
    return maximum, enumeration, False


def follow(
    start: str,
    steps: Mapping[str, Step],
    endings: Mapping[str, Ending],
    max_points: float,
    pick: Callable[[Step], Choice],
) -> ScenarioPath:
    """Return the one path a learner takes who picks at every step with ``pick``."""
    node, points, flags, choices = start, 0.0, frozenset(), ()
    while node in steps:
        choice = pick(steps[node])
        points += choice.points
        flags |= choice.sets
        score = points / max_points * 100 if max_points else 100.0
        choices = (*choices, (node, choice.id))
        node = choice.next_for(flags, score)
    return ScenarioPath(choices, points, frozenset(flags), node)
