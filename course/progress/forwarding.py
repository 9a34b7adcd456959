"""Forwarding learning records to the learning record store, each accepted once.

Which records: every record of a learner who has joined at least one cohort, the
consent rule the managers' exports follow. The store belongs to the site's operator
and is read by the organisation, as the cohorts' reports are; a learner who signed up
on their own, or was only invited, has not agreed to that, so their records stay on
the site until they join (then all of them go, earlier ones too, as in the export).

How once: each batch is claimed (a row per record in ``xapi_delivery``, inserted
only where none exists, so of two forwarders only one gets each record), posted,
and marked delivered only when the store accepted it. A batch that fails has its
claims deleted, so the next run sends it again; the statement ids are stable, so a
store that did take a batch whose answer was lost drops the repeat (or answers
409, which counts as delivered). Like the mail outbox, this module commits often on
purpose: a claim must be visible before the batch goes out, and a delivery marked
as soon as the store took it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, or_, select, update

from course.db import insert_for, new_session, utcnow
from course.membership import joined_learner_ids
from course.progress.lrs import LrsClient, Outcome
from course.progress.models import LearningRecord, XapiDelivery
from course.progress.xapi import record_statements
from course.site.identity import site_uuid

BATCH = 100  # statements per request
COMMAND_BUDGET = 600.0  # seconds a run goes on starting new requests
# A claim older than this belonged to a forwarder that died mid-batch: longer than a
# run's budget plus one request's timeouts, so a live forwarder is never overtaken.
STALE_CLAIM = timedelta(minutes=15)


@dataclass(frozen=True)
class Rejection:
    record_id: int
    statement_id: str
    detail: str


@dataclass
class Forwarding:
    """What one run did, for the command to tell."""

    sent: int = 0  # statements the store accepted
    duplicates: int = 0  # statements it had already (409), counted as delivered
    batches: list[str] = field(default_factory=list)  # one line per batch sent
    rejected: list[Rejection] = field(default_factory=list)  # left undelivered
    stopped: str | None = None  # why the run stopped early, in the store's or system's words
    is_misconfigured: bool = False  # the stop was the settings' fault, not the store's health


def _waiting(now: datetime):
    """Records to forward: a joined learner's, with no delivery row or only a stale claim."""
    return and_(
        LearningRecord.user_id.in_(joined_learner_ids()),
        or_(
            XapiDelivery.learning_record_id.is_(None),
            and_(XapiDelivery.delivered_at.is_(None), XapiDelivery.claimed_at < now - STALE_CLAIM),
        ),
    )


def _outer_join(query):
    return query.outerjoin(XapiDelivery, XapiDelivery.learning_record_id == LearningRecord.id)


def _claim(after: int, now: datetime, size: int) -> tuple[int | None, list[int]]:
    """Claim the next records past ``after``; return the last one looked at and those claimed."""
    with new_session(write=True) as session:
        wanted = list(
            session.scalars(
                _outer_join(select(LearningRecord.id))
                .where(LearningRecord.id > after, _waiting(now))
                .order_by(LearningRecord.id)
                .limit(size)
            )
        )
        if not wanted:
            return None, []
        # A new claim is a new row: the primary key lets one forwarder in and the
        # other's insert does nothing (PostgreSQL makes it wait for the first to commit).
        table = XapiDelivery.__table__
        claimed = set(
            session.scalars(
                insert_for(session, table)
                .values([{"learning_record_id": record, "claimed_at": now} for record in wanted])
                .on_conflict_do_nothing(index_elements=[table.c.learning_record_id])
                .returning(table.c.learning_record_id)
            )
        )
        # A stale claim is taken over only if it is still stale when the UPDATE gets it.
        if stale := [record for record in wanted if record not in claimed]:
            claimed.update(
                session.scalars(
                    update(XapiDelivery)
                    .where(
                        XapiDelivery.learning_record_id.in_(stale),
                        XapiDelivery.delivered_at.is_(None),
                        XapiDelivery.claimed_at < now - STALE_CLAIM,
                    )
                    .values(claimed_at=now)
                    .returning(XapiDelivery.learning_record_id)
                )
            )
        session.commit()
        return wanted[-1], sorted(claimed)


def _mark_delivered(record_ids: list[int]) -> None:
    with new_session(write=True) as session:
        session.execute(
            update(XapiDelivery)
            .where(XapiDelivery.learning_record_id.in_(record_ids))
            .values(delivered_at=utcnow())
        )
        session.commit()


def _release(record_ids: list[int]) -> None:
    """Give back the claims on records not delivered, for a later run."""
    if record_ids:
        with new_session(write=True) as session:
            session.execute(
                delete(XapiDelivery).where(
                    XapiDelivery.learning_record_id.in_(record_ids),
                    XapiDelivery.delivered_at.is_(None),
                )
            )
            session.commit()


def forward_records(
    lrs: LrsClient, *, base_url: str, batch_size: int = BATCH, budget: float = COMMAND_BUDGET
) -> Forwarding:
    """Send every waiting record to the store, a batch at a time, for at most ``budget`` seconds.

    Never raises for the store's sake: whatever it did not accept waits for the next run.
    """
    forwarding = Forwarding()
    with new_session(write=True) as session:
        site_id = site_uuid(session, utcnow())
        session.commit()
    deadline = time.monotonic() + budget
    after = 0
    # Each turn moves ``after`` past at least one record, so the loop ends.
    while time.monotonic() < deadline:
        last, claimed = _claim(after, utcnow(), batch_size)
        if last is None:
            break
        after = last
        if not claimed:
            continue  # another forwarder has these
        with new_session() as session:
            batch = record_statements(session, claimed, base_url=base_url, site_id=site_id)
        _release(sorted(set(claimed) - {record for record, _ in batch}))  # deleted meanwhile
        if batch and not _send(lrs, batch, forwarding, deadline):
            break
    return forwarding


def _send(lrs: LrsClient, batch: list[tuple[int, dict]], forwarding, deadline) -> bool:
    """Send one batch; return whether the run may go on."""
    record_ids = [record for record, _ in batch]
    reply = lrs.post([body for _, body in batch])
    if len(record_ids) == 1:
        span = f"learning record {record_ids[0]}"
    else:
        span = f"learning records {record_ids[0]}-{record_ids[-1]}"
    if reply.outcome is Outcome.ACCEPTED:
        _mark_delivered(record_ids)
        forwarding.sent += len(batch)
        count = "1 statement" if len(batch) == 1 else f"{len(batch)} statements"
        forwarding.batches.append(f"sent {count} ({span})")
        return True
    if reply.outcome in (Outcome.UNAVAILABLE, Outcome.MISCONFIGURED):
        _release(record_ids)
        forwarding.stopped = f"{reply.detail} (at {span})"
        forwarding.is_misconfigured = reply.outcome is Outcome.MISCONFIGURED
        return False
    if len(batch) == 1:
        record_id, body = batch[0]
        if reply.outcome is Outcome.CONFLICT:
            _mark_delivered(record_ids)
            forwarding.duplicates += 1
        else:
            _release(record_ids)
            forwarding.rejected.append(Rejection(record_id, body["id"], reply.detail))
        return True
    # A batch refused whole (one statement the store will not take, or one it holds
    # in another form) goes again one statement at a time, so that the rest get in
    # and the refusal names its statement.
    for position, single in enumerate(batch):
        if time.monotonic() >= deadline:
            _release(record_ids[position:])  # the next run takes them
            return False
        if not _send(lrs, [single], forwarding, deadline):
            _release(record_ids[position + 1 :])
            return False
    return True


def waiting_count() -> int:
    """Count the records that a run would send now (claimed ones included)."""
    with new_session() as session:
        return session.scalar(
            _outer_join(select(func.count(LearningRecord.id))).where(
                LearningRecord.user_id.in_(joined_learner_ids()),
                XapiDelivery.delivered_at.is_(None),
            )
        )
