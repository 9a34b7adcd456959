"""Reading a list of people (name, email), typed in a form or uploaded as a roster CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from course.auth.details import (
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    PRINTABLE_ONLY,
    NotAnEmailError,
    is_printable,
    normalised_email,
)

MAX_ROWS = 500
MAX_BYTES = 100 * 1024
# What bytes that were not UTF-8 become when a form's text is decoded.
UNREADABLE = "\N{REPLACEMENT CHARACTER}"


@dataclass(frozen=True)
class Person:
    """Someone to add: their email, and a name for an account that does not exist yet."""

    row: int
    name: str
    email: str


class RosterError(ValueError):
    """A list that cannot be read, with one message per bad row."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def decode_upload(data: bytes) -> str:
    """Return an uploaded roster's text; refuse files too large or not UTF-8."""
    if len(data) > MAX_BYTES:
        raise RosterError([f"The file is larger than {MAX_BYTES // 1024} KB; split it up."])
    try:
        return data.decode("utf-8-sig")  # spreadsheets often start the file with a BOM
    except UnicodeDecodeError:
        raise RosterError(
            ["The file is not UTF-8 text; save it from the spreadsheet as CSV UTF-8."]
        ) from None


def parse_people(text: str) -> list[Person]:
    """Read ``name,email`` rows (a header row and the name are optional); RosterError if any is bad.

    An email alone adds that account, or creates one named after the email's
    first part. Repeated emails are added once.
    """
    # newline="" splits rows at \n, \r\n and a lone \r (old Mac files) alike, and leaves
    # line breaks inside quoted cells to the CSV reader, which keeps them in the cell.
    # A typed list may start with a byte order mark pasted from a file.
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    columns = {"name": 0, "email": 1}
    start = 0
    if rows and {cell.strip().lower() for cell in rows[0] if cell.strip()} <= {"name", "email"}:
        header = [cell.strip().lower() for cell in rows[0]]
        if "email" in header:
            columns = {name: header.index(name) for name in ("name", "email") if name in header}
            start = 1
    people: list[Person] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, cells in enumerate(rows[start:], start=start + 1):
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if len(people) + len(problems) >= MAX_ROWS:
            problems.append(f"Row {number}: a list may hold at most {MAX_ROWS} people.")
            break
        person, problem = _read_row(number, cells, columns)
        if problem:
            problems.append(problem)
        elif person.email not in seen:
            seen.add(person.email)
            people.append(person)
    if problems:
        raise RosterError(problems)
    if not people:
        raise RosterError(["The list is empty: give one person per row, as name,email."])
    return people


def _read_row(number: int, cells: list[str], columns: dict[str, int]):
    if any(UNREADABLE in cell for cell in cells):
        return None, (
            f"Row {number}: some text is not UTF-8 (it shows as {UNREADABLE}); "
            "type it again, or save the list as CSV UTF-8."
        )
    if len([cell for cell in cells if cell]) == 1 and "@" in "".join(cells):
        name, email = "", "".join(cells)  # an email on its own
    else:
        if len(cells) > 2 and any(cells[2:]) and columns == {"name": 0, "email": 1}:
            return None, f"Row {number}: {len(cells)} columns; use two, name and email."
        name = _cell(cells, columns.get("name"))
        email = _cell(cells, columns.get("email"))
    if not email:
        return None, f"Row {number}: no email."
    if len(email) > EMAIL_MAX_LENGTH:
        return None, f"Row {number}: the email is longer than {EMAIL_MAX_LENGTH} characters."
    try:
        email = normalised_email(email)
    except NotAnEmailError:
        return None, f"Row {number}: '{email[:60]}' is not an email address."
    if len(name) > NAME_MAX_LENGTH:
        return None, f"Row {number}: the name is longer than {NAME_MAX_LENGTH} characters."
    if not is_printable(name):
        return None, f"Row {number}: {PRINTABLE_ONLY}"
    return Person(number, name or name_from_email(email), email), None


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def name_from_email(email: str) -> str:
    """Guess a display name from an email: ``ada.lovelace@x`` gives ``Ada Lovelace``."""
    local = email.split("@", 1)[0]
    words = local.replace(".", " ").replace("_", " ").replace("-", " ").split()
    return " ".join(word.capitalize() for word in words)[:NAME_MAX_LENGTH] or local
