"""Structured items derived from the verbatim answers, with keys that stay the same
across runs ("social:<answer_id>:<n>").

An answer whose only item would repeat the whole answer ("Sport, Gesundheit und
Familie") is read back as a whole ("answer:<id>"), exactly as before there were items.

Keys and the person's decisions: a decision (confirmed, corrected, removed) is stored by
item key. Profile version 2 reads the status of aids, places, abilities, professional
help and the home differently, so those items get new key prefixes (KEY_PREFIX): a
decision made on a version-1 item can never attach to a different version-2 item.
Corrections made on version-1 items are carried over by bot/profile/migrate.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from bot.extraction import Extraction, Location, district_of, extract, gazetteer
from bot.extraction.writer import writer_view
from bot.storage.repository import AnswerView

# category of a statement kind, per question
STATEMENT_CATEGORY = {
    "important": "important", "change": "change", "goal": "goal", "ability": "personal",
    "limitation": "personal", "contribution": "contribution",
}
TEXT_CATEGORIES = ("important", "change", "goal", "personal", "contribution")
# key prefixes of the categories whose reading changed in profile version 2 (see above)
KEY_PREFIX = {"personal": "personal_v2", "professional": "help", "aid": "aid_v2",
              "place": "place_v2", "quarter": "home"}
V1_PREFIX = {"personal_v2": "personal", "help": "professional", "aid_v2": "aid",
             "place_v2": "place", "home": "quarter"}


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
    return f"{KEY_PREFIX.get(category, category)}:{answer_id}:{number}"


def span_of(answer_text: str, text: str, span: tuple[int, int]) -> list[int] | None:
    """The item's words as [start, end] offsets in the answer, when they are exactly there."""
    start, end = span
    if end > start and answer_text[start:end] == text:
        return [start, end]
    found = answer_text.find(text) if text else -1
    return [found, found + len(text)] if found >= 0 else None


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

    def where(text: str, span: tuple[int, int]) -> list[int] | None:
        return span_of(answer.text, text, span)

    for statement in extraction.statements:
        category = STATEMENT_CATEGORY[statement.kind]
        data: dict = {"text": statement.text, "span": where(statement.text, statement.span)}
        if category == "goal":
            data.update(start=statement.start, start_date=statement.start_date,
                        move_to=statement.move_to)
        elif category == "personal":
            data["kind"] = statement.kind
        add(category, statement.text, data)
    for help_item in extraction.professional:
        add("professional", help_item.text, {
            "help": help_item.help, "label": help_item.label, "kind": help_item.status,
            "words": help_item.words, "text": help_item.text, "start": help_item.start,
            "start_date": help_item.start_date, "span": where(help_item.text, help_item.span)})
    for person in extraction.people:
        add("social", person.text, {
            "who": person.who, "relation": person.relation, "sector": person.sector,
            "helps_with": person.helps_with, "helper": person.helper, "text": person.text,
            "span": where(person.text, person.span)})
    for aid in extraction.aids:
        add("aid", aid.text, {"aid": aid.aid, "label": aid.label, "category": aid.category,
                              "status": aid.status, "words": aid.words, "text": aid.text,
                              "start": aid.start, "start_date": aid.start_date,
                              "span": where(aid.text, aid.span)})
    for place in extraction.places:
        add("place", place.text, {"kind": place.kind, "label": place.label,
                                  "status": place.status, "words": place.words,
                                  "quarter": place.quarter, "barrier": place.barrier,
                                  "text": place.text, "start": place.start,
                                  "start_date": place.start_date,
                                  "span": where(place.text, place.span)})
    trivial = (len(items) == 1 and items[0].category in TEXT_CATEGORIES
               and not items[0].data.get("start")
               and _plain(items[0].text) == _plain(answer.text))
    return items, trivial or not items


@dataclass(frozen=True)
class WriterSide:
    """Someone writes for the person: who they are to the person (issue 16)."""

    relation: str   # the gazetteer's relation key ("mother")
    who: str        # how the profile names them ("Mutter")


def derive(answers: Iterable[AnswerView], today: date | None = None,
           writer: WriterSide | None = None) -> list[AnswerItems]:
    """The items of each answer. `writer`: someone writes for the person; in the
    answers in their words (`voice` writer) their own "ich" is them, not the person."""
    today = today or date.today()
    result = []
    for answer in answers:
        extraction = extract(answer.text, answer.question_id, today=today)
        if writer is not None and answer.voice == "writer":
            sector = gazetteer().relations.get(writer.relation, {}).get("sector", "family")
            extraction = writer_view(extraction, writer.relation, writer.who, sector)
        result.append(AnswerItems(answer, extraction, *items_of(answer, extraction)))
    _add_home(result)
    return result


def _add_home(derived: list[AnswerItems]) -> None:
    """Where the person lives now, once: the latest answer that says so ("ich wohne in …",
    "bei uns in …"). A Stadtteil the person only names, used to live in or wishes to move
    to is not their home (a wish to move is a goal, see extraction)."""
    candidates = [(entry, n, loc) for entry in derived
                  for n, loc in enumerate(entry.extraction.locations) if loc.home]
    if not candidates:
        return
    entry, number, location = candidates[-1]
    if not entry.items:
        entry.whole = False  # "Ich wohne in Barmbek." is read back as where the person lives
    entry.items.append(Item(f"{KEY_PREFIX['quarter']}:{entry.answer.id}:{number}", "quarter",
                            entry.answer.id, entry.answer.question_id, location.text
                            or entry.answer.text, location_data(location, entry.answer.text)))


def location_data(location: Location, answer_text: str = "") -> dict:
    district = location.district or (district_of(location.quarter) if location.quarter else None)
    return {"quarter": location.quarter or (location.words if location.candidates else None),
            "district": district, "words": location.words,
            "candidates": list(location.candidates), "text": location.text,
            "span": span_of(answer_text, location.text, location.span) if answer_text else None}


def correct_item(item: Item, text: str, today: date | None = None) -> dict:
    """The item's fields after the person corrected it in their own words.

    The correction is read like an answer to the same question; if it yields an item of
    the same kind, that one is taken, otherwise the fields stay and only the words change.
    """
    question_id = {"social": "people", "professional": "professional",
                   "place": "neighbourhood"}.get(item.category, item.question_id)
    extraction = extract(text, question_id, today=today)
    data = dict(item.data)
    data["text"] = text
    data["span"] = None  # the correction's words are not a part of the answer
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
        data.update(kind=place.kind, label=place.label, status=place.status, words=place.words,
                    barrier=place.barrier)
    elif item.category == "professional" and extraction.professional:
        help_item = extraction.professional[0]
        data.update(help=help_item.help, label=help_item.label, kind=help_item.status,
                    words=help_item.words)
    elif item.category == "personal":
        kinds = {s.kind for s in extraction.statements if s.kind in ("ability", "limitation")}
        if len(kinds) == 1:
            data["kind"] = kinds.pop()
    elif item.category == "quarter" and extraction.locations:
        location = extraction.residence or extraction.locations[0]
        data.update({k: v for k, v in location_data(location).items() if k != "text"})
    elif item.category == "goal":
        goals = [s for s in extraction.statements if s.start]
        data.update(start=goals[0].start if goals else None,
                    start_date=goals[0].start_date if goals else None)
    return data
