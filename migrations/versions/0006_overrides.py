"""overrides: granted attempts, learners' own due dates, removals that can be undone

Revision ID: 0006_overrides
Revises: 0005_calendar
Create Date: 2026-12-02 12:00:29.319919
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import course.db

revision: str = "0006_overrides"
down_revision: str | None = "0005_calendar"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "attempt_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("quiz_slug", sa.String(length=100), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("granted_at", course.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["granted_by_id"],
            ["user.id"],
            name=op.f("fk_attempt_grant_granted_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_attempt_grant_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attempt_grant")),
    )
    with op.batch_alter_table("attempt_grant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attempt_grant_user_id"), ["user_id"], unique=False)

    op.create_table(
        "cohort_removal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", course.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("removed_by_id", sa.Integer(), nullable=True),
        sa.Column("removed_at", course.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("undone_at", course.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohort.id"],
            name=op.f("fk_cohort_removal_cohort_id_cohort"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["removed_by_id"],
            ["user.id"],
            name=op.f("fk_cohort_removal_removed_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_cohort_removal_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cohort_removal")),
    )
    with op.batch_alter_table("cohort_removal", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cohort_removal_cohort_id"), ["cohort_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_cohort_removal_user_id"), ["user_id"], unique=False)

    op.create_table(
        "learner_due_date",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_at", course.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohort.id"],
            name=op.f("fk_learner_due_date_cohort_id_cohort"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"],
            ["user.id"],
            name=op.f("fk_learner_due_date_set_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_learner_due_date_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learner_due_date")),
    )
    with op.batch_alter_table("learner_due_date", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_learner_due_date_cohort_id"), ["cohort_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_learner_due_date_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("learner_due_date", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learner_due_date_user_id"))
        batch_op.drop_index(batch_op.f("ix_learner_due_date_cohort_id"))

    op.drop_table("learner_due_date")
    with op.batch_alter_table("cohort_removal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cohort_removal_user_id"))
        batch_op.drop_index(batch_op.f("ix_cohort_removal_cohort_id"))

    op.drop_table("cohort_removal")
    with op.batch_alter_table("attempt_grant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attempt_grant_user_id"))

    op.drop_table("attempt_grant")
