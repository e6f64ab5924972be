"""Bad input: one line naming the file (and line), a non-zero exit, and an unchanged database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, Invoke, dump


def _write(path: Path, content: bytes | str) -> Path:
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


CASES: dict[str, tuple[str, bytes | str, str]] = {
    # name: (file name, content, what the message must say besides the file name)
    "binary": ("scan.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary file"),
    "not utf-8": (
        "latin.md",
        "# Titre\n\n## Section\n\n- Fièvre\n".encode("latin-1"),
        "latin.md:5: is not UTF-8 text",
    ),
    "empty": ("empty.md", "", "is empty"),
    "only white space": ("blank.txt", "\n  \n\t\n", "is empty"),
    "text without headings": (
        "flat.txt",
        "Title\nA long first paragraph that goes on and on and on.\n",
        "has no headings",
    ),
    "broken front matter": (
        "broken.md",
        "---\ndeck: [unclosed\nid: x\n---\n# T\n\n## S\n\n- a\n",
        "broken.md:3: front matter is not valid YAML",
    ),
    "unclosed front matter": ("open.md", "---\ndeck: T\n\n# T\n\n## S\n", "open.md:1: front matter"),
    "front matter not a mapping": ("list.md", "---\n- a\n- b\n---\n# T\n", "front matter must be"),
    "bad deck id": (
        "id.md",
        "---\nid: Not A Slug!\n---\n# T\n\n## S\n\n- Dose is 10 mg\n",
        "id 'Not A Slug!' is not a slug",
    ),
}


@pytest.fixture
def existing_db(quiz: Invoke, db_path: Path) -> list[str]:
    """A database in use already (the bundled deck imported), as it was before the bad command."""
    assert quiz("decks").exit_code == 0
    return dump(db_path)


def _assert_refused(result: object, existing: list[str], db_path: Path, *needles: str) -> None:
    from click.testing import Result

    assert isinstance(result, Result)
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert result.stdout == ""
    assert dump(db_path) == existing


@pytest.mark.parametrize("case", CASES)
def test_bad_document_is_refused(
    case: str, quiz: Invoke, tmp_path: Path, existing_db: list[str], db_path: Path
) -> None:
    name, content, message = CASES[case]
    path = _write(tmp_path / name, content)
    _assert_refused(quiz("import", str(path)), existing_db, db_path, name, message)


def test_missing_path(quiz: Invoke, tmp_path: Path, existing_db: list[str], db_path: Path) -> None:
    missing = tmp_path / "nowhere.md"
    _assert_refused(
        quiz("import", str(missing)), existing_db, db_path, "nowhere.md", "no such file or folder"
    )


def test_folder_without_documents(
    quiz: Invoke, tmp_path: Path, existing_db: list[str], db_path: Path
) -> None:
    folder = tmp_path / "pictures"
    folder.mkdir()
    (folder / "x.png").write_bytes(b"\x89PNG")
    _assert_refused(quiz("import", str(folder)), existing_db, db_path, "pictures", "folder has no documents")


def test_ten_megabyte_document(quiz: Invoke, tmp_path: Path, existing_db: list[str], db_path: Path) -> None:
    line = "- Dose is 10 mg daily for the first 6 weeks after surgery\n"
    body = "# Huge\n\n" + "".join(f"## Section {i}\n\n{line * 20}\n" for i in range(9000))
    path = _write(tmp_path / "huge.md", body)
    assert path.stat().st_size > 10_000_000
    _assert_refused(quiz("import", str(path)), existing_db, db_path, "huge.md", "over the 5 MiB limit")


def test_one_bad_file_among_good_ones_writes_nothing(
    quiz: Invoke, tmp_path: Path, existing_db: list[str], db_path: Path
) -> None:
    good = _write(tmp_path / "good.md", "# Good\n\n## S\n\n- Dose is 10 mg daily\n")
    bad = _write(tmp_path / "bad.md", b"\x00\x01binary")
    _assert_refused(quiz("import", str(good), str(bad)), existing_db, db_path, "bad.md")


def test_outline_of_a_bad_file(quiz: Invoke, tmp_path: Path) -> None:
    path = _write(tmp_path / "empty.txt", "")
    result = quiz("outline", str(path))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {path}: is empty: write a title and at least one section"


def test_database_from_a_newer_quiz_is_refused(quiz: Invoke, db_path: Path, existing_db: list[str]) -> None:
    import sqlite3

    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    before = dump(db_path)
    result = quiz("decks")
    assert result.exit_code == 1
    assert "was written by a newer version of quiz (schema 9999)" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert dump(db_path) == before


def test_unusable_database_url(quiz: Invoke) -> None:
    result = quiz("--db", "nosuchdriver://x/y", "decks")
    assert result.exit_code == 1
    assert "cannot use the database" in result.stderr


def test_missing_database_driver_is_named(quiz: Invoke) -> None:
    pytest.importorskip("sqlalchemy")
    try:
        import MySQLdb  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        pass
    else:  # pragma: no cover
        pytest.skip("a MySQL driver is installed here")
    result = quiz("--db", "mysql://someone:secret@localhost/quiz", "decks")
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert "its driver is not installed" in line and "secret" not in line


SECRET_URLS = {
    "nothing listens": "postgresql://user:secret@127.0.0.1:1/x",
    "a port that is not a number": "postgresql://u:secret@host:notaport/x",
}


@pytest.mark.parametrize("how", ["--db", "QUIZ_DB"])
@pytest.mark.parametrize("url", SECRET_URLS.values(), ids=SECRET_URLS.keys())
def test_a_database_url_never_shows_its_password(tmp_path: Path, url: str, how: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "QUIZ_DB"}
    args = ["--db", url, "status"] if how == "--db" else ["status"]
    if how == "QUIZ_DB":
        env["QUIZ_DB"] = url
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        [sys.executable, "-m", "quiz", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 1, result.stderr
    assert "secret" not in result.stdout + result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert ":***@" in lines[0]


HOSTILE_LINES = {
    "parentheses never closed": "- " + "(" * 80_000,
    "one figure repeated": "- " + "1 mg, " * 13_000,
    "thousands of figures": "- " + "".join(f"{i} mg, " for i in range(10_000)),
    "cloze marks never closed": "- " + "{{c1::a " * 10_000,
    "cues repeated": "- " + "risk of x such as y, " * 4_000,
    "rare words repeated": "- " + "cellulitis " * 8_000,
    "a table cell of bands": "| a | b |\n|---|---|\n| x | " + "5 mg / " * 10_000 + "|",
    "a long label": "- " + "a" * 80_000 + ": b",
    "ordered pairs": "- " + "a > b; " * 11_000,
}


def test_hostile_lines_are_read_in_linear_time() -> None:
    """Each 80 KB line is read in well under a second here; a rule that went quadratic on one took a
    minute. The whole set runs in a child process that must finish in 60 s: a hang fails the test
    instead of stalling the suite."""
    script = (
        "import sys, json; from quiz.generator import generate\n"
        "for text in json.load(sys.stdin): generate('# T\\n\\n## S\\n\\n' + text + '\\n', 't.md')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(list(HOSTILE_LINES.values())),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_escape_sequences_in_a_document_never_reach_a_card(quiz: Invoke, tmp_path: Path) -> None:
    path = _write(tmp_path / "esc.md", "# T\n\n## S\n\n- Give \x1b[2J\x1b]0;title\x07\x9b31m 10 mg daily\n")
    result = quiz("outline", "--cards", str(path))
    assert result.exit_code == 0
    assert not any(ch in result.output for ch in "\x1b\x07\x9b")
    assert "→ 10 mg" in result.output
