"""Shared plumbing: the store, and turning a bot.dialogue.Turn into Rasa SDK events."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.dialogue import Turn
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
