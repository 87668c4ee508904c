"""The audit log: every staff access to a person's data (list, profile, chat page and
every chat request, delete page, the queue of callback requests), every note, export,
deletion, callback request marked done, login and logout, account changes, and what
`lwiw purge` deleted. Nothing in the console removes entries; only `lwiw purge` deletes
those older than the log's own retention limit (LWIW_AUDIT_RETENTION_DAYS).

The log holds no words of the person: only who, what, which conversation id and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select

from bot.staff.repo import Repo
from bot.storage.models import AuditEntry, utcnow

SYSTEM = "system"

# action -> what it means (German labels for the console are in texts/staff.yml)
ACTIONS = (
    "login", "login_failed", "login_locked", "login_blocked", "account_locked", "logout",
    "view_list", "view_profile", "view_chat", "chat_started", "pseudonym_set", "note_added",
    "export", "delete", "view_audit", "view_accounts", "account_created",
    "account_deactivated", "account_activated", "lockout_reset", "access_denied", "purge",
    # issue 15: every route that touches a conversation, and the accounts' own security
    "view_delete", "open_by_code", "chat_opened", "chat_message", "chat_language",
    "login_password_ok", "totp_enabled", "totp_reset", "password_changed",
    "password_change_failed",
    # issue 16: the queue of callback requests, and marking one done
    "view_callbacks", "callback_done",
)


@dataclass(frozen=True)
class AuditView:
    id: int
    at: datetime
    actor: str
    action: str
    conversation_id: str | None
    detail: str
    ip: str | None


class AuditLog(Repo):
    def record(self, action: str, actor: str, account_id: int | None = None,
               conversation_id: str | None = None, detail: str = "",
               ip: str | None = None, now: datetime | None = None) -> None:
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        with self._session() as session:
            session.add(AuditEntry(
                at=now or utcnow(), account_id=account_id, actor=actor[:64], action=action,
                conversation_id=conversation_id, detail=detail[:500], ip=(ip or None),
            ))
            session.commit()

    def entries(self, actor: str | None = None, action: str | None = None,
                conversation_id: str | None = None, limit: int = 100,
                offset: int = 0) -> list[AuditView]:
        """Newest first, optionally only one staff member's (or one action's) entries."""
        query = select(AuditEntry)
        if actor:
            query = query.where(AuditEntry.actor == actor)
        if action:
            query = query.where(AuditEntry.action == action)
        if conversation_id:
            query = query.where(AuditEntry.conversation_id == conversation_id)
        query = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        with self._session() as session:
            rows = session.execute(query.limit(limit).offset(offset)).scalars()
            return [AuditView(r.id, r.at, r.actor, r.action, r.conversation_id, r.detail, r.ip)
                    for r in rows]

    def count(self, actor: str | None = None) -> int:
        query = select(func.count(AuditEntry.id))
        if actor:
            query = query.where(AuditEntry.actor == actor)
        with self._session() as session:
            return int(session.execute(query).scalar_one())

    def actors(self) -> list[str]:
        with self._session() as session:
            return list(session.execute(
                select(AuditEntry.actor).distinct().order_by(AuditEntry.actor)
            ).scalars())

    def purge_older_than(self, cutoff: datetime) -> int:
        """Delete the entries written before `cutoff` (the log's retention limit); only
        `lwiw purge` calls this. Returns how many were deleted."""
        with self._session() as session:
            result = session.execute(delete(AuditEntry).where(AuditEntry.at < cutoff))
            session.commit()
            return result.rowcount or 0

    def failed_logins_from(self, ip: str, since: datetime) -> int:
        """Failed logins from this address since `since` (for the per-address limit)."""
        with self._session() as session:
            return int(session.execute(
                select(func.count(AuditEntry.id)).where(
                    AuditEntry.action == "login_failed", AuditEntry.ip == ip,
                    AuditEntry.at >= since,
                )
            ).scalar_one())
