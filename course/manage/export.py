"""The cohort's progress as CSV, written from the same rows as the page."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date

from course.content.model import Catalog
from course.manage.matrix import LearnerRow
from course.progress.status import ItemState

# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def status_text(state: ItemState) -> str:
    """Return the status of an item as the page and the CSV both say it."""
    return "locked" if state.is_locked else state.status.value


def score_text(state: ItemState) -> str:
    """Return the best score as a whole percentage, or "" when there is none."""
    return "" if state.best_score is None else str(round(state.best_score * 100))


def safe_cell(value: object) -> str:
    """Return ``value`` as text a spreadsheet will show, never run."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def header(catalog: Catalog) -> list[str]:
    """Return the CSV's column names."""
    columns = ["name", "email", "percentage", "complete", "due date", "last activity"]
    for item in catalog.items:
        columns += [f"{item.title} status", f"{item.title} score"]
    return columns


def record(row: LearnerRow) -> list[str]:
    """Return one learner's CSV fields."""
    # Only the people's own words can start like a formula: the rest is ours.
    fields = [
        safe_cell(row.name),
        safe_cell(row.email),
        str(row.percent),
        "yes" if row.is_complete else "no",
        row.due_on.isoformat() if row.due_on else "",
        row.last_activity_at.date().isoformat() if row.last_activity_at else "",
    ]
    for state in row.items:
        fields.append(status_text(state))
        fields.append(score_text(state))
    return fields


def cohort_csv(batches: Iterable[list[LearnerRow]], catalog: Catalog) -> Iterator[str]:
    """Yield the CSV text: a header, then one line per learner, a batch of lines at a time."""
    out = io.StringIO()
    out.write("\ufeff")  # a byte order mark, so spreadsheets read the file as UTF-8
    writer = csv.writer(out)
    writer.writerow([safe_cell(cell) for cell in header(catalog)])
    for rows in batches:
        writer.writerows(record(row) for row in rows)
        yield _take(out)
    yield _take(out)


def _take(out: io.StringIO) -> str:
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    return text


def filename(cohort_name: str, today: date, shown: str | None = None) -> str:
    """Return a download name such as ``spring-hires-progress-2026-03-01.csv``.

    A filtered export says which learners it holds: ``spring-hires-at-risk-2026-03-01.csv``.
    """
    ascii_name = unicodedata.normalize("NFKD", cohort_name).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60] or "cohort"
    return f"{stem}-{shown or 'progress'}-{today.isoformat()}.csv"
