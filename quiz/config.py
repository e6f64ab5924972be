"""Settings read from the environment, and where quiz keeps its files, in one place."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote

ENV_DATABASE = "QUIZ_DB"
ENV_BUSY_TIMEOUT = "QUIZ_BUSY_TIMEOUT_MS"
BUSY_TIMEOUT_MS = 5000  # how long to wait for another program's lock before saying so
DATABASE_FILE = "quiz.db"
# The newest migration this version of quiz knows; a test checks it is Alembic's head.
SCHEMA_REVISION = "0007"
_PACKAGE = Path(__file__).resolve().parent


def data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("quiz", appauthor=False))


def database_url(option: str | None = None) -> str:
    """The SQLAlchemy URL to use: --db, else $QUIZ_DB, else a file in the user's data folder.

    A value without "://" is a file path for SQLite.
    """
    value = option or os.environ.get(ENV_DATABASE) or str(data_dir() / DATABASE_FILE)
    if "://" in value:
        return value
    path = Path(value).expanduser().resolve()
    return f"sqlite:///{path}"


# user:password@ after a scheme, in text that may not parse as a URL (a bad port). A password may
# hold an unescaped @, : or /, so it runs to the last @ of the URL (which ends at a space or quote).
_PASSWORD = re.compile(r"(://[^:/@\s'\"]*):([^\s'\"]*)@")
# A password given as a URL's query parameter (postgresql://host/db?password=...), up to the next one.
_QUERY_PASSWORD = re.compile(r"([?&]password=)([^&#\s'\"]*)", re.IGNORECASE)
# A password in a libpq keyword/value string (host=h password=secret, or password='with spaces').
_KEYWORD_PASSWORD = re.compile(r"((?:^|\s)password\s*=\s*)('(?:\\.|[^'\\])*'|[^\s'\"]+)", re.IGNORECASE)
# The keywords of libpq's connection strings a user is likely to give to --db in place of a URL.
_LIBPQ_KEYWORD = re.compile(
    r"(?:^|[\s/])((?:host|hostaddr|port|dbname|user|password|passfile|service|sslmode|connect_timeout"
    r"|application_name|options|target_session_attrs)\s*=)",
    re.IGNORECASE,
)


def libpq_keywords(value: str) -> str | None:
    """The libpq keyword/value connection string (host=... dbname=...) in ``value``, a --db or
    $QUIZ_DB value that is not a URL, or None: quiz takes only URLs for a server, and such a
    string must not become the name of a new SQLite file."""
    found = _LIBPQ_KEYWORD.search(value)
    return value[found.start(1) :] if found else None


def hide_password(text: str, url: str | None = None) -> str:
    """``text`` (a message, a URL) as quiz may show it: every password of a URL in it hidden (in
    user:password@ or in a ?password= parameter), or of a libpq keyword string (password=...), and
    ``url``'s password hidden wherever a driver repeated it, raw or percent-decoded, or the parts
    of it a driver took for a host name (an unescaped @ in it)."""
    shown = _PASSWORD.sub(r"\1:***@", text)
    shown = _QUERY_PASSWORD.sub(r"\1***", shown)
    shown = _KEYWORD_PASSWORD.sub(r"\1***", shown)
    secrets: set[str] = set()
    for pattern in (_PASSWORD, _QUERY_PASSWORD, _KEYWORD_PASSWORD):
        for found in pattern.finditer(url or ""):
            raw = found.group(2).strip("'")
            secrets |= {raw, unquote(raw)} | set(re.split(r"[@:/]", raw))
    for secret in sorted(secrets, key=len, reverse=True):
        # A short password could be any word of the message: hidden where it stands as one.
        if len(secret) >= 4:
            shown = shown.replace(secret, "***")
        elif secret:
            shown = shown.replace(f":{secret}@", ":***@")
    return shown


def default_learner_name() -> str:
    """The learner when none is named: the operating-system user."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name on this machine: one learner for it
        return "me"


def busy_timeout_ms() -> int:
    value = os.environ.get(ENV_BUSY_TIMEOUT, "")
    return int(value) if value.isdigit() else BUSY_TIMEOUT_MS


def _bundled(name: str) -> Path:
    # In an installed wheel the folders ride inside the package; in a checkout they sit beside it.
    inside = _PACKAGE / "_data" / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


def migrations_dir() -> Path:
    return _bundled("migrations")


def bundled_decks_dir() -> Path:
    return _bundled("decks")
