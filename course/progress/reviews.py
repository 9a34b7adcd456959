"""Frozen reviews, stored once each: found by a digest of their JSON, added when new.

Every answer keeps the review its submission showed (``QuizAnswer.review``), but
the same answer to the same version of a question always reads the same, so the
review is stored once (``answer_review``) and answers name it. The digest is of
the review's JSON with its keys sorted, so equal reviews share a row however
their dictionaries were built.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from course.db import insert_for
from course.progress.models import AnswerReview

REVIEWS = AnswerReview.__table__


def review_digest(review: dict) -> str:
    """Return the key a review is stored under: the SHA-256 of its canonical JSON."""
    canonical = json.dumps(review, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def stored_review_ids(session: Session, reviews: Iterable[dict]) -> list[int]:
    """Return the id of each review, in order, adding those not stored yet.

    Added with ON CONFLICT DO NOTHING, in the order of their digests, so that two
    submissions adding the same review wait for each other and then share it.
    """
    reviews = list(reviews)
    if not reviews:
        return []
    digests = [review_digest(review) for review in reviews]
    new = dict(sorted(zip(digests, reviews, strict=True)))
    adding = insert_for(session, REVIEWS).on_conflict_do_nothing(index_elements=["digest"])
    session.execute(adding, [{"digest": d, "review": r} for d, r in new.items()])
    found = dict(
        session.execute(
            select(REVIEWS.c.digest, REVIEWS.c.id).where(REVIEWS.c.digest.in_(new))
        ).all()
    )
    return [found[digest] for digest in digests]


def known_review_ids(connection: Connection) -> dict[str, int]:
    """Return the id of every stored review by its digest: for bulk inserts that add more."""
    return dict(connection.execute(select(REVIEWS.c.digest, REVIEWS.c.id)).all())
