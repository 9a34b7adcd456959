"""Scores for the LMS: queued with each completion, sent after its commit, each once.

As the mail outbox does: a completion writes ``lti_grade`` rows in its own
transaction (so a score exists exactly when its completion does); a delivery
claims each row with a conditional UPDATE (so two processes never both send it),
sends it to the platform's AGS line item, and marks it sent once the platform
took it. A platform that is down leaves the row queued with a later time to try
(2, 4, 8 … minutes, at most 6 hours, 12 attempts); ``course lti send-grades``
(cron) and the next completion's delivery try again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import after_this_request, g, has_request_context
from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.orm import Session

from course.content import get_catalog
from course.db import new_session, utcnow
from course.lti import tool
from course.lti.launches import COURSE
from course.lti.models import LtiGrade, LtiLineItem, LtiPlatform
from course.progress.completions import Completion
from course.progress.state import progress_for_learner

log = logging.getLogger("course")

BATCH = 50
MAX_ATTEMPTS = 12
STALE_CLAIM = timedelta(minutes=15)  # far longer than a platform's timeout


def retry_delay(attempts: int) -> timedelta:
    """Wait longer after each failure: 2, 4, 8 … minutes, at most six hours."""
    return min(timedelta(minutes=2**attempts), timedelta(hours=6))


def queue_grades(session: Session, completion: Completion) -> None:
    """Queue the learner's scores for the links this completion finishes (a progress listener)."""
    rows = list(
        session.scalars(
            select(LtiLineItem).where(
                LtiLineItem.user_id == completion.user_id,
                or_(
                    and_(
                        LtiLineItem.item_kind == completion.kind,
                        LtiLineItem.item_slug == completion.slug,
                    ),
                    LtiLineItem.item_kind == COURSE,
                ),
            )
        )
    )
    _queue_scores(session, rows, completion.user_id, completion.at)


def queue_scores_not_sent(session: Session, user_id: int, at: datetime) -> None:
    """Queue the scores of the learner's links that never had one, for what is done already.

    A launch calls it: an item completed before its link was first launched has a
    score for the LMS too.
    """
    rows = list(
        session.scalars(
            select(LtiLineItem).where(
                LtiLineItem.user_id == user_id,
                ~select(LtiGrade.id).where(LtiGrade.line_item_id == LtiLineItem.id).exists(),
            )
        )
    )
    _queue_scores(session, rows, user_id, at, only_done=True)


def _queue_scores(
    session: Session, rows: list[LtiLineItem], user_id: int, at: datetime, *, only_done=False
) -> None:
    if not rows:
        return
    progress = progress_for_learner(session, get_catalog(), user_id)
    grades = []
    for row in rows:
        if row.item_kind == COURSE:
            if not progress.is_complete:
                continue  # the course's score goes once the course is complete
            score = progress.fraction
        else:
            state = progress.state_of(row.item_kind, row.item_slug)
            if state is None or (only_done and not state.is_done):
                continue
            score = state.best_score if state.best_score is not None else 1.0
        grades.append(
            {
                "line_item_id": row.id,
                "score": score,
                "completed_at": at,
                "queued_at": at,
                "next_try_at": at,
                "attempts": 0,
            }
        )
    if not grades:
        return
    statement = insert(LtiGrade).returning(LtiGrade.id, sort_by_parameter_order=True)
    ids = list(session.scalars(statement, grades))
    if has_request_context():
        _deliver_after_this_request(ids)


def _deliver_after_this_request(ids: list[int]) -> None:
    # The view commits before its response goes out: sending then finds the rows
    # committed, or finds nothing if the view rolled back.
    waiting = g.setdefault("lti_grade_ids", [])
    if not waiting:

        @after_this_request
        def deliver(response):
            deliver_grades(g.pop("lti_grade_ids", []))
            return response

    waiting.extend(ids)


@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0
    error: str | None = None


def _sendable(now: datetime):
    return and_(
        LtiGrade.sent_at.is_(None),
        LtiGrade.attempts < MAX_ATTEMPTS,
        LtiGrade.next_try_at <= now,
        or_(LtiGrade.claimed_at.is_(None), LtiGrade.claimed_at < now - STALE_CLAIM),
    )


def _claim(ids: list[int] | None, now: datetime) -> list[int]:
    with new_session(write=True) as session:
        query = select(LtiGrade.id).where(_sendable(now)).order_by(LtiGrade.id).limit(BATCH)
        if ids is not None:
            query = query.where(LtiGrade.id.in_(ids))
        wanted = list(session.scalars(query))
        if not wanted:
            return []
        # The conditions again in the UPDATE: of two processes after the same rows,
        # only one gets each (PostgreSQL re-reads a row it waited for).
        claimed = list(
            session.scalars(
                update(LtiGrade)
                .where(LtiGrade.id.in_(wanted), _sendable(now))
                .values(claimed_at=now)
                .returning(LtiGrade.id)
            )
        )
        session.commit()
        return sorted(claimed)


def _finish(grade_id: int, **values) -> None:
    with new_session(write=True) as session:
        session.execute(update(LtiGrade).where(LtiGrade.id == grade_id).values(**values))
        session.commit()


def deliver_grades(ids: list[int] | None = None) -> Delivery:
    """Send the queued scores that are due (only ``ids``, when given); never raise for a
    platform's sake: one that is down or refuses leaves its scores queued for later."""
    delivery = Delivery()
    tried: set[int] = set()
    while True:
        claimed = [grade_id for grade_id in _claim(ids, utcnow()) if grade_id not in tried]
        if not claimed:
            return delivery
        tried.update(claimed)
        with new_session() as session:
            rows = session.execute(
                select(LtiGrade, LtiLineItem, LtiPlatform)
                .join(LtiLineItem, LtiLineItem.id == LtiGrade.line_item_id)
                .join(LtiPlatform, LtiPlatform.id == LtiLineItem.platform_id)
                .where(LtiGrade.id.in_(claimed))
                .order_by(LtiGrade.id)
            ).all()
        for grade, line_item, platform in rows:
            try:
                tool.send_score(
                    platform,
                    lineitem_url=line_item.lineitem_url,
                    scopes=line_item.scopes.split(),
                    subject=line_item.subject,
                    score=grade.score,
                    at=grade.completed_at,
                )
            except tool.PLATFORM_ERRORS as error:
                words = f"{type(error).__name__}: {error}"[:300]
                log.warning("LTI grade %s not sent: %s", grade.id, words)
                now = utcnow()
                _finish(
                    grade.id,
                    claimed_at=None,
                    attempts=grade.attempts + 1,
                    next_try_at=now + retry_delay(grade.attempts + 1),
                    last_error=words,
                )
                delivery.failed += 1
                delivery.error = words
                continue
            _finish(grade.id, sent_at=utcnow(), claimed_at=None)
            delivery.sent += 1


def pending_count() -> int:
    """Count the scores not yet sent (those given up on included)."""
    with new_session() as session:
        return session.scalar(
            select(func.count()).select_from(LtiGrade).where(LtiGrade.sent_at.is_(None))
        )
