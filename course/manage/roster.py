"""Reading a list of people (name, email), typed in a form or uploaded as a roster CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

MAX_ROWS = 500
MAX_BYTES = 100 * 1024
MAX_NAME_LENGTH = 120
MAX_EMAIL_LENGTH = 254


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
    rows = list(csv.reader(io.StringIO(text)))
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
    if len([cell for cell in cells if cell]) == 1 and "@" in "".join(cells):
        name, email = "", "".join(cells)  # an email on its own
    else:
        if len(cells) > 2 and any(cells[2:]) and columns == {"name": 0, "email": 1}:
            return None, f"Row {number}: {len(cells)} columns; use two, name and email."
        name = _cell(cells, columns.get("name"))
        email = _cell(cells, columns.get("email"))
    if not email:
        return None, f"Row {number}: no email."
    if len(email) > MAX_EMAIL_LENGTH:
        return None, f"Row {number}: the email is longer than {MAX_EMAIL_LENGTH} characters."
    # Imported here: compiling its patterns costs every process 20 ms at start-up,
    # and only a list of people a manager adds needs them.
    from email_validator import EmailNotValidError, validate_email

    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None, f"Row {number}: '{email[:60]}' is not an email address."
    if len(name) > MAX_NAME_LENGTH:
        return None, f"Row {number}: the name is longer than {MAX_NAME_LENGTH} characters."
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        return None, f"Row {number}: the name contains control characters."
    return Person(number, name or name_from_email(email), email), None


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def name_from_email(email: str) -> str:
    """Guess a display name from an email: ``ada.lovelace@x`` gives ``Ada Lovelace``."""
    local = email.split("@", 1)[0]
    words = local.replace(".", " ").replace("_", " ").replace("-", " ").split()
    return " ".join(word.capitalize() for word in words)[:MAX_NAME_LENGTH] or local
