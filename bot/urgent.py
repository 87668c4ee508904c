"""Acute needs: which kind of urgent help a message is about (data/gazetteer/urgent.yml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.settings import DATA_DIR
from bot.yaml_file import load_yaml

# shown when a person says something is urgent but not what
DEFAULT_CATEGORIES = ("housing", "money", "violence")


@dataclass(frozen=True)
class Category:
    name: str
    pointer: str
    keywords: frozenset[str]
    phrases: tuple[str, ...]


@lru_cache(maxsize=1)
def categories() -> dict[str, Category]:
    data = load_yaml(DATA_DIR / "gazetteer" / "urgent.yml")
    return {
        item["category"]: Category(
            name=item["category"], pointer=item["pointer"],
            keywords=frozenset(str(k).lower() for k in item["keywords"]),
            phrases=tuple(str(p).lower() for p in item.get("phrases") or ()),
        )
        for item in data["categories"]
    }


def categorize(text: str) -> list[str]:
    """Categories whose keywords or phrases occur in the text, in data order."""
    lowered = " ".join((text or "").lower().split())
    words = set(re.findall(r"[\wäöüß-]+", lowered))
    return [
        category.name for category in categories().values()
        if words & category.keywords or any(phrase in lowered for phrase in category.phrases)
    ]


def pointers(found: list[str]) -> list[str]:
    """Knowledge entry ids to show, without repeats."""
    names = found or list(DEFAULT_CATEGORIES)
    result: list[str] = []
    for name in names:
        pointer = categories()[name].pointer
        if pointer not in result:
            result.append(pointer)
    return result
