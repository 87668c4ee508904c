"""Resume codes: WORD-WORD-NN, readable over the phone and easy to write down."""

from __future__ import annotations

import re
import secrets
from functools import lru_cache

import yaml

from bot.settings import DATA_DIR

CODE_PATTERN = re.compile(r"\b([A-Za-zÄÖÜäöü]{2,12})-([A-Za-zÄÖÜäöü]{2,12})-(\d{2})\b")


@lru_cache(maxsize=1)
def _words() -> tuple[str, ...]:
    data = yaml.safe_load((DATA_DIR / "resume_words.yml").read_text(encoding="utf-8"))
    return tuple(data["words"])


def make_code() -> str:
    words = _words()
    first, second = secrets.choice(words), secrets.choice(words)
    while second == first:
        second = secrets.choice(words)
    return f"{first}-{second}-{secrets.randbelow(90) + 10}"


def find_code(text: str) -> str | None:
    """The first thing in `text` that looks like a resume code, normalised to upper case."""
    match = CODE_PATTERN.search(text or "")
    if not match:
        return None
    return "-".join(part.upper() for part in match.groups())
