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

    Most reviews are stored already (every learner who gives that answer shares
    one), so they are looked up first: a submission then costs one query more.
    The new ones are added with ON CONFLICT DO NOTHING, in the order of their
    digests, so that two submissions adding the same review wait for each other
    and then share it.
    """
    reviews = list(reviews)
    digests = [review_digest(review) for review in reviews]
    found = _stored_ids(session, set(digests))
    missing = {d: r for d, r in zip(digests, reviews, strict=True) if d not in found}
    if missing:
        adding = insert_for(session, REVIEWS).on_conflict_do_nothing(index_elements=["digest"])
        session.execute(adding, [{"digest": d, "review": missing[d]} for d in sorted(missing)])
        found |= _stored_ids(session, set(missing))
    return [found[digest] for digest in digests]


def _stored_ids(session: Session, digests: set[str]) -> dict[str, int]:
    if not digests:
        return {}
    query = select(REVIEWS.c.digest, REVIEWS.c.id).where(REVIEWS.c.digest.in_(digests))
    return dict(session.execute(query).all())


def known_review_ids(connection: Connection) -> dict[str, int]:
    """Return the id of every stored review by its digest: for bulk inserts that add more."""
    return dict(connection.execute(select(REVIEWS.c.digest, REVIEWS.c.id)).all())
