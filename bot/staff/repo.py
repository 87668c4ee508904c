"""A repository bound to one database URL (the same engine as bot.storage.Store)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.storage.db import new_session


class Repo:
    def __init__(self, database_url: str) -> None:
        self.url = database_url

    def _session(self) -> Session:
        return new_session(self.url)
