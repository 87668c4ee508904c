"""Rasa NLU component: the crisis layer (bot/crisis) decides whether a message is a crisis,
whatever the intent classifier said.

Runs last in the pipeline. A message the crisis layer assesses as acute or concern becomes
intent `crisis`, and the assessment (level, categories) travels in the parse data under
`crisis` for action_crisis. A `crisis` guess of the intent classifier that the crisis layer
does not confirm is taken back (the best other intent, or the fallback), so "ich lach mich
tot" never brings up the help numbers and no form ever sees a crisis as an answer.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message

from bot.crisis import assess

CRISIS = "crisis"
FALLBACK = "nlu_fallback"
PARSE_KEY = "crisis"


def _taken_back(ranking: list[dict] | None, fallback_threshold: float) -> dict:
    """The classifier's best other guess, or the fallback when that is too unsure."""
    others = [r for r in (ranking or []) if r.get("name") not in (CRISIS, FALLBACK)]
    if others and float(others[0].get("confidence", 0)) >= fallback_threshold:
        return {"name": others[0]["name"], "confidence": float(others[0]["confidence"])}
    return {"name": FALLBACK, "confidence": fallback_threshold}


def guarded_intent(text: str, intent: dict | None, ranking: list[dict] | None,
                   fallback_threshold: float = 0.3) -> tuple[dict | None, dict | None]:
    """(the intent to use instead or None to keep it, the crisis assessment or None)."""
    name = (intent or {}).get("name")
    voted = name == CRISIS or any(
        r.get("name") == CRISIS and float(r.get("confidence", 0)) >= 0.5
        for r in (ranking or [])[:1])
    assessment = assess(text, intent_says_crisis=voted)
    if assessment is not None:
        replacement = None if name == CRISIS else {"name": CRISIS, "confidence": 1.0}
        return replacement, assessment.as_dict()
    if name == CRISIS:
        return _taken_back(ranking, fallback_threshold), None
    return None, None


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class CrisisGuard(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # fallback_threshold: as FallbackClassifier's threshold in config.yml
        return {"fallback_threshold": 0.3}

    def __init__(self, config: dict[str, Any]) -> None:
        self.fallback_threshold = float(config.get("fallback_threshold", 0.3))

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> CrisisGuard:
        return cls(config)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> CrisisGuard:
        guard = cls(config)
        assess("ich will nicht mehr leben")    # train the crisis classifier at start-up
        return guard

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get("text") or ""
            ranking = message.get("intent_ranking")
            replacement, assessment = guarded_intent(text, message.get("intent"), ranking,
                                                     self.fallback_threshold)
            if replacement is not None:
                message.set("intent", replacement, add_to_output=True)
            if assessment is not None:
                message.set(PARSE_KEY, assessment, add_to_output=True)
            elif ranking:
                # a crisis guess not confirmed leaves the ranking too, so nothing
                # downstream reads it as the best guess
                message.set("intent_ranking", [r for r in ranking if r.get("name") != CRISIS],
                            add_to_output=True)
        return messages
