"""The cohort's progress as CSV: the page's learners, figures and item states, in its order.

The page builds a hundred learners' item states; the CSV of a whole cohort reads
each learner's summaries packed in one row (``cohort_packed_batches``) and writes
the same words with the same rules: ``status_text``, ``percent_text`` and the
outline's locking rule (``locked_from``) are the page's.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from datetime import date

from sqlalchemy import Row

from course.content.model import Catalog
from course.progress.days import date_of
from course.progress.state import locked_from, unpack_item_summaries
from course.progress.status import ItemState, Status

# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


LOCKED = "locked"


def status_text(state: ItemState) -> str:
    """Return the status of an item as the page and the CSV both say it."""
    return LOCKED if state.is_locked else state.status.value


def score_text(state: ItemState) -> str:
    """Return the best score as a whole percentage, or "" when there is none."""
    return percent_text(state.best_score)


def percent_text(score: float | None) -> str:
    return "" if score is None else str(round(score * 100))


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


class Layout:
    """What every line of one catalog's CSV shares: where each item's cells are."""

    def __init__(self, catalog: Catalog):
        self.places = {(item.kind, item.slug): item.index for item in catalog.items}
        self.required = [item.index for item in catalog.items if item.required]
        self.is_sequential = catalog.course.sequential
        # An item without a summary is not started: its status and an empty score.
        self.untouched = [Status.NOT_STARTED.value, ""] * len(catalog.items)


def record(row: Row, layout: Layout) -> list[str]:
    """Return one learner's CSV fields from a row of ``cohort_packed_batches``."""
    name, email, percent, due_day, last_activity_at, packed_items = row
    cells = list(layout.untouched)
    done = set()
    for item in unpack_item_summaries(packed_items, layout.places):
        cells[2 * item.index] = item.status
        cells[2 * item.index + 1] = percent_text(item.best_score)
        if item.is_done:
            done.add(item.index)
    is_complete = percent == 100
    locked = None if is_complete else locked_from(layout.required, done, layout.is_sequential)
    if locked is not None:
        cells[2 * locked :: 2] = [LOCKED] * (len(cells) // 2 - locked)
    # Only the people's own words can start like a formula: the rest is ours.
    return [
        safe_cell(name),
        safe_cell(email),
        str(percent),
        "yes" if is_complete else "no",
        "" if due_day is None else date_of(due_day).isoformat(),
        last_activity_at.date().isoformat() if last_activity_at else "",
        *cells,
    ]


def cohort_csv(batches: Iterable[Sequence[Row]], catalog: Catalog) -> Iterator[str]:
    """Yield the CSV text: a header, then one line per learner, a batch of lines at a time."""
    layout = Layout(catalog)
    out = io.StringIO()
    out.write("\ufeff")  # a byte order mark, so spreadsheets read the file as UTF-8
    writer = csv.writer(out)
    writer.writerow([safe_cell(cell) for cell in header(catalog)])
    for rows in batches:
        writer.writerows(record(row, layout) for row in rows)
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
