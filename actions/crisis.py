"""The crisis layer in the action server: action_crisis, the follow-up to its question, and
the check every form runs before it may take a message as an answer."""

from __future__ import annotations

from dataclasses import dataclass

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import dispatch, easy, events, store, text_of
from bot.crisis import assess, without_crisis_sentences
from bot.crisis.followup import about_unreached_help, reply
from bot.dialogue import Turn
from bot.dialogue import crisis as crisis_dialogue
from bot.dialogue.interview import ASK_FIRST, ASK_WHAT_ELSE
from bot.dialogue.slots import ANSWER_SLOT_PREFIX, Slot, Stage


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


# form slots that take the person's own words (a held message can become their answer)
_FREE_TEXT_SLOTS = ("urgent_text", "item_decision", "item_correction", "callback_contact",
                    "callback_time", "authorship", "authorship_detail")


def _waiting_slot(tracker: Tracker) -> str:
    """The slot the active form waits for ("" outside forms)."""
    return (tracker.get_slot("requested_slot") or "") if tracker.active_loop_name else ""


def _open_question(tracker: Tracker) -> bool:
    """The form waits for the words of a guiding question (not for "Gibt es noch mehr?")."""
    return _waiting_slot(tracker).startswith(ANSWER_SLOT_PREFIX) and \
        tracker.get_slot("ask_mode") in (None, ASK_FIRST, ASK_WHAT_ELSE)


def _free_text_slot(tracker: Tracker) -> str | None:
    slot = _waiting_slot(tracker)
    if slot.startswith(ANSWER_SLOT_PREFIX) or slot in _FREE_TEXT_SLOTS:
        return slot
    return None


def crisis_turn(tracker: Tracker, assessment: dict | None) -> Turn:
    return crisis_dialogue.respond(
        store(), tracker.sender_id, assessment, tracker.get_slot("crisis_level"),
        easy(tracker), bool(tracker.get_slot("consent")), text_of(tracker),
        tracker.get_slot("crisis_pending"), _source(tracker), held=_free_text_slot(tracker))


@dataclass
class FollowUp:
    turn: Turn
    # (form slot, the message it waited for): a "no" released an answer the layer held
    released: tuple[str, str] | None = None


def _previous_message(tracker: Tracker) -> str | None:
    """The person's message before the latest one (the one the question was about)."""
    texts = [e.get("text") for e in tracker.events if e.get("event") == "user"]
    return texts[-2] if len(texts) >= 2 else None


def says_crisis(rest: str) -> bool:
    """Whether the words after a "nein" to the crisis question are a crisis of their own:
    a pattern of the lexicon, or the classifier sure. The unsure band does not outweigh
    the person's no to a direct question ("nein, ich bin nur müde")."""
    found = assess(rest)
    return found is not None and (found.certain or "classifier" not in found.categories)


# how many of the person's messages after the help may still be about it ("da war besetzt")
HELP_TALK_WINDOW = 3


def _messages_since_help(tracker: Tracker) -> int | None:
    """How many of the person's messages came after the crisis help was last given (0: in
    this very turn), or None when it was not given in this conversation."""
    messages_after, level = _last_set(tracker, "crisis_level")
    return messages_after if level else None


def _unreached_help(tracker: Tracker) -> Turn | None:
    """Help given a moment ago, and the message says it was not reached or cannot be used:
    the numbers again with what to try, and no answer taken (None otherwise)."""
    since = _messages_since_help(tracker)
    text = text_of(tracker)
    if since is None or not 1 <= since <= HELP_TALK_WINDOW or not about_unreached_help(text):
        return None
    return crisis_dialogue.help_not_reached(
        store(), tracker.sender_id, tracker.get_slot("crisis_level"), easy(tracker),
        bool(tracker.get_slot("consent")), text, tracker.get_slot("crisis_pending"),
        _source(tracker))


def crisis_help_just_given(tracker: Tracker) -> bool:
    """The crisis help was the reply to the person's message before this one."""
    return _messages_since_help(tracker) == 1


def followup_turn(tracker: Tracker) -> FollowUp | None:
    """The reply to the crisis question (or an insistence, or the help not reached), or
    None."""
    waiting = tracker.get_slot("crisis_followup")
    cleared = None
    if waiting:
        messages_after, value = _last_set(tracker, "crisis_followup")
        if messages_after == 0:
            return None          # asked in this very turn: the answer is still to come
        # only the very next message answers the question (after "hallo" and the welcome,
        # a "ja" is a consent again); an answer held for it stays unsaid
        cleared = Turn(slots={"crisis_followup": None, "crisis_held": None})
        if messages_after == 1 and value is not None:
            intent = (tracker.latest_message.get("intent") or {}).get("name")
            answer = reply(text_of(tracker), intent, question_asked=waiting == "concern",
                           is_crisis=says_crisis, open_question=_open_question(tracker))
            if intent == "crisis" and answer is None:
                return None      # a new crisis message: action_crisis answers it
            if answer is not None:
                turn = crisis_dialogue.follow_up(
                    store(), tracker.sender_id, answer, easy(tracker),
                    bool(tracker.get_slot("consent")), text_of(tracker),
                    tracker.get_slot("crisis_pending"), _source(tracker))
                held = crisis_dialogue.held_answer(answer, tracker.get_slot("crisis_held"))
                released = None
                if held is not None:
                    slot, whole = held
                    held_text = _previous_message(tracker)
                    if held_text and not whole:
                        held_text = without_crisis_sentences(held_text)
                    released = (slot, held_text) if held_text else None
                return FollowUp(turn, released)
    unreached = _unreached_help(tracker)
    if unreached is not None:
        return FollowUp(unreached)
    return FollowUp(cleared) if cleared is not None else None


def question_pending(tracker: Tracker) -> bool:
    """The caring question was asked in this turn: the form does not ask its own now."""
    return tracker.get_slot("crisis_followup") == "concern" and _last_set(
        tracker, "crisis_followup")[0] == 0


def checked_answer(tracker: Tracker, value: object, dispatcher: CollectingDispatcher,
                   released: bool = False) -> Turn | None:
    """Before a form stores free text: the crisis check (whatever the NLU said). A crisis
    answers with help and the value is not taken. `released`: the person said "no" to the
    question about this very message, which is an answer now."""
    if released or not isinstance(value, str) or value.startswith("__"):
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
        followup = followup_turn(tracker)
        if followup is not None and followup.turn.replies:
            # "nein, so mein ich das nicht, ich bin nur müde": the whole message looked
            # like a crisis, but it says no to the question and the rest is none. In a
            # form its validation answers (and releases an answer held for the question)
            if tracker.active_loop_name:
                return []
            return events(followup.turn, dispatcher)
        return events(crisis_turn(tracker, tracker.latest_message.get("crisis")), dispatcher)


class ActionCrisisFollowup(Action):
    """Outside forms: the person's reply to the crisis question."""

    def name(self) -> str:
        return "action_crisis_followup"

    async def run(self, dispatcher, tracker, domain) -> list:
        followup = followup_turn(tracker)
        turn = followup.turn if followup else Turn(slots={"crisis_followup": None})
        if not turn.replies and tracker.get_slot(Slot.STAGE) != Stage.NEW:
            turn.say("utter_default")       # at "new" the welcome follows
        return events(turn, dispatcher)


def record_consent_marks(tracker: Tracker, given: bool) -> dict:
    """Consent given: the crisis markers kept in the tracker are written now."""
    if not given or not tracker.get_slot("crisis_pending"):
        return {}
    return crisis_dialogue.record_pending(store(), tracker.sender_id,
                                          tracker.get_slot("crisis_pending")).slots
