"""counts kept by triggers, for the status and the reports

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24

`quiz status` and `quiz cohort report` counted hundreds of thousands of states and reviews each
time; these counts are kept by the database itself (triggers on card_states, reviews, cards and
memberships, on SQLite and PostgreSQL), so every writer, quiz's or not, keeps them right:
- sections.card_count: live (not retired) cards;
- learner_sections: per learner and section, live states, met, suspended (new ones apart),
  mature, lapses;
- learner_due: per learner, due day and section, live, met, unsuspended cards;
- learner_days: per learner, day and deck, reviews, counted ones and retention's two counts;
- cohort_sections: per cohort, day and section, retention's two counts of its learners;
- cohort_due: per cohort, due day and deck, its learners' cards of learner_due;
- cohort_cards: per cohort and card, learners who met it, who lapsed on it, and lapses.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def _upsert(table: str, keys: str, values: str, select: str) -> str:
    """Add ``select``'s rows to ``table``'s counts (both dialects read it; SQLite needs the WHERE
    that every ``select`` here has before ON CONFLICT)."""
    names = [v.strip() for v in values.split(",")]
    added = ", ".join(f"{v} = {table}.{v} + excluded.{v}" for v in names)
    return f"INSERT INTO {table} ({keys}, {values}) {select} ON CONFLICT ({keys}) DO UPDATE SET {added}"


def _states(row: str, sign: str, where: str, source: str = "") -> list[str]:
    """The live-card counts of the state rows ``row`` (NEW, OLD, or an alias over ``source``),
    times ``sign``, where ``where`` holds."""
    mature = f'{row}.introduced IS NOT NULL AND {row}."interval" >= 21'
    due = f"{row}.due IS NOT NULL AND NOT {row}.suspended AND {row}.introduced IS NOT NULL"
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
        ),
        _upsert(
            "learner_due",
            "learner_id, due, section_id",
            "cards",
            f"SELECT {row}.learner_id, {row}.due, {row}.section_id, {sign} {source} WHERE {where} AND {due}",
        ),
        _upsert(
            "cohort_due",
            "cohort_id, due, deck_id",
            "cards",
            f"SELECT m.cohort_id, {row}.due, s.deck_id, {sign} {source or 'FROM memberships m'} "
            f"{'JOIN memberships m ON m.learner_id = ' + row + '.learner_id ' if source else ''}"
            f"JOIN sections s ON s.id = {row}.section_id WHERE m.learner_id = {row}.learner_id "
            f"AND {where} AND {due}",
        ),
    ]


def _cohort_cards(row: str, sign: str) -> str:
    """Every card's state, retired ones too (the report leaves those out when it names cards)."""
    return _upsert(
        "cohort_cards",
        "cohort_id, card_id",
        "met, lapsed, lapses",
        f"SELECT m.cohort_id, {row}.card_id, {sign} * ({_when(f'{row}.introduced IS NOT NULL')}), "
        f"{sign} * ({_when(f'{row}.lapses > 0')}), {sign} * {row}.lapses "
        f"FROM memberships m WHERE m.learner_id = {row}.learner_id",
    )


def _live(row: str) -> str:
    return f"(SELECT NOT retired FROM cards WHERE id = {row}.card_id)"


def _state_change(row: str, sign: str) -> list[str]:
    found = [*_states(row, sign, _live(row)), _cohort_cards(row, sign)]
    if sign == "-1":
        found += [
            f"DELETE FROM learner_due WHERE learner_id = {row}.learner_id AND due = {row}.due "
            f"AND section_id = {row}.section_id AND cards = 0",
            f"DELETE FROM cohort_due WHERE due = {row}.due AND cards = 0 AND cohort_id IN "
            f"(SELECT cohort_id FROM memberships WHERE learner_id = {row}.learner_id)",
        ]
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
    """A learner joining (leaving) a cohort brings (takes) their reviews and states along. The
    tables in the order an answer's triggers reach them (due days, cards, then retention), so an
    instructor adding a learner while others answer never waits in a circle with them."""
    return [
        _upsert(
            "cohort_due",
            "cohort_id, due, deck_id",
            "cards",
            f"SELECT {row}.cohort_id, ld.due, s.deck_id, {sign} * SUM(ld.cards) FROM learner_due ld "
            f"JOIN sections s ON s.id = ld.section_id WHERE ld.learner_id = {row}.learner_id "
            "GROUP BY ld.due, s.deck_id",
        ),
        f"DELETE FROM cohort_due WHERE cohort_id = {row}.cohort_id AND cards = 0",
        _upsert(
            "cohort_cards",
            "cohort_id, card_id",
            "met, lapsed, lapses",
            f"SELECT {row}.cohort_id, st.card_id, {sign} * ({_when('st.introduced IS NOT NULL')}), "
            f"{sign} * ({_when('st.lapses > 0')}), {sign} * st.lapses FROM card_states st "
            f"WHERE st.learner_id = {row}.learner_id",
        ),
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
    "DELETE FROM cohort_due WHERE cards = 0",
]
STATE_COLUMNS = ("introduced", "suspended", "due", "section_id", '"interval"', "lapses", "learner_id")
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
            "count_states_update",
            "UPDATE ON card_states",
            [*_state_change("OLD", "-1"), *_state_change("NEW", "1")],
            _changed(STATE_COLUMNS, True),
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
        # Learners answering at once lock count rows (a cohort's due days) in one order, the
        # order of ``ordered_by``, whichever way a state moves: no two can wait for each other.
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

    def triggers(table: str, name: str, columns: tuple[str, ...]) -> list[str]:
        return [
            f"CREATE TRIGGER {name}_change AFTER INSERT OR DELETE ON {table} FOR EACH ROW "
            f"EXECUTE FUNCTION quiz_{name}()",
            f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} FOR EACH ROW "
            f"WHEN ({_changed(columns, False)}) EXECUTE FUNCTION quiz_{name}()",
        ]

    return [
        function("quiz_count_states", _state_change("OLD", "-1"), _state_change("NEW", "1"), "due"),
        *triggers("card_states", "count_states", STATE_COLUMNS),
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


REVIEWED = "r.kind = 'review'"
MATURE = 'st.introduced IS NOT NULL AND st."interval" >= 21'

# What is stored, counted afresh: at the upgrade, and after a bulk load made without the triggers.
BACKFILL = [
    "UPDATE sections SET card_count = (SELECT COUNT(*) FROM cards WHERE cards.section_id = sections.id "
    "AND NOT cards.retired)",
    "DELETE FROM learner_sections",
    "INSERT INTO learner_sections (learner_id, section_id, states, introduced, suspended, suspended_new, "
    f"mature, lapses) SELECT st.learner_id, st.section_id, COUNT(*), COUNT(st.introduced), "
    f"SUM({_when('st.suspended')}), SUM({_when('st.suspended AND st.introduced IS NULL')}), "
    f"SUM({_when(MATURE)}), SUM(st.lapses) "
    "FROM card_states st JOIN cards c ON c.id = st.card_id WHERE NOT c.retired "
    "GROUP BY st.learner_id, st.section_id",
    "DELETE FROM learner_due",
    "INSERT INTO learner_due (learner_id, due, section_id, cards) "
    "SELECT st.learner_id, st.due, st.section_id, COUNT(*) "
    "FROM card_states st JOIN cards c ON c.id = st.card_id WHERE NOT c.retired AND st.due IS NOT NULL "
    "AND NOT st.suspended AND st.introduced IS NOT NULL GROUP BY st.learner_id, st.due, st.section_id",
    "DELETE FROM cohort_due",
    "INSERT INTO cohort_due (cohort_id, due, deck_id, cards) "
    "SELECT m.cohort_id, ld.due, s.deck_id, SUM(ld.cards) FROM learner_due ld "
    "JOIN memberships m ON m.learner_id = ld.learner_id JOIN sections s ON s.id = ld.section_id "
    "GROUP BY m.cohort_id, ld.due, s.deck_id",
    "DELETE FROM learner_days",
    "INSERT INTO learner_days (learner_id, day, deck_id, reviews, counted, retained_of, retained) "
    f"SELECT r.learner_id, r.day, s.deck_id, COUNT(*), SUM({_when(REVIEWED)}), "
    f"SUM({_when(REVIEWED + ' AND r.passed_before')}), "
    f"SUM({_when(REVIEWED + ' AND r.passed_before AND r.grade >= 3')}) "
    "FROM reviews r JOIN sections s ON s.id = r.section_id GROUP BY r.learner_id, r.day, s.deck_id",
    "DELETE FROM cohort_sections",
    "INSERT INTO cohort_sections (cohort_id, day, section_id, retained_of, retained) "
    f"SELECT m.cohort_id, r.day, r.section_id, COUNT(*), SUM({_when('r.grade >= 3')}) "
    "FROM reviews r JOIN memberships m ON m.learner_id = r.learner_id "
    "WHERE r.kind = 'review' AND r.passed_before GROUP BY m.cohort_id, r.day, r.section_id",
    "DELETE FROM cohort_cards",
    "INSERT INTO cohort_cards (cohort_id, card_id, met, lapsed, lapses) "
    f"SELECT m.cohort_id, st.card_id, COUNT(st.introduced), SUM({_when('st.lapses > 0')}), SUM(st.lapses) "
    "FROM card_states st JOIN memberships m ON m.learner_id = st.learner_id GROUP BY m.cohort_id, st.card_id",
]


def _count_table(name: str, keys: list[sa.Column], counts: list[str]) -> None:
    # Without rowid in SQLite: the rows are stored in their key's order, so reading a learner's
    # days or a cohort's sections is one range of the table itself.
    op.create_table(
        name,
        *keys,
        *(sa.Column(c, sa.Integer(), nullable=False) for c in counts),
        sa.PrimaryKeyConstraint(*(k.name for k in keys), name=op.f(f"pk_{name}")),
        sqlite_with_rowid=False,
    )


def _key(
    name: str, target: str | None = None, kind: sa.types.TypeEngine | None = None, table: str = ""
) -> sa.Column:
    if target is None:
        return sa.Column(name, kind or sa.Integer(), nullable=False)
    return sa.Column(
        name,
        sa.Integer(),
        sa.ForeignKey(f"{target}.id", ondelete="CASCADE", name=op.f(f"fk_{table}_{name}_{target}")),
        nullable=False,
    )


def upgrade() -> None:
    with op.batch_alter_table("sections") as batch_op:
        batch_op.add_column(sa.Column("card_count", sa.Integer(), server_default="0", nullable=False))
    _count_table(
        "learner_sections",
        [
            _key("learner_id", "learners", table="learner_sections"),
            _key("section_id", "sections", table="learner_sections"),
        ],
        ["states", "introduced", "suspended", "suspended_new", "mature", "lapses"],
    )
    _count_table(
        "learner_due",
        [
            _key("learner_id", "learners", table="learner_due"),
            _key("due", kind=sa.Date()),
            _key("section_id", "sections", table="learner_due"),
        ],
        ["cards"],
    )
    _count_table(
        "learner_days",
        [
            _key("learner_id", "learners", table="learner_days"),
            _key("day", kind=sa.Date()),
            _key("deck_id", "decks", table="learner_days"),
        ],
        ["reviews", "counted", "retained_of", "retained"],
    )
    _count_table(
        "cohort_sections",
        [
            _key("cohort_id", "cohorts", table="cohort_sections"),
            _key("day", kind=sa.Date()),
            _key("section_id", "sections", table="cohort_sections"),
        ],
        ["retained_of", "retained"],
    )
    _count_table(
        "cohort_due",
        [
            _key("cohort_id", "cohorts", table="cohort_due"),
            _key("due", kind=sa.Date()),
            _key("deck_id", "decks", table="cohort_due"),
        ],
        ["cards"],
    )
    _count_table(
        "cohort_cards",
        [_key("cohort_id", "cohorts", table="cohort_cards"), _key("card_id", "cards", table="cohort_cards")],
        ["met", "lapsed", "lapses"],
    )
    for sql in BACKFILL:
        op.execute(sql)
    dialect = op.get_bind().dialect.name
    for sql in _sqlite() if dialect == "sqlite" else _postgresql() if dialect == "postgresql" else []:
        op.execute(sql)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for (name,) in (
            op.get_bind()
            .exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'count_%'")
            .all()
        ):
            op.execute(f"DROP TRIGGER {name}")
    elif dialect == "postgresql":
        for name in ("states", "reviews", "members", "cards"):
            op.execute(f"DROP FUNCTION IF EXISTS quiz_count_{name}() CASCADE")
    for table in (
        "cohort_cards",
        "cohort_due",
        "cohort_sections",
        "learner_days",
        "learner_due",
        "learner_sections",
    ):
        op.drop_table(table)
    with op.batch_alter_table("sections") as batch_op:
        batch_op.drop_column("card_count")
