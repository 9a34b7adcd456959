"""Figures, their targets, the printed table and the JSON file."""

from __future__ import annotations

import json
import operator
import os
import platform
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

COMPARISONS = {
    "<": (operator.lt, "<"),
    "<=": (operator.le, "≤"),
    ">=": (operator.ge, "≥"),
    "==": (operator.eq, "="),
}


@dataclass(frozen=True)
class Target:
    """What a figure must be: ``Target("<=", 1.0)`` reads "at most 1.0"."""

    comparison: str
    limit: float

    def is_met(self, value: float) -> bool:
        compare, _symbol = COMPARISONS[self.comparison]
        return compare(value, self.limit)

    def describe(self, unit: str, digits: int) -> str:
        _compare, symbol = COMPARISONS[self.comparison]
        return f"{symbol} {format_number(self.limit, digits)}{unit_suffix(unit)}"


@dataclass(frozen=True)
class Figure:
    """One measured figure; ``value`` is None when it could not be measured."""

    benchmark: str
    name: str
    value: float | None
    unit: str = ""
    target: Target | None = None
    digits: int = 0
    note: str = ""
    error: str = ""  # why the figure could not be measured

    @property
    def is_met(self) -> bool | None:
        """Whether the target is met; None for a figure that is only reported.

        A figure that could not be measured is never met, target or not.
        """
        if self.error or self.value is None:
            return False
        if self.target is None:
            return None
        return self.target.is_met(self.value)

    def value_text(self) -> str:
        if self.error or self.value is None:
            return "not measured"
        return f"{format_number(self.value, self.digits)}{unit_suffix(self.unit)}"

    def target_text(self) -> str:
        return self.target.describe(self.unit, self.digits) if self.target else "(reported)"

    def met_text(self) -> str:
        return {True: "yes", False: "NO", None: "—"}[self.is_met]

    def as_json(self) -> dict:
        data = asdict(self)
        data["target"] = (
            None if self.target is None else f"{self.target.comparison} {self.target.limit}"
        )
        data["met"] = self.is_met
        return data


def format_number(value: float, digits: int) -> str:
    return f"{value:,.{digits}f}"


def unit_suffix(unit: str) -> str:
    return f" {unit}" if unit else ""


@dataclass
class Report:
    """Every figure of one run, and what the reader needs to weigh them."""

    started_at: str
    figures: list[Figure] = field(default_factory=list)
    context: dict = field(default_factory=dict)

    def add(self, *figures: Figure) -> None:
        self.figures.extend(figures)

    @property
    def missed(self) -> list[Figure]:
        return [figure for figure in self.figures if figure.is_met is False]

    def table(self) -> str:
        """Return the figures as an aligned plain-text table, notes below it."""
        header = ("benchmark", "figure", "value", "target", "met?")
        rows = [
            (f.benchmark, f.name, f.value_text(), f.target_text(), f.met_text())
            for f in self.figures
        ]
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        lines = [format_row(header, widths), format_row(tuple("-" * w for w in widths), widths)]
        previous = None
        for row in rows:
            shown = ("" if row[0] == previous else row[0], *row[1:])
            lines.append(format_row(shown, widths))
            previous = row[0]
        notes = [
            f"  {f.benchmark} / {f.name}: {'ERROR ' + f.error if f.error else f.note}"
            for f in self.figures
            if f.note or f.error
        ]
        if notes:
            lines += ["", "Notes:", *notes]
        return "\n".join(lines)

    def write_json(self, path: Path, duration_s: float) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "started_at": self.started_at,
            "duration_s": round(duration_s, 1),
            **self.context,
            "all_met": not self.missed,
            "figures": [figure.as_json() for figure in self.figures],
        }
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def format_row(cells: tuple[str, ...], widths: list[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()


def machine() -> dict:
    """Describe the machine, so figures from different runs are not compared blindly."""
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average": [round(load, 2) for load in os.getloadavg()],
    }


def say(message: str) -> None:
    """Tell the person waiting what is running now."""
    print(f"bench: {message}", file=sys.stderr, flush=True)
