"""member risk days: the first day each member is at risk and overdue, so the page counts ranges

Revision ID: 0017_member_risk_days
Revises: 0016_item_summary_covering_key
Create Date: 2026-12-03 14:00:00.000000

The cohort page counted its at-risk and overdue learners by testing every
member's dates, a cost that grew with the cohort (about 54 ms at 100,000 on
SQLite). Each rule holds from some day on, so the member summary keeps that day
and the page counts an index range instead. Every member summary is recomputed,
which also fills the rows 0015 left to this revision.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_member_risk_days"
down_revision: str | None = "0016_item_summary_covering_key"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What each count of the page reads alone (with the percent, the activity index
# answers who never started and did not finish).
INDEXES = {
    "ix_member_summary_percent": ["cohort_id", "percent"],
    "ix_member_summary_by_risk": ["cohort_id", "at_risk_from_day"],
    "ix_member_summary_by_overdue": ["cohort_id", "overdue_from_day"],
    "ix_member_summary_final_score": ["cohort_id", "final_score"],
}
BY_ACTIVITY = "ix_member_summary_by_activity"
ACTIVITY_KEY = ["cohort_id", "last_activity_at", "sort_name", "user_id"]


def upgrade() -> None:
    with op.batch_alter_table("member_summary") as batch_op:
        batch_op.add_column(sa.Column("at_risk_from_day", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("overdue_from_day", sa.Integer(), nullable=True))
    from course.progress.summaries import rebuild_member_summaries

    # Filled before the new indexes are built, which is faster than keeping them as it goes.
    rebuild_member_summaries(op.get_bind())
    op.drop_index(BY_ACTIVITY, table_name="member_summary")
    op.create_index(BY_ACTIVITY, "member_summary", [*ACTIVITY_KEY, "percent"])
    for name, columns in INDEXES.items():
        op.create_index(name, "member_summary", columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="member_summary")
    op.drop_index(BY_ACTIVITY, table_name="member_summary")
    op.create_index(BY_ACTIVITY, "member_summary", ACTIVITY_KEY)
    # Rebuilt on SQLite, and kept clustered by cohort as 0015 made it.
    with op.batch_alter_table(
        "member_summary", table_kwargs={"sqlite_with_rowid": False}
    ) as batch_op:
        batch_op.drop_column("overdue_from_day")
        batch_op.drop_column("at_risk_from_day")
