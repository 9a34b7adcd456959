"""Draws: which of a quiz's questions one attempt gets, picked once and kept.

A quiz with ``sections`` gives each attempt ``draw`` questions of each section.
The draw is made when the attempt is first shown and stored, so a reload or
another device shows the same questions, the submission is graded on them, and
the next attempt (a new number) draws afresh. A quiz whose attempts get every
question needs no draw and no row.
"""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from course.content.model import Quiz
from course.db import insert_for
from course.progress.models import QuizDraw


def find_draw(session: Session, user_id: int, slug: str, number: int) -> QuizDraw | None:
    """Return the draw made for this attempt, or None."""
    return session.scalars(
        select(QuizDraw).where(
            QuizDraw.user_id == user_id, QuizDraw.quiz_slug == slug, QuizDraw.number == number
        )
    ).one_or_none()


def draw_questions(quiz: Quiz, rng: random.Random) -> list[str]:
    """Pick each section's ``draw`` questions at random; return their ids in the quiz's order."""
    picked = set()
    for section in quiz.sections:
        picked.update(rng.sample(section.question_ids, section.draw))
    return [question.id for question in quiz.questions if question.id in picked]


def draw_for(
    session: Session, user_id: int, quiz: Quiz, number: int, now: datetime, rng: random.Random
) -> QuizDraw:
    """Return this attempt's draw, drawing and adding it if there is none yet.

    Two requests drawing the same attempt at once (two tabs, two devices) both
    insert; the unique constraint keeps the first, and both return it. On SQLite
    a GET must call ``begin_write`` first, so the insert and the read are one
    transaction holding the write lock.
    """
    existing = find_draw(session, user_id, quiz.slug, number)
    if existing is not None:
        return existing
    # ON CONFLICT DO NOTHING rather than catching IntegrityError: a failed insert
    # would abort the whole transaction on PostgreSQL, and the caller's with it.
    session.execute(
        insert_for(session, QuizDraw.__table__)
        .values(
            user_id=user_id,
            quiz_slug=quiz.slug,
            number=number,
            content_version=quiz.version,
            question_ids=draw_questions(quiz, rng),
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["user_id", "quiz_slug", "number"])
    )
    return find_draw(session, user_id, quiz.slug, number)
