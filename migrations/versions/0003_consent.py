"""consent before access: invitations, who invited, who made a set-password link

Revision ID: 0003_consent
Revises: 0004_mail
Create Date: 2026-12-03 10:00:00.000000

A manager adding an email that has an account now only invites its owner; the
membership counts once the learner accepts. Memberships made before this
revision stay as they were: accepted, from the day they were made.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import course.db

revision: str = "0003_consent"
down_revision: str | None = "0004_mail"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Batch mode rebuilds these two tables on SQLite; no other table refers to them,
    # so the rebuild touches no one else's rows.
    with op.batch_alter_table("cohort_member", schema=None) as batch_op:
        batch_op.alter_column(
            "joined_at", existing_type=course.db.UTCDateTime(timezone=True), nullable=True
        )
        batch_op.add_column(sa.Column("invited_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("invited_at", course.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("created_account", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_cohort_member_invited_by_id_user"),
            "user",
            ["invited_by_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("password_token", schema=None) as batch_op:
        batch_op.add_column(sa.Column("issued_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_password_token_issued_by_id_user"),
            "user",
            ["issued_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("password_token", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_password_token_issued_by_id_user"), type_="foreignkey"
        )
        batch_op.drop_column("issued_by_id")

    # Invitations nobody accepted were never memberships: they go, rather than
    # becoming memberships the learner did not agree to.
    op.execute(sa.text("DELETE FROM cohort_member WHERE joined_at IS NULL"))
    with op.batch_alter_table("cohort_member", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_cohort_member_invited_by_id_user"), type_="foreignkey"
        )
        batch_op.drop_column("created_account")
        batch_op.drop_column("invited_at")
        batch_op.drop_column("invited_by_id")
        batch_op.alter_column(
            "joined_at", existing_type=course.db.UTCDateTime(timezone=True), nullable=False
        )
