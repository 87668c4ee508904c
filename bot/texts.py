"""The one loader of user-facing wording: the files of texts/, one per surface.

Every text exists in two registers, standard German ("standard") and Leichte Sprache
("easy"). A file is a tree of names; its leaves are the texts:

    name:                         # a text in both registers
      standard: "Wie wollen Sie leben?"
      easy: "Wie wollen Sie leben?"
    name:                         # declared register-free: the same in both (a symbol,
      same: "• "                  # a fragment with no words of its own)
    group:                        # a group of texts (nested names)
      name: {standard: "…", easy: "…"}

A chat response may carry `buttons` beside its two texts, again per register. A file meant
for one register only says so at its top (`_file: {registers: [standard], why: …}`) and then
holds plain strings; only the staff console does that (its readers are professionals).

Knowledge entries (data/knowledge/) are facts with sources, not wording, and stay there.
tests/test_wording.py checks every file with `problems()`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.settings import ROOT
from bot.yaml_file import load_yaml

TEXTS_DIR = ROOT / "texts"
REGISTERS = ("standard", "easy")
SAME = "same"
FILE_META = "_file"
# keys a leaf may carry beside its texts: a chat response's buttons (per register) and its
# `custom` data for the web page (the same in both registers)
LEAF_EXTRAS = frozenset({"buttons", "custom"})


class TextsError(KeyError):
    """A text file, a key or a register that does not exist (or a file that is malformed)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key written twice (PyYAML keeps the last silently)."""


def _unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    seen: set[Any] = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise TextsError(f"duplicate key {key!r} (line {key_node.start_mark.line + 1})")
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def path_of(name: str, directory: Path = TEXTS_DIR) -> Path:
    return directory / f"{name}.yml"


def file_names(directory: Path = TEXTS_DIR) -> list[str]:
    """The surfaces that have a text file ("chat", "web", "staff", …)."""
    return sorted(p.stem for p in directory.glob("*.yml"))


@lru_cache(maxsize=32)
def load(name: str, directory: Path = TEXTS_DIR) -> dict[str, Any]:
    """The whole tree of texts/<name>.yml, without its `_file` declaration."""
    path = path_of(name, directory)
    if not path.is_file():
        raise TextsError(f"no text file {name!r} ({path})")
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except TextsError as error:
        raise TextsError(f"{path.name}: {error}") from None
    if not isinstance(raw, dict):
        raise TextsError(f"{path.name}: must be a mapping of names to texts")
    return {key: value for key, value in raw.items() if key != FILE_META}


@lru_cache(maxsize=32)
def registers_of(name: str, directory: Path = TEXTS_DIR) -> tuple[str, ...]:
    """The registers file `name` is written in: both, unless its `_file` says otherwise."""
    raw = load_yaml(path_of(name, directory))
    meta = raw.get(FILE_META) or {}
    return tuple(meta.get("registers") or REGISTERS)


def is_leaf(node: Any) -> bool:
    """A text (both registers or declared `same`), as opposed to a group of texts."""
    return isinstance(node, dict) and bool({*REGISTERS, SAME} & node.keys())


def entry(name: str, key: str, directory: Path = TEXTS_DIR) -> Any:
    """The raw node at `key` ("urgent_kinds.housing": dots go into groups)."""
    node: Any = load(name, directory)
    for part in key.split("."):
        if not isinstance(node, dict) or is_leaf(node) or part not in node:
            raise TextsError(f"texts/{name}.yml has no text {key!r}")
        node = node[part]
    return node


def _in_register(node: Any, register: str, where: str) -> Any:
    if register not in REGISTERS:
        raise TextsError(f"unknown register {register!r} (one of {REGISTERS})")
    if isinstance(node, dict) and SAME in node:
        return node[SAME]
    if isinstance(node, dict) and register in node:
        return node[register]
    raise TextsError(f"{where} has no {register!r} text")


def pick(name: str, key: str, register: str, directory: Path = TEXTS_DIR) -> Any:
    """The text `key` of texts/<name>.yml in `register` ("standard" or "easy"), unformatted.
    Lists (links, buttons) come back as they are written."""
    where = f"texts/{name}.yml: {key!r}"
    node = entry(name, key, directory)
    if registers_of(name, directory) != REGISTERS:
        if register not in registers_of(name, directory):
            raise TextsError(f"texts/{name}.yml is written in {registers_of(name, directory)}"
                             f" only, not {register!r}")
        if isinstance(node, str):
            return node
    if not is_leaf(node):
        raise TextsError(f"{where} is a group of texts, not a text")
    return _in_register(node, register, where)


def text(name: str, key: str, easy: bool, **values: object) -> str:
    """The text `key` in the person's register, with its {placeholders} filled in."""
    wording = pick(name, key, "easy" if easy else "standard")
    if not isinstance(wording, str):
        raise TextsError(f"texts/{name}.yml: {key!r} is not a single text")
    return wording.format(**values) if values else wording


@lru_cache(maxsize=32)
def view(name: str, register: str, directory: Path = TEXTS_DIR) -> dict[str, Any]:
    """The whole file in one register, groups kept ({"sectors": {"family": "Familie"}}),
    for templates (shared and cached: do not change it). Buttons are left out."""

    def walk(node: dict[str, Any], where: str) -> dict[str, Any]:
        result = {}
        for key, value in node.items():
            if isinstance(value, str) and registers_of(name, directory) != REGISTERS:
                result[key] = value
            elif is_leaf(value):
                result[key] = _in_register(value, register, f"texts/{name}.yml: {where}{key}")
            elif isinstance(value, dict):
                result[key] = walk(value, f"{where}{key}.")
            else:
                raise TextsError(f"texts/{name}.yml: {where}{key} is neither text nor group")
        return result

    if register not in registers_of(name, directory):
        raise TextsError(f"texts/{name}.yml has no {register!r} register")
    return walk(load(name, directory), "")


def problems(name: str, directory: Path = TEXTS_DIR) -> list[str]:
    """Everything wrong with texts/<name>.yml: a text missing in a register, an empty text,
    a leaf that mixes `same` with registers, buttons that differ in their payloads."""
    try:
        tree = load(name, directory)
    except TextsError as error:
        return [str(error)]
    single = registers_of(name, directory) != REGISTERS
    found: list[str] = []

    def filled(value: Any) -> bool:
        if isinstance(value, str):
            return bool(value.strip())
        return isinstance(value, list) and bool(value)

    def check_leaf(value: dict[str, Any], where: str) -> None:
        extra = set(value) - {*REGISTERS, SAME, *LEAF_EXTRAS}
        if extra:
            found.append(f"{where}: unknown keys {sorted(extra)}")
        if SAME in value:
            if set(value) != {SAME}:
                found.append(f"{where}: `same` stands alone (no registers beside it)")
            elif not isinstance(value[SAME], str) or not value[SAME]:
                found.append(f"{where}: `same` needs a text")
            return
        for register in REGISTERS:
            if not filled(value.get(register)):
                found.append(f"{where}: no {register} text")
        if "buttons" in value:
            buttons = value["buttons"]
            if not isinstance(buttons, dict) or set(buttons) != set(REGISTERS):
                found.append(f"{where}: buttons need a standard and an easy list")
                return
            payloads = {r: [b.get("payload") for b in buttons[r]] for r in REGISTERS}
            if payloads["standard"] != payloads["easy"]:
                found.append(f"{where}: the registers' buttons send different payloads")
            if any(not str(b.get("title") or "").strip() for r in REGISTERS
                   for b in buttons[r]):
                found.append(f"{where}: a button without a title")

    def walk(node: dict[str, Any], where: str) -> None:
        for key, value in node.items():
            here = f"texts/{name}.yml: {where}{key}"
            if single and isinstance(value, str):
                if not value.strip():
                    found.append(f"{here}: empty text")
            elif is_leaf(value):
                check_leaf(value, here)
            elif isinstance(value, dict) and value:
                walk(value, f"{where}{key}.")
            else:
                found.append(f"{here}: neither a text in both registers nor a group")

    walk(tree, "")
    return found
