"""Every slot a `Turn` of bot/dialogue/ sets exists in the domain (issue 17: the dialogue
layer and the domain are held together by slot names; a typo would be a slot Rasa drops)."""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

from bot.settings import ROOT

DIALOGUE = ROOT / "bot" / "dialogue"


def domain_slots() -> set[str]:
    slots: set[str] = set()
    for path in sorted((ROOT / "domain").rglob("*.yml")):
        slots |= set((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("slots") or {})
    return slots


def slots_set_in(path: Path) -> set[tuple[str, int]]:
    """(slot name, line) of `Turn(slots={...})`, `x.slots["…"] = …` and
    `x.slots.update({...})` with literal names."""
    found: set[tuple[str, int]] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def literal_keys(node: ast.AST) -> None:
        if isinstance(node, ast.Dict):
            for key in node.keys:
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    found.add((key.value, key.lineno))

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
                        and isinstance(target.slice, ast.Constant)):
                    found.add((target.slice.value, target.lineno))
    return found


def test_every_slot_a_turn_sets_is_in_the_domain():
    known = domain_slots()
    assert {"stage", "consent", "callback_contact"} <= known
    unknown = [f"{path.name}:{line} {name}"
               for path in sorted(DIALOGUE.glob("*.py"))
               for name, line in sorted(slots_set_in(path)) if name not in known]
    assert unknown == []


def test_the_check_finds_slots_in_each_form_it_looks_for(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text('Turn(slots={"a": 1})\nturn.slots["b"] = 2\nturn.slots.update({"c": 3})\n',
                      encoding="utf-8")
    assert {name for name, _ in slots_set_in(source)} == {"a", "b", "c"}
