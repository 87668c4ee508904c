"""Facts about rights and offices, loaded from data/knowledge/*.yml.

Every entry carries its source, the date it was checked and a validity window; an entry
outside its window is never presented as current.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from bot.catalogue import Text2
from bot.settings import DATA_DIR

KNOWLEDGE_DIR = DATA_DIR / "knowledge"
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


def _entry(raw: dict, path: Path) -> Entry:
    missing = [name for name in REQUIRED_FIELDS if name not in raw]
    if missing:
        raise KnowledgeError(f"{path.name}: entry {raw.get('id')!r} lacks {missing}")
    text = raw["text"]
    if not text.get("standard") or not text.get("easy"):
        raise KnowledgeError(f"{path.name}: entry {raw['id']!r} needs standard and easy text")
    return Entry(
        id=raw["id"], topic=raw["topic"], faq=raw.get("faq"), title=raw["title"],
        text=Text2(" ".join(str(text["standard"]).split()), " ".join(str(text["easy"]).split())),
        legal_refs=tuple(raw["legal_refs"] or ()), source=raw["source"],
        checked=_as_date(raw["checked"]), valid_from=_as_date(raw["valid_from"]),
        valid_until=_as_date(raw["valid_until"]), verify=bool(raw["verify"]),
    )


@lru_cache(maxsize=4)
def load_entries(directory: Path = KNOWLEDGE_DIR) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    for path in sorted(directory.glob("*.yml")):
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")).get("entries", []):
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
    return item.text.get(easy)
