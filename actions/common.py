"""Shared plumbing: the store, and turning a bot.dialogue.Turn into Rasa SDK events."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.dialogue import Incoming, Turn
from bot.settings import get_settings
from bot.storage.migrate import upgrade_to_head
from bot.storage.repository import Store


@lru_cache(maxsize=1)
def store() -> Store:
    url = get_settings().database_url
    upgrade_to_head(url)
    return Store(url)


def easy(tracker: Tracker) -> bool:
    return tracker.get_slot("easy_language") is True


def text_of(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


# entities that show a message says something about the person's life (a place, a person,
# an aid): "ich weiß nicht, was es in Barmbek gibt" holds an answer
CONTENT_ENTITIES = ("quarter", "district", "place", "relation", "aid")


def faq_topic(tracker: Tracker) -> str | None:
    selector = tracker.latest_message.get("response_selector") or {}
    result = selector.get("faq") or selector.get("default") or {}
    key = (result.get("response") or {}).get("intent_response_key") or ""
    return key.split("/", 1)[1] if "/" in key else None


def source(tracker: Tracker) -> str:
    """Where the person writes: "staff_chat" with a counsellor beside them, else "chat"."""
    conversation = store().get_conversation(tracker.sender_id)
    return "staff_chat" if conversation is not None and conversation.with_staff else "chat"


CALLBACK_PAYLOAD = "/request_callback"


def incoming(tracker: Tracker) -> Incoming:
    """The latest message as the NLU saw it."""
    message = tracker.latest_message or {}
    return Incoming(
        text=message.get("text") or "",
        intent=(message.get("intent") or {}).get("name"),
        faq_topic=faq_topic(tracker),
        entities=tuple(e["entity"] for e in message.get("entities") or []
                       if e.get("entity") in CONTENT_ENTITIES),
        source=source(tracker),
        budget=tracker.get_slot("budget_figures"),
        callback_offered=asked_before(tracker, CALLBACK_PAYLOAD),
    )


def asked_before(tracker: Tracker, payload: str) -> bool:
    """Whether the bot's reply to the person's previous message offered the button
    `payload` (e.g. the "Ja, alles löschen" of the delete question)."""
    users = 0
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            users += 1
            if users == 2:
                return False
        elif kind == "bot" and users == 1:
            buttons = (event.get("data") or {}).get("buttons") or []
            if any(isinstance(b, dict) and b.get("payload") == payload for b in buttons):
                return True
    return False


def dispatch(turn: Turn, dispatcher: CollectingDispatcher) -> None:
    for reply in turn.replies:
        kwargs: dict[str, Any] = dict(reply.variables)
        if reply.buttons:
            kwargs["buttons"] = reply.buttons
        if reply.custom:
            kwargs["json_message"] = reply.custom
        if reply.response:
            dispatcher.utter_message(response=reply.response, **kwargs)
        else:
            dispatcher.utter_message(text=reply.text, **kwargs)


def events(turn: Turn, dispatcher: CollectingDispatcher) -> list[EventType]:
    dispatch(turn, dispatcher)
    result: list[EventType] = []
    if turn.restart:
        result.append(AllSlotsReset())
    if turn.deactivate_loop:
        result += [ActiveLoop(None), SlotSet("requested_slot", None)]
    result += [SlotSet(name, value) for name, value in turn.slots.items()]
    return result
