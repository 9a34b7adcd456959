"""Sending what the mail outbox holds: each mail built and handed to the SMTP server.

Claiming, marking and the retry schedule belong to ``course.outbox``, whose
functions commit in sessions of their own: this runs after the action's commit,
and is the one place in the mail package that commits.
"""

from __future__ import annotations

import smtplib
import time
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from course.db import new_session, utcnow
from course.mail.models import OutboxMail
from course.mail.sender import SmtpConnection, email_message, parse_smtp_url
from course.outbox import Delivery, Outbox

OUTBOX = Outbox(OutboxMail)

# Seconds to wait for each answer of the server, and for a whole delivery: a
# page stops sending after its budget (what is left stays queued for
# `course remind`), well before a proxy or gunicorn would give up on it.
SERVER_TIMEOUT = 5.0
AFTER_COMMIT_BUDGET = 10.0
COMMAND_BUDGET = 600.0

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
            claimed = OUTBOX.claim(ids, utcnow())
            if not claimed:
                break
            with new_session() as session:
                mails = list(session.scalars(select(OutboxMail).where(OutboxMail.id.in_(claimed))))
            mails.sort(key=lambda mail: mail.id)
            for position, mail in enumerate(mails):
                if time.monotonic() >= deadline:
                    OUTBOX.release([later.id for later in mails[position:]])
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
                    delivery.error = OUTBOX.mark_failed(mail.id, mail.attempts, error)
                    continue
                except (smtplib.SMTPException, OSError) as error:
                    return _server_failed(delivery, connection, mails, position, error)
                # The bodies go with the delivery: they may hold a set-password link.
                OUTBOX.mark_sent(mail.id, text_body="", html_body="")
                delivery.sent += 1
    finally:
        connection.close()
    return delivery


def _server_failed(delivery, connection, mails, position, error) -> Delivery:
    """The server is down or gone: this mail failed, the rest wait untried."""
    delivery.failed += 1
    delivery.error = OUTBOX.mark_failed(mails[position].id, mails[position].attempts, error)
    OUTBOX.release([later.id for later in mails[position + 1 :]])
    connection.close(politely=False)
    return delivery


def queued_count() -> int:
    """Count the mails still waiting to be sent (those given up on included)."""
    return OUTBOX.unsent_count()
