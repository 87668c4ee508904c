"""Issue 15, point 4: without consent no message text reaches any table — Rasa's `events`
included — and what the bot says about storage is literally true.

Checked on the real SQLite file: every text of every table and the raw bytes of the database
file (and its journal) are searched for the words typed. Every typed message carries a made-up
word (`marked`) so that a hit can only come from this test's messages. The tracker store on
its own (bot/tracker_store.py) with the project's domain, then end to end through Rasa's REST
channel (the `assistant` and `chat` fixtures): before consent is answered, after "Nein", and
the conversation still works without the stored words.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    AllSlotsReset,
    BotUttered,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.domain_gen import chat_responses
from bot.settings import ROOT
from bot.storage.repository import CLIENT_MESSAGE_KEY
from bot.tracker_store import (
    REDACTED_SLOT_VALUE,
    LeanSQLTrackerStore,
    RecentTexts,
    consent_before,
    redact,
)
from tests.support.chat import Chat

# the chat responses as Rasa has them (texts/chat.yml, generated into the domain)
RESPONSES = {"responses": chat_responses()}
CRISIS_NUMBER = "0800 111 0 111"


def marked(text: str) -> tuple[str, str]:
    """`text` with a made-up word of its own, and that word."""
    word = f"Quokka{uuid.uuid4().hex[:10]}"
    return f"{text} {word}", word


def _snapshot(database: Path) -> Path:
    """A copy of the database file, its WAL and its -shm, made by another process. This
    process must not open and close the live files itself: closing any descriptor of a file
    drops all of a process's POSIX locks on it, including those of its pooled SQLite
    connections to the running assistant's database — which then reported "database disk
    image is malformed" to the tests after this one."""
    target = Path(tempfile.mkdtemp(prefix="lwiw-snapshot-"))
    subprocess.run([sys.executable, "-c", (
        "import shutil, sys, pathlib\n"
        "source, target = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])\n"
        "for path in source.parent.glob(source.name + '*'):\n"
        "    shutil.copyfile(path, target / path.name)\n"), str(database), str(target)],
        check=True)
    return target / database.name


def leaks(database: Path, words: list[str]) -> list[str]:
    """Where any of `words` occurs: in any value of any column of any table, or anywhere in
    the bytes of the database file and its journal/WAL."""
    found = []
    copy = _snapshot(database)
    connection = sqlite3.connect(copy)
    try:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            columns = [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')]
            for column in columns:
                for (value,) in connection.execute(f'SELECT "{column}" FROM "{table}"'):
                    if isinstance(value, bytes):
                        value = value.decode("utf-8", "replace")
                    if isinstance(value, str):
                        found += [f"{table}.{column}: {word}" for word in words
                                  if word.lower() in value.lower()]
    finally:
        connection.close()
    for path in copy.parent.glob(copy.name + "*"):
        raw = path.read_bytes().lower()
        found += [f"{path.name} (bytes): {word}" for word in words
                  if word.lower().encode() in raw]
    return found


def stored_events(database: Path, sender: str) -> list[dict]:
    connection = sqlite3.connect(_snapshot(database))
    try:
        return [json.loads(row[0]) for row in connection.execute(
            "SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,))]
    finally:
        connection.close()


# ---------------------------------------------------------------- consent, event by event


def test_consent_counts_from_the_event_after_the_yes():
    events = [UserUttered("hallo", {"name": "greet"}), SlotSet("consent", True),
              UserUttered("mein Wort", {"name": "inform"}), AllSlotsReset(),
              UserUttered("danach", {"name": "inform"}), SlotSet("consent", True),
              SessionStarted(), UserUttered("neue Sitzung", {"name": "inform"}),
              SlotSet("consent", True), Restarted(), UserUttered("neu", {"name": "greet"})]
    assert consent_before(events) == [False, False, True, True, False, False, True, False,
                                      False, True, False]


def test_a_reverted_yes_is_no_consent():
    events = [ActionExecuted("action_listen"), UserUttered("ja", {"name": "affirm"}),
              SlotSet("consent", True), UserUtteranceReverted(),
              UserUttered("meine Worte", {"name": "inform"})]
    assert consent_before(events)[-1] is False
    kept = [ActionExecuted("action_listen"), UserUttered("ja", {"name": "affirm"}),
            SlotSet("consent", True), ActionExecuted("action_listen"),
            UserUttered("anderes", {"name": "inform"}), UserUtteranceReverted(),
            UserUttered("meine Worte", {"name": "inform"})]
    assert consent_before(kept)[-1] is True


def test_redaction_keeps_what_the_dialogue_needs_and_drops_the_words():
    user = UserUttered("ich wohne in Barmbek", {"name": "inform", "confidence": 0.9},
                       [{"entity": "district", "value": "Barmbek", "start": 12, "end": 19,
                         "extractor": "SpacyEntityExtractor"}],
                       parse_data={"intent_ranking": [{"name": "inform", "confidence": 0.9}],
                                   "crisis": {"level": "none"}},
                       metadata={"from": "ich wohne in Barmbek"}).as_dict()
    redacted = redact(user, {"urgent_text"})
    assert "Barmbek" not in json.dumps(redacted) and "wohne" not in json.dumps(redacted)
    assert redacted["parse_data"]["intent"]["name"] == "inform"
    assert redacted["parse_data"]["entities"][0]["entity"] == "district"
    again = Event.from_parameters(redacted)              # as the tracker store loads it
    assert again.intent_name == "inform" and again.text is None
    assert again.as_sub_state() == {"intent": "inform", "entities": ["district"]}
    str(again)                                            # Rasa's debug log works

    bot = BotUttered("„ich wohne in Barmbek“ habe ich notiert.", {"buttons": []},
                     {"utter_action": "utter_answer_noted", "answer": "ich wohne"}).as_dict()
    assert "wohne" not in json.dumps(redact(bot, ()))
    assert redact(bot, ())["metadata"] == {"utter_action": "utter_answer_noted"}

    words = SlotSet("urgent_text", "Wohnung weg").as_dict()
    assert redact(words, {"urgent_text"})["value"] == REDACTED_SLOT_VALUE
    state = SlotSet("answer_living", "__more__").as_dict()
    assert redact(state, {"answer_living"}) == state
    other = SlotSet("stage", "no_consent").as_dict()
    assert redact(other, {"urgent_text"}) == other


def test_redaction_keeps_only_the_browsers_message_id_of_the_metadata():
    """The id lets the web app tell a message sent again after a lost answer (it is random
    and says nothing about the person); every other metadata value goes."""
    user = UserUttered("ich wohne in Barmbek", {"name": "inform"},
                       metadata={CLIENT_MESSAGE_KEY: "3f2a9c41d0e8b7a6", "resume_client": "k",
                                 "from": "ich wohne in Barmbek"}).as_dict()
    assert redact(user, ())["metadata"] == {CLIENT_MESSAGE_KEY: "3f2a9c41d0e8b7a6"}


def test_recent_texts_are_bounded_and_expire():
    now = [0.0]
    texts = RecentTexts(size=2, max_age=60, clock=lambda: now[0])
    texts.remember("a", 1.0, "eins")
    texts.remember("b", 2.0, "zwei")
    texts.remember("c", 3.0, "drei")
    assert texts.recall("a", 1.0) is None                 # the oldest went
    assert texts.recall("b", 2.0) == "zwei"
    assert texts.recall("b", 2.5) is None                 # another message of b
    now[0] = 61.0
    assert texts.recall("c", 3.0) is None                 # expired


# ---------------------------------------------------------------- the tracker store itself


@pytest.fixture()
def lean(tmp_path: Path) -> tuple[LeanSQLTrackerStore, Path]:
    database = tmp_path / "tracker.db"
    domain = Domain.load(str(ROOT / "domain"))
    return LeanSQLTrackerStore(domain, dialect="sqlite", db=str(database)), database


def turn(start: float, text: str, intent: str, *after) -> list:
    return [ActionExecuted("action_listen", timestamp=start),
            UserUttered(text, {"name": intent, "confidence": 0.9}, timestamp=start + 0.1),
            *after]


def test_without_consent_the_store_keeps_no_words(lean):
    store, database = lean
    hello, w0 = marked("hallo")
    urgent, w1 = marked("meine Wohnung ist weg")
    question, w2 = marked("was ist die EUTB")
    events = [
        ActionExecuted("action_session_start", timestamp=1.0), SessionStarted(timestamp=1.0),
        *turn(2.0, hello, "greet", BotUttered("Moin!", metadata={"utter_action": "x"})),
        *turn(3.0, "/deny", "deny", SlotSet("consent", False),
              SlotSet("stage", "no_consent")),
        *turn(4.0, urgent, "inform", SlotSet("urgent_text", urgent),
              BotUttered(f"Sie schrieben: {urgent}")),
        *turn(5.0, question, "faq"),
    ]
    tracker = DialogueStateTracker.from_events("person", events, store.domain.slots)
    asyncio.run(store.save(tracker))
    assert leaks(database, [w0, w1, w2]) == []
    stored = stored_events(database, "person")
    assert [e["parse_data"]["intent"]["name"] for e in stored if e["event"] == "user"] == \
        ["greet", "deny", "inform", "faq"]

    # loaded back, the dialogue has what it needs: intents, the slots, a filled urgent_text;
    # the latest message's words only from this process's memory
    loaded = asyncio.run(store.retrieve("person"))
    assert loaded.get_slot("consent") is False and loaded.get_slot("stage") == "no_consent"
    assert loaded.get_slot("urgent_text") == REDACTED_SLOT_VALUE
    assert [e.text for e in loaded.events if isinstance(e, UserUttered)] == \
        [None, None, None, question]
    other_process = LeanSQLTrackerStore(store.domain, dialect="sqlite", db=str(database))
    assert asyncio.run(other_process.retrieve("person")).latest_message.text is None


def test_after_consent_the_words_are_stored_and_the_earlier_ones_stay_out(lean):
    store, database = lean
    before, w0 = marked("ich heiße nicht so")
    answer, w1 = marked("Ich möchte in Altona wohnen")
    events = [*turn(1.0, before, "inform"),
              *turn(2.0, "/affirm", "affirm", SlotSet("consent", True))]
    tracker = DialogueStateTracker.from_events("person", events, store.domain.slots)
    asyncio.run(store.save(tracker))
    tracker = asyncio.run(store.retrieve("person"))
    for event in turn(3.0, answer, "inform", SlotSet("answer_living", answer)):
        tracker.update(event)
    asyncio.run(store.save(tracker))
    assert leaks(database, [w0]) == []
    assert leaks(database, [w1])                          # with consent: stored as before
    texts = [e["text"] for e in stored_events(database, "person") if e["event"] == "user"]
    assert texts == [None, None, answer]


# ---------------------------------------------------------------- what the person reads

# what would be untrue: the course of the conversation (intents, slots, times) is stored
CLAIMS_OF_NOTHING = ("speichere nichts", "speichert dann nichts", "nichts gespeichert",
                     "nichts speichern", "nichts über sie gespeichert",
                     "nichts von ihnen gespeichert", "speichern wir nichts")


def test_what_the_bot_says_without_consent_is_literally_true():
    names = ["utter_consent_denied", "utter_pause_no_consent", "utter_profile_no_consent",
             "utter_nothing_to_delete"]
    for name in names:
        for variant in RESPONSES["responses"][name]:
            assert not any(c in variant["text"].lower() for c in CLAIMS_OF_NOTHING), name
    # the answer to "Nein" says what is kept: the course of the conversation, not the words
    for variant in RESPONSES["responses"]["utter_consent_denied"]:
        assert "Ablauf" in variant["text"] and "nicht" in variant["text"]


def test_the_pages_and_the_privacy_notes_say_the_same():
    from bot.knowledge import entry
    from bot.web.texts import text

    for key in ("consent_no", "consent_no_note", "profile_no_consent", "export_no_consent"):
        for easy in (False, True):
            assert not any(c in text(key, easy).lower() for c in CLAIMS_OF_NOTHING), key
    for entry_id in ("datenschutz.ueberblick", "datenschutz.einwilligung"):
        for variant in (entry(entry_id).text.standard, entry(entry_id).text.easy):
            assert not any(c in variant.lower() for c in CLAIMS_OF_NOTHING), entry_id
    assert "Ablauf" in entry("datenschutz.ueberblick").text.easy


# ---------------------------------------------------------------- end to end


def database_of(assistant) -> Path:
    return Path(assistant.settings.database_url.removeprefix("sqlite:///"))


def response_text(name: str) -> str:
    """The standard-language text of a domain response."""
    return next(v["text"] for v in RESPONSES["responses"][name] if "condition" not in v)


@pytest.mark.slow
def test_after_no_nothing_typed_reaches_the_database(assistant, chat):
    typed = {}
    hello, typed["hello"] = marked("Moin, ich bin die Anna aus Wilhelmsburg")
    welcome = chat.send(hello)                                    # before consent
    assert "/deny" in [b["payload"] for m in welcome for b in m.get("buttons", [])]
    chat.send("/deny")                                            # no consent
    chat.send("/affirm")                                          # something is urgent
    urgent, typed["urgent"] = marked("Mir wird die Wohnung gekündigt")
    pointers = chat.send(urgent)
    assert response_text("utter_urgent_later") in Chat.texts(pointers)
    # what the bot says about storage: the words stay out (checked below)
    assert response_text("utter_consent_denied") in Chat.texts(pointers)
    faq, typed["faq"] = marked("was ist ein persönliches budget?")
    assert "Budget" in Chat.texts(chat.send(faq))
    wish, typed["wish"] = marked("Ich will alleine wohnen")
    assert response_text("utter_no_consent_reminder") in Chat.texts(chat.send(wish))
    crisis, typed["crisis"] = marked("ich will nicht mehr leben")
    assert CRISIS_NUMBER in Chat.texts(chat.send(crisis))
    assert Chat.texts(chat.send("hallo"))                          # and it goes on

    database = database_of(assistant)
    assert leaks(database, list(typed.values())) == []
    assert assistant.store.get_conversation(chat.sender) is None
    stored = stored_events(database, chat.sender)
    users = [e for e in stored if e["event"] == "user"]
    assert len(users) == 8 and all(e["text"] is None for e in users)
    assert {"deny", "faq"} <= {e["parse_data"]["intent"]["name"] for e in users}
    assert all(e["text"] is None for e in stored if e["event"] == "bot")
    urgent_slot = [e["value"] for e in stored if e["event"] == "slot"
                   and e["name"] == "urgent_text" and e["value"] is not None]
    assert urgent_slot and set(urgent_slot) == {REDACTED_SLOT_VALUE}


@pytest.mark.slow
def test_a_held_message_is_released_from_memory_without_consent(assistant, chat):
    """The crisis layer's "no" makes the message before it the urgent need — its words come
    from the Rasa process's memory, not from the database."""
    from bot.crisis import assess

    # in the unsure band whatever the made-up word (0.58–0.73 over 300 of them, 2026-12-02;
    # "ich hab keine Kraft mehr für gar nichts" crossed 0.9 with some)
    unsure, word = marked(
        "am liebsten würde ich mich unter der Decke verkriechen und nie wieder rauskommen")
    found = assess(unsure)
    assert found is not None and not found.certain, "choose another unsure message"
    chat.send("hallo")
    chat.send("/deny")
    chat.send("/affirm")
    asked = chat.send(unsure)
    assert "Denken Sie manchmal daran, sich das Leben zu nehmen?" in Chat.texts(asked)
    released = chat.send("/deny")
    assert response_text("utter_crisis_concern_no") in Chat.texts(released)
    assert response_text("utter_urgent_later") in Chat.texts(released)
    assert response_text("utter_ask_urgent_text") not in Chat.texts(released)
    assert leaks(database_of(assistant), [word]) == []


@pytest.mark.slow
def test_words_are_stored_only_from_consent_on(assistant, chat):
    before, w0 = marked("hallo, ich bin neu hier")
    chat.send(before)                                             # before consent
    chat.send("/affirm")
    chat.send("/deny")                                            # standard language
    chat.send("/deny")                                            # nothing urgent
    answer, w1 = marked("Ich möchte mit meinem Hund in Altona wohnen")
    chat.send(answer)
    assert [a.text for a in assistant.store.active_answers(chat.sender)] == [answer]
    database = database_of(assistant)
    assert leaks(database, [w0]) == []
    assert leaks(database, [w1])                                  # with consent, as before
    texts = [e["text"] for e in stored_events(database, chat.sender) if e["event"] == "user"]
    assert texts == [None, None, "/deny", "/deny", answer]
