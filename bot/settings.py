"""Runtime settings, read from the environment (secrets never live in the repo)."""

from __future__ import annotations

import os
import secrets
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
VAR_DIR = Path(os.environ.get("LWIW_VAR_DIR", ROOT / "var"))
BUILD_DIR = ROOT / "build"
SPACY_PIPELINE_DIR = BUILD_DIR / "spacy_de_lwiw"


@dataclass(frozen=True)
class Settings:
    database_url: str
    rasa_url: str
    action_port: int
    rasa_port: int
    web_port: int
    web_host: str
    retention_days: int
    # the audit log's own retention limit (`lwiw purge` deletes older entries)
    audit_retention_days: int = 730
    # the header our processes present to Rasa and the action server (bot/internal_auth.py);
    # None: LWIW_INTERNAL_SECRET, or for SQLite the one generated into var/
    internal_secret: str | None = None


def default_database_url() -> str:
    return f"sqlite:///{VAR_DIR / 'lwiw.db'}"


def get_settings() -> Settings:
    """Settings from LWIW_* environment variables with local defaults (SQLite, loopback)."""
    rasa_port = int(os.environ.get("LWIW_RASA_PORT", "5005"))
    return Settings(
        database_url=os.environ.get("LWIW_DATABASE_URL", default_database_url()),
        rasa_url=os.environ.get("LWIW_RASA_URL", f"http://127.0.0.1:{rasa_port}"),
        action_port=int(os.environ.get("LWIW_ACTION_PORT", "5055")),
        rasa_port=rasa_port,
        web_port=int(os.environ.get("LWIW_WEB_PORT", "8000")),
        web_host=os.environ.get("LWIW_WEB_HOST", "127.0.0.1"),
        retention_days=int(os.environ.get("LWIW_RETENTION_DAYS", "365")),
        audit_retention_days=int(os.environ.get("LWIW_AUDIT_RETENTION_DAYS", "730")),
        internal_secret=os.environ.get("LWIW_INTERNAL_SECRET") or None,
    )


def generated_secret(path: Path, check: Callable[[str, str], str],
                     error: type[Exception] = ValueError) -> str:
    """The secret in `path` (under var/), generated there (mode 600) on first use: for the
    local SQLite set-up, where nobody configured one. `check(value, origin)` returns the
    value or raises; a process that finds the file half written by another waits for it."""
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(48))
    for _ in range(50):
        value = path.read_text(encoding="ascii").strip()
        if len(value) >= GENERATED_SECRET_MIN_CHARS:
            if stat.S_IMODE(path.stat().st_mode) & 0o077:
                path.chmod(0o600)
            return check(value, str(path))
        time.sleep(0.02)
    raise error(f"{path} does not hold a usable secret")


# token_urlsafe(48) gives 64 characters; a file with fewer is still being written
GENERATED_SECRET_MIN_CHARS = 32


def private_dir(path: Path = VAR_DIR) -> Path:
    """`path` (var/: the SQLite database, keys, logs, endpoints with passwords), created
    readable by the service user only (0700); an existing one that others may read is
    narrowed to that."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.stat()
    if stat.S_IMODE(info.st_mode) & 0o077 and info.st_uid == os.getuid():
        path.chmod(0o700)
    return path
