"""Structured items derived from the verbatim answers, with keys that stay the same
across runs ("social:<answer_id>:<n>").

An answer whose only item would repeat the whole answer ("Sport, Gesundheit und
Familie") is read back as a whole ("answer:<id>"), exactly as before there were items.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from bot.extraction import Extraction, Location, district_of, extract
from bot.storage.repository import AnswerView

# category of a statement kind, per question
STATEMENT_CATEGORY = {
    "important": "important", "change": "change", "goal": "goal", "ability": "personal",
    "limitation": "personal", "wished": "professional", "received": "professional",
    "contribution": "contribution",
}
TEXT_CATEGORIES = ("important", "change", "goal", "personal", "professional", "contribution")


@dataclass(frozen=True)
class Item:
    key: str
    category: str
    answer_id: int
    question_id: str
    text: str  # the person's words the item came from
    data: dict = field(default_factory=dict)


@dataclass
class AnswerItems:
    """An answer with its items. `whole`: the answer is read back in its own words, not
    item by item, and its items share the answer's confirmation."""

    answer: AnswerView
    extraction: Extraction
    items: list[Item]
    whole: bool


def _key(category: str, answer_id: int, counters: dict[str, int]) -> str:
    number = counters.get(category, 0)
    counters[category] = number + 1
    return f"{category}:{answer_id}:{number}"


def _plain(text: str) -> str:
    return re.sub(r"[\s.!?…]+$", "", " ".join(text.split())).lower()


def items_of(answer: AnswerView, extraction: Extraction) -> tuple[list[Item], bool]:
    """The items of one answer, in a fixed order (statements, people, aids, places), and
    whether the answer is better read back as a whole: nothing was found, or the only
    item repeats the whole answer."""
    counters: dict[str, int] = {}
    items: list[Item] = []

    def add(category: str, text: str, data: dict) -> None:
        items.append(Item(_key(category, answer.id, counters), category, answer.id,
                          answer.question_id, text, data))

    for statement in extraction.statements:
        category = STATEMENT_CATEGORY[statement.kind]
        data: dict = {"text": statement.text}
        if category == "goal":
            data.update(start=statement.start, start_date=statement.start_date)
        elif category in ("personal", "professional"):
            data["kind"] = statement.kind
        add(category, statement.text, data)
    for person in extraction.people:
        add("social", person.text, {
            "who": person.who, "relation": person.relation, "sector": person.sector,
            "helps_with": person.helps_with, "helper": person.helper, "text": person.text})
    for aid in extraction.aids:
        add("aid", aid.text, {"aid": aid.aid, "label": aid.label, "category": aid.category,
                              "status": aid.status, "words": aid.words, "text": aid.text})
    for place in extraction.places:
        add("place", place.text, {"kind": place.kind, "label": place.label,
                                  "status": place.status, "words": place.words,
                                  "quarter": place.quarter, "text": place.text})
    trivial = (len(items) == 1 and items[0].category in TEXT_CATEGORIES
               and not items[0].data.get("start")
               and _plain(items[0].text) == _plain(answer.text))
    return items, trivial or not items


def derive(answers: Iterable[AnswerView], today: date | None = None) -> list[AnswerItems]:
    today = today or date.today()
    result = []
    for answer in answers:
        extraction = extract(answer.text, answer.question_id, today=today)
        result.append(AnswerItems(answer, extraction, *items_of(answer, extraction)))
    _add_home(result)
    return result


def _add_home(derived: list[AnswerItems]) -> None:
    """Where the person lives, once: the first "ich wohne in …", else the first
    Stadtteil or Bezirk named in an answer about the neighbourhood."""
    candidates = [(entry, n, loc) for entry in derived
                  for n, loc in enumerate(entry.extraction.locations)]
    chosen = next(((e, n, loc) for e, n, loc in candidates if loc.home), None) or next(
        ((e, n, loc) for e, n, loc in candidates if e.answer.question_id == "neighbourhood"),
        None)
    if chosen is None:
        return
    entry, number, location = chosen
    if not entry.items:
        entry.whole = False  # "Ich wohne in Barmbek." is read back as where the person lives
    entry.items.append(Item(f"quarter:{entry.answer.id}:{number}", "quarter", entry.answer.id,
                            entry.answer.question_id, entry.answer.text,
                            location_data(location)))


def location_data(location: Location) -> dict:
    district = location.district or (district_of(location.quarter) if location.quarter else None)
    return {"quarter": location.quarter or (location.words if location.candidates else None),
            "district": district, "words": location.words,
            "candidates": list(location.candidates)}


def correct_item(item: Item, text: str, today: date | None = None) -> dict:
    """The item's fields after the person corrected it in their own words.

    The correction is read like an answer to the same question; if it yields an item of
    the same kind, that one is taken, otherwise the fields stay and only the words change.
    """
    question_id = "people" if item.category == "social" else item.question_id
    extraction = extract(text, question_id, today=today)
    data = dict(item.data)
    data["text"] = text
    if item.category == "social" and extraction.people:
        person = extraction.people[0]
        data.update(who=person.who, relation=person.relation, sector=person.sector,
                    helps_with=person.helps_with)
    elif item.category == "aid" and extraction.aids:
        aid = extraction.aids[0]
        data.update(aid=aid.aid, label=aid.label, category=aid.category, status=aid.status,
                    words=aid.words)
    elif item.category == "place" and extraction.places:
        place = extraction.places[0]
        data.update(kind=place.kind, label=place.label, status=place.status, words=place.words)
    elif item.category == "quarter" and extraction.locations:
        data.update(location_data(extraction.locations[0]))
    elif item.category == "goal":
        goals = [s for s in extraction.statements if s.start]
        data.update(start=goals[0].start if goals else None,
                    start_date=goals[0].start_date if goals else None)
    return data
