"""Rasa NLU component: a short message that contains a resume code is a resume request.

People often paste only their code ("HAFEN-KRAN-42"); the classifier has no words to go on,
but the code's shape is unmistakable. Runs before the crisis guard, which always wins.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message

from bot.resume_codes import find_code

RESUME = "resume"
MAX_WORDS = 8


def guarded_intent(text: str, intent: dict | None) -> dict | None:
    """The resume intent for a short message with a code, or None to keep the classifier's."""
    if (intent or {}).get("name") in (RESUME, "crisis"):
        return None
    if find_code(text) and len((text or "").split()) <= MAX_WORDS:
        return {"name": RESUME, "confidence": 1.0}
    return None


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class ResumeGuard(GraphComponent):
    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> ResumeGuard:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            replacement = guarded_intent(message.get("text") or "", message.get("intent"))
            if replacement is not None:
                message.set("intent", replacement, add_to_output=True)
        return messages
