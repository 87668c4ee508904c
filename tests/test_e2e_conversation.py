"""End to end: the trained model, the real Rasa and action servers on loopback, SQLite.

Talks through Rasa's REST channel like a client would and checks what was stored.
"""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import text

from bot.catalogue import QUESTION_IDS, load_questions
from bot.dialogue import summary
from bot.knowledge import entry
from bot.resume_codes import code_hash, find_code
from tests.support.chat import Chat
from tests.support.e2e import button_payloads, question_ids, start

pytestmark = pytest.mark.slow

ANSWERS = {
    "living": ["Ich möchte alleine wohnen, mit meinem Hund.", "Mehr tanzen gehen 💃"],
    "self": ["Mit meinem Tablet lasse ich mir Briefe vorlesen."],
    "people": ["Meine Schwester hilft mir beim Einkaufen."],
    "neighbourhood": ["Ich wohne in Barmbek-Nord und gehe gern in die Bücherhalle."],
    "professional": ["Jemand, der mir bei Briefen vom Amt hilft."],
    "contribution": ["Ich kann gut zuhören und helfe meiner Nachbarin."],
}
CRISIS_NUMBER = "0800 111 0 111"


def _events(assistant, sender: str) -> list[str]:
    """Rasa's stored events of this conversation (the tracker store is the same SQLite)."""
    with assistant.store._session() as session:
        return session.execute(
            text("SELECT type_name FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
        ).scalars().all()


def _parses(assistant, sender: str) -> list[dict]:
    """What Rasa's NLU made of each message of this conversation (stored user events)."""
    with assistant.store._session() as session:
        rows = session.execute(
            text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' "
                 "ORDER BY id"), {"s": sender}).scalars().all()
    return [json.loads(row)["parse_data"] for row in rows]


@pytest.mark.parametrize("easy", [False, True], ids=["standard", "leichte-sprache"])
def test_whole_conversation_is_stored(assistant, chat, easy):
    first = start(chat, easy)
    wording = {q.id: q.question.get(easy) for q in load_questions()}
    assert wording["living"] in Chat.texts(first)
    assert Chat.payloads(first)[0]["progress"] == {"current": 1, "total": 6}

    for number, qid in enumerate(QUESTION_IDS, start=1):
        for answer in ANSWERS[qid]:
            noted = chat.send(answer)
            assert f"„{answer}“" in Chat.texts(noted)
            assert question_ids(noted) == [qid]          # "Gibt es noch mehr?"
            assert button_payloads(noted) == ["/affirm", "/deny"]
        after = chat.send("nein")
        if number < 6:
            next_qid = QUESTION_IDS[number]
            assert question_ids(after) == [next_qid]
            assert wording[next_qid] in Chat.texts(after)
            progress = Chat.payloads(after)[0]["progress"]
            assert progress == {"current": number + 1, "total": 6}
        else:
            # read-back of the first item, with confirm / change / remove buttons
            assert "/remove_item" in button_payloads(after)
            assert f"„{ANSWERS['living'][0]}“" in Chat.texts(after)

    chat.send("/affirm")                      # first item confirmed on its own
    shown = chat.send("/confirm_all")         # the rest shown together first
    assert ANSWERS["living"][1] in Chat.texts(shown)
    done = chat.send("/affirm")               # then confirmed at once
    assert done and not button_payloads(done)

    stored = assistant.store.active_answers(chat.sender)
    expected = [(qid, text) for qid in QUESTION_IDS for text in ANSWERS[qid]]
    assert [(a.question_id, a.text) for a in stored] == expected
    assert all(a.confirmed for a in stored)
    conversation = assistant.store.get_conversation(chat.sender)
    assert conversation.consent_given is True and conversation.consent_at is not None
    assert conversation.language_mode == ("easy" if easy else "standard")
    assert conversation.summary_confirmed_at is not None
    assert set(assistant.store.question_states(chat.sender).values()) == {"answered"}


def test_global_intents_inside_a_question_return_to_it(assistant, chat):
    start(chat, easy=False)
    chat.send(ANSWERS["living"][0])
    chat.send("nein")                                       # now at "self"
    crisis = chat.send("ich will nicht mehr leben")
    assert CRISIS_NUMBER in Chat.texts(crisis)
    assert question_ids(crisis) == ["self"]                 # and back to the question
    wish = chat.send("ich will nicht mehr alleine wohnen")  # a wish, not a crisis
    assert CRISIS_NUMBER not in Chat.texts(wish)
    assert "„ich will nicht mehr alleine wohnen“" in Chat.texts(wish)
    faq = chat.send("was ist ein persönliches budget?")
    faq_entry_text = entry("persoenliches_budget.recht").text.standard
    assert any(
        sentence in Chat.texts(faq) for sentence in faq_entry_text.split(". ")[:1]
    ) or "§ 29" in Chat.texts(faq)
    assert question_ids(faq) == ["self"]
    # the FAQ topic is chosen for the FAQ question only (bot/nlp/faq_selector.py)
    *earlier, asked = _parses(assistant, chat.sender)
    assert asked["intent"]["name"] == "faq"
    chosen = asked["response_selector"]["faq"]["response"]["intent_response_key"]
    assert chosen == "faq/persoenliches_budget"
    assert earlier and all(p["intent"]["name"] != "faq" and "faq" not in
                           p.get("response_selector", {}) for p in earlier)
    easy = chat.send("bitte in leichter sprache")
    assert load_questions()[1].more.easy in Chat.texts(easy)
    assert question_ids(easy) == ["self"]
    back = chat.send("zurück")                 # shows the last answer, deletes nothing
    assert "„ich will nicht mehr alleine wohnen“" in Chat.texts(back)
    assert [a.text for a in assistant.store.active_answers(chat.sender, "self")] == [
        "ich will nicht mehr alleine wohnen"]
    chat.send("entfernen")                     # the person's choice
    assert [a.text for a in assistant.store.active_answers(chat.sender, "self")] == []
    examples = chat.send("weiß nicht")
    assert "Tablet" in Chat.texts(examples) and question_ids(examples) == ["self"]
    skipped = chat.send("überspringen")
    assert question_ids(skipped) == ["people"]
    assert assistant.store.question_states(chat.sender)["self"] == "skipped"


def test_pause_and_resume_with_code_in_a_new_conversation(assistant, chat):
    start(chat, easy=True)
    chat.send(ANSWERS["living"][0])
    chat.send("nein")
    chat.send(ANSWERS["self"][0])
    paused = chat.send("ich mach später weiter")
    code = find_code(Chat.texts(paused))                   # only its hash is stored
    assert code and assistant.store.get_conversation(chat.sender).resume_code_hash == (
        code_hash(code))

    later = Chat(assistant.rasa_url)
    later.send("hallo")
    resumed = later.send(f"Mein Code ist {code.lower()}")
    assert question_ids(resumed) == ["self"]               # "Gibt es noch mehr?" for self
    assert load_questions()[1].more.easy in Chat.texts(resumed)   # easy language kept
    # the code is used up: a new one, and when the old one was last used (Leichte Sprache)
    assert re.search(r"Sie haben zuletzt am \d\d\.\d\d\.\d{4} weitergemacht\.",
                     Chat.texts(resumed))
    new_code = find_code(Chat.texts(resumed).split("neuen Code:")[1])
    assert new_code and new_code != code
    old = Chat.texts(Chat(assistant.rasa_url).send(code))
    assert "Diesen Code finde ich leider nicht" in old                  # used up
    later.send("nein")
    later.send(ANSWERS["people"][0])
    stored = assistant.store.active_answers(chat.sender)
    assert [a.text for a in stored] == [
        ANSWERS["living"][0], ANSWERS["self"][0], ANSWERS["people"][0]
    ]
    assert assistant.store.canonical_id(later.sender) == chat.sender


def test_resume_code_as_the_very_first_message(assistant, chat):
    start(chat, easy=False)
    chat.send(ANSWERS["living"][0])
    paused = chat.send("pause")
    code = find_code(Chat.texts(paused))
    later = Chat(assistant.rasa_url)
    resumed = later.send(code.replace("-", " ").lower())      # spaces, lower case
    assert question_ids(resumed) == ["living"]
    assert [a.text for a in assistant.store.active_answers(chat.sender)] == [ANSWERS["living"][0]]


def test_unknown_resume_code_keeps_the_person_where_they_were(assistant, chat):
    chat.send("hallo")
    reply = chat.send("mein code ist HAFEN-KRAN-MOND-TEE-99")
    assert "Diesen Code finde ich leider nicht" in Chat.texts(reply)
    assert "/affirm" in button_payloads(reply)             # consent question again


def test_without_consent_nothing_is_stored(assistant, chat):
    chat.send("hallo")
    denied = chat.send("/deny")
    assert Chat.texts(denied)
    faq = chat.send("was ist die eutb")
    assert "EUTB" in Chat.texts(faq) or "Teilhabe" in Chat.texts(faq)
    chat.send("Ich will alleine wohnen")
    assert assistant.store.get_conversation(chat.sender) is None
    assert assistant.store.active_answers(chat.sender) == []


def test_delete_removes_profile_and_tracker_events(assistant, chat):
    start(chat, easy=False)
    chat.send(ANSWERS["living"][0])
    ask = chat.send("ich will meine daten löschen")
    assert button_payloads(ask) == ["/confirm_delete", "/cancel_delete"]
    kept = chat.send("/cancel_delete")                # nothing happens, the question returns
    assert question_ids(kept) == ["living"]
    assert len(assistant.store.active_answers(chat.sender)) == 1
    chat.send("lösch alles")
    chat.send("/confirm_delete")
    assert assistant.store.get_conversation(chat.sender) is None
    assert assistant.store.active_answers(chat.sender) == []
    assert assistant.store.has_pending_tracker_deletion(chat.sender)
    assistant.store.process_pending_tracker_deletions()
    assert "user" not in _events(assistant, chat.sender)   # no message of the person is left
    again = chat.send("hallo")                        # a fresh start
    assert "/affirm" in button_payloads(again)


def test_killed_servers_lose_no_confirmed_answer(assistant, chat):
    start(chat, easy=False)
    chat.send(ANSWERS["living"][0])
    chat.send("nein")
    chat.send(ANSWERS["self"][0])
    assistant.kill("rasa", "actions")
    try:
        stored = [a.text for a in assistant.store.active_answers(chat.sender)]
        assert stored == [ANSWERS["living"][0], ANSWERS["self"][0]]
    finally:
        assistant.start("actions", "rasa")
    after = chat.send("nein")                         # the conversation goes on
    assert question_ids(after) == ["people"]


def test_a_turn_whose_action_fails_is_not_saved_and_the_same_message_goes_on(assistant,
                                                                              chat):
    """While the action server is down, Rasa answers nothing and keeps nothing of the turn
    (bot/rasa_server.py): no raw slot value, no half-run form, no "nicht verstanden". The
    same message sent again ("Erneut senden") is taken as if it came first."""
    assistant.kill("actions")
    try:
        # the greeting is Rasa's own response, the consent question needs the form:
        # neither is sent, and the turn is not saved
        assert chat.send("Moin") == []
        assert "user" not in _events(assistant, chat.sender)
    finally:
        assistant.start("actions")
    start(chat, easy=False)
    chat.send(ANSWERS["living"][0])
    before = _events(assistant, chat.sender)
    assert before.count("user") == 5                  # Rasa keeps its events in SQLite
    assistant.kill("actions")
    try:
        assert chat.send("nein") == []
        assert _events(assistant, chat.sender) == before
    finally:
        assistant.start("actions")
    assert question_ids(chat.send("nein")) == ["self"]
    assert assistant.store.question_states(chat.sender) == {"living": "answered"}

    chat.send(ANSWERS["self"][0])
    chat.send("nein")
    for _turn in range(2 * len(QUESTION_IDS[2:])):   # each skipped question comes once more
        readback = chat.send("überspringen")
        if "/remove_item" in button_payloads(readback):
            break
    assert "/remove_item" in button_payloads(readback)
    pending = len(summary.pending_items(assistant.store, chat.sender))
    assert pending >= 2
    assistant.kill("actions")
    try:
        assert chat.send("/affirm") == []
    finally:
        assistant.start("actions")
    assert len(summary.pending_items(assistant.store, chat.sender)) == pending
    after = chat.send("/affirm")
    assert "/remove_item" in button_payloads(after)    # the next item, not the end
    assert len(summary.pending_items(assistant.store, chat.sender)) == pending - 1
    assert assistant.store.get_conversation(chat.sender).summary_confirmed_at is None


def test_all_questions_skipped_ends_with_an_empty_summary(assistant, chat):
    start(chat, easy=False)
    for qid in QUESTION_IDS[:-1]:
        assert question_ids(chat.send("überspringen")) != [qid]
    end = chat.send("nächste frage")
    assert question_ids(end) == [] and "/remove_item" not in button_payloads(end)
    conversation = assistant.store.get_conversation(chat.sender)
    assert conversation.summary_confirmed_at is not None
    assert set(assistant.store.question_states(chat.sender).values()) == {"skipped"}
    after = chat.send("hallo")                       # finished: friendly pointer, no restart
    assert Chat.texts(after) and "/affirm" not in button_payloads(after)
