"""item summaries: on PostgreSQL the primary key carries what the cohort's CSV reads

Revision ID: 0016_item_summary_covering_key
Revises: 0015_member_summaries
Create Date: 2026-12-03 09:10:00.000000

The CSV of a cohort reads every learner's item summaries, a learner at a time.
A learner's rows are written at different times and lie on as many heap pages;
with status, best score and done-at in the key's index, PostgreSQL reads them
from the index alone. SQLite keeps the table clustered by the key already
(0015), so nothing changes there.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016_item_summary_covering_key"
down_revision: str | None = "0015_member_summaries"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "user_id, item_kind, item_slug"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE item_summary DROP CONSTRAINT pk_item_summary, "
            f"ADD CONSTRAINT pk_item_summary PRIMARY KEY ({KEY}) "
            "INCLUDE (status, best_score, done_at)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE item_summary DROP CONSTRAINT pk_item_summary, "
            f"ADD CONSTRAINT pk_item_summary PRIMARY KEY ({KEY})"
        )
