"""Rasa's SQL tracker store, reading and counting events with plain SQL statements.

Rasa 3.6's `SQLTrackerStore` loads a conversation's events through the ORM (an object per
row with every column) and, to find which events are new when saving, counts them with an
ORM query wrapped in a subquery. Both happen on every message and grow with the
conversation; py-spy on the Rasa server under bench/conversation_load.py put them at about a
quarter of its CPU time per message. Here the same rows are selected, in the same order and
with the same rule for the latest conversation session, but only the column needed (`data`,
or the count). The table, what is stored and how are Rasa's own.

Configured in endpoints.yml as `type: bot.tracker_store.LeanSQLTrackerStore` with the
arguments of Rasa's `SQL` tracker store (bot/services.py).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker


class LeanSQLTrackerStore(SQLTrackerStore):
    def _events_statement(self, column: Any, sender_id: str, all_sessions: bool) -> Any:
        """SELECT `column` of the sender's events of the latest session (or of all), like
        `SQLTrackerStore._event_query`: the events from the latest `SessionStarted` on, or
        every event when there is none."""
        events = self.SQLEvent.__table__
        statement = sa.select(column).where(events.c.sender_id == sender_id)
        if not all_sessions:
            session_start = (
                sa.select(sa.func.max(events.c.timestamp))
                .where(events.c.sender_id == sender_id,
                       events.c.type_name == SessionStarted.type_name)
                .scalar_subquery()
            )
            statement = statement.where(sa.or_(events.c.timestamp >= session_start,
                                               session_start.is_(None)))
        return statement

    async def _retrieve(self, sender_id: str,
                        fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        events = self.SQLEvent.__table__
        statement = self._events_statement(events.c.data, sender_id,
                                           fetch_events_from_all_sessions)
        with self.session_scope() as session:
            rows = session.execute(statement.order_by(events.c.id)).scalars().all()
        if not self.domain or not rows:
            return None
        return DialogueStateTracker.from_dict(sender_id, [json.loads(r) for r in rows],
                                              self.domain.slots)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        stored = session.execute(
            self._events_statement(sa.func.count(), tracker.sender_id, False)
        ).scalar_one()
        return itertools.islice(tracker.events, stored, len(tracker.events))
