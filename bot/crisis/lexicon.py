"""Crisis signals from data/crisis/signals.yml: patterns per category, idioms that are
removed first, and exclusions (negation, plain reasons) that cancel a match in its sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.crisis.normalize import fold, fold_letters, normalise
from bot.settings import DATA_DIR
from bot.yaml_file import load_yaml

SIGNALS_FILE = DATA_DIR / "crisis" / "signals.yml"
# sentence windows for exclusions: sentence marks, line breaks and a contrasting "aber"
_SENTENCE_BREAK = re.compile(r"[.!?;\n]+\s|\s(?:aber|doch|trotzdem)\s|[.!?;]+$")


@dataclass(frozen=True)
class Signal:
    category: str
    pattern: str
    span: tuple[int, int]        # in the normalised text


@dataclass(frozen=True)
class Lexicon:
    levels: dict[str, str]
    spellings: dict[str, str]
    idioms: tuple[re.Pattern, ...]
    categories: dict[str, tuple[re.Pattern, ...]]
    exclusions: tuple[re.Pattern, ...]
    # (past, now, unless): a crisis told as past and overcome, for the classifier's doubt band
    past_overcome: tuple[re.Pattern, re.Pattern, re.Pattern]
    source: str
    checked: str

    def normalised(self, text: str) -> str:
        """Normalised text with idioms blanked out (so no pattern sees them)."""
        result = normalise(text, self.spellings)
        for idiom in self.idioms:
            result = idiom.sub(lambda m: " " * len(m.group(0)), result)
        return result

    def signals(self, text: str) -> list[Signal]:
        """Every category pattern that matches and is not cancelled in its sentence."""
        return self.signals_in(self.normalised(text))

    def signals_in(self, normal: str) -> list[Signal]:
        """`signals` of a text already normalised (`normalised`)."""
        found: list[Signal] = []
        for category, patterns in self.categories.items():
            for pattern in patterns:
                for match in pattern.finditer(normal):
                    if not self._excluded(normal, match.span()):
                        found.append(Signal(category, pattern.pattern, match.span()))
                        break
        return found

    def told_as_overcome(self, normal: str) -> bool:
        """The message places a crisis in the past and says it is better now, and does not
        say it is back (`normal` as `normalised` gives it)."""
        past, now, unless = self.past_overcome
        return bool(past.search(normal) and now.search(normal) and not unless.search(normal))

    def _excluded(self, normal: str, span: tuple[int, int]) -> bool:
        start, end = sentence_window(normal, span)
        window = normal[start:end]
        return any(e.search(window) for e in self.exclusions)


def sentence_window(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """The sentence window around a match (the match itself may cross a break)."""
    start, end = 0, len(text)
    for mark in _SENTENCE_BREAK.finditer(text):
        if mark.end() <= span[0]:
            start = mark.end()
        elif mark.start() >= span[1]:
            end = mark.start()
            break
    return start, end


def _compile(patterns: list[str]) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(fold_letters(p)) for p in patterns)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    data = load_yaml(SIGNALS_FILE)
    spellings = {fold(variant): fold(word) for word, variants in data["spellings"].items()
                 for variant in variants}
    return Lexicon(
        levels=dict(data["levels"]),
        spellings=spellings,
        idioms=_compile(data["idioms"]),
        categories={name: _compile(patterns)
                    for name, patterns in data["categories"].items()},
        exclusions=_compile(data["exclusions"]),
        past_overcome=_compile([data["past_overcome"][k] for k in ("past", "now", "unless")]),
        source=data["source"],
        checked=str(data["checked"]),
    )
