"""answer reviews: each frozen review stored once, and answers name it

Revision ID: 0018_answer_reviews
Revises: 0017_member_risk_days
Create Date: 2026-12-03 18:30:00.000000

Every answer kept its own copy of its review (the question as asked, the answer,
the feedback): about 870 bytes, two thirds of a demo database, though the same
answer to the same version of a question always reads the same (965 distinct
reviews among 392,000 answers). Each distinct review is now a row of
``answer_review``, found by a digest of its JSON, and an answer names it.
"""

import hashlib
import itertools
import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_answer_reviews"
down_revision: str | None = "0017_member_risk_days"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHUNK = 1_000  # rows written at a time
# Each stored review's text, as the answers hold it, and the review it became.
REVIEW_OF_TEXT = "answer_review_of_text"


def upgrade() -> None:
    op.create_table(
        "answer_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("review", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_review")),
        sa.UniqueConstraint("digest", name=op.f("uq_answer_review_digest")),
    )
    review_of_text = op.create_table(
        REVIEW_OF_TEXT,
        sa.Column("review_text", sa.Text(), primary_key=True),
        sa.Column("review_id", sa.Integer(), nullable=False),
    )
    _store_distinct_reviews(op.get_bind(), review_of_text)
    with op.batch_alter_table("quiz_answer") as batch_op:
        batch_op.add_column(sa.Column("review_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE quiz_answer SET review_id = (SELECT review_id FROM answer_review_of_text "
        "WHERE review_text = CAST(quiz_answer.review AS TEXT))"
    )
    op.drop_table(REVIEW_OF_TEXT)
    with op.batch_alter_table("quiz_answer") as batch_op:
        batch_op.alter_column("review_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            op.f("fk_quiz_answer_review_id_answer_review"), "answer_review", ["review_id"], ["id"]
        )
        batch_op.drop_column("review")


def _digest(review) -> str:
    # As course.progress.reviews computes it when an attempt is submitted.
    canonical = json.dumps(review, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _store_distinct_reviews(connection, review_of_text: sa.Table) -> None:
    """Store each distinct review once, and which stored text became which review."""
    reviews = sa.table(
        "answer_review", sa.column("id"), sa.column("digest"), sa.column("review", sa.JSON)
    )
    texts = connection.execute(
        sa.text("SELECT DISTINCT CAST(review AS TEXT) FROM quiz_answer")
    ).scalars()
    ids: dict[str, int] = {}
    while chunk := list(itertools.islice(texts, CHUNK)):
        added, named = [], []
        for review_text in chunk:
            review = json.loads(review_text)
            digest = _digest(review)
            if digest not in ids:
                ids[digest] = len(ids) + 1
                added.append({"id": ids[digest], "digest": digest, "review": review})
            named.append({"review_text": review_text, "review_id": ids[digest]})
        if added:
            connection.execute(sa.insert(reviews), added)
        connection.execute(sa.insert(review_of_text), named)
    if connection.dialect.name == "postgresql" and ids:
        # The ids were given here: the table's sequence goes on after them.
        connection.execute(
            sa.text("SELECT setval(pg_get_serial_sequence('answer_review', 'id'), :last)"),
            {"last": len(ids)},
        )


def downgrade() -> None:
    with op.batch_alter_table("quiz_answer") as batch_op:
        batch_op.add_column(sa.Column("review", sa.JSON(), nullable=True))
    op.execute(
        "UPDATE quiz_answer SET review = "
        "(SELECT review FROM answer_review WHERE answer_review.id = quiz_answer.review_id)"
    )
    with op.batch_alter_table("quiz_answer") as batch_op:
        batch_op.alter_column("review", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_constraint(op.f("fk_quiz_answer_review_id_answer_review"), type_="foreignkey")
        batch_op.drop_column("review_id")
    op.drop_table("answer_review")
