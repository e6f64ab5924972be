"""secrets: one per member for signing progress files, one per cohort for its pseudonyms

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30

Each existing cohort gets a random pseudonym key here (its anonymized reports change names once:
the old pseudonyms came from its creation time, which anyone could use). Members get a signing
secret only when the instructor writes them an invite (quiz cohort invite).
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cohort_secrets",
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name=op.f("fk_cohort_secrets_cohort_id_cohorts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("cohort_id", name=op.f("pk_cohort_secrets")),
    )
    op.create_table(
        "invites",
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id", "learner_id"],
            ["memberships.cohort_id", "memberships.learner_id"],
            name=op.f("fk_invites_cohort_id_memberships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("cohort_id", "learner_id", name=op.f("pk_invites")),
    )
    bind = op.get_bind()
    cohorts = [int(row[0]) for row in bind.execute(sa.text("SELECT id FROM cohorts"))]
    if cohorts:
        bind.execute(
            sa.text("INSERT INTO cohort_secrets (cohort_id, secret) VALUES (:cohort, :secret)"),
            [{"cohort": cohort, "secret": secrets.token_hex(32)} for cohort in cohorts],
        )


def downgrade() -> None:
    op.drop_table("invites")
    op.drop_table("cohort_secrets")
