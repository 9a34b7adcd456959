"""The one way the manager's pages write a date: ``3 Mar 2026``, the time left out."""

from __future__ import annotations

from datetime import date, datetime


def format_date(value: date | datetime | None) -> str:
    """Return ``3 Mar 2026`` for a date or a time (its UTC day), or "—" for none."""
    if value is None:
        return "—"
    return f"{value.day} {value:%b %Y}"
