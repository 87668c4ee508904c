"""End to end (issue 16, point 1): who is writing. A mother writes for her son Emil, from
the choice before the first question to the export, through Rasa's REST channel with the
trained model, the real action server and SQLite: questions about Emil by name, his own
words asked once per question and kept apart, her own doing filed as her help (not his
ability), labels in the chat's overview, the export (schema v2) and the staff console.
"""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from bot.export import export_conversation
from bot.profile import build_profile, validation_errors
from bot.staff.accounts import Accounts
from bot.web.config import WebConfig
from bot.web.staff import create_staff_app
from tests.support.chat import Chat
from tests.support.e2e import button_payloads, question_ids, start
from tests.support.staff import login

pytestmark = pytest.mark.slow

SECRET = "RQieUX25Iu3ZKSeO2KIq_6d7LN8TqGFqFTDmKN8VhpI"  # random: weak keys are refused
PASSWORD = "ein-langes-passwort-1"
FOR_SOMEONE = "/authorship_other"             # the button "Für eine andere Person"
MOTHER = "Ich bin die Mutter und schreibe für meinen Sohn Emil."
HIS_WISH = "Er möchte alleine wohnen, mit seinem Hund."
HIS_WORDS = "Ich will mit Paul in eine WG."
HER_ROLE = "Ich als Mama mache fast alles für ihn. Er kann gut malen."
LATER = {
    "people": "Sein Freund Paul geht mit ihm zum Fußball.",
    "neighbourhood": "Er wohnt in Barmbek-Nord und geht gern in die Bücherhalle.",
    "professional": "Er wünscht sich Assistenz beim Einkaufen.",
    "contribution": "Er hilft gern beim Sommerfest im Verein.",
}


def texts(messages: list[dict]) -> str:
    return Chat.texts(messages)


def titles(messages: list[dict]) -> list[str]:
    return [b["title"] for m in messages for b in m.get("buttons", [])]


def test_a_mother_writes_for_her_son_from_the_choice_to_the_export(assistant, chat):
    first = start(chat, easy=False)
    assert button_payloads(first) == ["/authorship_self", "/authorship_support",
                                      FOR_SOMEONE]             # asked with buttons
    assert "Wer schreibt hier?" in texts(first)

    asked = chat.send(FOR_SOMEONE)
    assert "Für wen schreiben Sie" in texts(asked)
    about = chat.send(MOTHER)
    assert "Was sagt Emil selbst dazu?" in texts(about)
    assert "Wie möchte Emil leben" in texts(about)
    assert question_ids(about) == ["living"]

    noted = chat.send(HIS_WISH)
    assert f"„{HIS_WISH}“" in texts(noted)
    assert "Was sagt Emil selbst dazu?" in texts(noted)
    assert "Emil ist nicht dabei" in titles(noted)
    own = chat.send(HIS_WORDS)
    assert "was Emil selbst sagt" in texts(own) and f"„{HIS_WORDS}“" in texts(own)
    assert "Gibt es noch mehr, was Emil wichtig findet?" in texts(own)

    asked_self = chat.send("nein")
    assert question_ids(asked_self) == ["self"]
    assert "Was kann Emil selbst machen" in texts(asked_self)
    role = chat.send(HER_ROLE)
    assert "Was sagt Emil selbst dazu?" in texts(role)       # once per question
    absent = chat.send("/deny")                                 # "Emil ist nicht dabei"
    assert "Gibt es noch mehr, was Emil selbst machen kann?" in texts(absent)

    after = chat.send("nein")
    for question_id, said in LATER.items():
        assert question_ids(after) == [question_id]
        assert "Emil" in texts(after)
        reply = chat.send(said)
        assert "Was sagt Emil selbst dazu?" in texts(reply)
        chat.send("/skip")
        after = chat.send("nein")
    assert "/remove_item" in button_payloads(after)            # the read-back
    shown = texts(chat.send("/confirm_all"))
    assert "Das kann Emil selbst: Er kann gut malen." in shown  # about him, by name
    assert "Das können Sie selbst" not in shown
    done = chat.send("/affirm")
    assert done and not button_payloads(done)

    store = assistant.store
    writing = store.authorship(chat.sender)
    assert (writing.mode, writing.relation, writing.name) == ("on_behalf", "mother", "Emil")
    voices = [(a.question_id, a.text, a.voice) for a in store.active_answers(chat.sender)]
    assert voices[:3] == [("living", HIS_WISH, "writer"), ("living", HIS_WORDS, "person"),
                          ("self", HER_ROLE, "writer")]
    assert {v for _, _, v in voices[3:]} == {"writer"}

    overview = chat.send("zeig mir meine antworten")
    shown = texts(overview)
    assert "Angaben von Emil selbst:" in shown and "Angaben der Mutter:" in shown
    assert shown.index(HIS_WORDS) < shown.index(HIS_WISH)       # his own words first

    profile = build_profile(store, chat.sender)
    assert validation_errors(profile) == [] and profile["schema_version"] == "2"
    assert profile["authorship"]["mode"] == "on_behalf"
    assert profile["authorship"]["relation"] == "Mutter"
    assert profile["will"]["own_words"][0]["voice"] == "person"
    # her own doing is her help at his side, not his ability
    personal = [p["text"] for p in profile["resources"]["personal"]]
    assert all("Mama" not in text for text in personal)
    assert "Er kann gut malen" in personal
    mother = [p for p in profile["resources"]["social"] if p["relation"] == "mother"]
    assert mother and mother[0]["helps_with"] == "fast alles"

    html = export_conversation(store, chat.sender, "html")[0].decode()
    assert "Angaben von Emil selbst" in html and "Angaben der Mutter" in html
    assert html.index(HIS_WORDS) < html.index(HIS_WISH)
    assert "von der Mutter bestätigt" in html and "von der Person bestätigt" not in html
    easy = export_conversation(store, chat.sender, "html", easy=True)[0].decode()
    assert "Das sagt Emil selbst" in easy and "Das hat die Mutter bestätigt." in easy

    url = assistant.settings.database_url
    name = f"berater-{chat.sender[-6:]}"
    Accounts(url).create(name, "counsellor", PASSWORD)
    config = WebConfig(rasa_url=assistant.rasa_url, database_url=url, secret_key=SECRET)
    app = Starlette(routes=[Mount("/staff", app=create_staff_app(config))])
    with TestClient(app) as console:
        login(console, name, PASSWORD)
        page = console.get(f"/staff/gespraech/{chat.sender}").text
    assert "Geschrieben von der Mutter für Emil" in page
    assert "Angaben von Emil selbst:" in page and "Angaben der Mutter:" in page
    assert page.index(HIS_WORDS) < page.index(HIS_WISH)


def test_a_hint_later_in_the_conversation_asks_once_and_switches(assistant, chat):
    start(chat, easy=False)
    said = "Ich schreibe für meinen Sohn Emil. Er möchte gern mehr draußen sein."
    asked = chat.send(said)
    assert "Schreiben Sie für eine andere Person?" in texts(asked)
    assert button_payloads(asked)[-2:] == ["/affirm", "/deny"]
    switched = chat.send("/affirm")
    assert "was Emil möchte" in texts(switched)
    assert "Gibt es noch mehr, was Emil wichtig findet?" in texts(switched)
    assert [(a.text, a.voice) for a in assistant.store.active_answers(chat.sender)] == [
        (said, "writer")]
    assert assistant.store.authorship(chat.sender).name == "Emil"


def test_the_person_writing_alone_answers_the_first_question_at_once(assistant, chat):
    start(chat, easy=True)
    said = "Ich möchte mehr tanzen gehen."
    noted = chat.send(said)
    assert question_ids(noted) == ["living"] and "/affirm" in button_payloads(noted)
    [answer] = assistant.store.active_answers(chat.sender)
    assert (answer.text, answer.voice) == (said, "person")
    assert assistant.store.authorship(chat.sender).mode == "self"
    profile = build_profile(assistant.store, chat.sender)
    assert profile["authorship"]["mode"] == "self"


def test_the_choice_of_who_writes_is_offered_once(assistant, chat):
    """Asked again after crisis help or the examples, the first question comes without the
    three buttons: once is enough, and after the help numbers they would only be noise."""
    first = start(chat, easy=False)
    assert "Wer schreibt hier?" in texts(first)
    examples = chat.send("/dont_know")
    assert question_ids(examples) == ["living"]
    assert "Wer schreibt hier?" not in texts(examples)
    assert "/authorship_other" not in button_payloads(examples)
    helped = chat.send("ich will mich umbringen")
    assert "0800 111 0 111" in texts(helped) and "Wer schreibt hier?" not in texts(helped)
    # the choice itself still works when typed later
    later = chat.send("ich schreibe für meinen Sohn Emil")
    assert "Emil" in texts(later), texts(later)
