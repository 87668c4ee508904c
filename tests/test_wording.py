"""Issue 17, point 1 "Wording": one folder of texts (texts/), one loader (bot/texts.py), and
every key of every text file in both registers (or declared register-free)."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
import yaml

from bot import domain_gen, texts
from bot.settings import DATA_DIR, ROOT

SURFACES = {"chat", "questions", "ui", "web", "staff", "readback", "export"}
# the one file written in one register, and why (texts/README.md)
SINGLE_REGISTER = {"staff": ("standard",)}
# where wording lived before texts/: none of these may come back as a second source
OLD_SOURCES = [
    ROOT / "domain" / "responses.yml", DATA_DIR / "questions.yml", DATA_DIR / "ui_texts.yml",
    ROOT / "bot" / "web" / "texts.yml", ROOT / "bot" / "web" / "staff" / "texts.yml",
    ROOT / "bot" / "profile" / "readback.yml", ROOT / "templates" / "export" / "labels.yml",
]


def _leaves(node: dict, where: str = ""):
    for key, value in node.items():
        if texts.is_leaf(value):
            yield f"{where}{key}", value
        elif isinstance(value, dict):
            yield from _leaves(value, f"{where}{key}.")


def _placeholders(wording: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(wording) if name}


# ---------------------------------------------------------------- the real files


def test_the_folder_holds_one_file_per_surface_and_no_old_source_is_left():
    assert set(texts.file_names()) == SURFACES
    assert [str(p.relative_to(ROOT)) for p in OLD_SOURCES if p.exists()] == []
    assert "more_buttons" not in yaml.safe_load(
        (DATA_DIR / "dialogue.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_every_key_exists_in_both_registers(name):
    assert texts.problems(name) == []
    expected = SINGLE_REGISTER.get(name, texts.REGISTERS)
    assert texts.registers_of(name) == expected
    for register in expected:
        view = texts.view(name, register)
        assert view, name
        for key in texts.load(name):
            assert key in view


def test_only_the_staff_console_is_in_one_register_and_says_why():
    declared = {name for name in texts.file_names()
                if texts.registers_of(name) != texts.REGISTERS}
    assert declared == set(SINGLE_REGISTER)
    raw = yaml.safe_load(texts.path_of("staff").read_text(encoding="utf-8"))
    assert raw["_file"]["why"].strip()


@pytest.mark.parametrize("name", sorted(SURFACES - set(SINGLE_REGISTER)))
def test_leichte_sprache_needs_no_value_the_standard_text_does_not_have(name):
    """The code fills in the same values for both registers: a placeholder only in the easy
    text is a typo or a value nobody passes."""
    for key, leaf in _leaves(texts.load(name)):
        if texts.SAME in leaf or not isinstance(leaf["standard"], str):
            continue
        assert _placeholders(leaf["easy"]) <= _placeholders(leaf["standard"]), (name, key)


def test_register_free_texts_are_declared_as_such():
    same = {(name, key) for name in SURFACES - set(SINGLE_REGISTER)
            for key, leaf in _leaves(texts.load(name)) if texts.SAME in leaf}
    assert ("ui", "bullet") in same and ("readback", "where") in same
    assert texts.text("ui", "bullet", True) == texts.text("ui", "bullet", False) == "• "


# ---------------------------------------------------------------- chat texts in the domain


def test_the_generated_domain_carries_every_chat_response_word_for_word():
    domain = yaml.safe_load((ROOT / "domain" / "generated.yml").read_text(encoding="utf-8"))
    responses = domain["responses"]
    for name, leaf in texts.load("chat").items():
        easy, standard = responses[name]
        assert easy["condition"] == [{"type": "slot", "name": "easy_language", "value": True}]
        assert "condition" not in standard
        assert (easy["text"], standard["text"]) == (leaf["easy"], leaf["standard"]), name
        if "buttons" in leaf:
            assert easy["buttons"] == leaf["buttons"]["easy"], name
            assert standard["buttons"] == leaf["buttons"]["standard"], name
        assert easy.get("custom") == standard.get("custom") == leaf.get("custom"), name
    assert domain_gen.chat_responses() == {name: responses[name] for name in texts.load("chat")}


def test_the_more_buttons_come_from_the_questions_file():
    responses = domain_gen.build_domain(domain_gen.dialogue_spec())["responses"]
    easy, standard = responses["utter_more_living"]
    assert [b["title"] for b in standard["buttons"]] == [
        texts.pick("questions", "more_buttons.affirm", "standard"),
        texts.pick("questions", "more_buttons.deny", "standard")]
    assert [b["title"] for b in easy["buttons"]] == ["Ja", "Nein. Weiter."]


# ---------------------------------------------------------------- the loader on its own files


def _write(directory: Path, name: str, content: str) -> Path:
    path = directory / f"{name}.yml"
    path.write_text(content, encoding="utf-8")
    return path


def test_the_loader_picks_a_register_and_fills_in_values(tmp_path):
    _write(tmp_path, "demo", 'hello:\n  standard: "Guten Tag, {name}."\n  easy: "Hallo {name}."\n'
                             'kinds:\n  money: {standard: "Geld", easy: "Geld"}\n'
                             'mark: {same: "•"}\n')
    assert texts.pick("demo", "hello", "easy", tmp_path) == "Hallo {name}."
    assert texts.pick("demo", "kinds.money", "standard", tmp_path) == "Geld"
    assert texts.pick("demo", "mark", "easy", tmp_path) == "•"
    assert texts.view("demo", "standard", tmp_path) == {
        "hello": "Guten Tag, {name}.", "kinds": {"money": "Geld"}, "mark": "•"}
    assert texts.problems("demo", tmp_path) == []


@pytest.mark.parametrize(("call", "message"), [
    (lambda d: texts.pick("nowhere", "hello", "easy", d), "no text file 'nowhere'"),
    (lambda d: texts.pick("demo", "goodbye", "easy", d), "has no text 'goodbye'"),
    (lambda d: texts.pick("demo", "hello.more", "easy", d), "has no text 'hello.more'"),
    (lambda d: texts.pick("demo", "half", "easy", d), "'half' has no 'easy' text"),
    (lambda d: texts.pick("demo", "hello", "simple", d), "unknown register 'simple'"),
    (lambda d: texts.pick("demo", "kinds", "easy", d), "is a group of texts"),
])
def test_a_missing_key_or_register_is_a_clear_error(tmp_path, call, message):
    _write(tmp_path, "demo", 'hello: {standard: "Guten Tag.", easy: "Hallo."}\n'
                             'half: {standard: "Nur einmal."}\n'
                             'kinds:\n  money: {standard: "Geld", easy: "Geld"}\n')
    with pytest.raises(texts.TextsError, match=message.replace(".", r"\.")):
        call(tmp_path)


def test_the_check_finds_every_kind_of_gap(tmp_path):
    _write(tmp_path, "broken", "\n".join([
        'no_easy: {standard: "Nur Standard."}',
        'empty_easy: {standard: "Da.", easy: "  "}',
        'plain: "ohne Register"',
        'mixed: {same: "x", easy: "y"}',
        'group:',
        '  inner: {easy: "Nur leicht."}',
        'asks:',
        '  standard: "Ja?"',
        '  easy: "Ja?"',
        '  buttons:',
        '    standard: [{title: "Ja", payload: "/affirm"}]',
        '    easy: [{title: "Ja", payload: "/deny"}]',
        '']))
    found = texts.problems("broken", tmp_path)
    for where in ("no_easy: no easy text", "empty_easy: no easy text",
                  "plain: neither a text", "mixed: `same` stands alone",
                  "group.inner: no standard text", "asks: the registers' buttons send"):
        assert any(where in problem for problem in found), (where, found)
    assert len(found) == 6


def test_a_key_written_twice_is_an_error(tmp_path):
    _write(tmp_path, "twice", 'hello: {standard: "A", easy: "A"}\n'
                              'hello: {standard: "B", easy: "B"}\n')
    assert texts.problems("twice", tmp_path) == [
        "twice.yml: duplicate key 'hello' (line 2)"]


def test_a_single_register_file_refuses_the_other_register(tmp_path):
    _write(tmp_path, "console", '_file: {registers: [standard], why: "Fachkräfte"}\n'
                                'title: "Konsole"\n')
    assert texts.problems("console", tmp_path) == []
    assert texts.pick("console", "title", "standard", tmp_path) == "Konsole"
    with pytest.raises(texts.TextsError, match="only, not 'easy'"):
        texts.pick("console", "title", "easy", tmp_path)
    # without the declaration the same plain string is a gap
    _write(tmp_path, "undeclared", 'title: "Konsole"\n')
    assert texts.problems("undeclared", tmp_path) != []
