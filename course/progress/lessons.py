"""Lesson progress: opened and completed, one row per learner and lesson."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.orm import Session

from course.db import insert_for
from course.progress.completions import Completion, tell_completed
from course.progress.models import LessonProgress
from course.progress.records import Verb, record_event
from course.progress.summaries import record_item

# Reopening a lesson within this interval is not written again: the outline
# shows activity by the day, and a page view should rarely cost a write.
ACTIVITY_GRANULARITY = timedelta(minutes=1)


def is_worth_recording(last_activity_at: datetime | None, now: datetime) -> bool:
    """Tell whether opening a lesson last worked on at ``last_activity_at`` is written again."""
    return last_activity_at is None or now - last_activity_at >= ACTIVITY_GRANULARITY


def record_lesson_opened(session: Session, user_id: int, slug: str, now: datetime) -> None:
    """Note that the learner opened the lesson.

    An upsert, so two tabs opening the lesson at once cannot clash; the first
    opening ever is also a learning record, written with it.
    """
    table = LessonProgress.__table__
    statement = insert_for(session, table).values(
        user_id=user_id, lesson_slug=slug, first_opened_at=now, last_opened_at=now
    )
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.user_id, table.c.lesson_slug],
        set_={"last_opened_at": now},
    ).returning(table.c.first_opened_at)
    first_opened_at = session.execute(statement).scalar_one()
    record_item(session, user_id, "lesson", slug)
    if first_opened_at == now:
        record_event(session, user_id=user_id, verb=Verb.OPENED, kind="lesson", slug=slug, at=now)


def complete_lesson(session: Session, user_id: int, slug: str, now: datetime) -> None:
    """Mark the lesson complete; completing it again keeps the first completion (and record)."""
    table = LessonProgress.__table__
    statement = insert_for(session, table).values(
        user_id=user_id,
        lesson_slug=slug,
        first_opened_at=now,
        last_opened_at=now,
        completed_at=now,
    )
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.user_id, table.c.lesson_slug],
        set_={
            "completed_at": func.coalesce(table.c.completed_at, now),
            "last_opened_at": now,
        },
    ).returning(table.c.completed_at)
    completed_at = session.execute(statement).scalar_one()
    record_item(session, user_id, "lesson", slug)
    if completed_at == now:
        record_event(
            session,
            user_id=user_id,
            verb=Verb.COMPLETED,
            kind="lesson",
            slug=slug,
            at=now,
            is_completion=True,
        )
        tell_completed(session, Completion(user_id=user_id, kind="lesson", slug=slug, at=now))
