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


def _last_set(tracker: Tracker, slot: str) -> tuple[int, object]:
    """How many of the person's messages came after `slot` was last set (0: it was set in
    this very turn), and the value it got; (-1, None) when it was never set."""
    messages_after = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            messages_after += 1
        elif event.get("event") == "slot" and event.get("name") == slot:
            return messages_after, event.get("value")
    return -1, None


def crisis_turn(tracker: Tracker, assessment: dict | None) -> Turn:
    return crisis_dialogue.respond(
        store(), tracker.sender_id, assessment, tracker.get_slot("crisis_level"),
        easy(tracker), bool(tracker.get_slot("consent")), text_of(tracker),
        tracker.get_slot("crisis_pending"), _source(tracker))


def followup_turn(tracker: Tracker) -> Turn | None:
    """The turn for a reply to the crisis question (or an insistence), or None."""
    waiting = tracker.get_slot("crisis_followup")
    if not waiting:
        return None
    messages_after, value = _last_set(tracker, "crisis_followup")
    if messages_after == 0:
        return None          # asked in this very turn: the answer is still to come
    if messages_after != 1 or value is None:
        # only the very next message answers the question (after "hallo" and the
        # welcome, a "ja" is a consent again)
        return Turn(slots={"crisis_followup": None})
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
    return tracker.get_slot("crisis_followup") == "concern" and _last_set(
        tracker, "crisis_followup")[0] == 0


def checked_answer(tracker: Tracker, value: object,
                   dispatcher: CollectingDispatcher) -> Turn | None:
    """Before a form stores free text: the crisis check (whatever the NLU said). A crisis
    answers with help and the value is not taken."""
    if not isinstance(value, str) or value.startswith("__"):
        return None
    assessment = tracker.latest_message.get("crisis")
    if assessment is None:
        found = assess(value)
        if found is None:
            return None
        assessment = found.as_dict()
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
