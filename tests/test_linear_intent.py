"""bot/nlp/linear_intent.py: the linear second opinion, trained, stored in a real Rasa model
storage, loaded again and blended with a DIET-style ranking."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.linear_intent import LinearIntentBlender, blend

EXAMPLES = {
    "greet": ["hallo", "moin", "guten tag", "hi", "servus", "moin moin", "hallo zusammen"],
    "pause": ["ich mache eine pause", "pause bitte", "später weiter", "ich brauche eine pause",
              "kurze pause", "ich muss weg, später weiter", "pause machen"],
    "inform": ["meine schwester hilft mir", "ich wohne in altona", "ich kann gut kochen",
               "mit dem rollator gehe ich einkaufen", "ich möchte allein wohnen",
               "mein nachbar geht mit mir spazieren", "ich singe im chor"],
}


def test_blend_weights_both_and_sorts():
    ranking = blend({"a": 1.0, "b": 0.0}, {"a": 0.2, "b": 0.8}, weight=0.3)
    assert [r["name"] for r in ranking] == ["b", "a"]
    assert ranking[0]["confidence"] == pytest.approx(0.56)
    assert ranking[1]["confidence"] == pytest.approx(0.44)
    # an intent DIET did not rank counts as 0 there
    assert blend({"a": 1.0}, {"c": 1.0}, 0.5) == [{"name": "a", "confidence": 0.5},
                                                   {"name": "c", "confidence": 0.5}]


@pytest.fixture()
def storage(tmp_path):
    (tmp_path / "storage").mkdir()
    return LocalModelStorage(tmp_path / "storage")


def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test")


def trained(storage) -> Resource:
    resource = Resource("linear")
    blender = LinearIntentBlender.create({}, storage, resource, context())
    data = TrainingData([Message.build(text=t, intent=i)
                         for i, texts in EXAMPLES.items() for t in texts])
    return blender.train(data)


def message(text: str, diet: dict[str, float]) -> Message:
    m = Message.build(text=text)
    ranking = [{"name": n, "confidence": c} for n, c in diet.items()]
    m.set("intent", ranking[0])
    m.set("intent_ranking", ranking)
    return m


def test_trained_model_is_stored_loaded_and_corrects_a_sure_diet(storage):
    resource = trained(storage)
    loaded = LinearIntentBlender.load({"diet_weight": 0.3}, storage, resource, context())
    # DIET sure and wrong: a pause request taken for an answer
    [out] = loaded.process([message("ich brauche jetzt eine pause",
                                    {"inform": 0.9, "pause": 0.1})])
    assert out.get("intent")["name"] == "pause"
    ranking = out.get("intent_ranking")
    assert {r["name"] for r in ranking} == {"greet", "pause", "inform"}
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)
    assert ranking == sorted(ranking, key=lambda r: -r["confidence"])


def test_diet_alone_decides_with_weight_one(storage):
    resource = trained(storage)
    loaded = LinearIntentBlender.load({"diet_weight": 1.0}, storage, resource, context())
    [out] = loaded.process([message("ich brauche jetzt eine pause",
                                    {"inform": 0.9, "pause": 0.1})])
    assert out.get("intent") == {"name": "inform", "confidence": pytest.approx(0.9)}


def test_without_intents_to_learn_it_leaves_diet_alone(storage):
    resource = Resource("empty")
    blender = LinearIntentBlender.create({}, storage, resource, context())
    blender.train(TrainingData([Message.build(text="hallo", intent="greet")]))
    loaded = LinearIntentBlender.load({}, storage, resource, context())
    m = message("hallo", {"greet": 0.7, "pause": 0.3})
    [out] = loaded.process([m])
    assert out.get("intent") == {"name": "greet", "confidence": 0.7}
