"""member summaries: a row per cohort and joined learner, so cohort reports read one table

Revision ID: 0015_member_summaries
Revises: 0014_answer_tallies
Create Date: 2026-12-06 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import course.db

revision: str = "0015_member_summaries"
down_revision: str | None = "0014_answer_tallies"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "member_summary",
        sa.Column("cohort_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sort_name", sa.String(length=200), nullable=False),
        sa.Column("joined_at", course.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("completed_at", course.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_activity_at", course.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("out_of_attempts", sa.Integer(), nullable=False),
        sa.Column("final_score", sa.Float(), nullable=True),
        sa.Column("active_day", sa.Integer(), nullable=False),
        sa.Column("due_day", sa.Integer(), nullable=True),
        sa.Column("completed_day", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohort.id"],
            name=op.f("fk_member_summary_cohort_id_cohort"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_member_summary_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("cohort_id", "user_id", name=op.f("pk_member_summary")),
        # Clustered by cohort on SQLite: a cohort's rows are read in one stretch.
        sqlite_with_rowid=False,
    )
    indexes = {
        "ix_member_summary_by_name": ["cohort_id", "sort_name", "user_id"],
        "ix_member_summary_by_percent": ["cohort_id", "percent", "sort_name", "user_id"],
        "ix_member_summary_by_activity": ["cohort_id", "last_activity_at", "sort_name", "user_id"],
        "ix_member_summary_by_completion": ["cohort_id", "completed_day"],
        "ix_member_summary_user_id": ["user_id"],
    }
    for name, columns in indexes.items():
        op.create_index(name, "member_summary", columns)
    if op.get_bind().dialect.name == "sqlite":
        # Item summaries clustered by learner too: a report reads a batch of learners' rows.
        with op.batch_alter_table(
            "item_summary", recreate="always", table_kwargs={"sqlite_with_rowid": False}
        ):
            pass
    # Filled by 0017_member_risk_days: today's statements that compute member
    # summaries also write the columns that revision adds.


def downgrade() -> None:
    op.drop_table("member_summary")
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("item_summary", recreate="always"):
            pass
