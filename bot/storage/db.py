"""Engine and session factory (SQLAlchemy 2.0-style API on the 1.4 that Rasa pins)."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
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


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
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
