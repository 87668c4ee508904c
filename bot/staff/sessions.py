"""Console sessions, kept in the database (staff_sessions).

The browser's cookie carries a random token (signed by the web layer); the row is found by
the token's SHA-256. A session ends at logout, after IDLE_MINUTES without a request, after
MAX_HOURS in any case, and at once when the account is deactivated.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete

from bot.staff.accounts import Account, _view
from bot.staff.repo import Repo
from bot.storage.models import StaffAccount, StaffSession, utcnow

IDLE_MINUTES = 30
MAX_HOURS = 12
TOUCH_SECONDS = 60


def _key(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass
class ConsoleSession:
    key: str
    account: Account
    csrf: str
    data: dict[str, Any] = field(default_factory=dict)


class Sessions(Repo):
    def __init__(self, database_url: str, idle_minutes: int = IDLE_MINUTES,
                 max_hours: int = MAX_HOURS) -> None:
        super().__init__(database_url)
        self.idle = timedelta(minutes=idle_minutes)
        self.max_age = timedelta(hours=max_hours)

    def create(self, account: Account, now: datetime | None = None) -> tuple[str, str]:
        """A new session for a logged-in account: (token for the cookie, CSRF token)."""
        now = now or utcnow()
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self._session() as session:
            # sessions nobody came back to are removed here, not only when they are used
            session.execute(delete(StaffSession).where(
                (StaffSession.last_seen_at < now - self.idle)
                | (StaffSession.created_at < now - self.max_age)))
            session.add(StaffSession(id=_key(token), account_id=account.id, csrf=csrf,
                                     created_at=now, last_seen_at=now, data="{}"))
            session.commit()
        return token, csrf

    def load(self, token: str, now: datetime | None = None) -> ConsoleSession | None:
        now = now or utcnow()
        with self._session() as session:
            row = session.get(StaffSession, _key(token))
            if row is None:
                return None
            account = session.get(StaffAccount, row.account_id)
            expired = (now - row.last_seen_at > self.idle
                       or now - row.created_at > self.max_age)
            if account is None or not account.active or expired:
                session.delete(row)
                session.commit()
                return None
            if (now - row.last_seen_at).total_seconds() > TOUCH_SECONDS:
                row.last_seen_at = now
                session.commit()
            try:
                data = json.loads(row.data or "{}")
            except json.JSONDecodeError:
                data = {}
            return ConsoleSession(row.id, _view(account), row.csrf,
                                  data if isinstance(data, dict) else {})

    def save_data(self, console: ConsoleSession) -> None:
        with self._session() as session:
            row = session.get(StaffSession, console.key)
            if row is not None:
                row.data = json.dumps(console.data, ensure_ascii=False)
                session.commit()

    def end(self, key: str) -> None:
        with self._session() as session:
            session.execute(delete(StaffSession).where(StaffSession.id == key))
            session.commit()

    def end_all(self, account_id: int) -> None:
        with self._session() as session:
            session.execute(delete(StaffSession).where(StaffSession.account_id == account_id))
            session.commit()

    def end_others(self, account_id: int, keep: str) -> int:
        """End every other session of this account (after a password change)."""
        with self._session() as session:
            result = session.execute(delete(StaffSession).where(
                StaffSession.account_id == account_id, StaffSession.id != keep))
            session.commit()
            return result.rowcount or 0
