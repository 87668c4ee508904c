"""Resume codes (bot/resume_codes.py, Store): the format and its entropy, the word list,
parsing of typed codes, the stored hash, expiry on an injected clock, the new code after
each resume with "zuletzt weitergemacht am …", and the failure limits that the web form and
the chat path share (per sender id, per address, in total). The real SQLite database."""

from __future__ import annotations

import asyncio
import math
import re
import secrets
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import text as sql
from starlette.testclient import TestClient

from actions.conversation import ActionPause, ActionResume
from bot import texts
from bot.dialogue import conversation
from bot.resume_codes import (
    NUMBERS,
    WORDS_PER_CODE,
    ResumePolicy,
    address_key,
    code_hash,
    date_de,
    find_code,
    find_code_in,
    make_code,
    possible_codes,
    sender_key,
    words,
)
from bot.services import free_port
from bot.storage.db import get_engine
from bot.storage.migrate import alembic_config, upgrade_to_head
from bot.storage.models import utcnow
from bot.storage.repository import EXPIRED, RESUMED, TOO_MANY, UNKNOWN, Store
from bot.web.app import create_app
from bot.web.chat import ChatService, message_metadata, resume_payload
from bot.web.config import WebConfig
from bot.web.rasa import BotMessage
from bot.web.texts import text
from tests.support.clock import FIXED_NOW, FixedClock
from tests.support.rasa_actions import domain

CODE = re.compile(r"^[A-Z]{3,10}(-[A-Z]{3,10}){3}-[1-9][0-9]$")
CHAT_COMMANDS = {"PAUSE", "HILFE", "STOPP", "STOP", "ENDE", "ZURUECK", "WEITER", "CODE", "NEIN",
                 "JA", "NOTFALL", "NOT", "LOESCHEN", "MENSCH", "TSCHUESS"}
LIMITS = ResumePolicy(client_failures=3, global_failures=8, window_seconds=3600, idle_days=180)


def store_at(db_url: str, clock: FixedClock, policy: ResumePolicy = LIMITS) -> Store:
    return Store(db_url, clock=clock, resume_policy=policy)


def person(store: Store, sender: str = "web-person", easy: bool = False) -> str:
    """A conversation with consent and one answer; its resume code."""
    store.record_consent(sender, True)
    store.set_language_mode(sender, easy)
    store.add_answer(sender, "living", "Ich möchte am Hafen wohnen.")
    return store.issue_resume_code(sender)


def wrong_codes(count: int) -> list[str]:
    """Well-formed codes that are nobody's (the person's code is never one of them)."""
    return [f"HAFEN-KRAN-MOND-TEE-{number}" for number in range(10, 10 + count)]


def render(response: str, easy: bool, **values: str) -> str:
    """A chat response (texts/chat.yml) as the person reads it."""
    return texts.pick("chat", response, "easy" if easy else "standard").format(**values)


# ---------------------------------------------------------------- format and word list


def test_a_code_is_four_words_and_a_number_with_at_least_40_bits():
    assert len(words()) >= 1024
    assert len(words()) ** WORDS_PER_CODE * len(NUMBERS) >= 2 ** 40
    assert possible_codes() == len(words()) ** 4 * 90
    assert math.log2(possible_codes()) > 46            # 1064 words: about 46.7 bits
    codes = {make_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert CODE.match(code), code
        assert all(part in words() for part in code.split("-")[:4])
        assert find_code(code) == code


def test_the_word_list_is_plain_unambiguous_and_prefix_free():
    listed = words()
    assert len(set(listed)) == len(listed)
    for word in listed:
        assert re.fullmatch(r"[A-Z]{3,10}", word), word                  # no umlaut, no ß
        assert not re.search("AE|OE|UE", word), word     # no umlaut written out either
        assert word not in CHAT_COMMANDS, word
    starts = sorted(listed)
    for first, second in zip(starts, starts[1:], strict=False):
        assert not second.startswith(first), (first, second)


@pytest.mark.parametrize("typed", [
    "HAFEN-KRAN-MOND-TEE-42",
    "hafen-kran-mond-tee-42",
    "Hafen Kran Mond Tee 42",
    "hafen - kran - mond - tee - 42",
    "HAFENKRANMONDTEE42",
    "hafen–kran—mond_tee.42",
    "Mein Code ist hafen kran mond tee 42, danke!",
    "ＨＡＦＥＮ-ＫＲＡＮ-ＭＯＮＤ-ＴＥＥ-４２",            # fullwidth, e.g. from a phone keyboard
])
def test_typed_codes_are_accepted_in_any_spelling(typed):
    assert find_code(typed) == "HAFEN-KRAN-MOND-TEE-42"
    assert code_hash(typed) == code_hash("HAFEN-KRAN-MOND-TEE-42")


def test_umlauts_and_sharp_s_are_folded():
    # TASSE typed with ß (as in the old spelling of some words): one spelling only
    assert find_code("taße-kran-mond-tee-42") == "TASSE-KRAN-MOND-TEE-42"
    assert find_code_in("Hier: Tasse Kran Mond Tee 42 bitte").rest.split() == ["HIER:",
                                                                             "BITTE"]


@pytest.mark.parametrize("text", [
    "HAFEN-KRAN-42",                         # the old format
    "HAFEN-KRAN-MOND-42",                    # three words
    "HAFEN-KRAN-MOND-TEE-421",               # three digits
    "HAFEN-KRAN-MOND-XYZ-42",                # not a word of the list
    "SCHAFEN-KRAN-MOND-TEE-42",              # a word inside another word
    "Ich habe drei Kinder und bin 42",
    "",
])
def test_other_text_is_no_code(text):
    assert find_code(text) is None


def test_only_a_keyed_hash_is_stored(db_url, fixed_clock):
    store = store_at(db_url, fixed_clock)
    code = person(store)
    assert re.fullmatch(r"[0-9a-f]{64}", code_hash(code)) and code_hash(code) != code
    with store._session() as session:
        dump = " ".join(str(v) for row in session.execute(
            sql("SELECT * FROM conversations")).all() for v in row)
    assert code not in dump and code.split("-")[0] not in dump
    assert code_hash(code) in dump
    assert store.find_by_resume_code(code.lower().replace("-", " ")) == "web-person"
    assert store.find_by_resume_code("HAFEN-KRAN-MOND-TEE-00") is None


# ---------------------------------------------------------------- issuing, expiry, rotation


def test_a_pause_shows_the_same_code_again_while_it_is_valid(db_url, fixed_clock):
    store = store_at(db_url, fixed_clock)
    code = person(store)
    paused = conversation.pause(store, "web-person", True, known_code=code)
    assert paused.slots["resume_code"] == code                      # pause, then goodbye
    said = conversation.goodbye(store, "web-person", {"consent": True, "resume_code": code})
    assert said.replies[0].variables["resume_code"] == code
    # a sender that does not know the code (another tab) gets a new one; the old one dies
    other = conversation.pause(store, "web-person", True).slots["resume_code"]
    assert other != code
    assert store.find_by_resume_code(code) is None
    assert store.find_by_resume_code(other) == "web-person"


def test_a_code_expires_after_the_idle_time_and_a_use_starts_it_again(db_url, fixed_clock):
    store = store_at(db_url, fixed_clock)
    code = person(store)
    fixed_clock.advance(days=179)
    conversation.pause(store, "web-person", True, known_code=code)    # shown again: used
    fixed_clock.advance(days=179)
    checked = store.check_resume_code(code, sender_key("web-a"))
    assert checked.status == RESUMED and checked.last_used_at == FIXED_NOW + timedelta(days=179)
    fixed_clock.advance(days=1, seconds=1)                            # 180 days unused
    assert store.check_resume_code(code, sender_key("web-b")).status == EXPIRED
    turn = conversation.resume(store, "web-c", None, code)
    assert [r.response for r in turn.replies] == ["utter_resume_expired"]
    assert turn.replies[0].variables == {"days": "180"}
    assert store.canonical_id("web-c") == "web-c"                       # nothing linked
    # the staff console still finds it; the next pause gives a new, working code
    assert store.find_by_resume_code(code) == "web-person"
    fresh = conversation.pause(store, "web-person", True, known_code=code).slots["resume_code"]
    assert fresh != code
    assert store.check_resume_code(fresh, sender_key("web-d")).status == RESUMED


def test_each_resume_replaces_the_code_and_tells_when_it_was_last_used(db_url, fixed_clock):
    store = store_at(db_url, fixed_clock)
    code = person(store, easy=True)
    fixed_clock.advance(days=3, hours=14)          # 24.11.2026, 23:00 UTC: 25.11. in Hamburg
    first = conversation.resume(store, "web-later", None, f"mein code: {code.lower()}")
    new_code = first.slots["resume_code"]
    # in the conversation's register (Leichte Sprache), whatever the new browser had
    assert [r.text for r in first.replies] == [
        render("utter_resumed", True),
        render("utter_resume_new_code", True, last_date="21.11.2026", resume_code=new_code)]
    assert "Sie haben zuletzt am 21.11.2026 weitergemacht." in first.replies[1].text
    assert new_code != code and find_code(first.replies[1].text) == new_code
    assert first.slots["easy_language"] is True and first.slots["stage"] == "interview"
    assert store.canonical_id("web-later") == "web-person"
    # the old code no longer works; the new one does, and shows the first resume's date
    assert store.check_resume_code(code, sender_key("web-x")).status == UNKNOWN
    fixed_clock.advance(days=2)
    second = conversation.resume(store, "web-again", None, new_code)
    assert "Sie haben zuletzt am 25.11.2026 weitergemacht." in second.replies[1].text
    assert second.slots["resume_code"] not in (code, new_code)
    store.set_language_mode("web-person", False)                 # in standard German
    third = conversation.resume(store, "web-third", None, second.slots["resume_code"])
    assert "Zuletzt weitergemacht am 27.11.2026." in third.replies[1].text     # the 2nd
    assert third.replies[0].text == render("utter_resumed", False)


def test_zuletzt_weitergemacht_am_is_shown_in_both_registers():
    values = {"last_date": "25.11.2026", "resume_code": "HAFEN-KRAN-MOND-TEE-42"}
    standard = render("utter_resume_new_code", False, **values)
    easy = render("utter_resume_new_code", True, **values)
    assert "Zuletzt weitergemacht am 25.11.2026." in standard
    assert "Sie haben zuletzt am 25.11.2026 weitergemacht." in easy
    for shown in (standard, easy):
        assert "HAFEN-KRAN-MOND-TEE-42" in shown and "alte Code" in shown
    assert "60 Minuten" in render("utter_resume_too_many", True, minutes="60")
    assert "180 Tage" in render("utter_resume_expired", False, days="180")


def test_dates_are_hamburg_dates():
    assert date_de(datetime(2026, 11, 21, 22, 59)) == "21.11.2026"
    assert date_de(datetime(2026, 11, 21, 23, 0)) == "22.11.2026"      # CET = UTC+1
    assert date_de(datetime(2026, 6, 30, 22, 0)) == "01.07.2026"       # CEST = UTC+2


def test_two_resumes_with_the_same_code_at_once_give_one_conversation(db_url, fixed_clock):
    store = store_at(db_url, fixed_clock, ResumePolicy())
    code = person(store)
    results = []

    def resume(sender: str) -> None:
        results.append(store.resume_with_code(sender, code).status)

    threads = [threading.Thread(target=resume, args=(f"web-{n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results).count(RESUMED) == 1, results


# ---------------------------------------------------------------- the shared failure limits


def test_chat_failures_count_against_the_web_form_and_the_other_way(db_url, fixed_clock):
    store = store_at(db_url, fixed_clock)
    code = person(store)
    browser, address = "web-guesser", address_key("203.0.113.7")
    for wrong in wrong_codes(3):             # typed into the chat, sent on by the web app
        assert store.resume_with_code(browser, wrong, address).status == UNKNOWN
    # the web form: the same address with a fresh cookie is refused, even the right code
    assert store.check_resume_code(code, sender_key("web-fresh"), address).status == TOO_MANY
    # the same browser from another address too (its sender id has used up its tries)
    assert store.check_resume_code(code, sender_key(browser),
                                   address_key("198.51.100.1")).status == TOO_MANY
    # and the other way: failures on the form block the chat
    for wrong in wrong_codes(3):
        assert store.check_resume_code(wrong, sender_key("web-form"),
                                       address_key("192.0.2.9")).status == UNKNOWN
    assert store.resume_with_code("web-form", code).status == TOO_MANY
    assert store.canonical_id("web-form") == "web-form"
    # a person elsewhere is not affected; after the window everyone may try again
    assert store.check_resume_code(code, sender_key("web-ok"),
                                   address_key("192.0.2.200")).status == RESUMED
    fixed_clock.advance(hours=1)
    assert store.resume_with_code("web-form", code).status == RESUMED


def test_the_global_limit_stops_guessing_from_ever_new_senders_and_addresses(db_url,
                                                                             fixed_clock):
    store = store_at(db_url, fixed_clock)
    code = person(store)
    for n, wrong in enumerate(wrong_codes(8)):      # each from a new cookie and address
        assert store.resume_with_code(f"rasa-{n}", wrong,
                                      address_key(f"10.0.0.{n}")).status == UNKNOWN
    # now nobody gets an answer about any code, right or wrong, on any path
    assert store.resume_with_code("web-new", code, address_key("10.9.9.9")).status == TOO_MANY
    assert store.check_resume_code(code, sender_key("web-n2")).status == TOO_MANY
    turn = conversation.resume(store, "web-new", None, code)
    assert turn.replies[0].response == "utter_resume_too_many"
    assert turn.replies[0].variables == {"minutes": "60"}
    # refused attempts are not counted (the table stays small), old ones are forgotten
    with store._session() as session:
        assert session.execute(sql("SELECT count(*) FROM resume_failures")).scalar() == 8
    fixed_clock.advance(minutes=59)
    assert store.check_resume_code(code, sender_key("web-n3")).status == TOO_MANY
    fixed_clock.advance(minutes=1)
    assert store.check_resume_code(code, sender_key("web-n3")).status == RESUMED
    with store._session() as session:
        assert session.execute(sql("SELECT count(*) FROM resume_failures")).scalar() == 0


def test_a_success_counts_nothing_and_anything_else_typed_into_the_form_counts(db_url,
                                                                             fixed_clock):
    store = store_at(db_url, fixed_clock)
    code = person(store)
    for _ in range(5):
        assert store.check_resume_code(code, sender_key("web-me"),
                                       address_key("192.0.2.1")).status == RESUMED
    with store._session() as session:
        assert session.execute(sql("SELECT count(*) FROM resume_failures")).scalar() == 0
    assert store.check_resume_code("hallo", sender_key("web-me")).status == UNKNOWN
    with store._session() as session:
        assert session.execute(sql("SELECT count(*) FROM resume_failures")).scalar() == 1


def test_attempts_at_the_same_time_never_get_past_the_limit(db_url, fixed_clock):
    store = store_at(db_url, fixed_clock)
    person(store)
    results = []

    def guess(n: int) -> None:
        results.append(store.check_resume_code(f"HAFEN-KRAN-MOND-TEE-{n}").status)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(10, 40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(UNKNOWN) <= LIMITS.global_failures
    assert results.count(UNKNOWN) + results.count(TOO_MANY) == 30


def test_the_policy_comes_from_the_environment(monkeypatch):
    assert ResumePolicy.from_env() == ResumePolicy()
    monkeypatch.setenv("LWIW_RESUME_CLIENT_FAILURES", "5")
    monkeypatch.setenv("LWIW_RESUME_GLOBAL_FAILURES", "50")
    monkeypatch.setenv("LWIW_RESUME_WINDOW_MINUTES", "30")
    monkeypatch.setenv("LWIW_RESUME_CODE_IDLE_DAYS", "90")
    assert ResumePolicy.from_env() == ResumePolicy(5, 50, 1800, 90)
    monkeypatch.setenv("LWIW_RESUME_GLOBAL_FAILURES", "0")
    with pytest.raises(ValueError):
        ResumePolicy.from_env()


# ---------------------------------------------------------------- the action and the web app


def tracker(sender: str, text: str, metadata: dict | None = None,
            slots: dict | None = None) -> Tracker:
    message = {"text": text, "intent": {"name": "resume", "confidence": 1.0},
               "entities": [], "metadata": metadata or {}}
    return Tracker(sender_id=sender, slots=dict(slots or {}), latest_message=message,
                   events=[], paused=False, followup_action=None, active_loop={},
                   latest_action_name="action_listen")


def run(action, state: Tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, state, domain()))
    return dispatcher.messages, events


def test_the_action_counts_the_address_the_web_app_sends(action_store, monkeypatch):
    monkeypatch.setattr(action_store, "resume_policy", LIMITS)
    code = person(action_store)
    address = address_key("203.0.113.50")
    for n, wrong in enumerate(wrong_codes(3)):                       # fresh senders each
        said, _ = run(ActionResume(), tracker(f"web-{n}", wrong, {"resume_client": address}))
        assert said[0]["response"] == "utter_resume_unknown"
    said, events = run(ActionResume(), tracker("web-9", code, {"resume_client": address}))
    assert said[0]["response"] == "utter_resume_too_many" and said[0]["minutes"] == "60"
    assert events == []
    # metadata that is no address key is ignored (the sender still counts)
    said, _ = run(ActionResume(), tracker("web-8", code, {"resume_client": "127.0.0.1"}))
    assert said[0]["text"].startswith("Willkommen zurück!")


def test_the_pause_action_shows_the_code_it_showed_before(action_store):
    code = person(action_store)
    said, events = run(ActionPause(), tracker("web-person", "pause",
                                              slots={"consent": True, "resume_code": code}))
    assert said[0]["resume_code"] == code


def test_the_staff_console_continues_a_conversation_without_its_code(db_url, fixed_clock):
    store = store_at(db_url, fixed_clock)
    code = person(store)
    turn = conversation.resume(store, "web-person", None, resume_payload(True))
    assert [r.text for r in turn.replies] == [render("utter_resumed", False)]
    assert turn.slots["consent"] is True and turn.slots["stage"] == "interview"
    assert "resume_code" not in turn.slots
    assert store.find_by_resume_code(code) == "web-person"            # not replaced
    # the bare intent does nothing for a sender without a conversation of its own
    assert conversation.resume(store, "web-new", None, "/resume").replies[0].response == (
        "utter_resume_ask_code")


class StubRasa:
    """Records what the web app sends; answers like the bot after a resume."""

    def __init__(self, reply: str) -> None:
        self.reply = reply
        self.sent: list[tuple[str, str, dict | None]] = []

    async def send(self, sender: str, message: str, metadata: dict | None = None):
        self.sent.append((sender, message, metadata))
        return [BotMessage(self.reply)]


def test_the_web_app_sends_the_address_with_codes_and_shows_the_new_code(db_url,
                                                                        fixed_clock):
    store = store_at(db_url, fixed_clock)
    code = person(store)
    assert message_metadata("Ich will am Hafen wohnen.", "192.0.2.1") is None
    assert message_metadata(code, None) is None
    assert message_metadata(f"code {code}", "192.0.2.1") == {
        "resume_client": address_key("192.0.2.1")}
    rasa = StubRasa(f"Ihr Code zum Weitermachen lautet:\n{code}")
    chat = ChatService(rasa, store)
    session = {"cid": "web-person"}
    outcome = asyncio.run(chat.say(session, f"mein code {code.lower()}", "x",
                                   client="192.0.2.1"))
    assert rasa.sent[0][2] == {"resume_client": address_key("192.0.2.1")}
    assert outcome.resume_code == code               # the reply's code matches the hash
    rasa.reply = "Ein Code sieht so aus: HAFEN-KRAN-MOND-TEE-42"
    assert asyncio.run(chat.say(session, "hallo", "hallo")).resume_code is None
    assert rasa.sent[-1][2] is None                  # no code in it: no metadata


def test_the_web_form_tells_an_expired_code_from_an_unknown_one(db_url):
    store = Store(db_url)
    code = person(store)
    with store._session() as session:                # unused for 200 days
        session.execute(sql("UPDATE conversations SET resume_code_at = :at"),
                        {"at": utcnow() - timedelta(days=200)})
        session.commit()
    config = WebConfig(rasa_url=f"http://127.0.0.1:{free_port()}", database_url=db_url,
                       secret_key=secrets.token_urlsafe(48))
    with TestClient(create_app(config)) as client:
        page = client.get("/").text
        token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
        expired = client.post("/weitermachen", data={"csrf": token, "code": code})
        assert expired.status_code == 400
        assert text("resume_expired", False, days=180) in expired.text
        unknown = client.post("/weitermachen", data={"csrf": token, "code": make_code()})
        assert text("resume_unknown", False) in unknown.text


# ---------------------------------------------------------------- migration


def test_the_migration_invalidates_old_codes(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    config = alembic_config(url)
    command.upgrade(config, "0003")
    with get_engine(url).begin() as connection:
        connection.execute(sql(
            "INSERT INTO conversations (id, created_at, updated_at, language_mode, "
            "resume_code, with_staff, consent_given) VALUES ('web-old', :at, :at, "
            "'standard', 'HAFEN-KRAN-42', 0, 1)"), {"at": FIXED_NOW})
    upgrade_to_head(url)
    store = Store(url)
    conversation_row = store.get_conversation("web-old")
    assert conversation_row.resume_code_hash is None and conversation_row.resume_code_at is None
    assert store.check_resume_code("HAFEN-KRAN-42").status == UNKNOWN
    assert conversation_row.consent_given is True                  # nothing else lost


def test_the_pepper_is_a_generated_secret_and_keys_the_hash(monkeypatch):
    from bot import resume_codes
    from bot.web.config import check_environment

    before = code_hash("HAFEN-KRAN-MOND-TEE-42")
    monkeypatch.setenv("LWIW_RESUME_PEPPER", "CHANGE-ME-a-placeholder-of-32-characters")
    with pytest.raises(ValueError, match="LWIW_RESUME_PEPPER"):
        check_environment()
    monkeypatch.setenv("LWIW_RESUME_PEPPER", secrets.token_urlsafe(32))
    resume_codes._pepper_for.cache_clear()
    try:
        assert code_hash("HAFEN-KRAN-MOND-TEE-42") != before
        assert sender_key("web-a") != sender_key("web-b")
    finally:
        monkeypatch.delenv("LWIW_RESUME_PEPPER")
        resume_codes._pepper_for.cache_clear()
    assert code_hash("HAFEN-KRAN-MOND-TEE-42") == before


def test_the_goodbye_after_a_pause_shows_the_pause_code(action_store):
    from actions.conversation import ActionGoodbye

    code = person(action_store)
    said, events = run(ActionGoodbye(), tracker("web-person", "tschüss",
                                                slots={"consent": True, "resume_code": code}))
    assert said[0]["response"] == "utter_goodbye_with_code"
    assert said[0]["resume_code"] == code
    assert action_store.find_by_resume_code(code) == "web-person"     # still valid


def test_an_ipv6_client_counts_by_its_network():
    assert address_key("2001:db8:1:2::1") == address_key("2001:db8:1:2:ffff::99")
    assert address_key("2001:db8:1:2::1") != address_key("2001:db8:1:3::1")
    assert address_key("::ffff:192.0.2.1") == address_key("192.0.2.1")
    assert address_key("192.0.2.1") != address_key("192.0.2.2")
    assert address_key("unknown") == address_key("unknown")
