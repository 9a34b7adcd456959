"""Graph checks for scenarios: reachability, loops and the best path's points.

A scenario is a graph whose nodes are step and ending ids; each step's
choices are its edges. These functions are iterative so that a long scenario
cannot exhaust Python's recursion limit.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


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
