"""Quiz drafts: the answers a learner saved part-way through an attempt, to finish later.

A draft belongs to one learner, quiz and attempt number. It is never graded and
writes no learning record: saving replaces it, submitting the attempt removes it.
Its answers are checked against the quiz by the caller before they are saved.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, delete, select
from sqlalchemy.orm import Session

from course.content.model import Quiz
from course.db import insert_for
from course.progress.models import QuizDraft


def save_draft(
    session: Session,
    *,
    user_id: int,
    quiz: Quiz,
    number: int,
    fields: Iterable[tuple[str, str]],
    started_at: datetime,
    now: datetime,
) -> None:
    """Keep ``fields`` (answer field name, value) as the draft of this attempt, replacing any."""
    table = QuizDraft.__table__
    pairs = [[name, value] for name, value in fields]
    statement = insert_for(session, table).values(
        user_id=user_id,
        quiz_slug=quiz.slug,
        number=number,
        content_version=quiz.version,
        fields=pairs,
        started_at=min(started_at, now),
        saved_at=now,
    )
    # An upsert, so two tabs (or the script and the button) saving at once cannot clash;
    # the attempt keeps the start of whichever save came first.
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.user_id, table.c.quiz_slug, table.c.number],
        set_={"fields": pairs, "content_version": quiz.version, "saved_at": now},
    )
    session.execute(statement)


def find_draft(session: Session, user_id: int, slug: str, number: int) -> QuizDraft | None:
    """Return the learner's draft of attempt ``number`` at a quiz, or None."""
    return session.scalar(
        select(QuizDraft).where(
            QuizDraft.user_id == user_id, QuizDraft.quiz_slug == slug, QuizDraft.number == number
        )
    )


def discard_drafts(session: Session, user_id: int, slug: str) -> None:
    """Remove the learner's drafts of a quiz (its attempt was submitted)."""
    session.execute(
        delete(QuizDraft).where(QuizDraft.user_id == user_id, QuizDraft.quiz_slug == slug)
    )


def drafts_saved_at(connection: Connection, user_id: int) -> dict[str, datetime]:
    """Return when the learner last saved a draft of each quiz, by quiz slug."""
    rows = connection.execute(
        select(QuizDraft.quiz_slug, QuizDraft.saved_at).where(QuizDraft.user_id == user_id)
    )
    saved: dict[str, datetime] = {}
    for slug, saved_at in rows:
        saved[slug] = max(saved_at, saved.get(slug, saved_at))
    return saved
