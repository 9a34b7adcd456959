"""Telling people they were added: set-password links and invitations, mailed or handed over.

With mail set up, each new account's set-password link and each existing
account's invitation go into the outbox in the enrolment's own transaction.
Without it, the manager gets the links on the page and as a CSV to download.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from urllib.parse import quote

from sqlalchemy.orm import Session

from course import mail
from course.auth.models import User
from course.auth.password_links import TOKEN_LIFETIME
from course.mail.outbox import link_to, queue_mails, render_mail
from course.manage.enrolment import Enrolment
from course.manage.export import safe_cell
from course.membership import Cohort


def _set_password_mail(cohort: Cohort, user: User, token: str, *, is_new_link: bool):
    return render_mail(
        "set_password",
        to=user.email,
        subject=(
            f"A new link to set your password for “{cohort.name}”"
            if is_new_link
            else f"You are invited to “{cohort.name}”"
        ),
        name=user.name,
        cohort_name=cohort.name,
        link=link_to("auth.set_password", token=token),
        lifetime_days=TOKEN_LIFETIME.days,
        is_new_link=is_new_link,
    )


def mail_enrolment(
    session: Session, cohort: Cohort, enrolment: Enrolment, now: datetime
) -> list[int]:
    """Queue the set-password links of new accounts and an invitation to existing ones; return ids.

    Queues nothing when the site sends no mail.
    """
    if not mail.is_configured():
        return []
    mails = [
        _set_password_mail(cohort, user, token, is_new_link=False)
        for user, token in enrolment.created
    ]
    # Signing in leads to the invitations page while one waits.
    sign_in = link_to("auth.login")
    mails += [
        render_mail(
            "added",
            to=user.email,
            subject=f"You are invited to “{cohort.name}”",
            name=user.name,
            cohort_name=cohort.name,
            link=sign_in,
        )
        for user in enrolment.invitees
    ]
    return queue_mails(session, mails, now)


def mail_password_link(
    session: Session, cohort: Cohort, user: User, token: str, now: datetime
) -> list[int]:
    """Queue a new set-password link for ``user``; nothing when the site sends no mail."""
    if not mail.is_configured():
        return []
    return queue_mails(session, [_set_password_mail(cohort, user, token, is_new_link=True)], now)


def links_csv_address(links: list[tuple[User, str]]) -> str:
    """Return the links as a CSV of name, email and link, in a ``data:`` address to download.

    Made in the page rather than kept on the server: the links exist only in
    this response, as their tokens are stored hashed.
    """
    out = io.StringIO()
    out.write("\ufeff")  # a byte order mark, so spreadsheets read the file as UTF-8
    writer = csv.writer(out)
    writer.writerow(["name", "email", "link"])
    writer.writerows([safe_cell(user.name), safe_cell(user.email), link] for user, link in links)
    return "data:text/csv;charset=utf-8," + quote(out.getvalue())
