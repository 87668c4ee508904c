"""The forms' validators and ask actions (actions/forms.py) are plain classes, one per
question of texts/questions.yml: every question has its validator and its ask action, the
action server registers them under the names the generated domain uses, and each one
handles its own question (not a neighbour's, as a copied line could)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk.executor import ActionExecutor

from actions import forms
from bot import texts
from bot.catalogue import QUESTION_IDS, load_questions
from bot.settings import ROOT

DOMAIN = ROOT / "domain"


def domain() -> dict[str, Any]:
    """The domain files merged the way this test needs: actions and forms."""
    merged: dict[str, Any] = {"actions": [], "forms": {}}
    for path in sorted(DOMAIN.rglob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        merged["actions"] += data.get("actions") or []
        merged["forms"].update(data.get("forms") or {})
    return merged


@pytest.fixture(scope="module")
def registered() -> dict[str, Any]:
    """The actions as the action server registers them (bot/action_server.py: the package)."""
    executor = ActionExecutor()
    executor.register_package("actions")
    return executor.actions


def test_the_question_ids_are_those_of_the_questions_file():
    ids = list(texts.load("questions")["questions"])
    assert tuple(ids) == QUESTION_IDS == tuple(q.id for q in load_questions())


def test_every_question_has_its_validator_and_ask_action(registered):
    generated = domain()
    assert generated["forms"]["interview_form"]["required_slots"] == \
        [f"answer_{qid}" for qid in QUESTION_IDS]
    for qid in QUESTION_IDS:
        assert f"action_ask_answer_{qid}" in generated["actions"], qid
        assert f"action_ask_answer_{qid}" in registered, qid
        assert callable(getattr(forms.ValidateInterviewForm, f"validate_answer_{qid}", None)), qid
    # and nothing for a question that is gone
    validators = {name for name in vars(forms.ValidateInterviewForm)
                  if name.startswith("validate_answer_")}
    assert validators == {f"validate_answer_{qid}" for qid in QUESTION_IDS}
    asks = {name for name in registered if name.startswith("action_ask_answer_") and
            name != "action_ask_answer_"}          # the shared base class
    assert asks == {f"action_ask_answer_{qid}" for qid in QUESTION_IDS}


def test_every_action_of_the_domain_is_registered(registered):
    generated = domain()
    missing = [name for name in generated["actions"] if name not in registered]
    assert missing == []
    for form in generated["forms"]:
        assert f"validate_{form}" in registered, form
    # the action server's interview validator (a bound `run`) has a method for every slot
    validator = type(registered["validate_interview_form"].__self__)
    assert validator is forms.ValidateInterviewForm
    for slot in generated["forms"]["interview_form"]["required_slots"]:
        assert callable(getattr(validator, f"validate_{slot}", None)), slot


@pytest.mark.parametrize("qid", QUESTION_IDS)
def test_each_validator_and_ask_action_handles_its_own_question(qid, monkeypatch):
    seen: list[str] = []

    def record(self, question_id, value, dispatcher, tracker, released=False):
        seen.append(question_id)
        return {}

    monkeypatch.setattr(forms.ValidateInterviewForm, "_validate_question", record)
    validator = forms.ValidateInterviewForm()
    getattr(validator, f"validate_answer_{qid}")("Meine Antwort", None, None, {})
    assert seen == [qid]
    ask = next(cls for cls in forms._AskQuestion.__subclasses__() if cls.question_id == qid)
    assert ask().name() == f"action_ask_answer_{qid}"
    assert ask.__name__ == f"ActionAskAnswer{qid.title()}"


def test_forms_are_plain_classes_without_generated_members():
    """No setattr on classes and no classes made with type(): a reader finds every
    validator and ask action by grepping its name."""
    tree = ast.parse(Path(forms.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in ("setattr", "type", "globals"), node.lineno
