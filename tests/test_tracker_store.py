"""bot/tracker_store.py: the same trackers as Rasa's SQLTrackerStore, from the same table
(real SQLite file; PostgreSQL runs it in tests/test_cluster.py). These conversations have
consent; without it the words are not stored (tests/test_consent_privacy.py)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.services import TRACKER_STORE, tracker_store_config
from bot.tracker_store import LeanSQLTrackerStore

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [greet, inform]
slots:
  stage:
    type: text
    mappings: [{type: custom}]
  consent:
    type: bool
    mappings: [{type: custom}]
responses:
  utter_greet: [{text: "Moin"}]
""")


def session(start: float, words: str) -> list:
    return [
        ActionExecuted("action_session_start", timestamp=start),
        SessionStarted(timestamp=start),
        SlotSet("consent", True, timestamp=start),
        ActionExecuted("action_listen", timestamp=start + 1),
        UserUttered(words, {"name": "inform", "confidence": 0.9}, timestamp=start + 2),
        SlotSet("stage", f"after {words}", timestamp=start + 3),
        BotUttered("notiert", timestamp=start + 4),
        ActionExecuted("action_listen", timestamp=start + 5),
    ]


@pytest.fixture()
def stores(tmp_path: Path) -> tuple[SQLTrackerStore, LeanSQLTrackerStore]:
    db = str(tmp_path / "tracker.db")
    return (SQLTrackerStore(DOMAIN, dialect="sqlite", db=db),
            LeanSQLTrackerStore(DOMAIN, dialect="sqlite", db=db))


def as_dicts(tracker: DialogueStateTracker | None) -> list[dict]:
    assert tracker is not None
    return [e.as_dict() for e in tracker.events]


def test_same_trackers_as_rasas_store_for_latest_and_all_sessions(stores):
    rasa, lean = stores
    tracker = DialogueStateTracker.from_events("person", session(100.0, "eins"), DOMAIN.slots)
    asyncio.run(lean.save(tracker))
    for event in session(200.0, "zwei"):      # a second session of the same person
        tracker.update(event)
    asyncio.run(lean.save(tracker))
    other = DialogueStateTracker.from_events("other", session(150.0, "drei"), DOMAIN.slots)
    asyncio.run(rasa.save(other))

    latest = asyncio.run(lean.retrieve("person"))
    assert as_dicts(latest) == as_dicts(asyncio.run(rasa.retrieve("person")))
    assert len(latest.events) == 8 and latest.get_slot("stage") == "after zwei"
    full = asyncio.run(lean.retrieve_full_tracker("person"))
    assert as_dicts(full) == as_dicts(asyncio.run(rasa.retrieve_full_tracker("person")))
    assert len(full.events) == 16
    assert as_dicts(asyncio.run(lean.retrieve("other"))) == \
        as_dicts(asyncio.run(rasa.retrieve("other")))
    assert asyncio.run(lean.retrieve("nobody")) is None


def test_saving_again_stores_only_the_new_events(stores):
    rasa, lean = stores
    tracker = DialogueStateTracker.from_events("person", session(100.0, "eins"), DOMAIN.slots)
    asyncio.run(lean.save(tracker))
    asyncio.run(lean.save(tracker))                            # nothing new: nothing added
    tracker.update(UserUttered("noch was", {"name": "inform"}, timestamp=107.0))
    asyncio.run(lean.save(tracker))
    stored = asyncio.run(rasa.retrieve("person"))
    assert [e.as_dict() for e in stored.events] == [e.as_dict() for e in tracker.events]
    assert len(stored.events) == 9


def test_events_without_a_session_start_are_all_one_session(stores):
    rasa, lean = stores
    events = session(100.0, "eins")[2:]                        # no SessionStarted
    asyncio.run(lean.save(DialogueStateTracker.from_events("person", events, DOMAIN.slots)))
    assert len(asyncio.run(lean.retrieve("person")).events) == len(events)


def test_statements_run_outside_the_event_loop(stores):
    """A commit waits for the disk and the shared write lock: not on Rasa's event loop."""
    rasa, lean = stores
    threads: list[int] = []
    sa.event.listen(lean.engine, "before_cursor_execute",
                    lambda *args: threads.append(threading.get_ident()))

    async def turn() -> int:
        tracker = DialogueStateTracker.from_events("person", session(100.0, "eins"),
                                                   DOMAIN.slots)
        await lean.save(tracker)
        assert as_dicts(await lean.retrieve("person")) == as_dicts(tracker)
        return threading.get_ident()

    loop_thread = asyncio.run(turn())
    assert threads and loop_thread not in threads


def test_concurrent_saves_store_each_event_once(stores):
    rasa, lean = stores
    tracker = DialogueStateTracker.from_events("person", session(100.0, "eins"), DOMAIN.slots)
    other = DialogueStateTracker.from_events("other", session(150.0, "zwei"), DOMAIN.slots)

    async def together() -> None:
        await asyncio.gather(lean.save(tracker), lean.save(tracker), lean.save(other),
                             lean.save(tracker))

    asyncio.run(together())
    assert as_dicts(asyncio.run(rasa.retrieve("person"))) == as_dicts(tracker)
    assert as_dicts(asyncio.run(rasa.retrieve("other"))) == as_dicts(other)


def test_rasa_is_configured_with_it():
    config = tracker_store_config("sqlite:///var/lwiw.db")
    assert config["type"] == TRACKER_STORE == "bot.tracker_store.LeanSQLTrackerStore"
    postgres = tracker_store_config("postgresql://lwiw:pw@127.0.0.1:5433/lwiw")
    assert postgres["type"] == TRACKER_STORE and postgres["port"] == 5433
