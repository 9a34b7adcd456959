"""analysis indexes: the question analysis reads its columns of quiz_answer from one index

Revision ID: 0013_analysis_indexes
Revises: 0011_lti
Create Date: 2026-12-02 15:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013_analysis_indexes"
down_revision: str | None = "0011_lti"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["question_id", "question_version", "question_type", "points", "max_points", "answer"]


def upgrade() -> None:
    # PostgreSQL has no B-tree order for JSON: the columns ride along instead of keying.
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_quiz_answer_analysis", "quiz_answer", ["attempt_id"], postgresql_include=COLUMNS
        )
    else:
        op.create_index("ix_quiz_answer_analysis", "quiz_answer", ["attempt_id", *COLUMNS])


def downgrade() -> None:
    op.drop_index("ix_quiz_answer_analysis", table_name="quiz_answer")
