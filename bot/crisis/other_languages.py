"""Crisis signals in languages other than German (data/crisis/other_languages.yml).

The German layer cannot read a message in English, Turkish or Russian: its patterns are
German and its classifier gives any foreign sentence a low probability. A person who writes
"I don't want to live anymore" at night must still get the numbers and must not have it
filed as an answer. So these patterns count on their own, always as acute, and the reply
gets one sentence in the person's language before the German help text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.crisis.lexicon import sentence_window
from bot.crisis.normalize import fold, fold_letters
from bot.settings import DATA_DIR
from bot.yaml_file import load_yaml

OTHER_LANGUAGES_FILE = DATA_DIR / "crisis" / "other_languages.yml"
# the marker category that names the language ("language_en"), for the reply and the staff
LANGUAGE_PREFIX = "language_"


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    reply: str
    negations: tuple[re.Pattern, ...]
    categories: dict[str, tuple[re.Pattern, ...]]

    def categories_in(self, folded: str) -> list[str]:
        """The categories whose patterns match `folded` outside a negated sentence."""
        found = []
        for category, patterns in self.categories.items():
            if any(self._counts(pattern, folded) for pattern in patterns):
                found.append(category)
        return found

    def _counts(self, pattern: re.Pattern, folded: str) -> bool:
        for match in pattern.finditer(folded):
            start, end = sentence_window(folded, match.span())
            if not any(n.search(folded[start:end]) for n in self.negations):
                return True
        return False


@dataclass(frozen=True)
class Found:
    language: str
    categories: tuple[str, ...]


def _compile(patterns: list[str] | None) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(fold_letters(p)) for p in patterns or [])


@lru_cache(maxsize=1)
def languages() -> tuple[Language, ...]:
    data = load_yaml(OTHER_LANGUAGES_FILE)
    return tuple(
        Language(code, entry["name"], entry["reply"], _compile(entry.get("negations")),
                 {category: _compile(patterns)
                  for category, patterns in entry["categories"].items()})
        for code, entry in data["languages"].items())


def signals(text: str) -> Found | None:
    """The first language whose crisis patterns the message matches, with its categories."""
    folded = fold(text)
    for language in languages():
        categories = language.categories_in(folded)
        if categories:
            return Found(language.code, tuple(categories))
    return None


def reply_for(categories: list[str] | tuple[str, ...]) -> str | None:
    """The sentence in the person's language for a marker's categories, if one names it."""
    codes = [c[len(LANGUAGE_PREFIX):] for c in categories if c.startswith(LANGUAGE_PREFIX)]
    for language in languages():
        if language.code in codes:
            return language.reply
    return None
