"""Rasa NLU component: no crisis message may be lost to a low-confidence classification.

Runs after FallbackClassifier. A message becomes `crisis` when a precise crisis pattern
matches (data/gazetteer/crisis.yml), or when the classifier fell back, `crisis` was its best
guess and the message uses crisis vocabulary. The classifier's own `crisis` stands only when
the message uses crisis vocabulary (the broad `vocabulary` list of the same file); without it
the guess is taken back, so "ich bedanke mich" does not bring up the help numbers. Everything
else is left as it was.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message

from bot.settings import DATA_DIR

CRISIS = "crisis"
FALLBACK = "nlu_fallback"


@lru_cache(maxsize=1)
def _crisis_data() -> dict:
    return yaml.safe_load((DATA_DIR / "gazetteer" / "crisis.yml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def crisis_patterns() -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p) for p in _crisis_data()["patterns"])


@lru_cache(maxsize=1)
def crisis_vocabulary() -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in _crisis_data()["vocabulary"]))


def _lowered(text: str) -> str:
    return " ".join((text or "").lower().split())


def names_crisis(text: str) -> bool:
    """A precise crisis pattern matches: a crisis whatever the classifier said."""
    lowered = _lowered(text)
    return any(p.search(lowered) for p in crisis_patterns())


def uses_crisis_words(text: str) -> bool:
    """Some word that may point to danger, self-harm, violence or despair."""
    return crisis_vocabulary().search(_lowered(text)) is not None


def _taken_back(ranking: list[dict] | None, fallback_threshold: float) -> dict:
    """The classifier's best other guess, or the fallback when that is too unsure."""
    others = [r for r in (ranking or []) if r.get("name") not in (CRISIS, FALLBACK)]
    if others and float(others[0].get("confidence", 0)) >= fallback_threshold:
        return {"name": others[0]["name"], "confidence": float(others[0]["confidence"])}
    return {"name": FALLBACK, "confidence": fallback_threshold}


def guarded_intent(text: str, intent: dict | None, ranking: list[dict] | None,
                   min_runner_up: float = 0.15,
                   fallback_threshold: float = 0.3) -> dict | None:
    """The intent to use instead, or None to keep the classifier's."""
    name = (intent or {}).get("name")
    if names_crisis(text):
        return None if name == CRISIS else {"name": CRISIS, "confidence": 1.0}
    if name == CRISIS:
        return None if uses_crisis_words(text) else _taken_back(ranking, fallback_threshold)
    if name == FALLBACK and uses_crisis_words(text):
        best = [r for r in (ranking or []) if r.get("name") != FALLBACK][:1]
        for candidate in best:
            if candidate.get("name") == CRISIS and candidate.get("confidence", 0) >= min_runner_up:
                return {"name": CRISIS, "confidence": float(candidate["confidence"])}
    return None


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class CrisisGuard(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # fallback_threshold: as FallbackClassifier's threshold in config.yml
        return {"min_runner_up": 0.15, "fallback_threshold": 0.3}

    def __init__(self, config: dict[str, Any]) -> None:
        self.min_runner_up = float(config.get("min_runner_up", 0.15))
        self.fallback_threshold = float(config.get("fallback_threshold", 0.3))

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> CrisisGuard:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get("text") or ""
            ranking = message.get("intent_ranking")
            replacement = guarded_intent(text, message.get("intent"), ranking,
                                         self.min_runner_up, self.fallback_threshold)
            if replacement is not None:
                message.set("intent", replacement, add_to_output=True)
            intent = message.get("intent") or {}
            if ranking and intent.get("name") != CRISIS and not uses_crisis_words(text):
                # a crisis guess that was taken back (or not taken up after a fallback)
                # leaves the ranking too, so nothing downstream reads it as the best guess
                message.set("intent_ranking", [r for r in ranking if r.get("name") != CRISIS],
                            add_to_output=True)
        return messages
