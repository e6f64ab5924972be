"""status counts kept by triggers: live cards per section, a learner's states per section and due day

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24

`quiz status` read 100,000 states to count them; these counts are kept by the database itself
(triggers on card_states and cards), so every writer, quiz's or not, keeps them right.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _add(row: str, sign: str, where: str, source: str = "") -> list[str]:
    """Statements adding the state rows ``row`` (NEW, OLD, or an alias over ``source``) to the
    counts, times ``sign`` (1 or -1), where ``where`` holds. Both dialects read them."""
    return [
        "INSERT INTO learner_sections (learner_id, section_id, introduced, suspended, suspended_new) "
        f"SELECT {row}.learner_id, {row}.section_id, {sign} * (CASE WHEN {row}.introduced IS NOT NULL "
        f"THEN 1 ELSE 0 END), {sign} * (CASE WHEN {row}.suspended THEN 1 ELSE 0 END), "
        f"{sign} * (CASE WHEN {row}.suspended AND {row}.introduced IS NULL THEN 1 ELSE 0 END) "
        f"{source} WHERE {where} "
        "ON CONFLICT (learner_id, section_id) DO UPDATE SET introduced = learner_sections.introduced + excluded.introduced, "
        "suspended = learner_sections.suspended + excluded.suspended, "
        "suspended_new = learner_sections.suspended_new + excluded.suspended_new",
        "INSERT INTO learner_due (learner_id, due, section_id, cards) "
        f"SELECT {row}.learner_id, {row}.due, {row}.section_id, {sign} {source} WHERE {where} "
        f"AND {row}.due IS NOT NULL AND NOT {row}.suspended AND {row}.introduced IS NOT NULL "
        "ON CONFLICT (learner_id, due, section_id) DO UPDATE SET cards = learner_due.cards + excluded.cards",
    ]


def _live(row: str) -> str:
    return f"(SELECT NOT retired FROM cards WHERE id = {row}.card_id)"


def _drop_empty(row: str) -> str:
    return (f"DELETE FROM learner_due WHERE learner_id = {row}.learner_id AND due = {row}.due "
            f"AND section_id = {row}.section_id AND cards = 0")


def _card_states_sign() -> str:
    return "(CASE WHEN NEW.retired THEN -1 ELSE 1 END)"


# A card retired (or brought back) leaves (or joins) its section's count, and so do its states.
CARD_MOVES = [
    "UPDATE sections SET card_count = card_count - 1 WHERE id = OLD.section_id AND NOT OLD.retired",
    "UPDATE sections SET card_count = card_count + 1 WHERE id = NEW.section_id AND NOT NEW.retired",
    *_add("st", _card_states_sign(), "st.card_id = NEW.id AND OLD.retired <> NEW.retired",
          "FROM card_states st"),
    "DELETE FROM learner_due WHERE cards = 0 AND learner_due.learner_id IN "
    "(SELECT st.learner_id FROM card_states st WHERE st.card_id = NEW.id)",
]


def _body(statements: list[str]) -> str:
    return " ".join(f"{sql};" for sql in statements)


def _sqlite() -> list[str]:
    state_change = ("OLD.introduced IS NOT NEW.introduced OR OLD.suspended IS NOT NEW.suspended "
                    "OR OLD.due IS NOT NEW.due OR OLD.section_id IS NOT NEW.section_id")
    return [
        "CREATE TRIGGER count_states_insert AFTER INSERT ON card_states "
        f"BEGIN {_body(_add('NEW', '1', _live('NEW')))} END",
        "CREATE TRIGGER count_states_delete AFTER DELETE ON card_states "
        f"BEGIN {_body([*_add('OLD', '-1', _live('OLD')), _drop_empty('OLD')])} END",
        f"CREATE TRIGGER count_states_update AFTER UPDATE ON card_states WHEN {state_change} "
        f"BEGIN {_body([*_add('OLD', '-1', _live('OLD')), _drop_empty('OLD'), *_add('NEW', '1', _live('NEW'))])} END",
        "CREATE TRIGGER count_cards_insert AFTER INSERT ON cards WHEN NOT NEW.retired "
        "BEGIN UPDATE sections SET card_count = card_count + 1 WHERE id = NEW.section_id; END",
        "CREATE TRIGGER count_cards_update AFTER UPDATE OF retired, section_id ON cards "
        "WHEN OLD.retired IS NOT NEW.retired OR OLD.section_id IS NOT NEW.section_id "
        f"BEGIN {_body(CARD_MOVES)} END",
    ]


def _postgresql() -> list[str]:
    return [
        "CREATE FUNCTION quiz_count_states() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP IN ('UPDATE', 'DELETE') THEN "
        f"{_body([*_add('OLD', '-1', _live('OLD')), _drop_empty('OLD')])} END IF; "
        f"IF TG_OP IN ('UPDATE', 'INSERT') THEN {_body(_add('NEW', '1', _live('NEW')))} END IF; "
        "RETURN NULL; END $$",
        "CREATE TRIGGER count_states_change AFTER INSERT OR DELETE ON card_states "
        "FOR EACH ROW EXECUTE FUNCTION quiz_count_states()",
        "CREATE TRIGGER count_states_update AFTER UPDATE ON card_states FOR EACH ROW "
        "WHEN (OLD.introduced IS DISTINCT FROM NEW.introduced OR OLD.suspended IS DISTINCT FROM NEW.suspended "
        "OR OLD.due IS DISTINCT FROM NEW.due OR OLD.section_id IS DISTINCT FROM NEW.section_id) "
        "EXECUTE FUNCTION quiz_count_states()",
        "CREATE FUNCTION quiz_count_cards() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'INSERT' THEN "
        "UPDATE sections SET card_count = card_count + 1 WHERE id = NEW.section_id AND NOT NEW.retired; "
        f"ELSE {_body(CARD_MOVES)} END IF; RETURN NULL; END $$",
        "CREATE TRIGGER count_cards_insert AFTER INSERT ON cards FOR EACH ROW EXECUTE FUNCTION quiz_count_cards()",
        "CREATE TRIGGER count_cards_update AFTER UPDATE ON cards FOR EACH ROW "
        "WHEN (OLD.retired IS DISTINCT FROM NEW.retired OR OLD.section_id IS DISTINCT FROM NEW.section_id) "
        "EXECUTE FUNCTION quiz_count_cards()",
    ]


# The counts of what is stored already (also how a bulk load, which drops the triggers, restores them).
BACKFILL = [
    "UPDATE sections SET card_count = (SELECT COUNT(*) FROM cards WHERE cards.section_id = sections.id "
    "AND NOT cards.retired)",
    "INSERT INTO learner_sections (learner_id, section_id, introduced, suspended, suspended_new) "
    "SELECT st.learner_id, st.section_id, COUNT(st.introduced), "
    "SUM(CASE WHEN st.suspended THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN st.suspended AND st.introduced IS NULL THEN 1 ELSE 0 END) "
    "FROM card_states st JOIN cards c ON c.id = st.card_id WHERE NOT c.retired "
    "GROUP BY st.learner_id, st.section_id",
    "INSERT INTO learner_due (learner_id, due, section_id, cards) "
    "SELECT st.learner_id, st.due, st.section_id, COUNT(*) "
    "FROM card_states st JOIN cards c ON c.id = st.card_id WHERE NOT c.retired AND st.due IS NOT NULL "
    "AND NOT st.suspended AND st.introduced IS NOT NULL GROUP BY st.learner_id, st.due, st.section_id",
]


def upgrade() -> None:
    with op.batch_alter_table('sections') as batch_op:
        batch_op.add_column(sa.Column('card_count', sa.Integer(), server_default='0', nullable=False))
    op.create_table('learner_sections',
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('introduced', sa.Integer(), nullable=False),
    sa.Column('suspended', sa.Integer(), nullable=False),
    sa.Column('suspended_new', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['learner_id'], ['learners.id'], name=op.f('fk_learner_sections_learner_id_learners'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['section_id'], ['sections.id'], name=op.f('fk_learner_sections_section_id_sections'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('learner_id', 'section_id', name=op.f('pk_learner_sections'))
    )
    op.create_table('learner_due',
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('cards', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['learner_id'], ['learners.id'], name=op.f('fk_learner_due_learner_id_learners'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['section_id'], ['sections.id'], name=op.f('fk_learner_due_section_id_sections'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('learner_id', 'due', 'section_id', name=op.f('pk_learner_due'))
    )
    for sql in BACKFILL:
        op.execute(sql)
    dialect = op.get_bind().dialect.name
    for sql in _sqlite() if dialect == 'sqlite' else _postgresql() if dialect == 'postgresql' else []:
        op.execute(sql)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for name in ('count_states_insert', 'count_states_delete', 'count_states_update',
                     'count_cards_insert', 'count_cards_update'):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif dialect == 'postgresql':
        op.execute("DROP FUNCTION IF EXISTS quiz_count_states() CASCADE")
        op.execute("DROP FUNCTION IF EXISTS quiz_count_cards() CASCADE")
    op.drop_table('learner_due')
    op.drop_table('learner_sections')
    with op.batch_alter_table('sections') as batch_op:
        batch_op.drop_column('card_count')
