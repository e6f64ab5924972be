"""no count row shared by a cohort's learners in the answer's path

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

Under 0003 every answer of every learner of a cohort updated the same row (cohort_due: per
cohort, due day and deck), so a class answering at once queued on it (PostgreSQL's row lock,
held to the commit). Now:
- cohort_due is gone: the report sums its learners' own due counts (learner_due) when it is read;
- cohort_cards keeps only lapses (learners who lapsed on a card, and their lapses), written only
  when a card's lapses change; who met a card is counted from the states for the few cards a
  report names;
- a learner's section counts are written only when they change (an answer usually moves a card
  between due days only), by a trigger of their own.
The other counts and their triggers are as in 0003, written again here with these changes.
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MATURE_DAYS = 21  # quiz.core's maturity threshold, as the triggers of 0003 use it


def _when(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def _upsert(table: str, keys: str, values: str, select: str) -> str:
    """Add ``select``'s rows to ``table``'s counts (SQLite needs the WHERE every select has)."""
    names = [v.strip() for v in values.split(",")]
    added = ", ".join(f"{v} = {table}.{v} + excluded.{v}" for v in names)
    return f"INSERT INTO {table} ({keys}, {values}) {select} ON CONFLICT ({keys}) DO UPDATE SET {added}"


def _sections(row: str, sign: str, where: str, source: str = "") -> list[str]:
    """The per-section counts of the state rows ``row`` (NEW, OLD, or an alias over ``source``),
    times ``sign``, where ``where`` holds."""
    mature = f'{row}.introduced IS NOT NULL AND {row}."interval" >= {MATURE_DAYS}'
    return [
        _upsert(
            "learner_sections",
            "learner_id, section_id",
            "states, introduced, suspended, suspended_new, mature, lapses",
            f"SELECT {row}.learner_id, {row}.section_id, {sign}, "
            f"{sign} * ({_when(f'{row}.introduced IS NOT NULL')}), {sign} * ({_when(f'{row}.suspended')}), "
            f"{sign} * ({_when(f'{row}.suspended AND {row}.introduced IS NULL')}), "
            f"{sign} * ({_when(mature)}), "
            f"{sign} * {row}.lapses {source} WHERE {where}",
        )
    ]


def _due(row: str, sign: str, where: str, source: str = "") -> list[str]:
    """The due-day counts of the state rows ``row``, per section."""
    due = f"{row}.due IS NOT NULL AND NOT {row}.suspended AND {row}.introduced IS NOT NULL"
    return [
        _upsert(
            "learner_due",
            "learner_id, due, section_id",
            "cards",
            f"SELECT {row}.learner_id, {row}.due, {row}.section_id, {sign} {source} WHERE {where} AND {due}",
        ),
    ]


def _states(row: str, sign: str, where: str, source: str = "") -> list[str]:
    """All the live-card counts of the state rows ``row``: all of them the learner's own rows."""
    return [*_sections(row, sign, where, source), *_due(row, sign, where, source)]


def _lapses(row: str, sign: str) -> str:
    """A cohort's lapses on a card: written only when a state's lapses change (rare: a learned
    card failed), so learners answering at once do not meet on these rows."""
    return _upsert(
        "cohort_cards",
        "cohort_id, card_id",
        "lapsed, lapses",
        f"SELECT m.cohort_id, {row}.card_id, {sign} * ({_when(f'{row}.lapses > 0')}), {sign} * {row}.lapses "
        f"FROM memberships m WHERE m.learner_id = {row}.learner_id AND {row}.lapses > 0",
    )


def _live(row: str) -> str:
    return f"(SELECT NOT retired FROM cards WHERE id = {row}.card_id)"


def _due_change(row: str, sign: str) -> list[str]:
    found = _due(row, sign, _live(row))
    if sign == "-1":
        found += [
            f"DELETE FROM learner_due WHERE learner_id = {row}.learner_id AND due = {row}.due "
            f"AND section_id = {row}.section_id AND cards = 0",
        ]
    return found


def _section_change(row: str, sign: str) -> list[str]:
    return _sections(row, sign, _live(row))


def _state_change(row: str, sign: str) -> list[str]:
    return [*_section_change(row, sign), *_due_change(row, sign)]


def _lapse_change(row: str, sign: str) -> list[str]:
    found = [_lapses(row, sign)]
    if sign == "-1":
        found.append(
            f"DELETE FROM cohort_cards WHERE card_id = {row}.card_id AND lapses = 0 AND cohort_id IN "
            f"(SELECT cohort_id FROM memberships WHERE learner_id = {row}.learner_id)"
        )
    return found


def _reviews(row: str, sign: str) -> list[str]:
    counted = f"{row}.kind = 'review'"
    retained_of = f"{counted} AND {row}.passed_before"
    found = [
        _upsert(
            "learner_days",
            "learner_id, day, deck_id",
            "reviews, counted, retained_of, retained",
            f"SELECT {row}.learner_id, {row}.day, s.deck_id, {sign}, {sign} * ({_when(counted)}), "
            f"{sign} * ({_when(retained_of)}), {sign} * ({_when(f'{retained_of} AND {row}.grade >= 3')}) "
            f"FROM sections s WHERE s.id = {row}.section_id",
        ),
        _upsert(
            "cohort_sections",
            "cohort_id, day, section_id",
            "retained_of, retained",
            f"SELECT m.cohort_id, {row}.day, {row}.section_id, {sign}, "
            f"{sign} * ({_when(f'{row}.grade >= 3')}) FROM memberships m "
            f"WHERE m.learner_id = {row}.learner_id AND {retained_of}",
        ),
    ]
    if sign == "-1":
        found += [
            f"DELETE FROM learner_days WHERE learner_id = {row}.learner_id AND day = {row}.day "
            "AND reviews = 0",
            f"DELETE FROM cohort_sections WHERE day = {row}.day AND section_id = {row}.section_id "
            "AND retained_of = 0",
        ]
    return found


def _members(row: str, sign: str) -> list[str]:
    """A learner joining (leaving) a cohort brings (takes) their lapses and retention along."""
    return [
        _upsert(
            "cohort_cards",
            "cohort_id, card_id",
            "lapsed, lapses",
            f"SELECT {row}.cohort_id, st.card_id, {sign}, {sign} * st.lapses FROM card_states st "
            f"WHERE st.learner_id = {row}.learner_id AND st.lapses > 0",
        ),
        f"DELETE FROM cohort_cards WHERE cohort_id = {row}.cohort_id AND lapses = 0",
        _upsert(
            "cohort_sections",
            "cohort_id, day, section_id",
            "retained_of, retained",
            f"SELECT {row}.cohort_id, r.day, r.section_id, {sign} * COUNT(*), "
            f"{sign} * SUM({_when('r.grade >= 3')}) FROM reviews r WHERE r.learner_id = {row}.learner_id "
            "AND r.kind = 'review' AND r.passed_before GROUP BY r.day, r.section_id",
        ),
        f"DELETE FROM cohort_sections WHERE cohort_id = {row}.cohort_id AND retained_of = 0",
    ]


# A card retired (or brought back) leaves (or joins) its section's count, and so do its states.
CARD_MOVES = [
    "UPDATE sections SET card_count = card_count - 1 WHERE id = OLD.section_id AND NOT OLD.retired",
    "UPDATE sections SET card_count = card_count + 1 WHERE id = NEW.section_id AND NOT NEW.retired",
    *_states(
        "st",
        "(CASE WHEN NEW.retired THEN -1 ELSE 1 END)",
        "st.card_id = NEW.id AND OLD.retired <> NEW.retired",
        "FROM card_states st",
    ),
    "DELETE FROM learner_due WHERE cards = 0 AND learner_due.learner_id IN "
    "(SELECT st.learner_id FROM card_states st WHERE st.card_id = NEW.id)",
]


# What moves a state between counts: most answers move it between due days only and leave its
# section's counts (met, suspended, mature, lapses) alone, so those rows are not written then.
def _moved(columns: tuple[str, ...], sqlite: bool) -> str:
    differs = "IS NOT" if sqlite else "IS DISTINCT FROM"
    return " OR ".join(f"{c.format(row='OLD')} {differs} {c.format(row='NEW')}" for c in columns)


SECTION_COLUMNS = (
    "({row}.introduced IS NULL)",
    f'({{row}}.introduced IS NOT NULL AND {{row}}."interval" >= {MATURE_DAYS})',
    "{row}.suspended",
    "{row}.lapses",
    "{row}.section_id",
    "{row}.learner_id",
)
DUE_COLUMNS = (
    "({row}.introduced IS NULL)",
    "{row}.due",
    "{row}.suspended",
    "{row}.section_id",
    "{row}.learner_id",
)
REVIEW_COLUMNS = ("kind", "passed_before", "grade", "day", "section_id", "learner_id")


def _body(statements: list[str]) -> str:
    return " ".join(f"{sql};" for sql in statements)


def _changed(columns: tuple[str, ...], sqlite: bool) -> str:
    differs = "IS NOT" if sqlite else "IS DISTINCT FROM"
    return " OR ".join(f"OLD.{c} {differs} NEW.{c}" for c in columns)


def _sqlite() -> list[str]:
    def trigger(name: str, event: str, statements: list[str], when: str = "") -> str:
        return f"CREATE TRIGGER {name} AFTER {event} {'WHEN ' + when if when else ''} BEGIN {_body(statements)} END"

    return [
        trigger("count_states_insert", "INSERT ON card_states", _state_change("NEW", "1")),
        trigger("count_states_delete", "DELETE ON card_states", _state_change("OLD", "-1")),
        trigger(
            "count_sections_update",
            "UPDATE ON card_states",
            [*_section_change("OLD", "-1"), *_section_change("NEW", "1")],
            _moved(SECTION_COLUMNS, True),
        ),
        trigger(
            "count_due_update",
            "UPDATE ON card_states",
            [*_due_change("OLD", "-1"), *_due_change("NEW", "1")],
            _moved(DUE_COLUMNS, True),
        ),
        trigger("count_lapses_insert", "INSERT ON card_states", _lapse_change("NEW", "1"), "NEW.lapses > 0"),
        trigger("count_lapses_delete", "DELETE ON card_states", _lapse_change("OLD", "-1"), "OLD.lapses > 0"),
        trigger(
            "count_lapses_update",
            "UPDATE OF lapses, learner_id ON card_states",
            [*_lapse_change("OLD", "-1"), *_lapse_change("NEW", "1")],
            _changed(("lapses", "learner_id"), True),
        ),
        trigger("count_reviews_insert", "INSERT ON reviews", _reviews("NEW", "1")),
        trigger("count_reviews_delete", "DELETE ON reviews", _reviews("OLD", "-1")),
        trigger(
            "count_reviews_update",
            "UPDATE ON reviews",
            [*_reviews("OLD", "-1"), *_reviews("NEW", "1")],
            _changed(REVIEW_COLUMNS, True),
        ),
        trigger("count_members_insert", "INSERT ON memberships", _members("NEW", "1")),
        trigger("count_members_delete", "DELETE ON memberships", _members("OLD", "-1")),
        trigger(
            "count_cards_insert",
            "INSERT ON cards",
            ["UPDATE sections SET card_count = card_count + 1 WHERE id = NEW.section_id"],
            "NOT NEW.retired",
        ),
        trigger(
            "count_cards_update",
            "UPDATE OF retired, section_id ON cards",
            CARD_MOVES,
            _changed(("retired", "section_id"), True),
        ),
    ]


def _postgresql() -> list[str]:
    def function(name: str, old: list[str], new: list[str], ordered_by: str = "") -> str:
        # One learner's count rows locked in one order (``ordered_by``) whichever way a state moves.
        first = (
            f"IF TG_OP = 'UPDATE' AND NEW.{ordered_by} < OLD.{ordered_by} THEN {_body(new)} {_body(old)} "
            "ELSE "
            if ordered_by
            else ""
        )
        return (
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {first}"
            f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {_body(old)} END IF; "
            f"IF TG_OP IN ('UPDATE', 'INSERT') THEN {_body(new)} END IF; "
            f"{'END IF; ' if ordered_by else ''}RETURN NULL; END $$"
        )

    def triggers(table: str, name: str, columns: tuple[str, ...], moved: str = "") -> list[str]:
        return [
            f"CREATE TRIGGER {name}_change AFTER INSERT OR DELETE ON {table} FOR EACH ROW "
            f"EXECUTE FUNCTION quiz_{name}()",
            f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} FOR EACH ROW "
            f"WHEN ({moved or _changed(columns, False)}) EXECUTE FUNCTION quiz_{name}()",
        ]

    return [
        function("quiz_count_sections", _section_change("OLD", "-1"), _section_change("NEW", "1")),
        *triggers("card_states", "count_sections", (), _moved(SECTION_COLUMNS, False)),
        function("quiz_count_due", _due_change("OLD", "-1"), _due_change("NEW", "1"), "due"),
        *triggers("card_states", "count_due", (), _moved(DUE_COLUMNS, False)),
        function("quiz_count_lapses", _lapse_change("OLD", "-1"), _lapse_change("NEW", "1")),
        *triggers("card_states", "count_lapses", ("lapses", "learner_id")),
        function("quiz_count_reviews", _reviews("OLD", "-1"), _reviews("NEW", "1"), "day"),
        *triggers("reviews", "count_reviews", REVIEW_COLUMNS),
        function("quiz_count_members", _members("OLD", "-1"), _members("NEW", "1")),
        *triggers("memberships", "count_members", ("cohort_id", "learner_id")),
        "CREATE FUNCTION quiz_count_cards() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'INSERT' THEN "
        "UPDATE sections SET card_count = card_count + 1 WHERE id = NEW.section_id AND NOT NEW.retired; "
        f"ELSE {_body(CARD_MOVES)} END IF; RETURN NULL; END $$",
        "CREATE TRIGGER count_cards_insert AFTER INSERT ON cards FOR EACH ROW EXECUTE FUNCTION quiz_count_cards()",
        "CREATE TRIGGER count_cards_update AFTER UPDATE ON cards FOR EACH ROW "
        f"WHEN ({_changed(('retired', 'section_id'), False)}) EXECUTE FUNCTION quiz_count_cards()",
    ]


# What is stored, counted afresh (after 0003's own counts): at the upgrade, and after a bulk load.
BACKFILL = [
    "DELETE FROM cohort_cards",
    "INSERT INTO cohort_cards (cohort_id, card_id, lapsed, lapses) "
    "SELECT m.cohort_id, st.card_id, COUNT(*), SUM(st.lapses) FROM card_states st "
    "JOIN memberships m ON m.learner_id = st.learner_id WHERE st.lapses > 0 GROUP BY m.cohort_id, st.card_id",
]


def _drop_triggers() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for (name,) in (
            op.get_bind()
            .exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'count_%'")
            .all()
        ):
            op.execute(f"DROP TRIGGER {name}")
    elif dialect == "postgresql":
        for name in ("states", "sections", "due", "lapses", "reviews", "members", "cards"):
            op.execute(f"DROP FUNCTION IF EXISTS quiz_count_{name}() CASCADE")


def _fk(table: str, name: str, target: str) -> sa.Column:
    return sa.Column(
        name,
        sa.Integer(),
        sa.ForeignKey(f"{target}.id", ondelete="CASCADE", name=op.f(f"fk_{table}_{name}_{target}")),
        nullable=False,
    )


def _count_table(name: str, keys: tuple[str, ...], *columns: sa.Column) -> None:
    # Without rowid in SQLite, as in 0003: a learner's (cohort's) rows are one range of the table.
    op.create_table(
        name, *columns, sa.PrimaryKeyConstraint(*keys, name=op.f(f"pk_{name}")), sqlite_with_rowid=False
    )


def upgrade() -> None:
    _drop_triggers()
    op.drop_table("cohort_due")
    op.drop_table("cohort_cards")
    _count_table(
        "cohort_cards",
        ("cohort_id", "card_id"),
        _fk("cohort_cards", "cohort_id", "cohorts"),
        _fk("cohort_cards", "card_id", "cards"),
        sa.Column("lapsed", sa.Integer(), nullable=False),
        sa.Column("lapses", sa.Integer(), nullable=False),
    )
    for sql in BACKFILL:
        op.execute(sql)
    dialect = op.get_bind().dialect.name
    for sql in _sqlite() if dialect == "sqlite" else _postgresql() if dialect == "postgresql" else []:
        op.execute(sql)


def _revision_0003() -> Any:
    """0003's module, for its tables, counts and triggers (migrations are files, not a package)."""
    path = Path(__file__).with_name("0003_status_counts.py")
    spec = importlib.util.spec_from_file_location("quiz_migration_0003", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def downgrade() -> None:
    before = _revision_0003()
    _drop_triggers()
    op.drop_table("cohort_cards")
    before._count_table(
        "cohort_due",
        [
            before._key("cohort_id", "cohorts", table="cohort_due"),
            before._key("due", kind=sa.Date()),
            before._key("deck_id", "decks", table="cohort_due"),
        ],
        ["cards"],
    )
    before._count_table(
        "cohort_cards",
        [
            before._key("cohort_id", "cohorts", table="cohort_cards"),
            before._key("card_id", "cards", table="cohort_cards"),
        ],
        ["met", "lapsed", "lapses"],
    )
    for sql in before.BACKFILL:
        if "cohort_due" in sql or "cohort_cards" in sql:
            op.execute(sql)
    dialect = op.get_bind().dialect.name
    for sql in (
        before._sqlite() if dialect == "sqlite" else before._postgresql() if dialect == "postgresql" else []
    ):
        op.execute(sql)
