"""a deck's front-matter tags and references kept

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30

The Anki export carries a deck's front-matter `tags` as note tags and shows its `references`
behind each card's references. Decks imported before this revision have none until their next
import, which reads them from the source again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, not a batch: SQLite adds and drops a column in place (3.35+), where a batch
# would copy and drop the decks table, which every section and card refers to.


def upgrade() -> None:
    op.add_column("decks", sa.Column("tags", sa.JSON(), nullable=False, server_default="[]"))
    op.add_column("decks", sa.Column("references", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    op.drop_column("decks", "references")
    op.drop_column("decks", "tags")
