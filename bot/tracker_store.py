"""Rasa's SQL tracker store, reading and counting events with plain SQL statements.

Rasa 3.6's `SQLTrackerStore` loads a conversation's events through the ORM (an object per
row with every column) and, to find which events are new when saving, counts them with an
ORM query wrapped in a subquery. Both happen on every message and grow with the
conversation; py-spy on the Rasa server under bench/conversation_load.py put them at about a
quarter of its CPU time per message. Here the same rows are selected, in the same order and
with the same rule for the latest conversation session, but only the column needed (`data`,
or the count). The table, what is stored and how are Rasa's own.

Without consent, no message text reaches the table (DESIGN.md § 7). Rasa saves every event
of a turn at its end; here each new event is saved as it is only if the person's consent (the
`consent` slot, as Rasa's own replay of the events has it) was given before that event.
Otherwise the event is redacted first (`redact`): a message keeps its intent (and its
entities only by type) — all the rules and forms look at — but not its words; the bot's
messages keep only the name of the response (they may repeat the person's words); a slot that
takes free text (a `from_text` or `from_entity` mapping, e.g. `urgent_text`) keeps only
`REDACTED_SLOT_VALUE`, so a form still sees it filled. This holds for the messages before
consent is answered as well as after a "no". Events saved while consent was given stay as they
are; a withdrawal deletes them (Store.delete_conversation).

The dialogue reads one earlier text: the crisis layer's "no" to its question makes the message
before it an answer (actions/crisis.py, `_previous_message`). So the words of each sender's
latest unconsented message are kept in this process's memory only (`RecentTexts`: at most
15 minutes, bounded, never written) and put back into the tracker when it is loaded. With
several Rasa servers the next message may reach another one, which does not have them: the
held message is then not taken, and the form asks its question again.

The statements run in a worker thread (`asyncio.to_thread`), not on Rasa's event loop: a
commit waits for the disk and for the write lock the action server and the web app share,
and py-spy under bench/conversation_load.py (20 conversations) found the loop blocked there
for about a tenth of its time, with every other conversation waiting. The same statements,
in the same order, one save at a time (`_save_lock`, as when each save ran to its end
without yielding); Rasa's lock store still holds a conversation while its turn runs.

Configured in endpoints.yml as `type: bot.tracker_store.LeanSQLTrackerStore` with the
arguments of Rasa's `SQL` tracker store (bot/services.py). No event broker is configured:
one would receive the events before redaction.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    AllSlotsReset,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.storage.repository import CLIENT_MESSAGE_KEY

CONSENT_SLOT = "consent"
# what a free-text slot holds in the table without consent: filled, but not the words
REDACTED_SLOT_VALUE = "-"
# slot mappings whose values are the person's words
WORD_MAPPINGS = ("from_text", "from_entity")


def _undo_till_previous(event_type: type, done: list[Event]) -> None:
    """Rasa's DialogueStateTracker._undo_till_previous: drop events from the end up to and
    including the last one of `event_type`."""
    for event in reversed(done[:]):
        del done[-1]
        if isinstance(event, event_type):
            break


def _consent_in(applied: Iterable[Event]) -> Any:
    consent = None
    for event in applied:
        if isinstance(event, SlotSet) and event.key == CONSENT_SLOT:
            consent = event.value
        elif isinstance(event, AllSlotsReset):
            consent = None
    return consent


def consent_before(events: Iterable[Event]) -> list[bool]:
    """For each event, whether the `consent` slot was true just before it — the slot as
    Rasa's replay has it (`DialogueStateTracker.applied_events`: a restart or a new session
    resets the slots, a reverted utterance or action undoes its slot events)."""
    applied: list[Event] = []
    consent: Any = None
    result = []
    for event in events:
        result.append(consent is True)
        if isinstance(event, (Restarted, SessionStarted)):
            applied, consent = [], None
        elif isinstance(event, (ActionReverted, UserUtteranceReverted)):
            if isinstance(event, UserUtteranceReverted):
                _undo_till_previous(UserUttered, applied)
            _undo_till_previous(ActionExecuted, applied)
            consent = _consent_in(applied)
        else:
            applied.append(event)
            if isinstance(event, SlotSet) and event.key == CONSENT_SLOT:
                consent = event.value
            elif isinstance(event, AllSlotsReset):
                consent = None
    return result


def _entity(entity: Any) -> dict[str, Any]:
    """An entity by type only (its value and position are the person's words)."""
    if not isinstance(entity, dict):
        return {}
    kept = {k: entity[k] for k in ("entity", "role", "group", "extractor") if k in entity}
    return {**kept, "value": None}


def _intent(intent: Any) -> dict[str, Any]:
    if not isinstance(intent, dict):
        return {}
    return {k: intent[k] for k in ("name", "confidence", "full_retrieval_intent_name")
            if k in intent}


def _is_words(value: Any) -> bool:
    """A slot value from the person's message (not a state like "__more__")."""
    return isinstance(value, str) and not (value.startswith("__") and value.endswith("__"))


def redact(data: dict[str, Any], free_text_slots: Iterable[str]) -> dict[str, Any]:
    """An event (`Event.as_dict()`) as it may be stored without consent."""
    kind = data.get("event")
    if kind == UserUttered.type_name:
        parse = data.get("parse_data") or {}
        metadata = data.get("metadata") or {}
        return {**data, "text": None, "metadata": {
            k: metadata[k] for k in (CLIENT_MESSAGE_KEY,) if k in metadata}, "parse_data": {
            "intent": _intent(parse.get("intent")),
            "entities": [_entity(e) for e in parse.get("entities") or []],
            "intent_ranking": [_intent(i) for i in parse.get("intent_ranking") or []],
            "text": None,
            "message_id": parse.get("message_id"),
            "metadata": {},
        }}
    if kind == "bot":
        metadata = data.get("metadata") or {}
        return {**data, "text": None, "data": {},
                "metadata": {k: metadata[k] for k in ("utter_action",) if k in metadata}}
    if kind == SlotSet.type_name and data.get("name") in set(free_text_slots) \
            and _is_words(data.get("value")):
        return {**data, "value": REDACTED_SLOT_VALUE}
    if kind == "entities":
        return {**data, "entities": [_entity(e) for e in data.get("entities") or []]}
    if kind == ActionExecuted.type_name and data.get("action_text"):
        return {**data, "action_text": None}
    return data


class RecentTexts:
    """The words of each sender's latest unconsented message, in this process's memory only
    (never written anywhere): at most `size` senders, each for `max_age` seconds."""

    def __init__(self, size: int = 10_000, max_age: float = 900.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.size = size
        self.max_age = max_age
        self.clock = clock
        self._texts: OrderedDict[str, tuple[float, float, str]] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, sender_id: str, timestamp: float, text: str) -> None:
        with self._lock:
            self._texts.pop(sender_id, None)
            self._texts[sender_id] = (timestamp, self.clock(), text)
            while len(self._texts) > self.size:
                self._texts.popitem(last=False)

    def forget(self, sender_id: str) -> None:
        with self._lock:
            self._texts.pop(sender_id, None)

    def recall(self, sender_id: str, timestamp: float | None) -> str | None:
        """The words of the message saved at `timestamp`, if still kept."""
        with self._lock:
            entry = self._texts.get(sender_id)
            if entry is None:
                return None
            if self.clock() - entry[1] > self.max_age:
                del self._texts[sender_id]
                return None
            return entry[2] if entry[0] == timestamp else None


class LeanSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recent_texts = RecentTexts()
        self._save_lock = asyncio.Lock()

    def free_text_slots(self) -> frozenset[str]:
        """Slots whose values are the person's words (from the domain's mappings)."""
        if not self.domain:
            return frozenset()
        return frozenset(slot.name for slot in self.domain.slots
                         if any(m.get("type") in WORD_MAPPINGS for m in slot.mappings or []))

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
        rows = await asyncio.to_thread(self._stored_rows, sender_id,
                                       fetch_events_from_all_sessions)
        if not self.domain or not rows:
            return None
        dicts = [json.loads(r) for r in rows]
        self._restore_latest_text(sender_id, dicts)
        return DialogueStateTracker.from_dict(sender_id, dicts, self.domain.slots)

    def _stored_rows(self, sender_id: str, all_sessions: bool) -> list[str]:
        """The `data` column of the sender's events, oldest first (in a worker thread)."""
        events = self.SQLEvent.__table__
        statement = self._events_statement(events.c.data, sender_id, all_sessions)
        with self.session_scope() as session:
            return list(session.execute(statement.order_by(events.c.id)).scalars().all())

    def _restore_latest_text(self, sender_id: str, dicts: list[dict]) -> None:
        """The words of the latest message, stored redacted, from this process's memory."""
        latest = next((d for d in reversed(dicts) if d.get("event") == UserUttered.type_name),
                      None)
        if latest is None or latest.get("text") is not None:
            return
        text = self.recent_texts.recall(sender_id, latest.get("timestamp"))
        if text is not None:
            latest["text"] = text
            if isinstance(latest.get("parse_data"), dict):
                latest["parse_data"]["text"] = text

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's SQLTrackerStore.save, with each new event redacted unless the person had
        consented before it (module docstring)."""
        await self.stream_events(tracker)
        events = list(tracker.events)
        async with self._save_lock:
            await asyncio.to_thread(self._save_new_events, tracker.sender_id, events)

    def _save_new_events(self, sender_id: str, events: list[Event]) -> None:
        """The events the table does not hold yet, each redacted unless consented before
        it, in one transaction (in a worker thread)."""
        consented = consent_before(events)
        free_text = self.free_text_slots()
        with self.session_scope() as session:
            stored = session.execute(
                self._events_statement(sa.func.count(), sender_id, False)
            ).scalar_one()
            for index in range(stored, len(events)):
                event = events[index]
                data = event.as_dict()
                if isinstance(event, UserUttered):
                    if consented[index] or not event.text:
                        self.recent_texts.forget(sender_id)
                    else:
                        self.recent_texts.remember(sender_id, event.timestamp, event.text)
                if not consented[index]:
                    data = redact(data, free_text)
                session.add(self.SQLEvent(
                    sender_id=sender_id,
                    type_name=event.type_name,
                    timestamp=data.get("timestamp"),
                    intent_name=((data.get("parse_data") or {}).get("intent") or {}).get("name"),
                    action_name=data.get("name"),
                    data=json.dumps(data),
                ))
            session.commit()

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        stored = session.execute(
            self._events_statement(sa.func.count(), tracker.sender_id, False)
        ).scalar_one()
        return itertools.islice(tracker.events, stored, len(tracker.events))
