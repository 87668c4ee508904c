"""The crisis layer in the action server: action_crisis, the follow-up to its question, and
the check every form runs before it may take a message as an answer."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import dispatch, easy, events, store, text_of
from bot.crisis import assess
from bot.crisis.followup import reply
from bot.dialogue import Turn
from bot.dialogue import crisis as crisis_dialogue


def _source(tracker: Tracker) -> str:
    conversation = store().get_conversation(tracker.sender_id)
    return "staff_chat" if conversation is not None and conversation.with_staff else "chat"


def _set_after_last_message(tracker: Tracker, slot: str) -> bool:
    """Whether `slot` was set after the person's latest message (in this very turn)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "slot" and event.get("name") == slot:
            return True
    return False


def _set_in_previous_turn(tracker: Tracker, slot: str) -> bool:
    """Whether `slot` got a value in the turn before the person's latest message: only the
    very next message answers the crisis question (after "hallo" and the welcome, a "ja"
    is a consent again)."""
    users_seen = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users_seen += 1
            if users_seen == 2:
                return False
        elif users_seen == 1 and event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value") is not None
    return False


def crisis_turn(tracker: Tracker, assessment: dict | None) -> Turn:
    return crisis_dialogue.respond(
        store(), tracker.sender_id, assessment, tracker.get_slot("crisis_level"),
        easy(tracker), bool(tracker.get_slot("consent")), text_of(tracker),
        tracker.get_slot("crisis_pending"), _source(tracker))


def followup_turn(tracker: Tracker) -> Turn | None:
    """The turn for a reply to the crisis question (or an insistence), or None."""
    waiting = tracker.get_slot("crisis_followup")
    if not waiting or _set_after_last_message(tracker, "crisis_followup"):
        return None
    if not _set_in_previous_turn(tracker, "crisis_followup"):
        return Turn(slots={"crisis_followup": None})      # another turn came between
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    if intent == "crisis":
        return None          # a new crisis message: action_crisis escalates
    answer = reply(text_of(tracker), intent, question_asked=waiting == "concern")
    if answer is None:
        return Turn(slots={"crisis_followup": None})
    return crisis_dialogue.follow_up(
        store(), tracker.sender_id, answer, easy(tracker), bool(tracker.get_slot("consent")),
        text_of(tracker), tracker.get_slot("crisis_pending"), _source(tracker))


def question_pending(tracker: Tracker) -> bool:
    """The caring question was asked in this turn: the form does not ask its own now."""
    return tracker.get_slot("crisis_followup") == "concern" and _set_after_last_message(
        tracker, "crisis_followup")


def checked_answer(tracker: Tracker, value: object,
                   dispatcher: CollectingDispatcher) -> Turn | None:
    """Before a form stores free text: the crisis check (whatever the NLU said). A crisis
    answers with help and the value is not taken."""
    if not isinstance(value, str) or value.startswith("__"):
        return None
    parsed = tracker.latest_message.get("crisis")
    assessment = parsed or (assess(value).as_dict() if assess(value) else None)
    if assessment is None:
        return None
    turn = crisis_turn(tracker, assessment)
    dispatch(turn, dispatcher)
    return turn


class ActionCrisis(Action):
    def name(self) -> str:
        return "action_crisis"

    async def run(self, dispatcher, tracker, domain) -> list:
        return events(crisis_turn(tracker, tracker.latest_message.get("crisis")), dispatcher)


class ActionCrisisFollowup(Action):
    """Outside forms: the person's reply to the crisis question."""

    def name(self) -> str:
        return "action_crisis_followup"

    async def run(self, dispatcher, tracker, domain) -> list:
        turn = followup_turn(tracker) or Turn(slots={"crisis_followup": None})
        if not turn.replies and tracker.get_slot("stage") != "new":
            turn.say("utter_default")       # at "new" the welcome follows
        return events(turn, dispatcher)


def record_consent_marks(tracker: Tracker, given: bool) -> dict:
    """Consent given: the crisis markers kept in the tracker are written now."""
    if not given or not tracker.get_slot("crisis_pending"):
        return {}
    return crisis_dialogue.record_pending(store(), tracker.sender_id,
                                          tracker.get_slot("crisis_pending")).slots
