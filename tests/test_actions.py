"""Action tests with tracker fixtures (in the style of RasaHQ/rasa-demo): each action is run
as the action server would run it, against a real SQLite database."""

from __future__ import annotations

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import (
    ActionDeleteConfirmed,
    ActionFaq,
    ActionPause,
    ActionResume,
    ActionSummaryDone,
    ActionUrgentNeed,
)
from actions.crisis import ActionCrisis
from actions.forms import (
    ActionAskAnswerPeople,
    ValidateInterviewForm,
    ValidateOnboardingForm,
    ValidateSummaryForm,
)
from bot.dialogue import summary
from bot.knowledge import faq_entry
from tests.support.rasa_actions import domain


def make_tracker(sender="person-1", slots=None, text="", intent="inform", entities=(),
                 active_loop=None, events=(), response_selector=None) -> Tracker:
    message = {"text": text, "intent": {"name": intent, "confidence": 0.99},
               "entities": list(entities)}
    if response_selector:
        message["response_selector"] = response_selector
    return Tracker(
        sender_id=sender, slots=dict(slots or {}), latest_message=message,
        events=list(events), paused=False, followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def user_turn(text: str, intent: str, *slot_sets: tuple[str, object]) -> list[dict]:
    events = [{"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}]
    events += [{"event": "slot", "name": name, "value": value} for name, value in slot_sets]
    return events


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain()))
    return dispatcher.messages, events


def slot_events(events) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_crisis_shows_help_numbers_in_both_registers(action_store):
    messages, _ = run(ActionCrisis(), make_tracker(slots={"easy_language": False}))
    assert "0800 111 0 111" in messages[0]["text"]
    assert messages[1]["response"] == "utter_crisis_followup"
    easy, _ = run(ActionCrisis(), make_tracker(slots={"easy_language": True}))
    assert easy[0]["text"] != messages[0]["text"] and "112" in easy[0]["text"]


def test_interview_answer_is_stored_at_once(action_store):
    text = "Meine Schwester hilft mir beim Einkaufen."
    tracker = make_tracker(
        slots={"answer_people": text, "requested_slot": "answer_people", "consent": True,
               "ask_mode": "first"},
        text=text, active_loop="interview_form",
        events=user_turn(text, "inform", ("answer_people", text)),
    )
    messages, events = run(ValidateInterviewForm(), tracker)
    assert slot_events(events)["answer_people"] is None
    assert slot_events(events)["ask_mode"] == "more"
    assert messages[0]["response"] == "utter_answer_noted"
    assert [a.text for a in action_store.active_answers("person-1")] == [text]


def test_ask_action_sends_the_payload_contract(action_store):
    messages, _ = run(ActionAskAnswerPeople(), make_tracker(slots={"ask_mode": "first"}))
    assert messages[0]["response"] == "utter_question_people"
    assert messages[0]["custom"] == {"question_id": "people",
                                     "progress": {"current": 3, "total": 6}}


def test_consent_no_asks_nothing_more_but_the_urgent_check(action_store):
    tracker = make_tracker(
        slots={"consent": False, "requested_slot": "consent"}, intent="deny",
        active_loop="onboarding_form", events=user_turn("nein", "deny", ("consent", False)),
    )
    _, events = run(ValidateOnboardingForm(), tracker)
    assert slot_events(events)["stage"] == "no_consent"
    assert slot_events(events)["requested_slot"] == "urgent_check"
    assert action_store.get_conversation("person-1") is None


def test_pause_gives_a_code_that_resumes(action_store):
    action_store.record_consent("person-1", True)
    action_store.add_answer("person-1", "living", "allein wohnen")
    messages, events = run(ActionPause(), make_tracker(slots={"consent": True}))
    code = slot_events(events)["resume_code"]
    assert messages[0]["response"] == "utter_pause" and messages[0]["resume_code"] == code
    later = make_tracker(sender="person-2", text=f"mein code {code}", intent="resume",
                         entities=[{"entity": "resume_code", "value": code}])
    said, resumed = run(ActionResume(), later)
    assert slot_events(resumed)["stage"] == "interview"
    assert action_store.canonical_id("person-2") == "person-1"
    new_code = slot_events(resumed)["resume_code"]           # used up: a new one replaces it
    assert new_code != code and new_code in said[-1]["text"]
    assert "Zuletzt weitergemacht am " in said[-1]["text"]
    _, again = run(ActionResume(), make_tracker(sender="person-3", text=code, intent="resume"))
    assert "stage" not in slot_events(again)                  # the old code no longer works


def test_faq_answer_comes_from_the_knowledge_entry(action_store):
    selector = {"faq": {"response": {"intent_response_key": "faq/widerspruch"}}}
    messages, _ = run(ActionFaq(), make_tracker(intent="faq", response_selector=selector))
    assert faq_entry("widerspruch").text.standard in messages[0]["text"]


def test_urgent_need_records_and_points_to_help(action_store):
    action_store.record_consent("person-1", True)
    text = "Mir droht die Zwangsräumung nächste Woche"
    messages, events = run(ActionUrgentNeed(),
                                 make_tracker(text=text, slots={"consent": True}))
    assert slot_events(events)["urgent_check"] is True
    needs = action_store.urgent_needs("person-1")
    assert [(n.text, n.categories) for n in needs] == [(text, "housing")]
    assert messages[-1]["response"] == "utter_urgent_later"


DELETE_QUESTION = [
    *user_turn("ich will meine daten löschen", "delete_data"),
    {"event": "bot", "text": "Möchten Sie wirklich alles löschen?",
     "data": {"buttons": [{"title": "Ja, alles löschen", "payload": "/confirm_delete"},
                          {"title": "Nein, behalten", "payload": "/cancel_delete"}]}},
    *user_turn("/confirm_delete", "confirm_delete"),
]


def test_confirmed_delete_removes_data_and_resets(action_store):
    action_store.record_consent("person-1", True)
    action_store.add_answer("person-1", "living", "allein wohnen")
    messages, events = run(ActionDeleteConfirmed(),
                           make_tracker(active_loop="interview_form", events=DELETE_QUESTION))
    assert events[0]["event"] == "reset_slots"
    assert {"event": "active_loop", "name": None} in [
        {"event": e["event"], "name": e.get("name")} for e in events]
    assert action_store.get_conversation("person-1") is None
    assert action_store.has_pending_tracker_deletion("person-1")


def test_a_slot_cleared_by_an_action_is_not_an_answer(action_store):
    tracker = make_tracker(
        slots={"answer_self": None, "requested_slot": "answer_self", "consent": True},
        active_loop="interview_form",
        events=user_turn("HAFEN-KRAN-MOND-TEE-42", "resume", ("answer_self", None)),
    )
    run(ValidateInterviewForm(), tracker)
    assert action_store.active_answers("person-1") == []


def test_consent_taken_while_the_action_server_was_down_is_repaired(action_store):
    """Rasa filled `consent` from the button while the action server was down, so its
    validation never ran (nothing stored, `stage` still "new"). The next turn's validation
    records the consent and moves the stage on, instead of leaving the person stuck."""
    tracker = make_tracker(
        slots={"consent": True, "stage": "new", "requested_slot": "consent"},
        text="hallo", intent="greet", active_loop="onboarding_form",
        events=[{"event": "slot", "name": "consent", "value": True},
                *user_turn("hallo", "greet")],
    )
    _, events = run(ValidateOnboardingForm(), tracker)
    assert slot_events(events)["stage"] == "interview"
    assert action_store.has_consent("person-1")


def test_consent_validated_normally_is_not_recorded_twice(action_store):
    tracker = make_tracker(
        slots={"consent": True, "stage": "interview", "requested_slot": "easy_language"},
        text="nein", intent="deny", active_loop="onboarding_form",
        events=user_turn("nein", "deny", ("easy_language", False)),
    )
    _, events = run(ValidateOnboardingForm(), tracker)
    assert "stage" not in slot_events(events)


# While the action server is down, Rasa fills the requested slot from the person's message
# but its validation fails. On the next turn (here "hallo") that value is no longer a slot
# candidate; the form must not take it as final.


def test_answer_taken_while_the_action_server_was_down_is_stored(action_store):
    text = "Ich möchte in Barmbek wohnen, mit Balkon."
    tracker = make_tracker(
        slots={"answer_living": text, "requested_slot": "answer_living", "consent": True,
               "ask_mode": "first"},
        text="hallo", intent="greet", active_loop="interview_form",
        events=[{"event": "slot", "name": "answer_living", "value": text},
                *user_turn("hallo", "greet")],
    )
    messages, events = run(ValidateInterviewForm(), tracker)
    assert [a.text for a in action_store.active_answers("person-1")] == [text]
    assert slot_events(events)["answer_living"] is None      # the question is asked again
    assert slot_events(events)["ask_mode"] == "more"
    assert messages[0]["response"] == "utter_answer_noted"


def test_no_more_taken_while_the_action_server_was_down_ends_the_question(action_store):
    action_store.add_answer("person-1", "self", "Ich koche selbst.")
    tracker = make_tracker(
        slots={"answer_living": "answered", "answer_self": "__done__",
               "requested_slot": "answer_self", "consent": True, "ask_mode": "more"},
        text="hallo", intent="greet", active_loop="interview_form",
        events=[{"event": "slot", "name": "answer_self", "value": "__done__"},
                *user_turn("hallo", "greet")],
    )
    _, events = run(ValidateInterviewForm(), tracker)
    assert slot_events(events)["answer_self"] == "answered"
    assert action_store.question_states("person-1")["self"] == "answered"


def test_finished_questions_are_not_validated_again(action_store):
    tracker = make_tracker(
        slots={"answer_living": "answered", "answer_self": "skipped",
               "requested_slot": "answer_people", "consent": True},
        text="hallo", intent="greet", active_loop="interview_form",
        events=user_turn("hallo", "greet"),
    )
    messages, events = run(ValidateInterviewForm(), tracker)
    assert messages == [] and "answer_living" not in slot_events(events)
    assert action_store.question_states("person-1") == {}


def _summary_tracker(action_store, decision):
    action_store.record_consent("person-1", True)
    action_store.add_answer("person-1", "living", "Ich möchte am Wasser wohnen.")
    action_store.add_answer("person-1", "self", "Ich fahre allein Bus.")
    first = summary.pending_items(action_store, "person-1")[0]
    return first, make_tracker(
        slots={"item_decision": decision, "current_item": first.key, "consent": True,
               "requested_slot": "item_decision"},
        text="hallo", intent="greet", active_loop="summary_form",
        events=[{"event": "slot", "name": "item_decision", "value": decision},
                *user_turn("hallo", "greet")],
    )


def test_read_back_choice_taken_while_the_action_server_was_down_decides_one_item(
        action_store):
    """Before the repair the form ended here: the read-back counted as confirmed although
    the person had only confirmed its first item."""
    first, tracker = _summary_tracker(action_store, "confirm")
    before = len(summary.pending_items(action_store, "person-1"))
    _, events = run(ValidateSummaryForm(), tracker)
    assert action_store.item_decisions("person-1")[first.key].status == "confirmed"
    assert len(summary.pending_items(action_store, "person-1")) == before - 1
    assert slot_events(events)["item_decision"] is None
    assert slot_events(events)["requested_slot"] == "item_decision"   # the form goes on


def test_language_choice_taken_while_the_action_server_was_down_is_stored(action_store):
    """Otherwise the bot would speak Leichte Sprache (slot) while the stored choice, which
    the web page and the export follow, stays standard."""
    action_store.record_consent("person-1", True)

    def tracker():
        return make_tracker(
            slots={"consent": True, "stage": "interview", "easy_language": True,
                   "requested_slot": "easy_language"},
            text="hallo", intent="greet", active_loop="onboarding_form",
            events=[{"event": "slot", "name": "easy_language", "value": True},
                    *user_turn("hallo", "greet")],
        )

    messages, _ = run(ValidateOnboardingForm(), tracker())
    assert action_store.get_conversation("person-1").language_mode == "easy"
    assert messages[0]["response"] == "utter_easy_language_on"
    # a choice already stored is not validated (nor confirmed) again
    again, _ = run(ValidateOnboardingForm(), tracker())
    assert again == []


def test_end_of_the_read_back_stores_nothing_without_consent(action_store):
    """Marking the read-back confirmed creates the conversation's row: only with consent."""
    messages, _ = run(ActionSummaryDone(), make_tracker(sender="ohne", slots={"consent": False}))
    assert messages and action_store.get_conversation("ohne") is None
    action_store.record_consent("mit", True)
    run(ActionSummaryDone(), make_tracker(sender="mit", slots={"consent": True}))
    assert action_store.get_conversation("mit").summary_confirmed_at is not None


def test_delete_without_the_question_asks_first_and_deletes_nothing(action_store):
    """A "ja, alles löschen" typed out of the blue (or a read-back word the NLU took for
    it) is no confirmation: the question comes first, with its own buttons (issue 13)."""
    action_store.record_consent("person-1", True)
    action_store.add_answer("person-1", "living", "allein wohnen")
    events = [*user_turn("ja, löschen", "confirm_delete")]
    messages, _ = run(ActionDeleteConfirmed(),
                      make_tracker(active_loop="summary_form", slots={"consent": True},
                                   events=events))
    assert [m["response"] for m in messages] == ["utter_ask_delete_confirm"]
    assert action_store.get_conversation("person-1") is not None


def test_read_back_words_take_the_item_whatever_the_nlu_said(action_store):
    """ "löschen" taken for delete_data by the NLU: the read-back removes the current
    item; "alle meine daten löschen" is handed back to the rules (the delete question)."""
    first, _ = _summary_tracker(action_store, "confirm")

    def validate(text, intent):
        tracker = make_tracker(
            slots={"item_decision": text, "current_item": first.key, "consent": True,
                   "requested_slot": "item_decision"},
            text=text, intent=intent, active_loop="summary_form",
            events=user_turn(text, intent, ("item_decision", text)))
        return run(ValidateSummaryForm(), tracker)

    messages, events = validate("alle meine daten löschen", "delete_data")
    assert {"event": "action_execution_rejected", "name": "summary_form"} in [
        {"event": e["event"], "name": e.get("name")} for e in events]
    assert slot_events(events)["item_decision"] is None     # the words are no choice
    assert messages == [] and first.key not in action_store.item_decisions("person-1")
    messages, events = validate("löschen", "delete_data")
    assert action_store.item_decisions("person-1")[first.key].status == "removed"
    assert all(e["event"] != "action_execution_rejected" for e in events)
    assert action_store.get_conversation("person-1") is not None


def test_a_message_handed_back_to_the_rules_leaves_the_answer_slot_empty(action_store):
    """ "ich will meine daten löschen" during a question: the form steps back for the
    delete question, and the words are not kept for a later turn to store."""
    text = "ich will meine daten löschen"
    tracker = make_tracker(
        slots={"answer_living": text, "requested_slot": "answer_living", "consent": True,
               "ask_mode": "more"},
        text=text, intent="delete_data", active_loop="interview_form",
        events=user_turn(text, "delete_data", ("answer_living", text)))
    messages, events = run(ValidateInterviewForm(), tracker)
    assert messages == [] and slot_events(events)["answer_living"] is None
    assert any(e["event"] == "action_execution_rejected" for e in events)
    assert action_store.active_answers("person-1") == []
