"""Outboxes: rows queued with an action and sent after its commit, each by one process, once.

The mail outbox and the LTI grade outbox share these mechanics; each keeps only
what it sends and how. A row is written in the action's own transaction, so it
exists exactly when the action happened; a delivery claims it (``claimed_at``) so
that no second process sends it too, sends it, and marks it sent as soon as the
other end took it. A failure leaves the row queued with a later time to try, up to
``MAX_ATTEMPTS``; then it is left unsent, for an operator to look at.

The functions here commit, each in a session of its own, and often on purpose: a
claim must be visible to every other process before the row goes out, and a row
must be marked sent as soon as it was taken, so that neither a second process nor
a later failure can send it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import String

from course.db import UTCDateTime, new_session, utcnow

BATCH = 50  # rows claimed at a time
MAX_ATTEMPTS = 12  # then a row is left unsent, for an operator to look at
# A claim older than this belonged to a process that died while sending: far
# longer than any server's timeout, so a live sender is never overtaken.
STALE_CLAIM = timedelta(minutes=15)
ERROR_LENGTH = 300  # characters of the last failure kept on a row


def retry_delay(attempts: int) -> timedelta:
    """Wait longer after each failure: 2, 4, 8 … minutes, at most six hours."""
    return min(timedelta(minutes=2**attempts), timedelta(hours=6))


class OutboxRow:
    """The columns that track a queued row's delivery (a mixin for an outbox's model)."""

    queued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    next_try_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    last_error: Mapped[str | None] = mapped_column(String(ERROR_LENGTH))


@dataclass
class Delivery:
    """What one delivery did."""

    sent: int = 0
    failed: int = 0  # tried and left queued for a later try
    error: str | None = None  # the last failure, in the other end's or the system's words


@dataclass(frozen=True)
class Outbox:
    """Claiming, marking and counting the rows of one outbox table."""

    model: Any  # a mapped class with an integer ``id`` and the ``OutboxRow`` columns

    def sendable(self, now: datetime) -> ColumnElement[bool]:
        """Return the condition on a row due to be sent and not claimed by a live process."""
        row = self.model
        return and_(
            row.sent_at.is_(None),
            row.attempts < MAX_ATTEMPTS,
            row.next_try_at <= now,
            or_(row.claimed_at.is_(None), row.claimed_at < now - STALE_CLAIM),
        )

    def claim(self, ids: list[int] | None, now: datetime) -> list[int]:
        """Claim up to a batch of due rows (among ``ids``, when given); return those it got."""
        row = self.model
        with new_session(write=True) as session:
            candidates: Select = select(row.id).where(self.sendable(now)).order_by(row.id)
            if ids is not None:
                candidates = candidates.where(row.id.in_(ids))
            wanted = list(session.scalars(candidates.limit(BATCH)))
            if not wanted:
                return []
            # The same conditions again in the UPDATE: of two processes after the same
            # rows, the second finds them claimed (PostgreSQL re-reads a row it waited
            # for; SQLite lets one writer in at a time), so only one gets each.
            claimed = list(
                session.scalars(
                    update(row)
                    .where(row.id.in_(wanted), self.sendable(now))
                    .values(claimed_at=now)
                    .returning(row.id)
                )
            )
            session.commit()
            return sorted(claimed)

    def _update(self, row_id: int, **values) -> None:
        with new_session(write=True) as session:
            session.execute(update(self.model).where(self.model.id == row_id).values(**values))
            session.commit()

    def mark_sent(self, row_id: int, **values) -> None:
        """Mark a row sent and unclaimed, setting ``values`` too."""
        self._update(row_id, sent_at=utcnow(), claimed_at=None, **values)

    def mark_failed(self, row_id: int, attempts: int, error: Exception) -> str:
        """Give a row back to try later, after a longer wait; return the failure in words."""
        words = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
        self._update(
            row_id,
            claimed_at=None,
            attempts=attempts + 1,
            next_try_at=utcnow() + retry_delay(attempts + 1),
            last_error=words,
        )
        return words

    def release(self, ids: list[int]) -> None:
        """Give back claims on rows this process did not try."""
        if ids:
            with new_session(write=True) as session:
                session.execute(
                    update(self.model).where(self.model.id.in_(ids)).values(claimed_at=None)
                )
                session.commit()

    def unsent_count(self) -> int:
        """Count the rows not yet sent (those given up on included)."""
        with new_session() as session:
            return session.scalar(
                select(func.count()).select_from(self.model).where(self.model.sent_at.is_(None))
            )
