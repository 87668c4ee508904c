"""Copy of the public pages in both registers, loaded from bot/web/texts.yml."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

TEXTS_FILE = Path(__file__).with_name("texts.yml")
REGISTERS = ("standard", "easy")
# Leichte Sprache: every sentence on its own line (shown with white-space: pre-line)
SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[A-ZÄÖÜ„0-9])")


class TextsError(ValueError):
    pass


@lru_cache(maxsize=2)
def load_texts(path: Path = TEXTS_FILE) -> dict[str, dict[str, str]]:
    """Every key with its standard and easy wording; fails loudly if a variant is missing."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    texts: dict[str, dict[str, str]] = {}
    for key, variants in raw.items():
        if not isinstance(variants, dict) or any(
            not str(variants.get(name) or "").strip() for name in REGISTERS
        ):
            raise TextsError(f"{path.name}: {key!r} needs a standard and an easy text")
        standard = " ".join(str(variants["standard"]).split())
        easy = SENTENCE_END.sub("\n", " ".join(str(variants["easy"]).split()))
        texts[key] = {"standard": standard, "easy": easy}
    return texts


def page_texts(easy: bool) -> dict[str, str]:
    """All page copy in one register (for templates)."""
    register = "easy" if easy else "standard"
    return {key: variants[register] for key, variants in load_texts().items()}


def text(key: str, easy: bool, **values: object) -> str:
    wording = load_texts()[key]["easy" if easy else "standard"]
    return wording.format(**values) if values else wording
