"""answer tallies: each cohort's answers to each question, summed as attempts are submitted

Revision ID: 0014_answer_tallies
Revises: 0010_summaries
Create Date: 2026-12-02 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import course.db

revision: str = "0014_answer_tallies"
down_revision: str | None = "0010_summaries"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "answer_tally",
        sa.Column("cohort_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("quiz_slug", sa.String(length=100), nullable=False),
        sa.Column("question_id", sa.String(length=100), nullable=False),
        sa.Column("question_version", sa.String(length=16), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("is_first", sa.Boolean(), nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.Column("graded", sa.Integer(), nullable=False),
        sa.Column("sum_x", sa.Float(), nullable=False),
        sa.Column("sum_y", sa.Float(), nullable=False),
        sa.Column("sum_xy", sa.Float(), nullable=False),
        sa.Column("sum_xx", sa.Float(), nullable=False),
        sa.Column("sum_yy", sa.Float(), nullable=False),
        sa.Column("first_answered_at", course.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohort.id"],
            name=op.f("fk_answer_tally_cohort_id_cohort"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "cohort_id",
            "quiz_slug",
            "question_id",
            "question_version",
            "answer",
            "is_first",
            name=op.f("pk_answer_tally"),
        ),
    )
    op.create_table(
        "attempt_tally",
        sa.Column("cohort_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("quiz_slug", sa.String(length=100), nullable=False),
        sa.Column("is_first", sa.Boolean(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohort.id"],
            name=op.f("fk_attempt_tally_cohort_id_cohort"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "cohort_id", "quiz_slug", "is_first", name=op.f("pk_attempt_tally")
        ),
    )
    # The attempts submitted before this revision, counted as the old page summed them.
    from course.progress.answer_tallies import rebuild_answer_tallies

    rebuild_answer_tallies(op.get_bind())


def downgrade() -> None:
    op.drop_table("attempt_tally")
    op.drop_table("answer_tally")
