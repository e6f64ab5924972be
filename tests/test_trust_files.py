"""Trust in the files quiz writes: `-o` never destroys the database or writes into a device, a full
disk leaves no half file, the database and learners' data are private, passwords never shown."""

from __future__ import annotations

import builtins
import errno
import io
import json
import os
import sqlite3
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from quiz.cli import main
from tests.conftest import POSTGRES_ENV, Invoke

DECK = "heterotopic-ossification"
NO_SPACE = "No space left writing"


def _one_line_error(result: Result, exit_code: int = 1) -> str:
    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask, under which a file made without care is readable by every user."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.fixture
def made(quiz: Invoke, db_path: Path) -> Path:
    """The test's database, made (with the HO deck) and with a cohort and its report's learners."""
    assert quiz("simulate", "--learners", "2", "--days", "3").exit_code == 0
    return db_path


# --- outputs never clobber ---------------------------------------------------------------------------


def _exports(target: Path) -> list[tuple[str, ...]]:
    """Every command that writes a file with -o."""
    out = str(target)
    return [
        ("export", "json", DECK, "-o", out),
        ("export", "csv", DECK, "-o", out),
        ("export", "anki", DECK, "-o", out),
        ("cohort", "report", "simulated", "-o", out),
        ("cohort", "report", "simulated", "--format", "html", "-o", out),
        ("cohort", "report", "simulated", "--format", "csv", "-o", out),
        ("cohort", "report", "simulated", "--format", "json", "-o", out),
        ("stats", "--learner", "simulated-001", "-o", out),
        ("progress", "export", "--learner", "simulated-001", "-o", out),
    ]


@pytest.mark.parametrize("side", ["", "-wal", "-shm", "-writer"])
def test_no_export_writes_over_the_database_or_its_side_files(quiz: Invoke, made: Path, side: str) -> None:
    target = Path(f"{made}{side}")
    if not target.exists():
        target.write_bytes(b"")  # as SQLite leaves them, beside a database in use
    before = made.read_bytes()
    for args in _exports(target):
        for force in ((), ("--force",)):
            line = _one_line_error(quiz(*args, *force))
            assert "database quiz is using" in line and side in line, args
    assert made.read_bytes() == before
    assert quiz("decks").exit_code == 0  # the database still opens


@pytest.mark.parametrize("link", ["symlink", "hardlink"])
def test_a_link_to_the_database_is_the_database(quiz: Invoke, made: Path, tmp_path: Path, link: str) -> None:
    target = tmp_path / "innocent.json"
    if link == "symlink":
        target.symlink_to(made)
    else:
        os.link(made, target)
    before = made.read_bytes()
    line = _one_line_error(quiz("export", "json", DECK, "-o", str(target), "--force"))
    assert "the database quiz is using" in line
    assert made.read_bytes() == before and quiz("decks").exit_code == 0


def test_another_sqlite_file_is_never_an_export_target(quiz: Invoke, made: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    before = other.read_bytes()
    for args in _exports(other):
        line = _one_line_error(quiz(*args, "--force"))
        assert "is a SQLite database" in line
    assert other.read_bytes() == before


def test_devices_fifos_folders_and_links_to_them_are_refused_even_with_force(
    quiz: Invoke, made: Path, tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    device_link = tmp_path / "null-link"
    device_link.symlink_to("/dev/null")
    folder = tmp_path / "folder"
    folder.mkdir()
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    cases = {fifo: "FIFO", device_link: "a device", Path("/dev/null"): "a device", folder: "a folder"}
    cases[dangling] = "link to nothing"
    for target, why in cases.items():
        for args in _exports(target):
            line = _one_line_error(quiz(*args, "--force"))  # a FIFO would block a writer forever
            assert why in line, (args, line)
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and device_link.is_symlink() and folder.is_dir()
    assert not (tmp_path / "nowhere").exists()


def test_an_unknown_file_needs_force_and_a_reexport_does_not(
    quiz: Invoke, made: Path, tmp_path: Path
) -> None:
    for args in _exports(tmp_path / "placeholder"):
        target = tmp_path / f"out-{'-'.join(args[:2])}-{len(args)}"
        target.write_text("my notes\n", encoding="utf-8")
        args = (*args[:-1], str(target))
        line = _one_line_error(quiz(*args))
        assert "exists" in line and "--force" in line
        assert target.read_text(encoding="utf-8") == "my notes\n"
        assert quiz(*args, "--force").exit_code == 0
        written = target.read_bytes()
        assert written != b"my notes\n"
        assert quiz(*args).exit_code == 0, args  # quiz's own file of this kind: replaced as a re-export


def _zip(path: Path, members: dict[str, bytes]) -> bytes:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path.read_bytes()


def test_a_spreadsheet_or_a_zip_of_photos_is_not_an_anki_package(
    quiz: Invoke, made: Path, tmp_path: Path
) -> None:
    spreadsheet = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}
    photos = {"IMG_0001.jpg": b"\xff\xd8\xff", "IMG_0002.jpg": b"\xff\xd8\xff"}
    for name, members in (("budget.xlsx", spreadsheet), ("photos.zip", photos)):
        target = tmp_path / name
        before = _zip(target, members)
        line = _one_line_error(quiz("export", "anki", DECK, "-o", str(target)))
        assert "exists" in line and "--force" in line
        assert target.read_bytes() == before
        assert quiz("export", "anki", DECK, "-o", str(target), "--force").exit_code == 0
        assert set(zipfile.ZipFile(target).namelist()) >= {"collection.anki2", "media"}
        assert quiz("export", "anki", DECK, "-o", str(target)).exit_code == 0  # now quiz's own


def test_a_users_own_json_list_is_not_a_card_export(quiz: Invoke, made: Path, tmp_path: Path) -> None:
    for mine in ('[{"key": "k1", "note": "mine"}]', "[]", '[\n  {"front": "a", "back": "b"}\n]'):
        target = tmp_path / "cards.json"
        target.write_text(mine, encoding="utf-8")
        line = _one_line_error(quiz("export", "json", DECK, "-o", str(target)))
        assert "exists" in line and "--force" in line
        assert target.read_text(encoding="utf-8") == mine
        assert quiz("export", "json", DECK, "-o", str(target), "--force").exit_code == 0
        assert json.loads(target.read_text(encoding="utf-8"))[0]["front"]
        assert quiz("export", "json", DECK, "-o", str(target)).exit_code == 0  # a re-export


def test_a_symlink_to_a_file_is_followed(quiz: Invoke, made: Path, tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    link = tmp_path / "link.json"
    assert quiz("export", "json", DECK, "-o", str(real)).exit_code == 0
    link.symlink_to(real)
    assert quiz("export", "json", DECK, "-o", str(link)).exit_code == 0
    assert link.is_symlink() and link.resolve() == real.resolve()


# --- a full disk ---------------------------------------------------------------------------------------


class _FullFile:
    """A file of a full disk: the first bytes go in, then ENOSPC."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle

    def write(self, data: Any) -> int:
        self._handle.write(data[:10])
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)

    def __enter__(self) -> _FullFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file opened for writing under a temporary name of quiz's fills the disk."""
    real_open = io.open

    def opener(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_open(file, mode, *args, **kwargs)
        if str(file).endswith(".part") and any(c in mode for c in "wa+"):
            return _FullFile(handle)
        return handle

    monkeypatch.setattr(io, "open", opener)
    monkeypatch.setattr(builtins, "open", opener)


def test_a_full_disk_gives_one_line_and_no_partial_file(
    quiz: Invoke, made: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    exports = [(*args[:-1], str(out / f"file-{n}")) for n, args in enumerate(_exports(out))]
    for args in exports:
        assert quiz(*args).exit_code == 0  # an earlier export, which a failed one must leave whole
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    request.getfixturevalue("full_disk")
    for args in exports:
        line = _one_line_error(quiz(*args))
        assert line == f"Error: {NO_SPACE} {args[-1]}: free some space or choose another folder"
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # and no temporary file left


def test_a_full_disk_for_a_new_file_leaves_nothing(
    quiz: Invoke, made: Path, tmp_path: Path, full_disk: None
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    line = _one_line_error(quiz("export", "anki", DECK, "-o", str(out / "ho.apkg")))
    assert NO_SPACE in line
    assert list(out.iterdir()) == []


# --- private by default --------------------------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_and_its_wal_and_shm_are_owner_only(
    umask_022: None, quiz: Invoke, db_path: Path
) -> None:
    assert quiz("decks").exit_code == 0
    from quiz.store import open_db

    with open_db(f"sqlite:///{db_path}") as db, db.transaction():
        db.execute("UPDATE decks SET name = name")  # a write: the WAL and SHM files exist now
        files = [db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm"), Path(f"{db_path}-writer")]
        assert {f.name: _mode(f) for f in files} == {f.name: 0o600 for f in files}


def test_the_data_folder_is_made_owner_only_on_first_run(
    umask_022: None, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QUIZ_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    result = runner.invoke(main, ["decks"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    folder = tmp_path / "data" / "quiz"
    assert _mode(folder) == 0o700 and _mode(folder / "quiz.db") == 0o600


def test_reports_progress_files_and_exports_are_owner_only(
    umask_022: None, quiz: Invoke, made: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for number, args in enumerate(_exports(tmp_path / "placeholder")):
        target = tmp_path / f"out-{number}"
        assert quiz(*args[:-1], str(target)).exit_code == 0
        assert _mode(target) == 0o600, args
    assert quiz("progress", "export", "--learner", "simulated-002").exit_code == 0  # the default name
    assert _mode(tmp_path / "progress-simulated-002.json") == 0o600


def test_a_db_path_in_a_missing_folder_is_refused(quiz: Invoke, tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "quiz.db"
    for args in (("--db", str(missing), "decks"),):
        line = _one_line_error(quiz(*args))
        assert "no such folder" in line and str(tmp_path / "no" / "such") in line
    assert not (tmp_path / "no").exists()


# --- passwords, and tracebacks become one line ---------------------------------------------------------

SECRET = "Pa55w0rd@home"  # with an unescaped @, which a driver may take for part of the host
ENCODED = "Pa55w0rd%40home"


def _failing_urls() -> list[str]:
    urls = [
        f"postgresql://bob:{SECRET}@127.0.0.1:notaport/quiz",  # a bad port
        f"postgresql://bob:{ENCODED}@127.0.0.1:99999/quiz",  # a port out of range
        f"postgresql://bob:{ENCODED}@127.0.0.1:1/quiz",  # refused
        f"postgresql://bob:{SECRET}@127.0.0.1:1/quiz",
        f"postgresql://bob:{ENCODED}@no-such-host.invalid/quiz",  # unknown host
        f"postgresql+nosuchdriver://bob:{ENCODED}@127.0.0.1/quiz",
        f"postgresql://127.0.0.1:1/quiz?password={ENCODED}",  # the password as a parameter
        f"postgresql://127.0.0.1:1/quiz?sslmode=disable&password={ENCODED}&application_name=quiz",
    ]
    server = os.environ.get(POSTGRES_ENV)
    if server:
        from sqlalchemy.engine import make_url

        real = make_url(server)
        urls.append(real.set(database="no_such_database_here", password=SECRET).render_as_string(False))
        urls.append(real.set(password=SECRET).render_as_string(False))  # a wrong password
    return urls


@pytest.mark.parametrize("url", _failing_urls())
@pytest.mark.parametrize("via", ["--db", "QUIZ_DB"])
def test_a_password_is_never_shown(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, url: str, via: str
) -> None:
    if via == "QUIZ_DB":
        monkeypatch.setenv("QUIZ_DB", url)
        args = ["status"]
    else:
        args = ["--db", url, "decks"]
    result = runner.invoke(main, args, catch_exceptions=False)
    line = _one_line_error(result)
    for part in ("Pa55w0rd", "home@", "%40home"):
        assert part not in result.output, line
    assert ":***@" in line or "bob" not in line


@pytest.mark.parametrize("via", ["--db", "QUIZ_DB"])
def test_a_libpq_keyword_string_is_refused_not_made_a_file(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, via: str
) -> None:
    monkeypatch.chdir(tmp_path)
    values = (f"host=127.0.0.1 password={SECRET}", "host=/var/run/postgresql dbname=quiz", "service=quiz")
    for value in values:
        if via == "QUIZ_DB":
            monkeypatch.setenv("QUIZ_DB", value)
            args = ["status"]
        else:
            args = ["--db", value, "status"]
        line = _one_line_error(runner.invoke(main, args, catch_exceptions=False))
        assert "libpq connection string" in line and "postgresql://" in line and "service=NAME" in line
        assert "Pa55w0rd" not in line and "home" not in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args,exit_code",
    [
        (("review", "--new", "99999999999999999999"), 2),
        (("review", "--limit", "99999999999999999999"), 2),
        (("review", "--leech-threshold", "99999999999999999999"), 2),
        (("stats", "--inactive-days", "99999999999999999999"), 2),
        (("cohort", "report", "simulated", "--inactive-days", "99999999999999999999"), 2),
        (("simulate", "--seed", "99999999999999999999"), 2),
        (("--db", "postgresql://bob@127.0.0.1:notaport/quiz", "decks"), 1),
    ],
)
def test_huge_numbers_and_a_bad_port_are_one_line(
    quiz: Invoke, made: Path, args: tuple[str, ...], exit_code: int
) -> None:
    result = quiz(*args, input="")
    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.output
    assert result.stderr.strip().splitlines()[-1].startswith("Error: ")
