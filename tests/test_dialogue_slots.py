"""Every slot a `Turn` of bot/dialogue/ sets exists in the domain (issue 17: the dialogue
layer and the domain are held together by slot names; a typo would be a slot Rasa drops).

The names and the stages have one place, bot/dialogue/slots.py: every name there is a slot of
the domain and every slot of the domain is named there; the domain's stage values are
generated from `Stage`, and every stage data/dialogue.yml or bot/domain_gen.py names is one."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

from bot import domain_gen
from bot.catalogue import QUESTION_IDS
from bot.dialogue.slots import Slot, Stage, answer_slot, slot_names
from bot.settings import ROOT

DIALOGUE = ROOT / "bot" / "dialogue"


def domain_slot_specs() -> dict[str, dict]:
    slots: dict[str, dict] = {}
    for path in sorted((ROOT / "domain").rglob("*.yml")):
        for name, spec in ((yaml.safe_load(path.read_text(encoding="utf-8")) or {})
                           .get("slots") or {}).items():
            assert name not in slots, f"slot {name} defined twice"
            slots[name] = spec
    return slots


def domain_slots() -> set[str]:
    return set(domain_slot_specs())


def slots_set_in(path: Path) -> set[tuple[str, int]]:
    """(slot name, line) of `Turn(slots={...})`, `x.slots["…"] = …` and
    `x.slots.update({...})` with literal names or `Slot.X` (bot/dialogue/slots.py; a name
    `Slot` lacks is reported as "Slot.X")."""
    found: set[tuple[str, int]] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def name_of(key: ast.AST | None) -> str | None:
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return key.value
        if isinstance(key, ast.Attribute) and isinstance(key.value, ast.Name) \
                and key.value.id == "Slot":
            return getattr(Slot, key.attr, f"Slot.{key.attr}")
        return None

    def literal_keys(node: ast.AST) -> None:
        if isinstance(node, ast.Dict):
            for key in node.keys:
                if name_of(key) is not None:
                    found.add((name_of(key), key.lineno))

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "slots":
                    literal_keys(keyword.value)
            func = node.func
            if (isinstance(func, ast.Attribute) and func.attr == "update"
                    and isinstance(func.value, ast.Attribute) and func.value.attr == "slots"):
                for arg in node.args:
                    literal_keys(arg)
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Attribute)
                        and target.value.attr == "slots"
                        and name_of(target.slice) is not None):
                    found.add((name_of(target.slice), target.lineno))
    return found


def literal_stages(path: Path) -> list[int]:
    """Lines where a dict gives the stage slot a plain string instead of a `Stage`."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                named = (isinstance(key, ast.Constant) and key.value == Slot.STAGE) or (
                    isinstance(key, ast.Attribute) and key.attr == "STAGE")
                if named and isinstance(value, ast.Constant):
                    lines.append(value.lineno)
    return lines


def test_every_slot_a_turn_sets_is_in_the_domain():
    known = domain_slots()
    assert {"stage", "consent", "callback_contact"} <= known
    unknown = [f"{path.name}:{line} {name}"
               for path in sorted(DIALOGUE.glob("*.py"))
               for name, line in sorted(slots_set_in(path)) if name not in known]
    assert unknown == []


def test_the_check_finds_slots_in_each_form_it_looks_for(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text('Turn(slots={"a": 1})\nturn.slots["b"] = 2\nturn.slots.update({"c": 3})\n'
                      'Turn(slots={Slot.CONSENT: 1, Slot.TYPO: 2})\nturn.slots[Slot.STAGE] = 3\n'
                      'Turn(slots={"stage": "new"})\n', encoding="utf-8")
    assert {name for name, _ in slots_set_in(source)} == {
        "a", "b", "c", "consent", "Slot.TYPO", "stage"}
    assert literal_stages(source) == [6]


def test_the_slot_names_are_the_domains_slots():
    answers = {answer_slot(qid) for qid in QUESTION_IDS}
    assert slot_names() | answers == domain_slots()
    names = [value for key, value in vars(Slot).items() if key.isupper()]
    assert len(names) == len(set(names)) == len(slot_names())      # no name twice


def test_the_domains_stage_values_come_from_the_enum():
    spec = domain_slot_specs()[Slot.STAGE]
    assert spec["values"] == [stage.value for stage in Stage]
    assert spec["initial_value"] == Stage.NEW.value
    # generated (domain/generated.yml), not written by hand
    generated = domain_gen.build_domain(domain_gen.dialogue_spec())["slots"][Slot.STAGE]
    assert generated == spec
    assert Slot.STAGE not in (yaml.safe_load((ROOT / "domain" / "core.yml")
                                             .read_text(encoding="utf-8"))["slots"])


def test_every_stage_named_anywhere_is_a_stage():
    spec = domain_gen.dialogue_spec()
    named = set(spec["callback_after_by_stage"]) | set(spec["crisis_followup"]["after_by_stage"])
    assert named <= {stage.value for stage in Stage}
    # every stage has its behaviour outside the forms and after a callback request
    assert set(spec["outside_forms_by_stage"]) == {stage.value for stage in Stage}
    assert set(spec["callback_after_by_stage"]) == {stage.value for stage in Stage}
    assert set(spec["sets_stage"].values()) <= {stage.value for stage in Stage}
    assert set(spec["resume_continues"]) <= {stage.value for stage in Stage}
    assert {r["stage"] for r in spec["form_done"] if "stage" in r} <= {s.value for s in Stage}
    # a misspelt stage stops the build
    with pytest.raises(ValueError):
        domain_gen._at("summmary")


def test_the_dialogue_sets_the_stage_only_from_the_enum():
    lines = [f"{path.name}:{line}" for path in sorted(DIALOGUE.glob("*.py"))
             for line in literal_stages(path)]
    assert lines == []
