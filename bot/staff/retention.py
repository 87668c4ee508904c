"""The retention limit: `lwiw purge --older-than DAYS` deletes every conversation whose
last activity is older than DAYS (profile rows, notes, and Rasa's tracker events), deletes
tracker events of conversations that never had consent once they are as old, completes
queued tracker deletions, and writes what it deleted to the audit log.

The audit log has a retention limit of its own (LWIW_AUDIT_RETENTION_DAYS, longer than the
conversations' by default, so that an access can still be checked after the data is gone):
the same job deletes entries older than that."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import column, func, inspect, select, table

from bot.staff.audit import SYSTEM, AuditLog
from bot.staff.repo import Repo
from bot.storage.models import Conversation, StaffNote
from bot.storage.repository import RASA_EVENTS_TABLE, Store


@dataclass
class PurgeReport:
    cutoff: datetime
    conversations: list[str] = field(default_factory=list)
    trackers_without_consent: list[str] = field(default_factory=list)
    pending_completed: list[str] = field(default_factory=list)
    audit_cutoff: datetime | None = None
    audit_entries: int = 0


class Retention(Repo):
    def __init__(self, store: Store, audit: AuditLog | None = None) -> None:
        super().__init__(store.url)
        self.store = store
        self.audit = audit or AuditLog(store.url)

    def expired(self, cutoff: datetime) -> list[tuple[str, datetime, int]]:
        """(id, last activity, notes) of conversations untouched since before `cutoff`."""
        with self._session() as session:
            notes = (select(func.count(StaffNote.id))
                     .where(StaffNote.conversation_id == Conversation.id)
                     .scalar_subquery())
            return [tuple(row) for row in session.execute(
                select(Conversation.id, Conversation.updated_at, notes)
                .where(Conversation.linked_to.is_(None), Conversation.updated_at < cutoff)
                .order_by(Conversation.updated_at)
            )]

    def orphan_trackers(self, cutoff: datetime) -> list[str]:
        """Senders whose tracker events are all older than `cutoff` and that have no
        conversation row (they never consented, or their data is already gone)."""
        with self._session() as session:
            if not inspect(session.get_bind()).has_table(RASA_EVENTS_TABLE):
                return []
            events = table(RASA_EVENTS_TABLE, column("sender_id"), column("timestamp"))
            known = select(Conversation.id)
            limit = cutoff.replace(tzinfo=timezone.utc).timestamp()
            return list(session.execute(
                select(events.c.sender_id).where(events.c.sender_id.not_in(known))
                .group_by(events.c.sender_id)
                .having(func.max(events.c.timestamp) < limit)
            ).scalars())

    def purge(self, older_than_days: int, now: datetime | None = None,
              audit_older_than_days: int | None = None) -> PurgeReport:
        """Delete what is past the retention limit; with `audit_older_than_days` also the
        audit entries older than that."""
        if older_than_days < 1:
            raise ValueError("older_than_days must be at least 1")
        if audit_older_than_days is not None and audit_older_than_days < 1:
            raise ValueError("audit_older_than_days must be at least 1")
        now = now or self.store.clock()
        report = PurgeReport(cutoff=now - timedelta(days=older_than_days))
        for conversation_id, last_activity, notes in self.expired(report.cutoff):
            senders = self.store.delete_conversation(conversation_id, tracker_now=True)
            report.conversations.append(conversation_id)
            self.audit.record(
                "purge", SYSTEM, conversation_id=conversation_id, now=now,
                detail=(f"Aufbewahrungsfrist {older_than_days} Tage überschritten "
                        f"(letzte Aktivität {last_activity:%Y-%m-%d}); gelöscht: Profil, "
                        f"{notes} Notiz(en), Verlauf von {len(senders)} Kennung(en)"),
            )
        orphans = self.orphan_trackers(report.cutoff)
        if orphans:
            self.store.delete_tracker_events(orphans)
            report.trackers_without_consent = orphans
            self.audit.record(
                "purge", SYSTEM, now=now,
                detail=(f"Verlauf von {len(orphans)} Gespräch(en) ohne Einwilligung gelöscht "
                        f"(älter als {older_than_days} Tage)"),
            )
        report.pending_completed = self.store.process_pending_tracker_deletions()
        if report.pending_completed:
            self.audit.record("purge", SYSTEM, now=now,
                              detail=(f"{len(report.pending_completed)} ausstehende "
                                      "Verlaufslöschung(en) abgeschlossen"))
        if audit_older_than_days is not None:
            report.audit_cutoff = now - timedelta(days=audit_older_than_days)
            report.audit_entries = self.audit.purge_older_than(report.audit_cutoff)
            if report.audit_entries:
                entries = ("1 Protokolleintrag" if report.audit_entries == 1
                           else f"{report.audit_entries} Protokolleinträge")
                self.audit.record(
                    "purge", SYSTEM, now=now,
                    detail=(f"{entries} gelöscht "
                            f"(Aufbewahrungsfrist des Protokolls {audit_older_than_days} "
                            "Tage überschritten)"))
        return report
