"""Build the will-and-resources profile of one conversation from the database
(DESIGN.md § 4, schema/profile-2.schema.json).

The profile is always built anew from the stored verbatim answers and the person's
decisions on items; no profile is stored. Version 2 gives every status in the person's
words: abilities and limitations, aids used / wished / used before, places used / wished /
used before / out of reach (with the barrier), professional help received and wished per
help named, and the home only where the person lives now (a wish to move is a goal).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timezone

from bot.catalogue import QUESTION_IDS
from bot.extraction import gazetteer
from bot.next_steps import derive_next_steps
from bot.profile.items import AnswerItems, Item, correct_item, derive
from bot.profile.schema import SCHEMA_VERSION, validate_profile
from bot.storage.repository import Store


def iso(value: datetime | str | None) -> str | None:
    """Stored times are naive UTC; the profile says so explicitly."""
    if value is None or isinstance(value, str):
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat(timespec="seconds")


def _confirmation(item: Item, entry: AnswerItems, decisions: dict) -> dict | None:
    """The person's decision on an item; None when they removed it."""
    if entry.whole:
        decision = decisions.get(f"answer:{entry.answer.id}")
        if entry.answer.confirmed:
            status = "confirmed"
        elif decision is not None and decision.status == "skipped":
            status = "skipped"
        else:
            status = "open"
        return {"key": item.key, "answer_id": item.answer_id,
                "confirmed": status == "confirmed", "decision": status}
    decision = decisions.get(item.key)
    if decision is not None and decision.status == "removed":
        return None
    status = decision.status if decision is not None else "open"
    result = {"key": item.key, "answer_id": item.answer_id,
              "confirmed": status in ("confirmed", "corrected"), "decision": status}
    if status == "corrected":
        result["correction"] = decision.corrected_text
    return result


def _empty_profile() -> dict:
    return {
        "person": {"pseudonym": None, "district": None, "quarter": None, "contact": None},
        "will": {"own_words": [], "important": [], "change": [], "goals": []},
        "resources": {"personal": [], "aids": [], "social": [], "neighbourhood": [],
                      "professional": {"wished": [], "received": []}},
        "contribution": [],
    }


FIELDS = {
    "important": ("text", "span"), "change": ("text", "span"), "contribution": ("text", "span"),
    "goal": ("text", "start", "start_date", "move_to", "span"),
    "personal": ("text", "kind", "span"),
    "professional": ("help", "label", "words", "text", "start", "start_date", "span"),
    "social": ("who", "relation", "sector", "helps_with", "helper", "text", "span"),
    "aid": ("aid", "label", "category", "status", "words", "text", "start", "start_date",
            "span"),
    "place": ("kind", "label", "status", "words", "quarter", "barrier", "text", "start",
              "start_date", "span"),
}


def _place_item(profile: dict, item: Item, data: dict, confirmation: dict) -> None:
    category = item.category
    if category == "quarter":
        if data.get("quarter"):
            quarter = {"value": data["quarter"], "words": data["words"],
                       "span": data.get("span"), **confirmation}
            if data.get("candidates"):
                quarter.update(ambiguous=True, candidates=data["candidates"])
            profile["person"]["quarter"] = quarter
        if data.get("district"):
            profile["person"]["district"] = {"value": data["district"], "words": data["words"],
                                             "span": data.get("span"), **confirmation}
        return
    entry = {name: data.get(name) for name in FIELDS[category]} | confirmation
    if category == "professional":
        profile["resources"]["professional"][data["kind"]].append(entry)
        return
    target = {
        "important": profile["will"]["important"], "change": profile["will"]["change"],
        "goal": profile["will"]["goals"], "personal": profile["resources"]["personal"],
        "social": profile["resources"]["social"], "aid": profile["resources"]["aids"],
        "place": profile["resources"]["neighbourhood"], "contribution": profile["contribution"],
    }[category]
    target.append(entry)


def _life_areas(derived: list[AnswerItems]) -> list[dict]:
    areas: dict[str, list[dict]] = {}
    for entry in derived:
        for mention in entry.extraction.life_areas:
            areas.setdefault(mention.code, []).append(
                {"answer_id": entry.answer.id, "words": list(mention.words)})
    titles = gazetteer().life_areas
    return [{"code": code, "title": titles[code]["title"], "title_easy": titles[code]["title_easy"],
             "answers": answers} for code, answers in sorted(areas.items())]


def _staff_notes(notes: Iterable[dict] | None) -> list[dict]:
    """The staff layer, kept apart from the person's words."""
    return [{"section": str(note.get("section") or "general"), "author": str(note["author"]),
             "created_at": iso(note["created_at"]), "text": str(note["text"])}
            for note in notes or ()]


def build_profile(store: Store, conversation_id: str, today: date | None = None,
                  staff_notes: Iterable[dict] | None = None) -> dict:
    """The profile of a conversation (Rasa sender id or canonical id), validated against
    the schema. Raises KeyError for an unknown conversation."""
    today = today or date.today()
    canonical = store.canonical_id(conversation_id)
    conversation = store.get_conversation(canonical)
    if conversation is None:
        raise KeyError(conversation_id)
    from bot.dialogue.authorship import as_profile, writer_side

    answers = store.active_answers(canonical)
    decisions = store.item_decisions(canonical)
    writing = store.authorship(canonical)
    derived = derive(answers, today, writer_side(writing))

    profile = _empty_profile()
    profile["person"]["pseudonym"] = conversation.pseudonym
    profile["with_staff"] = bool(conversation.with_staff)
    # the person's own words first (the person's will comes first), then a writer's
    profile["will"]["own_words"] = [
        {"answer_id": a.id, "text": a.text, "confirmed": a.confirmed,
         "created_at": iso(a.created_at), "voice": a.voice}
        for a in sorted(answers, key=lambda a: a.voice != "person")
        if a.question_id == "living"]
    for entry in derived:
        for item in entry.items:
            confirmation = _confirmation(item, entry, decisions)
            if confirmation is None:
                continue
            data = item.data
            if confirmation["decision"] == "corrected":
                data = correct_item(item, confirmation["correction"], today)
            _place_item(profile, item, data, confirmation)

    states = store.question_states(canonical)
    profile.update({
        "schema_version": SCHEMA_VERSION,
        "conversation_id": canonical,
        "created_at": iso(conversation.created_at),
        "updated_at": iso(conversation.updated_at),
        "generated_at": iso(datetime.now(timezone.utc)),
        "language_mode": conversation.language_mode or "standard",
        "life_areas": _life_areas(derived),
        "urgent": [{"text": need.text,
                    "categories": [c for c in (need.categories or "").split(",") if c],
                    "created_at": iso(need.created_at)}
                   for need in store.urgent_needs(canonical)],
        "staff_notes": _staff_notes(staff_notes),
        "consent": {"given": bool(conversation.consent_given),
                    "at": iso(conversation.consent_at), "version": conversation.consent_version},
        "authorship": as_profile(writing),
        "answers": [{"id": a.id, "question_id": a.question_id, "text": a.text,
                     "created_at": iso(a.created_at), "confirmed": a.confirmed,
                     "voice": a.voice}
                    for a in answers],
        "question_states": {qid: states.get(qid, "open") for qid in QUESTION_IDS},
    })
    profile["next_steps"] = derive_next_steps(profile, today)
    validate_profile(profile)
    return profile
