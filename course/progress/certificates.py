"""Certificates: issued once when the course is complete, verifiable by code."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from course.progress.models import Certificate

# Unambiguous characters only: a code is read aloud and typed from paper.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


def new_code() -> str:
    """Return a random verification code, grouped in fours for reading."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def certificate_of(session: Session, user_id: int) -> Certificate | None:
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
) -> Certificate:
    """Add the learner's certificate (the caller has checked that the course is complete)."""
    certificate = Certificate(
        user_id=user_id,
        code=new_code(),
        learner_name=learner_name,
        course_title=course_title,
        completed_at=completed_at,
        issued_at=now,
    )
    session.add(certificate)
    session.flush()
    return certificate
