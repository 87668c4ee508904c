"""Rasa NLU component: a second, linear opinion on the intent, blended with DIET's.

DIET on ~3,000 examples is often sure and wrong (confidence 1.0 on a neighbouring intent); a
logistic regression over word and character n-gram TF-IDF makes other mistakes. Averaging
the two probability distributions is better than either alone (bench/nlu_eval.py). Runs
after DIETClassifier and before FallbackClassifier, so the fallback and the guards see the
blended ranking.
"""

from __future__ import annotations

import pickle
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline, make_union

MODEL_FILE = "linear_intent.pkl"


def build_pipeline(c: float, seed: int) -> Pipeline:
    """Words and word pairs, and character 2–5-grams inside words (typos, dialect,
    compounds), both TF-IDF with sublinear counts, into a multinomial logistic regression."""
    return make_pipeline(
        make_union(
            TfidfVectorizer(lowercase=True, ngram_range=(1, 2), sublinear_tf=True),
            TfidfVectorizer(lowercase=True, analyzer="char_wb", ngram_range=(2, 5),
                            sublinear_tf=True),
        ),
        LogisticRegression(C=c, max_iter=5000, random_state=seed),
    )


def blend(diet: dict[str, float], linear: dict[str, float], weight: float) -> list[dict]:
    """`weight` × DIET + (1 − weight) × linear, best first. An intent missing from one
    ranking counts as 0 there."""
    names = set(diet) | set(linear)
    scores = {n: weight * diet.get(n, 0.0) + (1 - weight) * linear.get(n, 0.0) for n in names}
    return [{"name": n, "confidence": float(scores[n])}
            for n in sorted(names, key=lambda n: (-scores[n], n))]


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True
)
class LinearIntentBlender(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"diet_weight": 0.3, "C": 60.0, "random_seed": 42, "ranking_length": 10}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage,
                 resource: Resource, model: Pipeline | None = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> LinearIntentBlender:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        if len({m.get(INTENT) for m in examples}) < 2:
            return self._resource          # nothing to tell apart (e.g. core-only training)
        self.model = build_pipeline(float(self.config["C"]), int(self.config["random_seed"]))
        self.model.fit([m.get(TEXT) for m in examples], [m.get(INTENT) for m in examples])
        with self._model_storage.write_to(self._resource) as directory:
            (directory / MODEL_FILE).write_bytes(pickle.dumps(self.model))
        return self._resource

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> LinearIntentBlender:
        model = None
        try:
            with model_storage.read_from(resource) as directory:
                # our own file, written by train() into the model archive
                model = pickle.loads((directory / MODEL_FILE).read_bytes())  # noqa: S301
        except (ValueError, FileNotFoundError):
            pass                            # trained without intents: leave DIET alone
        return cls(config, model_storage, resource, model)

    def process(self, messages: list[Message]) -> list[Message]:
        if self.model is None:
            return messages
        texts = [m.get(TEXT) or "" for m in messages]
        probabilities = self.model.predict_proba(texts)
        classes = list(self.model.classes_)
        weight = float(self.config["diet_weight"])
        for message, row in zip(messages, probabilities, strict=True):
            diet = {r["name"]: float(r["confidence"])
                    for r in message.get(INTENT_RANKING_KEY) or []}
            if not diet and message.get(INTENT):
                diet = {message.get(INTENT)["name"]: float(message.get(INTENT)["confidence"])}
            if not diet:
                continue
            ranking = blend(diet, dict(zip(classes, map(float, row), strict=True)), weight)
            length = int(self.config["ranking_length"])
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking[:length] if length else ranking,
                        add_to_output=True)
        return messages
