"""Sending what the outbox holds: each mail claimed by one process, marked sent once accepted.

This is the one place in the mail package that commits, and it commits often on
purpose: a claim must be visible to every other process before the mail goes
out, and a mail must be marked sent as soon as the server took it, so that
neither a second process nor a later failure can send it again. It runs after
the action's own commit, in sessions of its own.
"""

from __future__ import annotations

import smtplib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import Select, and_, func, or_, select, update

from course.db import new_session, utcnow
from course.mail.models import OutboxMail
from course.mail.sender import SmtpConnection, email_message, parse_smtp_url

BATCH = 50  # mails claimed at a time
MAX_ATTEMPTS = 12  # then a mail is left unsent, for an operator to look at
# A claim older than this belonged to a process that died while sending:
# far longer than any SMTP timeout, so a live sender is never overtaken.
STALE_CLAIM = timedelta(minutes=15)
# Seconds to wait for each answer of the server, and for a whole delivery: a
# page stops sending after its budget (what is left stays queued for
# `course remind`), well before a proxy or gunicorn would give up on it.
SERVER_TIMEOUT = 5.0
AFTER_COMMIT_BUDGET = 10.0
COMMAND_BUDGET = 600.0


def retry_delay(attempts: int) -> timedelta:
    """Wait longer after each failure: 2, 4, 8 … minutes, at most six hours."""
    return min(timedelta(minutes=2**attempts), timedelta(hours=6))


# Errors that concern one mail (this recipient, this content); anything else
# from smtplib or the socket means the server or the way to it is down.
# (ValueError and UnicodeError: an address or header this mail cannot carry.)
MAIL_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPNotSupportedError,
    ValueError,
    UnicodeError,
)


@dataclass
class Delivery:
    """What one delivery did."""

    sent: int = 0
    failed: int = 0  # tried and left queued for a later try
    error: str | None = None  # the last failure, in the server's or the system's words


def _sendable(now: datetime):
    return and_(
        OutboxMail.sent_at.is_(None),
        OutboxMail.attempts < MAX_ATTEMPTS,
        OutboxMail.next_try_at <= now,
        or_(OutboxMail.claimed_at.is_(None), OutboxMail.claimed_at < now - STALE_CLAIM),
    )


def _claim(ids: list[int] | None, now: datetime) -> list[int]:
    """Claim up to a batch of mails for this process; return those it got."""
    with new_session(write=True) as session:
        candidates: Select = select(OutboxMail.id).where(_sendable(now)).order_by(OutboxMail.id)
        if ids is not None:
            candidates = candidates.where(OutboxMail.id.in_(ids))
        wanted = list(session.scalars(candidates.limit(BATCH)))
        if not wanted:
            return []
        # The same conditions again in the UPDATE: of two processes after the same
        # rows, the second finds them claimed (PostgreSQL re-reads a row it waited
        # for; SQLite lets one writer in at a time), so only one gets each.
        claimed = list(
            session.scalars(
                update(OutboxMail)
                .where(OutboxMail.id.in_(wanted), _sendable(now))
                .values(claimed_at=now)
                .returning(OutboxMail.id)
            )
        )
        session.commit()
        return sorted(claimed)


def _finish(mail_id: int, **values) -> None:
    with new_session(write=True) as session:
        session.execute(update(OutboxMail).where(OutboxMail.id == mail_id).values(**values))
        session.commit()


def _failed(mail_id: int, attempts: int, error: Exception) -> str:
    now = utcnow()
    words = f"{type(error).__name__}: {error}"[:300]
    _finish(
        mail_id,
        claimed_at=None,
        attempts=attempts + 1,
        next_try_at=now + retry_delay(attempts + 1),
        last_error=words,
    )
    return words


def _release(mail_ids: list[int]) -> None:
    """Give back claims on mails this process did not try."""
    if mail_ids:
        with new_session(write=True) as session:
            session.execute(
                update(OutboxMail).where(OutboxMail.id.in_(mail_ids)).values(claimed_at=None)
            )
            session.commit()


def deliver_queued(ids: list[int] | None = None, *, budget: float = COMMAND_BUDGET) -> Delivery:
    """Send the queued mails that are due (only ``ids``, when given) for at most ``budget`` seconds.

    Never raises for the server's sake: a server that is down, slow or refusing
    leaves the mails queued with a later time to try again.
    """
    config = current_app.config
    delivery = Delivery()
    if not config.get("SMTP_URL"):
        return delivery
    server = parse_smtp_url(config["SMTP_URL"])
    sender = config["MAIL_FROM"]
    domain = sender.rpartition("@")[2] or urlsplit(config["BASE_URL"] or "").hostname or "localhost"
    deadline = time.monotonic() + budget
    connection = SmtpConnection(server, timeout=SERVER_TIMEOUT)
    try:
        while time.monotonic() < deadline:
            claimed = _claim(ids, utcnow())
            if not claimed:
                break
            with new_session() as session:
                mails = list(session.scalars(select(OutboxMail).where(OutboxMail.id.in_(claimed))))
            mails.sort(key=lambda mail: mail.id)
            for position, mail in enumerate(mails):
                if time.monotonic() >= deadline:
                    _release([later.id for later in mails[position:]])
                    return delivery
                try:
                    if connection.smtp is None:
                        connection.open()
                except (smtplib.SMTPException, OSError) as error:  # a refused certificate too
                    return _server_failed(delivery, connection, mails, position, error)
                try:
                    connection.send(
                        email_message(
                            sender=sender,
                            to=mail.to_address,
                            subject=mail.subject,
                            text=mail.text_body,
                            html=mail.html_body,
                            domain=domain,
                        )
                    )
                except MAIL_ERRORS as error:
                    delivery.failed += 1
                    delivery.error = _failed(mail.id, mail.attempts, error)
                    continue
                except (smtplib.SMTPException, OSError) as error:
                    return _server_failed(delivery, connection, mails, position, error)
                _finish(mail.id, sent_at=utcnow(), claimed_at=None, text_body="", html_body="")
                delivery.sent += 1
    finally:
        connection.close()
    return delivery


def _server_failed(delivery, connection, mails, position, error) -> Delivery:
    """The server is down or gone: this mail failed, the rest wait untried."""
    delivery.failed += 1
    delivery.error = _failed(mails[position].id, mails[position].attempts, error)
    _release([later.id for later in mails[position + 1 :]])
    connection.close(politely=False)
    return delivery


def queued_count() -> int:
    """Count the mails still waiting to be sent (those given up on included)."""
    with new_session() as session:
        return session.scalar(
            select(func.count()).select_from(OutboxMail).where(OutboxMail.sent_at.is_(None))
        )
