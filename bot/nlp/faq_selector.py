"""Rasa's ResponseSelector for `faq/*`, run only for messages classified as `faq`.

The selector picks the FAQ topic; only `action_faq` reads it, and only after a message whose
intent is `faq`. Rasa runs it on every message all the same: a second neural network
inference per message, about a tenth of the Rasa server's CPU time per message (py-spy under
bench/conversation_load.py). The intent is final when the selector runs (it follows the
classifiers in config.yml), so for any other intent it is skipped; training and what it
predicts for an FAQ question are Rasa's own.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class FaqResponseSelector(ResponseSelector):
    def process(self, messages: list[Message]) -> list[Message]:
        retrieval_intent = self.retrieval_intent
        asked = [m for m in messages
                 if (m.get(INTENT) or {}).get(INTENT_NAME_KEY) == retrieval_intent]
        if asked:
            super().process(asked)
        return messages
