"""Rasa NLU component: a short message that contains a resume code is a resume request.

People often paste only their code ("HAFEN-KRAN-MOND-TEE-42", also "hafen kran mond tee 42");
the classifier has no words to go on, but four code words and a number are unmistakable. Runs
before the crisis guard, which always wins. `find_code` runs here at run time: a new word list
or code format needs no new model.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message

from bot.resume_codes import find_code_in

RESUME = "resume"
MAX_WORDS = 8                 # the code counts as one word, however it is written


def guarded_intent(text: str, intent: dict | None) -> dict | None:
    """The resume intent for a short message with a code, or None to keep the classifier's."""
    if (intent or {}).get("name") in (RESUME, "crisis"):
        return None
    found = find_code_in(text)
    if found and len(found.rest.split()) + 1 <= MAX_WORDS:
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
