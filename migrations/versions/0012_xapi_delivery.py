"""xAPI delivery: which learning records the learning record store has accepted

Revision ID: 0012_xapi_delivery
Revises: 0009_question_versions
Create Date: 2026-12-02 14:30:00.000000

Records written before this revision have no delivery row, so the first
`course xapi forward` sends them all.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import course.db

revision: str = "0012_xapi_delivery"
down_revision: str | None = "0009_question_versions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "xapi_delivery",
        sa.Column("learning_record_id", sa.Integer(), nullable=False),
        sa.Column("claimed_at", course.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", course.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["learning_record_id"],
            ["learning_record.id"],
            name=op.f("fk_xapi_delivery_learning_record_id_learning_record"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("learning_record_id", name=op.f("pk_xapi_delivery")),
    )


def downgrade() -> None:
    op.drop_table("xapi_delivery")
