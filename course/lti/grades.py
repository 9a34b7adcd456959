"""Scores for the LMS: queued with each completion, sent after its commit, each once.

As the mail outbox does: a completion writes ``lti_grade`` rows in its own
transaction (so a score exists exactly when its completion does); a delivery
claims each row with a conditional UPDATE (so two processes never both send it),
sends it to the platform's AGS line item, and marks it sent once the platform
took it. A platform that is down leaves the row queued with a later time to try
(``course.outbox`` owns the claims and the retry schedule); ``course lti
send-grades`` (cron) and the next completion's delivery try again.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import after_this_request, g, has_request_context
from sqlalchemy import and_, insert, or_, select
from sqlalchemy.orm import Session

from course.content import get_catalog
from course.db import new_session, utcnow
from course.lti import tool
from course.lti.launches import COURSE
from course.lti.models import LtiGrade, LtiLineItem, LtiPlatform
from course.outbox import Delivery, Outbox
from course.progress.completions import Completion
from course.progress.state import progress_for_learner

log = logging.getLogger("course")

OUTBOX = Outbox(LtiGrade)


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
    progress = progress_for_learner(session.connection(), get_catalog(), user_id)
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


def deliver_grades(ids: list[int] | None = None) -> Delivery:
    """Send the queued scores that are due (only ``ids``, when given); never raise for a
    platform's sake: one that is down or refuses leaves its scores queued for later."""
    delivery = Delivery()
    tried: set[int] = set()
    while True:
        claimed = [grade_id for grade_id in OUTBOX.claim(ids, utcnow()) if grade_id not in tried]
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
                words = OUTBOX.mark_failed(grade.id, grade.attempts, error)
                log.warning("LTI grade %s not sent: %s", grade.id, words)
                delivery.failed += 1
                delivery.error = words
                continue
            OUTBOX.mark_sent(grade.id)
            delivery.sent += 1


def pending_count() -> int:
    """Count the scores not yet sent (those given up on included)."""
    return OUTBOX.unsent_count()
