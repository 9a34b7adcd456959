"""How every page writes dates and points, so that they read the same everywhere."""

from __future__ import annotations

from datetime import date, datetime


def day(value: date | datetime | None) -> str:
    """Write a date (or a time's day) as people read it: ``5 Dec 2026``; "—" for none."""
    if value is None:
        return "—"
    return f"{value.day} {value:%b %Y}"


def number(value: float) -> str:
    """Write a number of points without a needless decimal: ``1``, ``2.5``, ``0.33``."""
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def points(value: float, of: float | None = None) -> str:
    """Write a score in points: ``1 point``, ``8 points``, ``2.5 of 4 points``."""
    total = value if of is None else of
    unit = "point" if round(float(total), 2) == 1 else "points"
    if of is None:
        return f"{number(value)} {unit}"
    return f"{number(value)} of {number(of)} {unit}"
