"""End to end (issue 16): a real way to a human, honest answers about data, and a way back
in after saying no to storage. Each test talks through Rasa's REST channel with the trained
model, the real action server and SQLite.
"""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from bot.knowledge import current_text, faq_entry
from bot.staff.accounts import Accounts
from bot.web.config import WebConfig
from bot.web.staff import create_staff_app
from tests.support.chat import Chat
from tests.support.e2e import SIMPLE, button_payloads, question_ids, start, to_question
from tests.support.staff import PASSWORD, SECRET, audit_rows, login

pytestmark = pytest.mark.slow


def texts(messages: list[dict]) -> str:
    return Chat.texts(messages)


def requests_of(assistant, chat: Chat) -> list:
    return [r for r in assistant.store.callback_requests() if r.conversation_id == chat.sender]


def refuse_consent(chat: Chat) -> list[dict]:
    welcome = chat.send("Moin")
    assert "/deny" in button_payloads(welcome)
    asked_urgent = chat.send("/deny")                        # no storage
    assert "/affirm" in button_payloads(asked_urgent)
    refused = chat.send("/deny")                             # nothing urgent
    assert "/give_consent" in button_payloads(refused)       # "Doch mitmachen"
    return refused


# ---------------------------------------------------------------- 3. questions about data

DATA_QUESTIONS = [
    ("liest das jobcenter mit?", "daten_aemter"),
    ("Bekommt die Krankenkasse meine Antworten?", "daten_aemter"),
    ("werden die daten an eine KI geschickt?", "daten_ki"),
    ("geht das in die cloud", "daten_ki"),
    ("sieht das teilhabeteam das?", "daten_wer_liest"),
    ("Wer kann meine Antworten lesen?", "daten_wer_liest"),
    ("wie lange speichert ihr das", "daten_speicherdauer"),
    ("Wie kann ich meine Einwilligung widerrufen?", "daten_widerruf"),
]


@pytest.mark.parametrize(("question", "topic"), DATA_QUESTIONS)
def test_each_data_question_gets_its_own_answer(assistant, chat, question, topic):
    start(chat, easy=False)
    reply = chat.send(question)
    expected = current_text(faq_entry(topic).id, easy=False)
    assert expected.split(".")[0] in texts(reply), texts(reply)
    # a question is no answer: nothing stored, the question comes again
    assert assistant.store.active_answers(chat.sender) == []
    assert question_ids(reply) == ["living"]


def test_the_retention_answer_names_the_configured_days(assistant, chat):
    start(chat, easy=False)
    reply = texts(chat.send("wie lange werden meine daten gespeichert?"))
    assert "{retention_days}" not in reply
    assert " 365 Tage" in reply          # LWIW_RETENTION_DAYS of the test assistant


def test_the_withdrawal_answer_offers_to_do_it(assistant, chat):
    to_question(chat, "people")
    reply = chat.send("wie kann ich meine einwilligung widerrufen")
    assert "/delete_data" in button_payloads(reply)
    asked = chat.send("/delete_data")                     # the button: deletion is asked first
    assert "/confirm_delete" in button_payloads(asked) or "löschen" in texts(asked)
    assert len(assistant.store.active_answers(chat.sender)) == 2   # nothing gone yet


def test_data_questions_without_consent_are_answered_and_nothing_is_stored(assistant, chat):
    refuse_consent(chat)
    reply = chat.send("liest das jobcenter mit?")
    expected = current_text(faq_entry("daten_aemter").id, easy=False)
    assert expected.split(".")[0] in texts(reply)
    assert assistant.store.get_conversation(chat.sender) is None


# ---------------------------------------------------------------- 4. a way back in


@pytest.mark.parametrize("said", ["ich habe es mir anders überlegt", "ich möchte doch mitmachen",
                                  "/give_consent"])
def test_consent_given_after_a_refusal(assistant, chat, said):
    refuse_consent(chat)
    typed_before = "Wer bekommt meine Antworten zu sehen?"
    chat.send(typed_before)
    asked = chat.send(said)
    assert "/affirm" in button_payloads(asked), texts(asked)       # asked again, explained
    assert assistant.store.get_conversation(chat.sender) is None   # not before the yes
    chat.send("/affirm")                   # yes, store
    chat.send("/deny")                     # no Leichte Sprache
    first = chat.send("nein")              # nothing urgent
    assert question_ids(first) == ["living"]
    chat.send(SIMPLE["living"])
    assert [a.text for a in assistant.store.active_answers(chat.sender)] == [SIMPLE["living"]]
    assert assistant.store.has_consent(chat.sender)


@pytest.mark.parametrize("said", ["ich möchte doch mitmachen", "/give_consent"])
def test_consent_given_at_the_urgent_question_right_after_the_refusal(assistant, chat, said):
    chat.send("Moin")
    asked_urgent = chat.send("/deny")                      # no storage: the form goes on
    assert "/affirm" in button_payloads(asked_urgent)      # "Ist etwas dringend?"
    asked = chat.send(said)                                # changed their mind right there
    assert "/affirm" in button_payloads(asked), texts(asked)
    assert "Knöpfe" not in texts(asked)                    # not "please use the buttons"
    assert assistant.store.get_conversation(chat.sender) is None   # not before the yes
    chat.send("/affirm")                   # yes, store
    chat.send("/deny")                     # no Leichte Sprache
    first = chat.send("nein")              # nothing urgent
    assert question_ids(first) == ["living"]
    assert assistant.store.has_consent(chat.sender)


def test_consent_already_given_is_said_so_and_the_interview_goes_on(assistant, chat):
    to_question(chat, "self")
    reply = chat.send("/give_consent")
    assert "schon" in texts(reply)
    assert question_ids(reply) == ["self"]


# ---------------------------------------------------------------- 2. a way to a human


def test_asking_for_a_person_offers_a_callback_and_neutral_contacts(assistant, chat):
    to_question(chat, "people")
    reply = chat.send("ich will mit einem menschen sprechen")
    assert "/request_callback" in button_payloads(reply)
    for entry_id in ("eutb.finden", "hamburg_zugang.servicestelle"):
        assert current_text(entry_id, easy=False).split(".")[0] in texts(reply)
    assert question_ids(reply) == ["people"]               # the interview goes on


def test_yes_to_the_offer_and_a_bare_phone_number_lead_to_the_callback_not_the_answers(
        assistant, chat):
    to_question(chat, "living")
    chat.send("Ich möchte mit einem Menschen sprechen")
    yes = chat.send("ja")                      # the offer's "ja", not "yes, there is more"
    assert "Tippen Sie bitte auf „Rückruf wünschen“" in texts(yes)
    assert "/request_callback" in button_payloads(yes) and question_ids(yes) == ["living"]
    number = chat.send("0176 12345678")
    assert "speichere ich sie nicht" in texts(number)
    assert "/request_callback" in button_payloads(number)
    assert assistant.store.active_answers(chat.sender) == []
    asked = chat.send("/request_callback")
    assert "Telefonnummer oder E-Mail" in texts(asked)


def test_a_callback_request_is_stored_and_the_interview_goes_on(assistant, chat):
    to_question(chat, "people")
    asked = chat.send("kann mich bitte jemand vom teilhabeteam anrufen?")
    assert "Telefonnummer oder E-Mail" in texts(asked)
    wrong = chat.send("weiß ich nicht genau")
    assert "erkenne ich nicht" in texts(wrong)
    when = chat.send("Meine Nummer ist 040 / 123 456 78")
    assert "Wann passt es Ihnen" in texts(when)
    done = chat.send("dienstags vormittags")
    assert "Rückrufwunsch ist beim Teilhabeteam angekommen" in texts(done)
    assert question_ids(done) == ["people"]
    [request] = requests_of(assistant, chat)
    assert (request.contact, request.good_time) == ("040 / 123 456 78", "dienstags vormittags")
    assert request.conversation_id == chat.sender
    # the contact is no answer to the guiding question
    assert [a.text for a in assistant.store.active_answers(chat.sender, "people")] == []

    # the staff console's queue shows it with the conversation; "Erledigt" is audited
    url = assistant.settings.database_url
    Accounts(url).create(f"berater-{chat.sender[-6:]}", "counsellor", PASSWORD)
    config = WebConfig(rasa_url=assistant.rasa_url, database_url=url, secret_key=SECRET)
    app = Starlette(routes=[Mount("/staff", app=create_staff_app(config))])
    with TestClient(app) as console:
        token = login(console, f"berater-{chat.sender[-6:]}", PASSWORD)
        queue = console.get("/staff/rueckrufe").text
        assert "040 / 123 456 78" in queue and "dienstags vormittags" in queue
        assert f'href="/staff/gespraech/{chat.sender}"' in queue
        done = console.post(f"/staff/rueckrufe/{request.id}/erledigt", data={"csrf": token},
                            follow_redirects=False)
        assert done.status_code == 303
    assert requests_of(assistant, chat) == []                   # open ones only
    assert [r.id for r in assistant.store.callback_requests(open_only=False)
            if r.conversation_id == chat.sender] == [request.id]
    entries = audit_rows(assistant.store, action="callback_done", conversation_id=chat.sender)
    assert [e["actor"] for e in entries] == [f"berater-{chat.sender[-6:]}"]


def test_a_callback_request_can_be_cancelled_and_stores_nothing(assistant, chat):
    to_question(chat, "living")
    chat.send("/request_callback")
    cancelled = chat.send("/deny")
    assert "nichts gespeichert" in texts(cancelled)
    assert requests_of(assistant, chat) == []
    assert question_ids(cancelled) == ["living"]


def test_without_consent_no_callback_is_taken(assistant, chat):
    refuse_consent(chat)
    offered = chat.send("ich möchte mit einem menschen reden")
    assert "/request_callback" not in button_payloads(offered)
    reply = chat.send("bitte rufen sie mich zurück")
    assert "Einverständnis" in texts(reply)
    assert requests_of(assistant, chat) == []


def test_a_crisis_inside_the_callback_request_brings_help_and_is_not_stored(assistant, chat):
    to_question(chat, "living")
    chat.send("/request_callback")
    reply = chat.send("ich habe schon tabletten gesammelt, ruft mich an")
    assert "0800 111 0 111" in texts(reply)
    assert requests_of(assistant, chat) == []
