"""The read-back: every item is shown in the person's words and confirmed, corrected or
removed by them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.dialogue import Turn, quote
from bot.storage.repository import Store

CONFIRM = "confirm"
CHANGE = "change"
REMOVE = "remove"
CONFIRM_ALL = "confirm_all"
SKIP = "skip"


@dataclass(frozen=True)
class ReadBackItem:
    key: str
    answer_id: int
    text: str


def pending_items(store: Store, sender_id: str) -> list[ReadBackItem]:
    decided = store.item_decisions(sender_id)
    items = []
    for answer in store.active_answers(sender_id):
        key = f"answer:{answer.id}"
        if answer.confirmed or key in decided:
            continue
        items.append(ReadBackItem(key, answer.id, answer.text))
    return items


def ask_next(store: Store, sender_id: str) -> Turn:
    items = pending_items(store, sender_id)
    if not items:
        return Turn(slots={"current_item": None})
    item = items[0]
    return Turn(slots={"current_item": item.key}).say(
        "utter_ask_item_decision", item=quote(item.text)
    )


def _current(store: Store, sender_id: str, key: str | None) -> ReadBackItem | None:
    for item in pending_items(store, sender_id):
        if item.key == key:
            return item
    return None


def decide(store: Store, sender_id: str, key: str | None, decision: str) -> Turn:
    turn = Turn(slots={"item_decision": None})
    if decision == CONFIRM_ALL:
        items = pending_items(store, sender_id)
        store.confirm_answers(sender_id, [i.answer_id for i in items])
        for item in items:
            store.decide_item(sender_id, item.key, "confirmed")
        return turn
    item = _current(store, sender_id, key)
    if item is None:
        return turn
    if decision == CONFIRM:
        store.confirm_answers(sender_id, [item.answer_id])
        store.decide_item(sender_id, item.key, "confirmed")
    elif decision == REMOVE:
        store.supersede_answers(sender_id, [item.answer_id], status="removed")
        store.decide_item(sender_id, item.key, "removed")
        turn.say("utter_item_removed")
    elif decision == SKIP:
        store.decide_item(sender_id, item.key, "skipped")
    elif decision == CHANGE:
        turn.slots["awaiting_correction"] = True
        turn.say("utter_ask_item_correction", item=quote(item.text))
    return turn


def correct(store: Store, sender_id: str, key: str | None, text: str) -> Turn:
    turn = Turn(slots={"item_correction": None, "awaiting_correction": False})
    item = _current(store, sender_id, key)
    if item is None or not text.strip():
        return turn
    new_id = store.correct_answer(sender_id, item.answer_id, text)
    store.decide_item(sender_id, item.key, "corrected", text)
    store.decide_item(sender_id, f"answer:{new_id}", "confirmed")
    return turn.say("utter_item_corrected", item=quote(text))


def finish(store: Store, sender_id: str) -> Turn:
    if not store.active_answers(sender_id):
        turn = Turn().say("utter_summary_no_items")
    else:
        turn = Turn().say("utter_summary_done")
    store.mark_summary_confirmed(sender_id)
    turn.slots.update({"summary_done": True, "stage": "done"})
    return turn
