"""Labels for messages composed from data, in both registers (data/ui_texts.yml)."""

from __future__ import annotations

from functools import lru_cache

import yaml

from bot.settings import DATA_DIR


@lru_cache(maxsize=1)
def _texts() -> dict:
    return yaml.safe_load((DATA_DIR / "ui_texts.yml").read_text(encoding="utf-8"))


def label(name: str, easy: bool, **values: str) -> str:
    raw = _texts()[name]
    text = raw if isinstance(raw, str) else raw["easy" if easy else "standard"]
    return text.format(**values) if values else text


def links(name: str, easy: bool) -> list[dict[str, str]]:
    """A list of {title, href} in the chosen register."""
    return list(_texts()[name]["easy" if easy else "standard"])


def label_map(name: str) -> dict:
    """A mapping of labels (key → {standard, easy})."""
    return dict(_texts()[name])
