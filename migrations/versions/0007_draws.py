"""quiz draws: the questions each attempt at a quiz with sections gets

Revision ID: 0007_draws
Revises: 0006_overrides
Create Date: 2026-12-02 12:50:00.000000

A new table only: attempts made before this revision got every question, and
need no draw.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import course.db

revision: str = "0007_draws"
down_revision: str | None = "0006_overrides"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "quiz_draw",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("quiz_slug", sa.String(length=100), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content_version", sa.String(length=64), nullable=False),
        sa.Column("question_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", course.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_quiz_draw_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_draw")),
        sa.UniqueConstraint(
            "user_id", "quiz_slug", "number", name=op.f("uq_quiz_draw_user_id_quiz_slug_number")
        ),
    )
    with op.batch_alter_table("quiz_draw", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quiz_draw_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("quiz_draw", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quiz_draw_user_id"))
    op.drop_table("quiz_draw")
