"""PostgreSQL through psycopg itself (quiz.store.postgres): parameters translated safely, errors
mapped as on SQLite, and the daily commands on a ready database import no SQLAlchemy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from quiz.errors import ConflictError
from quiz.store.postgres import PostgresDb, conninfo, open_postgres, pyformat
from tests.drive import START, open_database

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "sql,expected",
    [
        ("SELECT * FROM t WHERE a = :a AND b = :b_2", "SELECT * FROM t WHERE a = %(a)s AND b = %(b_2)s"),
        ("SELECT :day::date", "SELECT %(day)s::date"),
        ("SELECT ':not_a_parameter', \"odd:name\"", "SELECT ':not_a_parameter', \"odd:name\""),
        (
            "SELECT 1 WHERE path LIKE '10%' AND 7 % 2 = :one",
            "SELECT 1 WHERE path LIKE '10%%' AND 7 %% 2 = %(one)s",
        ),
        ("SELECT 'it''s :x' || :y", "SELECT 'it''s :x' || %(y)s"),
    ],
)
def test_named_parameters_become_psycopgs(sql: str, expected: str) -> None:
    assert pyformat(sql) == expected


def test_only_postgresql_urls_are_opened_by_psycopg() -> None:
    assert conninfo("postgresql+psycopg://u:p@h/db") == "postgresql://u:p@h/db"
    assert conninfo("postgresql://u@h/db") == "postgresql://u@h/db"
    assert conninfo("postgresql+asyncpg://u@h/db") is None
    assert conninfo("sqlite:///x.db") is None


def _postgres(db_url: str) -> str:
    assert db_url.startswith("postgresql")
    return db_url


ON_POSTGRES = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


@ON_POSTGRES
def test_a_ready_database_is_opened_without_sqlalchemy(db_url: str) -> None:
    url = _postgres(db_url)
    open_database(url, "ana").dispose()
    code = (
        "import sys; from click.testing import CliRunner; from quiz.cli import main; "
        f"r = CliRunner().invoke(main, ['--db', {url!r}, 'review', '--learner', 'ana', '--new', '2'], "
        "input='\\n4\\n\\n4\\n'); assert r.exit_code == 0, r.output; "
        "assert '2 answers' in r.output, r.output; "
        "print(sorted(m for m in ('sqlalchemy', 'alembic') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@ON_POSTGRES
def test_errors_are_mapped_and_transactions_roll_back(db_url: str) -> None:
    url = _postgres(db_url)
    open_database(url).dispose()
    db = open_postgres(url)
    assert isinstance(db, PostgresDb)
    with db:
        db.execute(
            "INSERT INTO learners (name, created_at, new_per_day, reviews_per_day, leech_threshold, "
            "day_starts_at) VALUES (:name, :now, 20, 200, 8, 4)",
            {"name": "ana", "now": START},
        )
        with pytest.raises(ConflictError), db.transaction():
            db.execute("UPDATE learners SET new_per_day = 5 WHERE name = 'ana'")
            db.execute(
                "INSERT INTO learners (name, created_at, new_per_day, reviews_per_day, "
                "leech_threshold, day_starts_at) VALUES ('ana', :now, 1, 1, 1, 1)",
                {"now": START},
            )
        assert db.rows("SELECT new_per_day FROM learners WHERE name = :n", {"n": "ana"}) == [(20,)]


@ON_POSTGRES
def test_a_wrong_password_is_never_shown(db_url: str) -> None:
    url = _postgres(db_url)
    open_database(url).dispose()
    scheme, rest = url.split("://", 1)
    host = rest.split("@", 1)[1]
    wrong = f"{scheme}://quiz_ci:Secret-Word-42@{host}"
    assert open_postgres(wrong) is None
    out = subprocess.run(
        [sys.executable, "-m", "quiz", "--db", wrong, "status"], capture_output=True, text=True, cwd=ROOT
    )
    assert out.returncode == 1
    assert "Secret-Word-42" not in out.stdout + out.stderr
