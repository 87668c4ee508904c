"""Facts about rights and offices, loaded from data/knowledge/*.yml.

Every entry carries its source, the date it was checked and a validity window; an entry
outside its window is never presented as current. `checked` is the day that entry was
checked against its source (not one date for all); `checked_how` may say how, and
`verify: true` marks an entry whose source nobody here has seen yet ("bitte prüfen").

Offices that no longer exist as named (data/knowledge/retired_offices.yml) are facts too:
`audit` reports any entry that still presents one as current.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from bot.catalogue import Text2
from bot.settings import DATA_DIR, get_settings
from bot.yaml_file import load_yaml

KNOWLEDGE_DIR = DATA_DIR / "knowledge"
RETIRED_OFFICES_FILE = KNOWLEDGE_DIR / "retired_offices.yml"
REQUIRED_FIELDS = (
    "id", "topic", "title", "text", "legal_refs", "source", "checked", "valid_from",
    "valid_until", "verify",
)
FAQ_TOPICS = (
    "persoenliches_budget", "widerspruch", "antrag", "gesamtplankonferenz", "eutb", "kosten",
    "datenschutz", "was_ist_das",
)


@dataclass(frozen=True)
class Entry:
    id: str
    topic: str
    faq: str | None
    title: str
    text: Text2
    legal_refs: tuple[str, ...]
    source: str
    checked: date
    valid_from: date | None
    valid_until: date | None
    verify: bool
    checked_how: str | None = None

    def is_current(self, today: date) -> bool:
        if self.valid_from and today < self.valid_from:
            return False
        return not (self.valid_until and today > self.valid_until)


class KnowledgeError(ValueError):
    pass


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def easy_lines(text: str) -> str:
    """Leichte Sprache keeps the author's lines: one sentence per line (YAML `|-`)."""
    return "\n".join(" ".join(line.split()) for line in str(text).splitlines() if line.strip())


def _entry(raw: dict, path: Path) -> Entry:
    missing = [name for name in REQUIRED_FIELDS if name not in raw]
    if missing:
        raise KnowledgeError(f"{path.name}: entry {raw.get('id')!r} lacks {missing}")
    text = raw["text"]
    if not text.get("standard") or not text.get("easy"):
        raise KnowledgeError(f"{path.name}: entry {raw['id']!r} needs standard and easy text")
    if not str(raw["source"] or "").strip() or raw["checked"] is None:
        raise KnowledgeError(f"{path.name}: entry {raw['id']!r} needs a source and a checked date")
    return Entry(
        id=raw["id"], topic=raw["topic"], faq=raw.get("faq"), title=raw["title"],
        text=Text2(" ".join(str(text["standard"]).split()), easy_lines(text["easy"])),
        legal_refs=tuple(raw["legal_refs"] or ()), source=raw["source"],
        checked=_as_date(raw["checked"]), valid_from=_as_date(raw["valid_from"]),
        valid_until=_as_date(raw["valid_until"]), verify=bool(raw["verify"]),
        checked_how=raw.get("checked_how"),
    )


@lru_cache(maxsize=4)
def load_entries(directory: Path = KNOWLEDGE_DIR) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    for path in sorted(directory.glob("*.yml")):
        for raw in load_yaml(path).get("entries", []):
            entry = _entry(raw, path)
            if entry.id in entries:
                raise KnowledgeError(f"duplicate knowledge id {entry.id!r}")
            entries[entry.id] = entry
    return entries


def entry(entry_id: str) -> Entry:
    return load_entries()[entry_id]


def faq_entry(topic: str) -> Entry:
    for item in load_entries().values():
        if item.faq == topic:
            return item
    raise KeyError(topic)


def current_text(entry_id: str, easy: bool, today: date | None = None) -> str | None:
    """The entry's text in the chosen register, or None when it is not valid today."""
    item = entry(entry_id)
    if not item.is_current(today or date.today()):
        return None
    return with_settings(item.text.get(easy))


# values of this deployment that a knowledge text may name: the text says what the service
# does, the setting says how long (LWIW_RETENTION_DAYS)
SETTING_PLACEHOLDERS = {"{retention_days}": lambda: str(get_settings().retention_days)}


def with_settings(text: str) -> str:
    for placeholder, value in SETTING_PLACEHOLDERS.items():
        if placeholder in text:
            text = text.replace(placeholder, value())
    return text


# --- offices that no longer exist as named ---------------------------------------------

SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class RetiredOffice:
    """An office name that ended on `ended` (e.g. a move to another authority). A sentence
    that names it is history only when it carries one of the `past_markers`."""

    id: str
    name: str
    ended: date
    successor: str
    patterns: tuple[re.Pattern[str], ...]
    past_markers: tuple[str, ...]
    source: str
    checked: date
    verify: bool

    def presented_as_current(self, text: str) -> list[str]:
        """The sentences of `text` that name this office without saying it is history."""
        found = []
        for sentence in SENTENCE.split(text or ""):
            lowered = sentence.lower()
            if any(p.search(lowered) for p in self.patterns) and not any(
                    marker in lowered for marker in self.past_markers):
                found.append(sentence.strip())
        return found


@lru_cache(maxsize=4)
def load_retired_offices(path: Path = RETIRED_OFFICES_FILE) -> tuple[RetiredOffice, ...]:
    raw = load_yaml(path) or {}
    offices = []
    for item in raw.get("retired_offices", []):
        missing = [k for k in ("id", "name", "ended", "successor", "patterns", "past_markers",
                               "source", "checked", "verify") if k not in item]
        if missing:
            raise KnowledgeError(f"{path.name}: office {item.get('id')!r} lacks {missing}")
        offices.append(RetiredOffice(
            id=item["id"], name=item["name"], ended=_as_date(item["ended"]),
            successor=item["successor"],
            patterns=tuple(re.compile(p, re.IGNORECASE) for p in item["patterns"]),
            past_markers=tuple(m.lower() for m in item["past_markers"]),
            source=item["source"], checked=_as_date(item["checked"]),
            verify=bool(item["verify"]),
        ))
    return tuple(offices)


def retired_office_mentions(text: str, today: date,
                            offices: tuple[RetiredOffice, ...] | None = None) -> list[str]:
    """Sentences of a user-facing text that present an office as current although it
    ended before `today`."""
    offices = load_retired_offices() if offices is None else offices
    return [f"{office.name}: {sentence}" for office in offices if today > office.ended
            for sentence in office.presented_as_current(text)]


def _entry_texts(item: Entry) -> list[str]:
    return [item.title, item.text.standard, item.text.easy, item.source]


def audit(today: date, entries: dict[str, Entry] | None = None,
          offices: tuple[RetiredOffice, ...] | None = None) -> list[str]:
    """What is wrong with the knowledge on `today` (empty when all is well).

    Every entry needs a source and an honest `checked` date: not after today, and not one
    date stamped on all entries. Its validity window must be ordered. An entry still valid
    after an office ended must not present that office as current.
    """
    entries = load_entries() if entries is None else entries
    offices = load_retired_offices() if offices is None else offices
    problems = []
    for item in entries.values():
        if not item.source.strip():
            problems.append(f"{item.id}: no source")
        if item.checked > today:
            problems.append(f"{item.id}: checked {item.checked} lies after today ({today})")
        if item.valid_from and item.valid_until and item.valid_until < item.valid_from:
            problems.append(f"{item.id}: valid_until before valid_from")
        if item.checked_how is not None and not item.checked_how.strip():
            problems.append(f"{item.id}: empty checked_how")
        for office in offices:
            if item.valid_until is not None and item.valid_until <= office.ended:
                continue  # a dated entry about the time before the change
            for text in _entry_texts(item):
                for sentence in office.presented_as_current(text):
                    problems.append(f"{item.id}: presents {office.name!r} as current "
                                    f"(ended {office.ended}): {sentence}")
    if len(entries) > 1 and len({item.checked for item in entries.values()}) == 1:
        problems.append("every entry carries the same checked date: give each entry the day "
                        "it was really checked against its source")
    for office in offices:
        if office.checked > today:
            problems.append(f"{office.id}: checked {office.checked} lies after today ({today})")
    return problems
