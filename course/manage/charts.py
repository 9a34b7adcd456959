"""The cohort page's two charts as plain geometry: the template draws them as SVG.

Each chart carries a sentence that says what it shows and the rows of a
table with the same numbers, so nobody needs to see the picture.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from course.manage.matrix import PROGRESS_BUCKETS

WIDTH, HEIGHT = 600, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 24, 36
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
BUCKET_LABELS = ("0%", "1 to 24%", "25 to 49%", "50 to 74%", "75 to 99%", "100%")
BUCKETS = tuple(
    (label, low, high) for label, (low, high) in zip(BUCKET_LABELS, PROGRESS_BUCKETS, strict=True)
)


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float

    @property
    def middle(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Tick:
    at: float  # x for the horizontal axis, y for the vertical one
    text: str


@dataclass(frozen=True)
class Chart:
    """A chart's geometry, its text alternative and its data table."""

    title: str
    summary: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]
    bars: tuple[Bar, ...] = ()
    line: str = ""  # SVG polyline points
    x_ticks: tuple[Tick, ...] = ()
    y_ticks: tuple[Tick, ...] = ()
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: int = TOP + PLOT_HEIGHT

    @property
    def is_empty(self) -> bool:
        return not self.bars and not self.line


def progress_distribution(counts: tuple[int, ...]) -> Chart:
    """Return a bar chart of how many learners (``counts``, per stretch of BUCKETS) are where."""
    learners = sum(counts)
    top = max(counts, default=0) or 1
    slot = PLOT_WIDTH / len(BUCKETS)
    bars = []
    for index, ((label, _low, _high), count) in enumerate(zip(BUCKETS, counts, strict=True)):
        height = PLOT_HEIGHT * count / top
        bars.append(
            Bar(
                label,
                count,
                LEFT + index * slot + slot * 0.15,
                TOP + PLOT_HEIGHT - height,
                slot * 0.7,
                height,
            )
        )
    parts = [
        f"{count} at {label}" for (label, _low, _high), count in zip(BUCKETS, counts, strict=True)
    ]
    summary = (
        f"Progress of {learners} learners: {', '.join(parts)}."
        if learners
        else "No learners in this cohort yet."
    )
    return Chart(
        title="Progress distribution",
        summary=summary,
        columns=("Progress", "Learners"),
        rows=tuple(
            (label, count) for (label, _low, _high), count in zip(BUCKETS, counts, strict=True)
        ),
        bars=tuple(bars) if learners else (),
        y_ticks=_count_ticks(top),
    )


def completions_over_time(
    per_day: dict[date, int], learners: int, first_day: date, today: date
) -> Chart:
    """Return a line of how many of ``learners`` had completed the course by each day."""
    finished = sorted(per_day)
    completed = sum(per_day.values())
    table, total = [], 0
    for day, count in sorted(per_day.items()):
        total += count
        table.append((day.isoformat(), count, total))
    if not finished:
        return Chart(
            title="Completions over time",
            summary="No learner has completed the course yet.",
            columns=("Day", "Completed that day", "Completed so far"),
            rows=(),
        )
    start = min(first_day, finished[0])
    end = max(today, finished[-1])
    span = max((end - start).days, 1)
    points, total = [], 0
    day = start
    while day <= end:
        total += per_day.get(day, 0)
        x = LEFT + PLOT_WIDTH * (day - start).days / span
        y = TOP + PLOT_HEIGHT - PLOT_HEIGHT * total / completed
        points.append(f"{x:.1f},{y:.1f}")
        day += timedelta(days=1)
    return Chart(
        title="Completions over time",
        summary=(
            f"{completed} of {learners} learners completed the course between "
            f"{finished[0]:%-d %b %Y} and {finished[-1]:%-d %b %Y}."
        ),
        columns=("Day", "Completed that day", "Completed so far"),
        rows=tuple(table),
        line=" ".join(points),
        x_ticks=(Tick(LEFT, f"{start:%-d %b}"), Tick(LEFT + PLOT_WIDTH, f"{end:%-d %b}")),
        y_ticks=_count_ticks(completed),
    )


def _count_ticks(top: int) -> tuple[Tick, ...]:
    ticks = [Tick(TOP + PLOT_HEIGHT, "0")]
    if top > 1:
        ticks.append(Tick(TOP + PLOT_HEIGHT / 2, f"{top / 2:g}"))
    ticks.append(Tick(TOP, str(top)))
    return tuple(ticks)
