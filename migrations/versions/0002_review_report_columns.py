"""reviews carry their card's section and whether the card had been passed, for the reports

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reviews") as batch_op:
        batch_op.add_column(sa.Column("section_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("passed_before", sa.Boolean(), nullable=True))
    # Backfill: the section from the card; passed_before from the previous counted review's grade.
    op.execute(
        "UPDATE reviews SET section_id = "
        "(SELECT cards.section_id FROM cards WHERE cards.id = reviews.card_id)"
    )
    op.execute(
        "UPDATE reviews SET passed_before = CASE WHEN kind = 'review' THEN COALESCE(("
        "SELECT earlier.grade >= 3 FROM reviews AS earlier "
        "WHERE earlier.learner_id = reviews.learner_id AND earlier.card_id = reviews.card_id "
        "AND earlier.kind = 'review' AND earlier.id < reviews.id "
        "ORDER BY earlier.id DESC LIMIT 1), FALSE) ELSE FALSE END"
    )
    with op.batch_alter_table("reviews") as batch_op:
        batch_op.alter_column("section_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("passed_before", existing_type=sa.Boolean(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_reviews_section_id_sections"),
            "sections",
            ["section_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.drop_index("ix_reviews_learner_day")
        batch_op.create_index(
            "ix_reviews_learner_day",
            ["learner_id", "day", "section_id", "kind", "passed_before", "grade"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("reviews") as batch_op:
        batch_op.drop_index("ix_reviews_learner_day")
        batch_op.create_index("ix_reviews_learner_day", ["learner_id", "day"], unique=False)
        batch_op.drop_constraint(batch_op.f("fk_reviews_section_id_sections"), type_="foreignkey")
        batch_op.drop_column("passed_before")
        batch_op.drop_column("section_id")
