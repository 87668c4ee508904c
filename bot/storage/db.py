"""Engine and session factory (SQLAlchemy 2.0-style API on the 1.4 that Rasa pins)."""

from __future__ import annotations

import os
import stat
from functools import lru_cache
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool


def _configure_sqlite(engine: Engine) -> None:
    """WAL and a busy timeout: Rasa, the action server and the web app share one file."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # pragma: no cover - driver hook
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def private_sqlite_file(url: str) -> None:
    """The SQLite file of `url` readable by the service user only: created empty with mode
    0600 before SQLite would create it with the umask's (0644), its directory with 0700;
    an existing file that others may read is narrowed to 0600. SQLite gives its -wal and
    -shm files the database file's mode."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        info = path.stat()
        if stat.S_IMODE(info.st_mode) & 0o077 and info.st_uid == os.getuid():
            path.chmod(0o600)


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        private_sqlite_file(url)
        # SQLAlchemy 1.4 gives file databases a NullPool: a new connection (and the
        # pragmas below) for every session, about a tenth of the action server's time
        engine = create_engine(
            url, future=True, poolclass=QueuePool, pool_size=5, max_overflow=10,
            connect_args={"timeout": 10, "check_same_thread": False},
        )
        _configure_sqlite(engine)
    else:
        engine = create_engine(url, future=True, pool_pre_ping=True)
    return engine


@lru_cache(maxsize=8)
def get_sessionmaker(url: str) -> sessionmaker:
    return sessionmaker(bind=get_engine(url), future=True, expire_on_commit=False)


def new_session(url: str) -> Session:
    return get_sessionmaker(url)()
