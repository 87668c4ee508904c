"""Actions for global intents and for moving between the steps of the conversation."""

from __future__ import annotations

import re

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import asked_before, easy, events, store, text_of
from bot.catalogue import QUESTION_IDS
from bot.dialogue import budget_request, conversation, summary

SLOTS_FOR_ROUTING = ("consent", "summary_done", *(f"answer_{q}" for q in QUESTION_IDS))


def _slots(tracker: Tracker) -> dict:
    return {name: tracker.get_slot(name) for name in SLOTS_FOR_ROUTING}


class _SimpleAction(Action):
    """Base for actions whose whole job is one bot.dialogue call."""

    action_name = ""

    def name(self) -> str:
        return self.action_name

    def turn(self, tracker: Tracker):  # pragma: no cover - abstract
        raise NotImplementedError

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list:
        return events(self.turn(tracker), dispatcher)


class ActionReconsiderConsent(_SimpleAction):
    action_name = "action_reconsider_consent"

    def turn(self, tracker):
        return conversation.reconsider_consent()


class ActionSetLanguage(_SimpleAction):
    action_name = "action_set_language"

    def turn(self, tracker):
        return conversation.set_language(store(), tracker.sender_id, easy(tracker),
                                         tracker.get_slot("consent"))


class ActionUrgentNeed(_SimpleAction):
    action_name = "action_urgent_need"

    def turn(self, tracker):
        return conversation.urgent_need(store(), tracker.sender_id, text_of(tracker),
                                        easy(tracker), tracker.get_slot("consent"))


class ActionFaq(_SimpleAction):
    action_name = "action_faq"

    def turn(self, tracker):
        selector = tracker.latest_message.get("response_selector") or {}
        result = selector.get("faq") or selector.get("default") or {}
        key = (result.get("response") or {}).get("intent_response_key") or ""
        topic = key.split("/", 1)[1] if "/" in key else None
        return conversation.faq(topic, easy(tracker))


class ActionHumanHandoff(_SimpleAction):
    action_name = "action_human_handoff"

    def turn(self, tracker):
        return conversation.human_handoff(easy(tracker), tracker.get_slot("consent"))


class ActionPause(_SimpleAction):
    action_name = "action_pause"

    def turn(self, tracker):
        return conversation.pause(store(), tracker.sender_id, tracker.get_slot("consent"),
                                  tracker.get_slot("resume_code"))


class ActionGoodbye(_SimpleAction):
    action_name = "action_goodbye"

    def turn(self, tracker):
        # with the code shown before (at a pause): the same code again, not a new one
        slots = {**_slots(tracker), "resume_code": tracker.get_slot("resume_code")}
        return conversation.goodbye(store(), tracker.sender_id, slots)


class ActionResume(_SimpleAction):
    action_name = "action_resume"

    def turn(self, tracker):
        code = next(tracker.get_latest_entity_values("resume_code"), None)
        return conversation.resume(store(), tracker.sender_id, code, text_of(tracker),
                                   client_of(tracker))


CLIENT_KEY = re.compile(r"^[0-9a-f]{32}$")


def client_of(tracker: Tracker) -> str | None:
    """The client address's key (bot.resume_codes.address_key) that the web app sends as
    message metadata with every message holding a resume code, so that failures count
    per address on this path too. Only the web app can call Rasa (bot/internal_auth.py)."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    value = metadata.get("resume_client") if isinstance(metadata, dict) else None
    return value if isinstance(value, str) and CLIENT_KEY.match(value) else None


class ActionShowProfile(_SimpleAction):
    action_name = "action_show_profile"

    def turn(self, tracker):
        return conversation.show_profile(store(), tracker.sender_id,
                                         tracker.get_slot("consent"), easy(tracker))


class ActionDeleteRequest(_SimpleAction):
    action_name = "action_delete_request"

    def turn(self, tracker):
        return conversation.request_delete(store(), tracker.sender_id,
                                           tracker.get_slot("consent"))


class ActionDeleteConfirmed(_SimpleAction):
    action_name = "action_delete_confirmed"

    def turn(self, tracker):
        # only a yes to the question "Möchten Sie wirklich alles löschen?" deletes
        return conversation.confirm_delete(store(), tracker.sender_id,
                                           asked=asked_before(tracker, "/confirm_delete"),
                                           consent=tracker.get_slot("consent"))


class ActionSummaryStart(_SimpleAction):
    action_name = "action_summary_start"

    def turn(self, tracker):
        return conversation.summary_start()


class ActionSummaryDone(_SimpleAction):
    action_name = "action_summary_done"

    def turn(self, tracker):
        return summary.finish(store(), tracker.sender_id, easy=easy(tracker),
                              consent=bool(tracker.get_slot("consent")))


class ActionBudget(_SimpleAction):
    action_name = "action_budget"

    def turn(self, tracker):
        # the last calculation's figures answer a follow-up ("wie viel ist das im Jahr?")
        return budget_request.answer(text_of(tracker), easy(tracker),
                                     tracker.get_slot(budget_request.SLOT))
