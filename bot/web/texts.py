"""Copy of the public pages in both registers (texts/web.yml, read through bot.texts).

The pages want the wording in one line per text, and Leichte Sprache with every sentence on
its own line; this module shapes the texts of the file so."""

from __future__ import annotations

import re
from functools import lru_cache

from bot import texts
from bot.texts import REGISTERS, TextsError

__all__ = ["REGISTERS", "TextsError", "load_texts", "page_texts", "text"]

# Leichte Sprache: every sentence on its own line (shown with white-space: pre-line)
SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[A-ZÄÖÜ„0-9])")


@lru_cache(maxsize=1)
def load_texts() -> dict[str, dict[str, str]]:
    """Every key with its standard and easy wording; fails loudly if a variant is missing."""
    shaped: dict[str, dict[str, str]] = {}
    for key in texts.load("web"):
        standard = " ".join(str(texts.pick("web", key, "standard")).split())
        easy = " ".join(str(texts.pick("web", key, "easy")).split())
        if not standard or not easy:
            raise TextsError(f"texts/web.yml: {key!r} needs a standard and an easy text")
        shaped[key] = {"standard": standard, "easy": SENTENCE_END.sub("\n", easy)}
    return shaped


def page_texts(easy: bool) -> dict[str, str]:
    """All page copy in one register (for templates)."""
    register = "easy" if easy else "standard"
    return {key: variants[register] for key, variants in load_texts().items()}


def text(key: str, easy: bool, **values: object) -> str:
    wording = load_texts()[key]["easy" if easy else "standard"]
    return wording.format(**values) if values else wording
