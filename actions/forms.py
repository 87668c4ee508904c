"""Form validation and the custom 'ask' actions of the three forms."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActionExecutionRejected, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import dispatch, easy, events, incoming, store, text_of
from actions.crisis import (
    checked_answer,
    crisis_help_just_given,
    followup_turn,
    question_pending,
    record_consent_marks,
)
from bot.catalogue import QUESTION_IDS
from bot.dialogue import (
    Incoming,
    Turn,
    authorship,
    callback,
    conversation,
    interview,
    quote,
    summary,
    words,
)
from bot.dialogue.slots import Slot, Stage, answer_slot

# a validator's way to say "this message is not for the form": the form steps back
# (ActionExecutionRejected) and the rules answer it as a global intent
REJECT = "__reject__"


def repaired(tracker: Tracker) -> set[str]:
    """The slots whose value the repair below took from an earlier turn (this request's
    tracker only)."""
    if not hasattr(tracker, "lwiw_repaired"):
        tracker.lwiw_repaired = set()
    return tracker.lwiw_repaired


def message_for(tracker: Tracker, slot: str, value: Any, released: bool) -> Incoming:
    """The message a slot's value came from: the latest one, or only the value's words
    when it came from an earlier message (a repaired value, or one the crisis layer
    held)."""
    message = incoming(tracker)
    if released or slot in repaired(tracker):
        return Incoming(text=str(value) if not str(value).startswith("__") else "",
                        source=message.source)
    return message


def _result(turn: Turn, dispatcher: CollectingDispatcher, slot: str) -> dict[str, Any]:
    """A validator's slots from a Turn; a rejected message says nothing here and leaves
    the form's `slot` empty (its words were no value for it)."""
    if turn.reject:
        return {**turn.slots, slot: None, REJECT: True}
    dispatch(turn, dispatcher)
    return dict(turn.slots)


class _RepairingValidation(FormValidationAction):
    """Also validates a form slot that still holds a value no validation has seen.

    Rasa 3.6 fills a form's slot from the person's message (button or text) before the
    validate action runs; when that action failed, plain Rasa saved the turn with the raw
    value, and on the next turn the form took it as final (consent without a stored consent,
    a read-back confirmed without its items, an answer never stored, a question left without
    its end state). Our Rasa start no longer saves a turn whose action failed
    (bot/rasa_server.py); this repair stays for trackers saved before that. Which raw values
    can only be such left-overs is the form's knowledge: `unvalidated`.
    """

    @abstractmethod
    def unvalidated(self, slot: str, value: Any, tracker: Tracker) -> bool:
        """Whether `value` in the form's `slot` can only be a value validation never saw."""

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> list:
        followup = followup_turn(tracker)
        if followup is not None and followup.turn.replies:
            # the message answers the crisis question: it is no answer to the form, whose
            # slots filled from it are emptied again (the form asks its question anew) —
            # unless it was a "no" about a message the layer held: that is the answer now
            dispatch(followup.turn, dispatcher)
            filled = [s for s in tracker.slots_to_validate() if s in self.domain_slots(domain)]
            answer = {}
            validator = getattr(self, f"validate_{followup.released[0]}", None) \
                if followup.released else None
            if validator is not None:
                answer = validator(followup.released[1], dispatcher, tracker, domain,
                                   released=True)
            return self._rejection([SlotSet(name, None) for name in filled
                                    if name not in answer] + [
                SlotSet(name, value) for name, value in {**followup.turn.slots,
                                                         **answer}.items()])
        extra = [SlotSet(k, v) for k, v in (followup.turn.slots if followup else {}).items()]
        return self._rejection(extra + await self._validated(dispatcher, tracker, domain))

    def _rejection(self, events: list) -> list:
        """A validator that returned REJECT: the form steps back for the rules."""
        kept = [e for e in events if not (e.get("event") == "slot" and e.get("name") == REJECT)]
        if len(kept) < len(events):
            kept.append(ActionExecutionRejected(self.form_name()))
        return kept

    async def _validated(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                         domain: DomainDict) -> list:
        # the form's slots from the domain, not `required_slots` (for the read-back that
        # derives every item again); the validation below drops a slot not required now
        candidates = tracker.slots_to_validate()
        for slot in self.domain_slots(domain):
            value = tracker.get_slot(slot)
            if slot not in candidates and value is not None \
                    and self.unvalidated(slot, value, tracker):
                # a candidate like the ones Rasa appends after the person's message
                tracker.events.append({"event": "slot", "name": slot, "value": value})
                # its value came from an earlier message, not from the latest one
                repaired(tracker).add(slot)
        return await super().get_validation_events(dispatcher, tracker, domain)


class ValidateOnboardingForm(_RepairingValidation):
    def name(self) -> str:
        return "validate_onboarding_form"

    def unvalidated(self, slot: str, value: Any, tracker: Tracker) -> bool:
        if slot == "consent":
            # a validated consent always moves the stage on from "new"
            return tracker.get_slot(Slot.STAGE) == Stage.NEW
        if slot == "easy_language":
            # a validated choice is stored (with consent)
            return not conversation.language_recorded(store(), tracker.sender_id,
                                                      value is True)
        if slot == "authorship":
            return value not in authorship.MODES
        if slot == "authorship_detail":
            return value != authorship.DETAIL_DONE
        return False

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        consent = tracker.get_slot("consent")
        required = ["consent"]
        if consent is None:
            return required
        if consent:
            required.append("easy_language")
            # who is writing (issue 16) as a step of its own: only with consent, when
            # switched on (bot/dialogue/authorship.py), and only by a model trained with
            # the question (a running older one goes on without it)
            if authorship.ASK_IN_ONBOARDING and "authorship" in domain_slots:
                required.append("authorship")
            if authorship.ASK_IN_ONBOARDING and "authorship" in domain_slots and \
                    tracker.get_slot("authorship") in (
                    authorship.WITH_SUPPORT, authorship.ON_BEHALF):
                required.append("authorship_detail")
        required.append("urgent_check")
        if tracker.get_slot("urgent_check") is True:
            required.append("urgent_text")
        return required

    def validate_consent(self, value: Any, dispatcher: CollectingDispatcher,
                         tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        turn = conversation.record_consent(store(), tracker.sender_id, value is True,
                                           easy(tracker))
        dispatch(turn, dispatcher)
        return {**turn.slots, **record_consent_marks(tracker, value is True)}

    def validate_easy_language(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        turn = conversation.set_language(store(), tracker.sender_id, value is True,
                                         tracker.get_slot("consent"))
        if value is True or tracker.get_slot("requested_slot") != "easy_language":
            # confirm a switch; only "no" to the form's own offer changes nothing and
            # needs no reply
            dispatch(turn, dispatcher)
        return {"easy_language": value is True}

    def validate_authorship(self, value: Any, dispatcher: CollectingDispatcher,
                            tracker: Tracker, domain: DomainDict,
                            released: bool = False) -> dict[str, Any]:
        crisis = checked_answer(tracker, value, dispatcher, released)
        if crisis is not None:
            return {**crisis.slots, "authorship": None}
        turn = authorship.choose(store(), tracker.sender_id, str(value),
                                 message_for(tracker, "authorship", value, released),
                                 tracker.get_slot("consent"))
        return _result(turn, dispatcher, "authorship")

    def validate_authorship_detail(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict,
                                   released: bool = False) -> dict[str, Any]:
        crisis = checked_answer(tracker, value, dispatcher, released)
        if crisis is not None:
            return {**crisis.slots, "authorship_detail": None}
        turn = authorship.detail(store(), tracker.sender_id, tracker.get_slot("authorship"),
                                 str(value),
                                 message_for(tracker, "authorship_detail", value, released),
                                 tracker.get_slot("consent"))
        return _result(turn, dispatcher, "authorship_detail")

    def validate_urgent_text(self, value: Any, dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict,
                             released: bool = False) -> dict[str, Any]:
        crisis = checked_answer(tracker, value, dispatcher, released)
        if crisis is not None:
            return {**crisis.slots, "urgent_text": None}
        intent = message_for(tracker, "urgent_text", value, released).intent
        if intent == "deny" or words.nothing_urgent(str(value)):
            return _result(conversation.no_urgent_need(), dispatcher, "urgent_text")
        turn = conversation.urgent_need(store(), tracker.sender_id, str(value), easy(tracker),
                                        tracker.get_slot("consent"),
                                        help_just_given=crisis_help_just_given(tracker))
        dispatch(turn, dispatcher)
        return turn.slots


class ActionAskAuthorshipDetail(Action):
    """ "Wer unterstützt Sie?" or "Für wen schreiben Sie …?", by the answer before."""

    def name(self) -> str:
        return "action_ask_authorship_detail"

    async def run(self, dispatcher, tracker, domain) -> list:
        if question_pending(tracker):
            return []       # the crisis question waits for its answer
        support = tracker.get_slot("authorship") == authorship.WITH_SUPPORT
        dispatcher.utter_message(response="utter_ask_authorship_detail_support" if support
                                 else "utter_ask_authorship_detail_for")
        return []


class ValidateInterviewForm(_RepairingValidation):
    def name(self) -> str:
        return "validate_interview_form"

    def unvalidated(self, slot: str, value: Any, tracker: Tracker) -> bool:
        # validation leaves an answer slot empty or at the question's end state
        return not interview.is_final(value)

    # one validator per question of texts/questions.yml (bot.catalogue.QUESTION_IDS; a test
    # checks that every question has one): Rasa's FormValidationAction looks them up by the
    # slot's name, validate_<slot>

    def validate_answer_living(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict,
                               released: bool = False) -> dict[str, Any]:
        return self._validate_question("living", value, dispatcher, tracker, released)

    def validate_answer_self(self, value: Any, dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict,
                             released: bool = False) -> dict[str, Any]:
        return self._validate_question("self", value, dispatcher, tracker, released)

    def validate_answer_people(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict,
                               released: bool = False) -> dict[str, Any]:
        return self._validate_question("people", value, dispatcher, tracker, released)

    def validate_answer_neighbourhood(self, value: Any, dispatcher: CollectingDispatcher,
                                      tracker: Tracker, domain: DomainDict,
                                      released: bool = False) -> dict[str, Any]:
        return self._validate_question("neighbourhood", value, dispatcher, tracker, released)

    def validate_answer_professional(self, value: Any, dispatcher: CollectingDispatcher,
                                     tracker: Tracker, domain: DomainDict,
                                     released: bool = False) -> dict[str, Any]:
        return self._validate_question("professional", value, dispatcher, tracker, released)

    def validate_answer_contribution(self, value: Any, dispatcher: CollectingDispatcher,
                                     tracker: Tracker, domain: DomainDict,
                                     released: bool = False) -> dict[str, Any]:
        return self._validate_question("contribution", value, dispatcher, tracker, released)

    def _validate_question(self, question_id: str, value: Any,
                           dispatcher: CollectingDispatcher, tracker: Tracker,
                           released: bool = False) -> dict[str, Any]:
        """The answer to `question_id` (its slot answer_<question_id>): stored, or the
        question's next step (bot/dialogue/interview.py)."""
        slot = answer_slot(question_id)
        if value is None:
            # a slot cleared by an action (resume, go back) is not an answer
            return {}
        crisis = checked_answer(tracker, value, dispatcher, released)
        if crisis is not None:
            return {**crisis.slots, slot: None}
        turn = interview.handle_value(
            store(), tracker.sender_id, question_id, str(value), tracker.get_slot("ask_mode"),
            bool(tracker.get_slot("consent")),
            message=message_for(tracker, slot, value, released), easy=easy(tracker),
            states={answer_slot(q): tracker.get_slot(answer_slot(q)) for q in QUESTION_IDS},
            reoffered=tracker.get_slot("reoffered") or [],
            person_asked=tracker.get_slot("person_asked") or [],
            cue=tracker.get_slot("authorship_cue"),
        )
        return _result(turn, dispatcher, slot)


OFFER_AUTHORSHIP = "utter_offer_authorship"


def said_before(tracker: Tracker, response: str) -> bool:
    """Whether the bot gave `response` earlier in this conversation."""
    return any(e.get("event") == "bot" and (e.get("metadata") or {}).get("utter_action")
               == response for e in tracker.events)


class _AskQuestion(Action):
    """Asks the interview's question `question_id` (again, or its follow-up)."""

    question_id = ""

    def name(self) -> str:
        return f"action_ask_answer_{self.question_id}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list:
        if question_pending(tracker):
            return []       # the crisis question waits for its answer
        return events(interview.ask(self.question_id, tracker.get_slot("ask_mode"), store(),
                                    tracker.sender_id, said_before(tracker, OFFER_AUTHORSHIP)),
                      dispatcher)


# one ask action per question of texts/questions.yml (Rasa looks them up by name; a test
# checks that every question has one)


class ActionAskAnswerLiving(_AskQuestion):
    question_id = "living"


class ActionAskAnswerSelf(_AskQuestion):
    question_id = "self"


class ActionAskAnswerPeople(_AskQuestion):
    question_id = "people"


class ActionAskAnswerNeighbourhood(_AskQuestion):
    question_id = "neighbourhood"


class ActionAskAnswerProfessional(_AskQuestion):
    question_id = "professional"


class ActionAskAnswerContribution(_AskQuestion):
    question_id = "contribution"


class ValidateSummaryForm(_RepairingValidation):
    def name(self) -> str:
        return "validate_summary_form"

    def unvalidated(self, slot: str, value: Any, tracker: Tracker) -> bool:
        return True         # validation empties both slots again

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        if not summary.pending_items(store(), tracker.sender_id):
            return []
        if tracker.get_slot("awaiting_correction"):
            return ["item_correction"]
        return ["item_decision"]

    def validate_item_decision(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict,
                               released: bool = False) -> dict[str, Any]:
        crisis = checked_answer(tracker, value, dispatcher, released)
        if crisis is not None:
            return {**crisis.slots, "item_decision": None}
        turn = summary.decide_message(store(), tracker.sender_id,
                                      tracker.get_slot("current_item"), str(value),
                                      message_for(tracker, "item_decision", value, released))
        return _result(turn, dispatcher, "item_decision")

    def validate_item_correction(self, value: Any, dispatcher: CollectingDispatcher,
                                 tracker: Tracker, domain: DomainDict,
                                 released: bool = False) -> dict[str, Any]:
        crisis = checked_answer(tracker, value, dispatcher, released)
        if crisis is not None:
            return {**crisis.slots, "item_correction": None}
        message = message_for(tracker, "item_correction", value, released)
        turn = summary.correct(store(), tracker.sender_id, tracker.get_slot("current_item"),
                               str(value), message)
        return _result(turn, dispatcher, "item_correction")


class ValidateCallbackForm(_RepairingValidation):
    """The callback request: phone or e-mail, then a good time (bot/dialogue/callback.py).
    Without consent it asks nothing; action_callback_done says why."""

    def name(self) -> str:
        return "validate_callback_form"

    def unvalidated(self, slot: str, value: Any, tracker: Tracker) -> bool:
        return False

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        if not tracker.get_slot("consent"):
            return []
        return ["callback_contact", "callback_time"]

    def validate_callback_contact(self, value: Any, dispatcher: CollectingDispatcher,
                                  tracker: Tracker, domain: DomainDict,
                                  released: bool = False) -> dict[str, Any]:
        crisis = checked_answer(tracker, value, dispatcher, released)
        if crisis is not None:
            return {**crisis.slots, "callback_contact": None}
        turn = callback.contact(str(value), message_for(tracker, "callback_contact", value,
                                                        released))
        return _result(turn, dispatcher, "callback_contact")

    def validate_callback_time(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict,
                               released: bool = False) -> dict[str, Any]:
        crisis = checked_answer(tracker, value, dispatcher, released)
        if crisis is not None:
            return {**crisis.slots, "callback_time": None}
        turn = callback.good_time(str(value), message_for(tracker, "callback_time", value,
                                                          released))
        return _result(turn, dispatcher, "callback_time")


class ActionCallbackStart(Action):
    def name(self) -> str:
        return "action_callback_start"

    async def run(self, dispatcher, tracker, domain) -> list:
        return events(callback.start(), dispatcher)


class ActionCallbackDone(Action):
    def name(self) -> str:
        return "action_callback_done"

    async def run(self, dispatcher, tracker, domain) -> list:
        return events(callback.finish(
            store(), tracker.sender_id, tracker.get_slot("consent"),
            tracker.get_slot("callback_contact"), tracker.get_slot("callback_time"),
            easy(tracker)), dispatcher)


class ActionAskItemDecision(Action):
    def name(self) -> str:
        return "action_ask_item_decision"

    async def run(self, dispatcher, tracker, domain) -> list:
        if question_pending(tracker):
            return []       # the crisis question waits for its answer
        return events(summary.ask_next(store(), tracker.sender_id, easy=easy(tracker),
                                       current=tracker.get_slot("current_item")), dispatcher)


class ActionAskItemCorrection(Action):
    def name(self) -> str:
        return "action_ask_item_correction"

    async def run(self, dispatcher, tracker, domain) -> list:
        if question_pending(tracker):
            return []       # the crisis question waits for its answer
        # the one prompt for the right words (the decision "ändern" says nothing itself)
        item = summary._current(store(), tracker.sender_id, tracker.get_slot("current_item"))
        text = item.text if item else text_of(tracker)
        dispatcher.utter_message(response="utter_ask_item_correction", item=quote(text))
        return []
