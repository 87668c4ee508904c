"""The crisis layer: every message, in every state, is assessed before a form may take it
as an answer (DESIGN.md § 3, "Crisis comes before everything").

Two opinions on the message normalised once: the lexicon (data/crisis/signals.yml:
patterns per category with idioms and exclusions) names the category and so the level; the
dedicated classifiers (bot/crisis/classifier.py) catch indirect phrasings no pattern names
and guess their category, which then sets the level. The Rasa NLU component
(bot/nlp/crisis_guard.py) and the action server's answer checks both call `assess`, so the
same message gets the same answer on every path.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.crisis import classifier
from bot.crisis.lexicon import lexicon

ACUTE = "acute"
CONCERN = "concern"
# the classifier alone makes a message a concern above this probability (chosen on the
# development part of tests/data/crisis; bench/crisis_eval.py)
CLASSIFIER_THRESHOLD = 0.92
# the intent classifier's own "crisis" counts when this classifier agrees at least this much
INTENT_AGREEMENT = 0.75
MAX_CHARS = 4000


@dataclass(frozen=True)
class Assessment:
    level: str                       # "acute" or "concern"
    # from the lexicon; (guessed category, "classifier") when only the classifier fired
    categories: tuple[str, ...]
    probability: float

    def as_dict(self) -> dict:
        return {"level": self.level, "categories": list(self.categories),
                "probability": round(self.probability, 4)}


def assess(text: str, intent_says_crisis: bool = False) -> Assessment | None:
    """The crisis level of a message, or None. `intent_says_crisis`: the main intent
    classifier's vote, which counts only when this layer's classifier half agrees."""
    text = (text or "")[:MAX_CHARS]
    if not text.strip():
        return None
    words = lexicon()
    normal = words.normalised(text)
    categories = tuple(dict.fromkeys(s.category for s in words.signals_in(normal)))
    probability = classifier.probability(normal)
    if categories:
        level = ACUTE if any(words.levels[c] == ACUTE for c in categories) else CONCERN
        return Assessment(level, categories, probability)
    if probability >= CLASSIFIER_THRESHOLD or (
            intent_says_crisis and probability >= INTENT_AGREEMENT):
        # the classifier's category decides the level and which help fits (a third
        # person, violence); "classifier" marks that no pattern named it
        guessed = classifier.category(normal)
        return Assessment(words.levels.get(guessed, CONCERN), (guessed, "classifier"),
                          probability)
    return None
