"""The crisis help of the "Hilfe in Not" page, from the knowledge entry notfall.krise.

The numbers are data (data/knowledge/notfall.yml); this module only finds them in the text
so that the page can make them callable links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot import knowledge
from bot.easy_format import date_text

CRISIS_ENTRY = "notfall.krise"
# 3-4 digits, optionally followed by more groups of digits separated by single spaces
PHONE_NUMBER = re.compile(r"(?<![\d§.,])\d{3,4}(?: \d{1,4})*(?![\d])")


@dataclass(frozen=True)
class Segment:
    text: str
    tel: str | None = None        # the number to dial, if this segment is a phone number


@dataclass(frozen=True)
class CrisisHelp:
    title: str
    segments: tuple[Segment, ...]
    numbers: tuple[str, ...]
    source: str
    checked: str
    current: bool


def segments(text: str) -> tuple[Segment, ...]:
    parts: list[Segment] = []
    position = 0
    for match in PHONE_NUMBER.finditer(text):
        if match.start() > position:
            parts.append(Segment(text[position:match.start()]))
        parts.append(Segment(match.group(0), match.group(0).replace(" ", "")))
        position = match.end()
    if position < len(text):
        parts.append(Segment(text[position:]))
    return tuple(parts)


def crisis_help(easy: bool, today: date | None = None) -> CrisisHelp:
    item = knowledge.entry(CRISIS_ENTRY)
    wording = knowledge.current_text(CRISIS_ENTRY, easy, today)
    parts = segments(wording) if wording is not None else ()
    numbers = tuple(dict.fromkeys(p.text for p in parts if p.tel))
    return CrisisHelp(
        title=item.title, segments=parts, numbers=numbers, source=item.source,
        checked=date_text(item.checked, easy), current=wording is not None,
    )
