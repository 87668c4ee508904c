"""Who is writing (issue 16, point 1), without Rasa: reading the words, the store on a real
SQLite database (migration 0008), the onboarding step and the interview with someone
writing for the person, the writer rule of the extraction, the profile (schema v2), the
export, "Meine Antworten" and the staff console's labels."""

from __future__ import annotations

import asyncio
import copy
from datetime import date

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import inspect

from actions.forms import ValidateInterviewForm, ValidateOnboardingForm
from bot.dialogue import Incoming, authorship, interview
from bot.export.render import render_html
from bot.extraction import extract
from bot.extraction.writer import writer_view
from bot.profile import build_profile
from bot.profile.compat import load_profile
from bot.profile.items import WriterSide, derive
from bot.profile.schema import validation_errors
from bot.storage.db import get_engine
from bot.storage.repository import AuthorshipView, Store
from bot.web.mydata import group_answers
from bot.web.staff.conversation import answer_groups
from tests.support.rasa_actions import domain

TODAY = date(2026, 11, 21)
SENDER = "mother-1"
EMIL = AuthorshipView("on_behalf", "mother", "Emil", "Ich bin die Mutter von Emil.")


def responses(turn) -> list[str]:
    return [r.response for r in turn.replies if r.response]


def variables(turn, response: str) -> dict:
    return next(r.variables for r in turn.replies if r.response == response)


@pytest.fixture()
def consented(dated_store: Store) -> Store:
    dated_store.record_consent(SENDER, True)
    return dated_store


# ---------------------------------------------------------------- reading the words


@pytest.mark.parametrize(("text", "mode"), [
    ("Ich schreibe selbst.", "self"),
    ("ich", "self"),
    ("für mich selber", "self"),
    ("Ich schreibe mit Unterstützung.", "with_support"),
    ("meine Schwester hilft mir beim Schreiben", "with_support"),
    ("Ich schreibe für eine andere Person.", "on_behalf"),
    ("ich schreibe für meinen Sohn", "on_behalf"),
    ("Ich bin die rechtliche Betreuerin von Frau Schmidt", "on_behalf"),
    ("hallo", None),
    ("", None),
])
def test_the_answer_to_who_is_writing_is_read_from_words(text, mode):
    assert authorship.read_mode(text) == mode


@pytest.mark.parametrize(("text", "relation", "name"), [
    ("Ich bin die Mutter und schreibe für meinen Sohn Emil.", "mother", "Emil"),
    ("für meinen Sohn", "parents", "Ihr Sohn"),
    ("hier schreibt die Mutter von Emil", "mother", "Emil"),
    ("ich bin die Betreuerin von Herrn K.", "guardian_f", "Herr K."),
    ("Ich schreibe für Frau Schmidt, ich bin ihre rechtliche Betreuerin",
     "legal_guardian_f", "Frau Schmidt"),
    ("ich als Papa schreibe für meine Tochter", "father", "Ihre Tochter"),
    ("weiß ich nicht", None, None),
])
def test_relation_and_name_are_read_from_the_writers_words(text, relation, name):
    assert authorship.read_detail(text) == authorship.Detail(relation, name)


def test_labels_say_whose_words_in_both_registers():
    assert authorship.voice_label(EMIL, "writer", False) == "Angaben der Mutter"
    assert authorship.voice_label(EMIL, "person", False) == "Angaben von Emil selbst"
    assert authorship.voice_label(EMIL, "writer", True) == "Das schreibt die Mutter"
    assert authorship.voice_label(EMIL, "person", True) == "Das sagt Emil selbst"
    father = AuthorshipView("on_behalf", "father", "Ihr Sohn")
    assert authorship.voice_label(father, "writer", False) == "Angaben des Vaters"
    assert authorship.confirmed_label(father, False) == "vom Vater bestätigt"
    assert authorship.voice_label(AuthorshipView(), "person", False) is None
    assert authorship.confirmed_label(AuthorshipView(), False) is None


# ---------------------------------------------------------------- the store (0008)


def test_migration_adds_authorship_and_voice_columns(db_url):
    columns = inspect(get_engine(db_url))
    assert {"authorship_mode", "authorship_relation", "authorship_name", "authorship_words",
            "authorship_asked"} <= {c["name"] for c in columns.get_columns("conversations")}
    assert "voice" in {c["name"] for c in columns.get_columns("answers")}


def test_nothing_about_authorship_is_stored_without_consent(dated_store):
    dated_store.record_consent(SENDER, False)
    dated_store.set_authorship(SENDER, "on_behalf", "mother", "Emil", "für Emil")
    assert dated_store.authorship(SENDER) == AuthorshipView()
    assert dated_store.get_conversation(SENDER).authorship_name is None


def test_authorship_and_voices_are_stored(consented):
    consented.set_authorship(SENDER, "on_behalf", "mother", "Emil", "für meinen Sohn Emil")
    assert consented.authorship(SENDER) == AuthorshipView(
        "on_behalf", "mother", "Emil", "für meinen Sohn Emil", False, True)
    writer = consented.add_answer_once(SENDER, "living", "Er will allein wohnen.",
                                       voice="writer")
    own = consented.add_answer_once(SENDER, "living", "Ich will in eine WG.", voice="person")
    assert [(a.id, a.voice) for a in consented.active_answers(SENDER)] == [
        (writer, "writer"), (own, "person")]
    with pytest.raises(ValueError):
        consented.add_answer(SENDER, "living", "x", voice="mutter")
    corrected = consented.correct_answer(SENDER, writer, "Er will allein wohnen, mit Hund.")
    assert consented.answer_text(SENDER, corrected).voice == "writer"


# ---------------------------------------------------------------- the onboarding step


def test_on_behalf_asks_for_whom_and_stores_relation_and_name(consented):
    chosen = authorship.choose(consented, SENDER, "Ich schreibe für eine andere Person.",
                               Incoming("Ich schreibe für eine andere Person."), True)
    assert chosen.slots == {"authorship": "on_behalf"} and not chosen.replies
    said = "Ich bin die Mutter und schreibe für meinen Sohn Emil."
    turn = authorship.detail(consented, SENDER, "on_behalf", said, Incoming(said), True)
    assert turn.slots == {"authorship_detail": "done"}
    assert variables(turn, "utter_authorship_on_behalf_noted")["name"] == "Emil"
    assert consented.authorship(SENDER) == AuthorshipView("on_behalf", "mother", "Emil",
                                                          said, False, True)


def test_a_typed_answer_with_the_name_needs_no_second_question(consented):
    said = "ich schreibe für meinen Sohn Emil"
    turn = authorship.choose(consented, SENDER, said, Incoming(said, "inform"), True)
    assert turn.slots == {"authorship": "on_behalf", "authorship_detail": "done"}
    assert consented.authorship(SENDER).name == "Emil"


def test_unclear_words_ask_again_and_a_request_of_its_own_is_handed_back(consented):
    unclear = authorship.choose(consented, SENDER, "hmm", Incoming("hmm", "inform"), True)
    assert unclear.slots == {"authorship": None}
    assert responses(unclear) == ["utter_authorship_unclear"]
    pause = authorship.choose(consented, SENDER, "ich mach später weiter",
                              Incoming("ich mach später weiter", "pause"), True)
    assert pause.reject
    assert consented.authorship(SENDER).mode == "self"


def test_with_support_keeps_the_person_as_the_voice(consented):
    authorship.choose(consented, SENDER, "mit Unterstützung",
                      Incoming("mit Unterstützung"), True)
    turn = authorship.detail(consented, SENDER, "with_support", "meine Schwester",
                             Incoming("meine Schwester"), True)
    assert responses(turn) == ["utter_authorship_with_support_noted"]
    assert consented.authorship(SENDER).mode == "with_support"
    assert consented.authorship(SENDER).relation == "sister"
    noted = interview.handle_value(consented, SENDER, "living", "Ich will reisen.", "first",
                                   True, Incoming("Ich will reisen.", "inform"))
    assert noted.slots["ask_mode"] == "more"
    assert consented.active_answers(SENDER)[0].voice == "person"


def _onboarding_tracker(text: str, slot: str) -> Tracker:
    return Tracker(
        sender_id=SENDER, slots={"consent": True, "easy_language": False,
                                 "stage": "interview", "requested_slot": slot,
                                 **({"authorship": "on_behalf"}
                                    if slot == "authorship_detail" else {})},
        latest_message={"text": text, "intent": {"name": "inform", "confidence": 0.9},
                        "entities": []},
        events=[{"event": "user", "text": text, "parse_data": {"intent": {"name": "inform"}}},
                {"event": "slot", "name": slot, "value": text}],
        paused=False, followup_action=None, active_loop={"name": "onboarding_form"},
        latest_action_name="action_listen")


def _validate(tracker: Tracker) -> tuple[list, dict]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateOnboardingForm().run(dispatcher, tracker, domain()))
    return dispatcher.messages, {e["name"]: e["value"] for e in events
                                 if e.get("event") == "slot"}


@pytest.mark.parametrize("slot", ["authorship", "authorship_detail"])
def test_a_crisis_message_is_never_taken_as_who_writes(action_store, slot, monkeypatch):
    monkeypatch.setattr(authorship, "ASK_IN_ONBOARDING", True)
    action_store.record_consent(SENDER, True)
    messages, slots = _validate(_onboarding_tracker("ich will nicht mehr leben", slot))
    assert slots[slot] is None
    assert any("0800 111 0 111" in (m.get("text") or "") for m in messages)
    assert action_store.authorship(SENDER) == AuthorshipView()


def test_the_onboarding_step_is_off_by_default(action_store):
    """Asked before the first question instead (see bot/dialogue/authorship.py)."""
    action_store.record_consent(SENDER, True)
    tracker = _onboarding_tracker("nein", "easy_language")
    tracker.slots["easy_language"] = False
    _, slots = _validate(tracker)
    assert slots["requested_slot"] == "urgent_check"


def test_the_onboarding_asks_who_writes_after_the_language(action_store, monkeypatch):
    monkeypatch.setattr(authorship, "ASK_IN_ONBOARDING", True)
    action_store.record_consent(SENDER, True)
    tracker = _onboarding_tracker("nein", "easy_language")
    tracker.slots["easy_language"] = False
    _, slots = _validate(tracker)
    assert slots["requested_slot"] == "authorship"
    _, slots = _validate(_onboarding_tracker("Ich schreibe für eine andere Person.",
                                             "authorship"))
    assert slots["authorship"] == "on_behalf"
    assert slots["requested_slot"] == "authorship_detail"
    _, slots = _validate(_onboarding_tracker("für meinen Sohn Emil, ich bin die Mutter",
                                             "authorship_detail"))
    assert slots["authorship_detail"] == "done" and slots["requested_slot"] == "urgent_check"
    assert action_store.authorship(SENDER).name == "Emil"


# ---------------------------------------------------------------- the interview


def test_a_crisis_message_at_for_whom_in_the_interview_is_not_taken(action_store):
    action_store.record_consent(SENDER, True)
    action_store.set_authorship(SENDER, "on_behalf")
    text = "ich will nicht mehr leben"
    tracker = Tracker(
        sender_id=SENDER, slots={"consent": True, "easy_language": False,
                                 "stage": "interview", "requested_slot": "answer_living",
                                 "ask_mode": "authorship_detail"},
        latest_message={"text": text, "intent": {"name": "inform", "confidence": 0.9},
                        "entities": []},
        events=[{"event": "user", "text": text, "parse_data": {"intent": {"name": "inform"}}},
                {"event": "slot", "name": "answer_living", "value": text}],
        paused=False, followup_action=None, active_loop={"name": "interview_form"},
        latest_action_name="action_listen")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateInterviewForm().run(dispatcher, tracker, domain()))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots["answer_living"] is None
    assert any("0800 111 0 111" in (m.get("text") or "") for m in dispatcher.messages)
    assert action_store.authorship(SENDER).name is None
    assert action_store.active_answers(SENDER) == []


def test_the_first_question_comes_with_the_three_choices_once(consented):
    first = interview.ask("living", "first", consented, SENDER)
    assert responses(first) == ["utter_offer_authorship", "utter_question_living"]
    assert responses(interview.ask("self", "first", consented, SENDER)) == [
        "utter_question_self"]
    clicked = "Ich schreibe selbst."
    chosen = interview.handle_value(consented, SENDER, "living", clicked, "first", True,
                                    Incoming(clicked, "inform"))
    assert chosen.slots == {"answer_living": None, "ask_mode": "first"}
    assert consented.active_answers(SENDER) == []          # a choice, not an answer
    assert responses(interview.ask("living", "first", consented, SENDER)) == [
        "utter_question_living"]


@pytest.mark.parametrize(("text", "intent", "mode"), [
    ("/authorship_other", "authorship_other", "on_behalf"),
    ("/authorship_support", "authorship_support", "with_support"),
    ("/authorship_self", "authorship_self", "self"),
    ("Für eine andere Person", "human_handoff", "on_behalf"),     # the title, typed
    ("/affirm", "affirm", None),
    ("ich schreibe für meinen Sohn, er will reisen", "authorship_other", None),
])
def test_the_buttons_are_read_by_payload_or_title(text, intent, mode):
    assert authorship.button_choice(text, intent) == mode


def test_the_button_for_someone_else_asks_for_whom_then_about_the_person(consented):
    clicked = "/authorship_other"
    chosen = interview.handle_value(consented, SENDER, "living", clicked, "first", True,
                                    Incoming(clicked, "authorship_other"))
    assert chosen.slots == {"answer_living": None, "ask_mode": "authorship_detail"}
    assert responses(interview.ask("living", "authorship_detail", consented, SENDER)) == [
        "utter_ask_authorship_detail_for"]
    said = "Ich bin die Mutter und schreibe für meinen Sohn Emil."
    noted = interview.handle_value(consented, SENDER, "living", said, "authorship_detail",
                                   True, Incoming(said, "inform"))
    assert noted.slots == {"answer_living": None, "ask_mode": "first"}
    assert variables(noted, "utter_authorship_on_behalf_noted")["name"] == "Emil"
    assert consented.active_answers(SENDER) == []
    writing = consented.authorship(SENDER)
    assert (writing.mode, writing.relation, writing.name) == ("on_behalf", "mother", "Emil")
    asked = interview.ask("living", "first", consented, SENDER)
    assert responses(asked) == ["utter_question_living_about"]


def test_typed_words_before_the_first_question_choose_without_asking_twice(consented):
    said = "hier schreibt die Mutter von Emil"
    turn = interview.handle_value(consented, SENDER, "living", said, "first", True,
                                  Incoming(said, "inform"))
    assert turn.slots == {"answer_living": None, "ask_mode": "first"}
    assert variables(turn, "utter_authorship_on_behalf_noted")["name"] == "Emil"
    writing = consented.authorship(SENDER)
    assert (writing.mode, writing.relation, writing.name, writing.asked) == (
        "on_behalf", "mother", "Emil", True)
    assert consented.active_answers(SENDER) == []


def test_typed_words_without_a_name_ask_for_whom(consented):
    said = "ich schreibe für jemand anderen"
    turn = interview.handle_value(consented, SENDER, "living", said, "first", True,
                                  Incoming(said, "inform"))
    assert turn.slots == {"answer_living": None, "ask_mode": "authorship_detail"}
    assert not turn.replies


def test_a_request_at_for_whom_is_handed_back_and_the_question_waits(consented):
    consented.set_authorship(SENDER, "on_behalf")
    turn = interview.handle_value(consented, SENDER, "living", "ich mach später weiter",
                                  "authorship_detail", True,
                                  Incoming("ich mach später weiter", "pause"))
    assert turn.reject and not turn.slots
    assert consented.authorship(SENDER).name is None


def test_the_button_for_support_asks_who_supports(consented):
    clicked = "Ich schreibe mit Unterstützung."
    chosen = interview.handle_value(consented, SENDER, "living", clicked, "first", True,
                                    Incoming(clicked, "inform"))
    assert chosen.slots["ask_mode"] == "authorship_detail"
    assert responses(interview.ask("living", "authorship_detail", consented, SENDER)) == [
        "utter_ask_authorship_detail_support"]
    noted = interview.handle_value(consented, SENDER, "living", "mein Bruder",
                                   "authorship_detail", True, Incoming("mein Bruder"))
    assert responses(noted) == ["utter_authorship_with_support_noted"]
    assert consented.authorship(SENDER).relation == "brother"


def test_questions_name_the_person_and_ask_once_what_they_say(consented):
    consented.set_authorship(SENDER, "on_behalf", "mother", "Emil")
    asked = interview.ask("living", "first", consented, SENDER)
    assert responses(asked) == ["utter_question_living_about"]
    assert variables(asked, "utter_question_living_about") == {"name": "Emil"}
    assert asked.replies[0].custom["question_id"] == "living"

    said = "Er möchte alleine wohnen."
    noted = interview.handle_value(consented, SENDER, "living", said, "first", True,
                                   Incoming(said, "inform"))
    assert noted.slots["ask_mode"] == "person" and noted.slots["person_asked"] == ["living"]
    person_question = interview.ask("living", "person", consented, SENDER)
    assert responses(person_question) == ["utter_ask_person_words"]
    assert variables(person_question, "utter_ask_person_words")["Name"] == "Emil"

    own = "Ich will mit Paul wohnen."
    kept = interview.handle_value(consented, SENDER, "living", own, "person", True,
                                  Incoming(own, "inform"), person_asked=["living"])
    assert kept.slots["ask_mode"] == "more"
    assert variables(kept, "utter_person_words_noted")["name"] == "Emil"
    assert [(a.text, a.voice) for a in consented.active_answers(SENDER)] == [
        (said, "writer"), (own, "person")]
    assert responses(interview.ask("living", "more", consented, SENDER)) == [
        "utter_more_living_about"]

    # once per question: a further answer goes on with "Gibt es noch mehr?"
    more = interview.handle_value(consented, SENDER, "living", "Und einen Hund.", "more", True,
                                  Incoming("Und einen Hund.", "inform"),
                                  person_asked=["living"])
    assert more.slots["ask_mode"] == "more"
    # "Emil ist nicht dabei" (deny) stores nothing and goes on
    absent = interview.handle_value(consented, SENDER, "self", "__done__", "person", True,
                                    person_asked=["living", "self"])
    assert absent.slots == {"answer_self": None, "ask_mode": "more"}
    assert responses(absent) == ["utter_person_absent"]


def test_a_hint_later_asks_once_and_a_yes_switches(consented):
    said = "Ich schreibe für meinen Sohn Emil. Er möchte gern alleine wohnen."
    hint = interview.handle_value(consented, SENDER, "living", said, "first", True,
                                  Incoming(said, "inform"))
    assert hint.slots["ask_mode"] == "authorship_check"
    assert hint.slots["authorship_cue"]["name"] == "Emil"
    assert responses(interview.ask("living", "authorship_check", consented, SENDER)) == [
        "utter_authorship_check"]
    assert [a.voice for a in consented.active_answers(SENDER)] == ["person"]

    yes = interview.handle_value(consented, SENDER, "living", "__more__", "authorship_check",
                                 True, cue=hint.slots["authorship_cue"])
    assert variables(yes, "utter_authorship_switched")["name"] == "Emil"
    assert yes.slots["ask_mode"] == "more" and yes.slots["authorship_cue"] is None
    writing = consented.authorship(SENDER)
    assert (writing.mode, writing.name, writing.asked) == ("on_behalf", "Emil", True)
    assert [a.voice for a in consented.active_answers(SENDER)] == ["writer"]


def test_a_hint_is_asked_about_only_once_and_a_no_keeps_everything(consented):
    first = consented.add_answer(SENDER, "living", "Ich will reisen.")
    only_hint = "hier schreibt die Mutter von Emil"
    hint = interview.handle_value(consented, SENDER, "living", only_hint, "more", True,
                                  Incoming(only_hint, "inform"))
    assert hint.slots["ask_mode"] == "authorship_check"
    assert [a.id for a in consented.active_answers(SENDER)] == [first]   # no answer
    no = interview.handle_value(consented, SENDER, "living", "__done__", "authorship_check",
                                True, cue=hint.slots["authorship_cue"])
    assert responses(no) == ["utter_authorship_kept"] and no.slots["ask_mode"] == "more"
    assert consented.authorship(SENDER).mode == "self"
    again = interview.handle_value(consented, SENDER, "living", only_hint, "first", True,
                                   Incoming(only_hint, "inform"))
    assert again.slots["ask_mode"] == "more"                # stored as an answer now


# ---------------------------------------------------------------- the writer's "ich"


def test_the_mothers_own_doing_is_her_help_not_his_ability():
    text = "Ich als Mama mache fast alles für ihn. Er kann gut malen."
    plain = extract(text, "self", today=TODAY)
    assert any("Mama" in s.text for s in plain.statements if s.kind == "ability")
    seen = writer_view(plain, "mother", "Mutter", "family")
    assert [s.text for s in seen.statements] == ["Er kann gut malen"]
    helper = [p for p in seen.people if p.relation == "mother"]
    assert len(helper) == 1 and helper[0].helper and helper[0].who == "Mutter"
    assert helper[0].helps_with == "fast alles"
    assert text[helper[0].span[0]:helper[0].span[1]] == helper[0].text


def test_the_writer_rule_only_reads_the_writers_answers(consented):
    consented.set_authorship(SENDER, "on_behalf", "mother", "Emil")
    consented.add_answer(SENDER, "self", "Ich als Mama mache fast alles für ihn.",
                         voice="writer")
    consented.add_answer(SENDER, "self", "Ich koche gern.", voice="person")
    items = [i for e in derive(consented.active_answers(SENDER), TODAY,
                               WriterSide("mother", "Mutter")) for i in e.items]
    assert [(i.category, i.text) for i in items if i.category in ("personal", "social")] == [
        ("social", "Ich als Mama mache fast alles für ihn"), ("personal", "Ich koche gern")]


def test_the_read_back_speaks_about_the_person_and_quotes_their_own_words(consented):
    from bot.dialogue import summary

    consented.set_authorship(SENDER, "on_behalf", "mother", "Emil")
    consented.add_answer(SENDER, "self", "Ich als Mama mache fast alles für ihn. "
                         "Er kann gut malen.", voice="writer")
    consented.add_answer(SENDER, "self", "Ich koche gern, oft mit Paul.", voice="person")
    said = [item.sentence() for item in summary.pending_items(consented, SENDER)]
    assert "Das kann Emil selbst: Er kann gut malen." in said
    assert any(s.startswith("Sie als Mama machen fast alles") for s in said)
    assert "Ich koche gern" in said                     # his own words, as they are
    assert not any("Das können Sie selbst" in s for s in said)


# ---------------------------------------------------------------- profile and views


def _emil(store: Store) -> None:
    store.set_authorship(SENDER, "on_behalf", "mother", "Emil",
                         "Ich bin die Mutter und schreibe für meinen Sohn Emil.")
    writer = store.add_answer(SENDER, "living", "Er möchte alleine wohnen.", voice="writer")
    store.add_answer(SENDER, "living", "Ich will mit Paul wohnen.", voice="person")
    store.add_answer(SENDER, "self", "Ich als Mama mache fast alles für ihn.", voice="writer")
    store.confirm_answers(SENDER, [writer])


def test_profile_has_authorship_and_voices_and_is_valid(consented):
    _emil(consented)
    profile = build_profile(consented, SENDER, today=TODAY)
    assert validation_errors(profile) == []
    assert profile["authorship"] == {
        "mode": "on_behalf", "relation": "Mutter", "name": "Emil",
        "words": "Ich bin die Mutter und schreibe für meinen Sohn Emil."}
    assert [(w["text"], w["voice"]) for w in profile["will"]["own_words"]] == [
        ("Ich will mit Paul wohnen.", "person"), ("Er möchte alleine wohnen.", "writer")]
    assert {a["voice"] for a in profile["answers"]} == {"person", "writer"}
    assert profile["resources"]["personal"] == []
    assert [(s["who"], s["helps_with"]) for s in profile["resources"]["social"]] == [
        ("Mutter", "fast alles")]
    broken = copy.deepcopy(profile)
    broken["authorship"]["mode"] = "mother"
    assert validation_errors(broken)


def test_a_profile_of_a_person_writing_alone_says_self(consented):
    consented.add_answer(SENDER, "living", "Ich will reisen.")
    profile = build_profile(consented, SENDER, today=TODAY)
    assert profile["authorship"]["mode"] == "self"
    assert profile["answers"][0]["voice"] == "person"


def test_older_documents_are_read_as_written_by_the_person(consented):
    consented.add_answer(SENDER, "living", "Ich will reisen.")
    older = build_profile(consented, SENDER, today=TODAY)
    del older["authorship"]
    for answer in older["answers"]:
        del answer["voice"]
    for words in older["will"]["own_words"]:
        del words["voice"]
    assert validation_errors(older) == []
    assert load_profile(older)["authorship"]["mode"] == "self"
    assert "authorship" not in older            # the given document is not changed


def test_export_labels_whose_words_and_who_confirmed(consented):
    _emil(consented)
    profile = build_profile(consented, SENDER, today=TODAY)
    html = render_html(profile, easy=False, today=TODAY)
    assert "Angaben von Emil selbst" in html and "Angaben der Mutter" in html
    assert html.index("Ich will mit Paul wohnen.") < html.index("Er möchte alleine wohnen.")
    assert html.index("Angaben von Emil selbst") < html.index("Angaben der Mutter")
    assert "von der Mutter bestätigt" in html and "von der Person bestätigt" not in html
    assert "Mutter – für Emil" in html
    easy = render_html(profile, easy=True, today=TODAY)
    assert "Das sagt Emil selbst" in easy and "Das schreibt die Mutter" in easy
    assert "Das hat die Mutter bestätigt." in easy


def test_export_of_a_person_writing_alone_keeps_the_persons_legend(consented):
    consented.add_answer(SENDER, "living", "Ich will reisen.")
    html = render_html(build_profile(consented, SENDER, today=TODAY), easy=False, today=TODAY)
    assert "von der Person bestätigt" in html and "Angaben der" not in html


def test_my_answers_and_the_staff_console_label_each_answer(consented):
    _emil(consented)
    answers, writing = consented.active_answers(SENDER), consented.authorship(SENDER)
    living = group_answers(answers, False, writing)[0]
    assert [a.text for a in living.answers] == ["Ich will mit Paul wohnen.",
                                                "Er möchte alleine wohnen."]
    assert [living.whose[a.id] for a in living.answers] == [
        "Angaben von Emil selbst", "Angaben der Mutter"]
    easy = group_answers(answers, True, writing)[0]
    assert easy.whose[easy.answers[0].id] == "Das sagt Emil selbst"
    staff = answer_groups(answers, {}, writing)[0]
    assert [staff["whose"][a.id] for a in staff["answers"]] == [
        "Angaben von Emil selbst", "Angaben der Mutter"]
    alone = group_answers(answers, False, AuthorshipView())[0]
    assert alone.whose == {}
    assert authorship.authorship_line(writing).startswith(
        "Geschrieben von der Mutter für Emil")
    assert authorship.authorship_line(AuthorshipView("with_support", "sister")) == \
        "Die Person hat mit Unterstützung geschrieben (Schwester)."
    assert authorship.authorship_line(AuthorshipView()) is None
