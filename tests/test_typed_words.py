"""Typed words the dialogue reads itself (bot/dialogue/words.py, data/typed_words.yml):
the read-back choices, non-answers, and the answer inside a message that also asks
something or says "weiß nicht" (issue 13)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.dialogue import words
from bot.profile import readback
from bot.settings import DATA_DIR


@pytest.mark.parametrize(("typed", "meant"), [
    ("entfernen", words.REMOVE), ("Entfernen", words.REMOVE), ("löschen", words.REMOVE),
    ("ja, löschen", words.REMOVE), ("den Punkt bitte löschen", words.REMOVE),
    ("weg damit", words.REMOVE), ("ändern", words.CHANGE), ("stimmt nicht", words.CHANGE),
    ("passt nicht", words.CHANGE), ("falsch", words.CHANGE), ("passt", words.CONFIRM),
    ("stimmt", words.CONFIRM), ("Ja, stimmt", words.CONFIRM),
    ("doch, stimmt schon", words.CONFIRM), ("so lassen", words.CONFIRM),
    ("alles stimmt", words.CONFIRM_ALL), ("Alle bestätigen", words.CONFIRM_ALL),
    ("Alles Weitere stimmt", words.CONFIRM_ALL), ("überspringen", words.SKIP),
    ("nicht löschen", words.KEEP), ("nicht ändern", words.KEEP),
])
def test_typed_words_mean_what_the_buttons_mean(typed, meant):
    assert words.choice(typed) == meant


@pytest.mark.parametrize("typed", ["alles löschen", "ich will alle meine daten löschen",
                                   "lösch mein profil", "danke", "/remove_item", "",
                                   "Ich möchte mit meinem Hund leben."])
def test_no_read_back_word_reaches_beyond_the_item(typed):
    assert words.choice(typed) is None


def test_delete_all_needs_words_that_say_so():
    assert words.asks_to_delete_all("ich will alle meine daten löschen")
    assert not words.asks_to_delete_all("löschen")
    assert not words.asks_to_delete_all("ja, den punkt löschen")


@pytest.mark.parametrize("said", ["k.a.", "ka", "K.A.", "keine ahnung", "weiß nich", "?",
                                  "??", " hm ", "ich weiß es wirklich nicht", "isch weiß nisch",
                                  "ik weet dat nich", "hab echt keine ahnung davon",
                                  "Ich habe keine Vorstellung.", "kann ich nicht beantworten"])
def test_short_non_answers(said):
    assert words.is_non_answer(said)


@pytest.mark.parametrize("said", ["nix mit Menschen", "Tanzen", "Ich weiß nicht, ob ich das darf",
                                  "nicht allein", "ich weiß es nicht, vielleicht Kochen",
                                  "keine Treppen", "ich kann nicht mehr alleine einkaufen",
                                  "ich habe keine Ahnung von Computern, möchte es aber lernen"])
def test_answers_are_no_non_answers(said):
    assert not words.is_non_answer(said)


def _examples(intent_prefix: str) -> list[str]:
    found = []
    for path in sorted(Path(DATA_DIR / "nlu").glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if str(item.get("intent", "")).startswith(intent_prefix):
                found += [line[2:] for line in item["examples"].splitlines()
                          if line.startswith("- ")]
    return found


@pytest.mark.parametrize(("intent", "kind", "allowed"), [
    ("faq/", "question", 1), ("budget_calculation", "question", 0),
    ("out_of_scope", "question", 0), ("dont_know", "dont_know", 0),
    ("greet", "greeting", 1), ("thank", "greeting", 0)])
def test_the_training_examples_hold_no_answer(intent, kind, allowed):
    """A plain question, greeting or "weiß nicht" is no answer: the rules answer it as
    before. (`allowed`: examples that really tell something about the person, such as
    "Ich habe eine Einladung zur Gesamtplankonferenz bekommen, was heißt das?")."""
    examples = _examples(intent)
    assert examples
    held = [e for e in examples if words.answer_beside(e, kind)]
    assert len(held) <= allowed, held


def test_the_answer_beside_a_question_greeting_or_dont_know():
    said = "Ich habe Bescheid bekommen, Assistenz gekürzt."
    assert words.answer_beside(f"{said} Muss ich was machen?", "question") == said
    assert words.answer_beside("Ich habe einen Bescheid bekommen, muss ich was machen?",
                               "question") == "Ich habe einen Bescheid bekommen"
    assert words.answer_beside("Hallo! Ich möchte in einer WG wohnen.", "greeting") == (
        "Ich möchte in einer WG wohnen.")
    assert words.answer_beside("ich weiß nicht, was es in Barmbek-Nord gibt",
                               "dont_know") == "ich weiß nicht, was es in Barmbek-Nord gibt"
    assert words.answer_beside("ich weiß nicht, was es da gibt", "dont_know") is None
    assert words.answer_beside("ich weiß nicht, was es da gibt", "dont_know",
                               ("quarter",)) is not None
    assert words.answer_beside("wie hat St. Pauli am Samstag gespielt", "question") is None


def test_a_question_what_to_do_asks_about_the_sentence_before():
    said = "Ich möchte in Harburg bleiben. Meine Assistenz wurde gekürzt, muss ich da was machen?"
    assert words.asked_topics(said) == ["widerspruch"]
    assert words.asked_topics("Bescheid gekommen. Was kann ich dagegen tun?") == ["widerspruch"]
    # a question without "what to do" does not borrow the sentence before
    assert words.asked_topics("Die Kosten sind hoch. Wie finden Sie das?") == []
    # nor does a question that names its own topic, or one with nothing to borrow
    assert words.asked_topics("Bescheid gekommen. Was kostet die Beratung?") == ["eutb", "kosten"]
    assert words.asked_topics("Ich koche gern. Was soll ich machen?") == []


def test_nothing_urgent():
    for said in ("nein", "Nein.", "doch nicht", "nichts"):
        assert words.nothing_urgent(said)
    assert not words.nothing_urgent("Mein Konto ist leer")


@pytest.mark.parametrize(("text", "quoted"), [
    ("Ich hätte gern einen Freund der mit mir rausgeht", True),
    ("Ich wünsche mir jemand der mit mir rausgeht", True),
    ("Ich kann nicht mehr alleine einkaufen", True),
    ("Beim Kochen brauche ich keine Hilfe", True),
    ("Mit meinem Tablet lasse ich mir Briefe vorlesen", False),
    ("Meine Schwester hilft mir beim Einkaufen", False),
])
def test_read_back_quotes_what_a_rephrasing_could_twist(text, quoted):
    assert readback.needs_quote(text) is quoted


def test_words_whose_ich_is_in_the_sentence_before_are_read_back_as_said():
    """"Ich bekomme 3 Stunden Hilfe, hätte gern noch eine Assistenz": the wished help is
    "hätte gern …", which no "Sie" sentence can hold; an aid is read back by its name."""
    from bot.dialogue.summary import ReadBackItem
    from bot.profile.items import Item

    wished = Item("professional:1:1", "professional", 1, "professional",
                  "hätte gern noch eine Assistenz für Freizeit",
                  {"text": "hätte gern noch eine Assistenz für Freizeit", "kind": "wished"})
    item = ReadBackItem(wished.key, 1, wished.text, wished)
    assert item.quoted and item.line() == "„hätte gern noch eine Assistenz für Freizeit“"
    aid = Item("aid:1:1", "aid", 1, "self", "hab nen Rollator",
               {"label": "Rollator", "status": "used"})
    read = ReadBackItem(aid.key, 1, aid.text, aid)
    assert not read.quoted and "Rollator" in read.sentence()
    assert not readback.starts_with_verb("Ich kann gut kochen")
    assert not readback.starts_with_verb("Meine Schwester hilft mir bei Briefen")
