"""question versions: each answer keeps its question's own content version

Revision ID: 0009_question_versions
Revises: 0008_drafts
Create Date: 2026-12-04 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_question_versions"
down_revision: str | None = "0008_drafts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: answers from before versions were recorded have none, and count as one.
    with op.batch_alter_table("quiz_answer") as batch_op:
        batch_op.add_column(sa.Column("question_version", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("quiz_answer") as batch_op:
        batch_op.drop_column("question_version")
