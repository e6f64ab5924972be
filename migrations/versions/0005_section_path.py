"""section paths stored with a separator no title holds

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-29

A section's path was its titles joined by " > ", and split again on " > " when read, so a heading
holding " > " ("Dose > 10 mg/kg") came back as two levels. The titles are now joined by the unit
separator (U+001F), which the document reader takes out of every title. Each stored path is
rebuilt from its section's own title and its parent's path (the section of the same deck whose
path is everything before " > " + title), so a title holding " > " stays whole.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = " > "
NEW = "\x1f"  # quiz.core.drafts.PATH_SEPARATOR (a migration imports nothing of quiz)


def _rebuilt(rows: list[tuple[int, int, str, str]]) -> dict[int, str]:
    """Section id -> its path in the new form, from (id, deck id, old path, title)."""
    by_path = {(deck, path): (sid, title) for sid, deck, path, title in rows}
    done: dict[tuple[int, str], str] = {}

    def new(deck: int, path: str, title: str | None) -> str:
        key = (deck, path)
        if key not in done:
            if title is not None and path.endswith(OLD + title):
                parent = path[: -len(OLD + title)]
                above = by_path.get((deck, parent))
                head = new(deck, parent, above[1] if above else None)
                done[key] = head + NEW + title
            elif title is not None and path == title:
                done[key] = title  # the deck's title, or a section whose path is its title alone
            else:  # no section of this path is stored: its titles are what " > " separates
                done[key] = path.replace(OLD, NEW)
        return done[key]

    return {sid: new(deck, path, title) for sid, deck, path, title in rows}


def upgrade() -> None:
    bind = op.get_bind()
    rows = [
        (int(r[0]), int(r[1]), str(r[2]), str(r[3]))
        for r in bind.execute(sa.text("SELECT id, deck_id, path, title FROM sections"))
    ]
    changed = [{"id": sid, "path": path} for sid, path in _rebuilt(rows).items()]
    changed = [c for c, (_sid, _deck, old, _title) in zip(changed, rows, strict=True) if c["path"] != old]
    if changed:
        bind.execute(sa.text("UPDATE sections SET path = :path WHERE id = :id"), changed)


def downgrade() -> None:
    op.execute(sa.text("UPDATE sections SET path = replace(path, :new, :old)").bindparams(new=NEW, old=OLD))
