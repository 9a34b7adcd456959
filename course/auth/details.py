"""What a person's name and email address may be: the one rule the forms, the roster and
the command line all apply."""

from __future__ import annotations

NAME_MAX_LENGTH = 120
EMAIL_MAX_LENGTH = 254
PRINTABLE_ONLY = "Use letters, digits, spaces and punctuation only."


class NotAnEmailError(ValueError):
    """Text that is not an email address; the message says why."""


def is_printable(text: str) -> bool:
    """Say whether ``text`` is free of control characters (C0, DEL and C1).

    No name needs them; they break the layout of pages and CSV exports, and a
    database may reject them.
    """
    return not any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in text)


def name_problem(name: str) -> str | None:
    """Say what is wrong with a person's name (blank, too long, control characters), or None."""
    if not name.strip():
        return "A name is needed."
    if len(name) > NAME_MAX_LENGTH:
        return f"Use at most {NAME_MAX_LENGTH} characters."
    if not is_printable(name):
        return PRINTABLE_ONLY
    return None


def normalised_email(email: str) -> str:
    """Return ``email`` as accounts keep it; ``NotAnEmailError`` says why if it is not one."""
    if len(email) > EMAIL_MAX_LENGTH:
        raise NotAnEmailError(f"It is longer than {EMAIL_MAX_LENGTH} characters.")
    # Imported here: compiling its patterns costs every process 20 ms at start-up, and
    # only a form, a list of people or a command that takes an email needs them.
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise NotAnEmailError(str(error)) from None
