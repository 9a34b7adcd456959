"""quiz drafts: answers saved part-way through an attempt, to finish later on any device

Revision ID: 0008_drafts
Revises: 0007_draws
Create Date: 2026-12-03 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import course.db

revision: str = "0008_drafts"
down_revision: str | None = "0007_draws"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "quiz_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("quiz_slug", sa.String(length=100), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content_version", sa.String(length=64), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("started_at", course.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("saved_at", course.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_quiz_draft_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_draft")),
        sa.UniqueConstraint(
            "user_id", "quiz_slug", "number", name=op.f("uq_quiz_draft_user_id_quiz_slug_number")
        ),
    )


def downgrade() -> None:
    op.drop_table("quiz_draft")
