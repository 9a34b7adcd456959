"""scenario state: shuffled choice order per run, the rating shown with each choice

Revision ID: 0003_scenario_state
Revises: 0003_site
Create Date: 2026-11-27 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_scenario_state"
down_revision: str | None = "0003_site"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("scenario_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("choice_order", sa.JSON(), nullable=True))
    with op.batch_alter_table("scenario_choice", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rating", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("scenario_choice", schema=None) as batch_op:
        batch_op.drop_column("rating")
    with op.batch_alter_table("scenario_run", schema=None) as batch_op:
        batch_op.drop_column("choice_order")
