"""The outbox of mail to send, and which reminders each learner was sent."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course.db import Model, UTCDateTime
from course.outbox import OutboxRow


class OutboxMail(OutboxRow, Model):
    """One mail to one address, queued with the action that wanted it and sent after its commit.

    A row is claimed (``claimed_at``) by the one process sending it, and marked
    sent only once the SMTP server accepted it; its bodies are then emptied, as
    they may hold a set-password link that must not outlive its delivery.
    """

    __tablename__ = "outbox_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)


class SentReminder(Model):
    """A reminder (or a manager's digest) queued once for a person, cohort, kind and date.

    The unique constraint is the once-only rule: a second run, or a second
    process running at the same moment, cannot record the same reminder again.
    """

    __tablename__ = "sent_reminder"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id", "kind", "about_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # The date the reminder is about: the due date, the last day of activity, or the digest's day.
    about_on: Mapped[date]
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime())
