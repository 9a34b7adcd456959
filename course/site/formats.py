"""How every page writes dates and points, so that they read the same everywhere."""

from __future__ import annotations

from datetime import date


def day(value: date) -> str:
    """Write a date as people read it: ``5 Dec 2026``."""
    return f"{value.day} {value:%b %Y}"


def points(value: float) -> str:
    """Write a score in points: ``1 point``, ``8 points``, ``2.5 points``, ``0.33 points``."""
    number = round(float(value), 2)
    text = f"{number:g}" if number != int(number) else str(int(number))
    return f"{text} point" if number == 1 else f"{text} points"
