"""summaries: one row per learner and item and per learner and course, kept with the facts

Revision ID: 0010_summaries
Revises: 0013_analysis_indexes
Create Date: 2026-12-05 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import course.db

revision: str = "0010_summaries"
down_revision: str | None = "0013_analysis_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "summary_outline_item",
        sa.Column("item_kind", sa.String(length=16), nullable=False),
        sa.Column("item_slug", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_required", sa.Boolean(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("item_kind", "item_slug", name=op.f("pk_summary_outline_item")),
    )
    op.create_table(
        "item_summary",
        sa.Column("user_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("item_kind", sa.String(length=16), nullable=False),
        sa.Column("item_slug", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("granted", sa.Integer(), nullable=False),
        sa.Column("best_score", sa.Float(), nullable=True),
        sa.Column("last_activity_at", course.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_at", course.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("unfinished", sa.Integer(), nullable=False),
        sa.Column("ending_title", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_item_summary_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "item_kind", "item_slug", name=op.f("pk_item_summary")),
    )
    # For the cohort page's figure on one item (the final quiz) across its learners.
    op.create_index(
        op.f("ix_item_summary_item_kind"),
        "item_summary",
        ["item_kind", "item_slug", "user_id"],
        unique=False,
    )
    op.create_table(
        "learner_summary",
        sa.Column("user_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("required_done", sa.Integer(), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("completed_at", course.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_activity_at", course.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("out_of_attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_learner_summary_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_learner_summary")),
    )
    # The matrix sorts and filters by these.
    for column in ("percent", "completed_at", "last_activity_at"):
        op.create_index(op.f(f"ix_learner_summary_{column}"), "learner_summary", [column])
    _fill()


def _fill() -> None:
    """Compute the summaries of what learners did before this revision.

    With the outline of the catalog the app loaded (``course db upgrade``); run
    without one, the summaries are computed for an empty outline, and the app
    recomputes them for its own the first time it serves a page.
    """
    from course.progress.summaries import outline_rows, replace_outline

    catalog = None
    try:
        from flask import current_app

        catalog = current_app.extensions.get("course_catalog")
    except RuntimeError:  # run as plain `alembic`, outside the app
        pass
    # Member summaries came later (0015_member_summaries), which computes them.
    replace_outline(
        op.get_bind(), outline_rows(catalog) if catalog is not None else set(), with_members=False
    )


def downgrade() -> None:
    op.drop_table("learner_summary")
    op.drop_index(op.f("ix_item_summary_item_kind"), table_name="item_summary")
    op.drop_table("item_summary")
    op.drop_table("summary_outline_item")
