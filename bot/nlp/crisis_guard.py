"""Rasa NLU component: no crisis message may be lost to a low-confidence classification.

Runs after FallbackClassifier. A message becomes `crisis` when a precise crisis pattern
matches (data/gazetteer/crisis.yml), or when the classifier fell back and `crisis` was among
its best guess. Everything else is left as it was.
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
def crisis_patterns() -> tuple[re.Pattern, ...]:
    data = yaml.safe_load((DATA_DIR / "gazetteer" / "crisis.yml").read_text(encoding="utf-8"))
    return tuple(re.compile(p) for p in data["patterns"])


def names_crisis(text: str) -> bool:
    lowered = " ".join((text or "").lower().split())
    return any(p.search(lowered) for p in crisis_patterns())


def guarded_intent(text: str, intent: dict | None, ranking: list[dict] | None,
                   min_runner_up: float = 0.15) -> dict | None:
    """The intent to use instead, or None to keep the classifier's."""
    name = (intent or {}).get("name")
    if name == CRISIS:
        return None
    if names_crisis(text):
        return {"name": CRISIS, "confidence": 1.0}
    if name == FALLBACK:
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
        return {"min_runner_up": 0.15}

    def __init__(self, config: dict[str, Any]) -> None:
        self.min_runner_up = float(config.get("min_runner_up", 0.15))

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> CrisisGuard:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            replacement = guarded_intent(
                message.get("text") or "", message.get("intent"),
                message.get("intent_ranking"), self.min_runner_up,
            )
            if replacement is not None:
                message.set("intent", replacement, add_to_output=True)
        return messages
