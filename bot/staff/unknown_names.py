"""The lockout for login names without an account, so that the login page does not tell
which names exist (issue 15).

A real account is locked after MAX_FAILURES wrong passwords in a row; a name that has no
account gets the same answers in the same order: "invalid" until the MAX_FAILURES-th try,
which locks it for LOCK_MINUTES, "locked" while that lasts, then counting starts afresh.
The count lives in the audit log (every web worker sees it), under a short hash of the
name rather than the name itself: people type a password into the name field by mistake.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import func, select

from bot.staff.audit import AuditLog
from bot.staff.repo import Repo
from bot.storage.models import AuditEntry

UNKNOWN_ACTOR = "-"


def name_key(name: str) -> str:
    return hashlib.sha256(f"lwiw-login-name:{name}".encode()).hexdigest()[:16]


class UnknownNames(Repo):
    def __init__(self, database_url: str, audit: AuditLog, max_failures: int,
                 lock_minutes: int) -> None:
        super().__init__(database_url)
        self.audit = audit
        self.max_failures = max_failures
        self.lock_minutes = lock_minutes

    def _tag(self, name: str) -> str:
        return f"unbekannter Name (Kennung {name_key(name)}"

    def _state(self, tag: str) -> tuple[datetime | None, int]:
        """When the name was last locked, and its failures since then."""
        with self._session() as session:
            lock = session.execute(
                select(AuditEntry.id, AuditEntry.at).where(
                    AuditEntry.action == "account_locked", AuditEntry.actor == UNKNOWN_ACTOR,
                    AuditEntry.detail.startswith(tag, autoescape=True),
                ).order_by(AuditEntry.id.desc()).limit(1)
            ).first()
            failures = session.execute(
                select(func.count(AuditEntry.id)).where(
                    AuditEntry.action == "login_failed", AuditEntry.actor == UNKNOWN_ACTOR,
                    AuditEntry.detail.startswith(tag, autoescape=True),
                    AuditEntry.id > (lock.id if lock else 0),
                )
            ).scalar_one()
        return (lock.at if lock else None), int(failures)

    def attempt(self, name: str, ip: str, now: datetime) -> str:
        """A login attempt with a name that has no account: "invalid" or "locked", as a
        real account with a wrong password would answer."""
        tag = self._tag(name)
        locked_at, failures = self._state(tag)
        if locked_at is not None and locked_at + timedelta(minutes=self.lock_minutes) > now:
            self.audit.record("login_locked", UNKNOWN_ACTOR, ip=ip, now=now,
                              detail=f"{tag}) gesperrt")
            return "locked"
        failures += 1
        self.audit.record("login_failed", UNKNOWN_ACTOR, ip=ip, now=now,
                          detail=f"{tag}, {failures}. Fehlversuch)")
        if failures >= self.max_failures:
            self.audit.record("account_locked", UNKNOWN_ACTOR, ip=ip, now=now,
                              detail=f"{tag}) für {self.lock_minutes} Minuten")
            return "locked"
        return "invalid"
