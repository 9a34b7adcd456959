"""Certificates: issued by the request that completes the course, verifiable by code."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from course.content.model import Catalog
from course.db import insert_for
from course.progress.models import Certificate
from course.progress.state import progress_for_learner

# Unambiguous characters only: a code is read aloud and typed from paper.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


def new_code() -> str:
    """Return a random verification code, grouped in fours for reading."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def certificate_of(session: Session, user_id: int) -> Certificate | None:
    """Return the learner's certificate, if it was issued."""
    return session.scalar(select(Certificate).where(Certificate.user_id == user_id))


def find_certificate(session: Session, code: str) -> Certificate | None:
    """Return the certificate with ``code`` (case and spacing forgiven), or None."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    if len(cleaned) != CODE_LENGTH:
        return None
    formatted = "-".join(cleaned[i : i + 4] for i in range(0, CODE_LENGTH, 4))
    return session.scalar(select(Certificate).where(Certificate.code == formatted))


def issue_certificate(
    session: Session,
    *,
    user_id: int,
    learner_name: str,
    course_title: str,
    completed_at: datetime,
    now: datetime,
) -> Certificate | None:
    """Add the learner's certificate unless they have one; return it (None: they had one).

    An insert that gives way to an existing certificate, so two requests that
    complete the course at once issue one certificate and both succeed.
    """
    statement = (
        insert_for(session, Certificate)
        .values(
            user_id=user_id,
            code=new_code(),
            learner_name=learner_name,
            course_title=course_title,
            completed_at=completed_at,
            issued_at=now,
        )
        .on_conflict_do_nothing(index_elements=[Certificate.user_id])
        .returning(Certificate)
    )
    return session.scalar(statement)


def issue_if_complete(
    session: Session, catalog: Catalog, *, user_id: int, learner_name: str, now: datetime
) -> Certificate | None:
    """Issue the learner's certificate if the course is complete and none was issued yet.

    Called in the transaction of every write that can complete a required item
    (a lesson marked complete, a quiz passed, a scenario passed), after it: the
    request that completes the course issues its certificate. Return the
    certificate this issued, or None.
    """
    progress = progress_for_learner(session.connection(), catalog, user_id)
    if not progress.is_complete:
        return None
    return issue_certificate(
        session,
        user_id=user_id,
        learner_name=learner_name,
        course_title=catalog.course.title,
        completed_at=progress.completed_at or now,  # None only for a course with nothing required
        now=now,
    )
