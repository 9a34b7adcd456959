"""Queueing mail: rows written in the caller's transaction, rendered from templates/mail/."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app, has_request_context, render_template, url_for
from sqlalchemy import insert
from sqlalchemy.orm import Session

from course.mail.models import OutboxMail


class MailSetupError(RuntimeError):
    """Mail cannot be written as configured; the message says which setting to fix."""


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str


def render_mail(template: str, *, to: str, subject: str, **context) -> Mail:
    """Render ``mail/<template>.txt`` and ``.html`` into one mail to ``to``."""
    context.update(subject=subject)
    return Mail(
        to=to,
        subject=subject,
        text=render_template(f"mail/{template}.txt", **context),
        html=render_template(f"mail/{template}.html", **context),
    )


def link_to(endpoint: str, **values) -> str:
    """Return the full address of a page for a mail: under COURSE_BASE_URL, else this request's."""
    base_url = current_app.config["BASE_URL"]
    if base_url is None:
        if has_request_context():
            return url_for(endpoint, _external=True, **values)
        raise MailSetupError(
            "COURSE_BASE_URL is not set, so mail cannot link to the site: "
            "set it to the site's public address, like https://learn.example.com"
        )
    parts = urlsplit(base_url)
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def queue_mails(session: Session, mails: list[Mail], now: datetime) -> list[int]:
    """Add the mails to the outbox, to be sent once the caller commits; return their ids."""
    if not mails:
        return []
    rows = [
        {
            "to_address": mail.to,
            "subject": mail.subject,
            "text_body": mail.text,
            "html_body": mail.html,
            "queued_at": now,
            "next_try_at": now,
            "attempts": 0,
        }
        for mail in mails
    ]
    return list(
        session.scalars(
            insert(OutboxMail).returning(OutboxMail.id, sort_by_parameter_order=True), rows
        )
    )
