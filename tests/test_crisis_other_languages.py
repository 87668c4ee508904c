"""Crisis messages in a language the German layer cannot read (data/crisis/other_languages.yml,
bot/crisis/other_languages.py): the numbers at once, with one sentence in the person's
language, never filed as an answer; everyday English with the same words stays quiet."""

from __future__ import annotations

import pytest

from bot.crisis import ACUTE, assess, other_languages
from bot.dialogue.crisis import respond
from bot.texts import load

CRISIS = {
    "I don't want to live anymore": ("en", "active_ideation"),
    "i cant go on, i just want to die": ("en", "active_ideation"),
    "Family matters to me but honestly I want to kill myself": ("en", "active_ideation"),
    "I have collected pills and I will take them all tonight": ("en", "plan_means"),
    "I wrote a goodbye letter to my sister": ("en", "plan_means"),
    "I cut myself again last night": ("en", "self_harm"),
    "I wish I was dead": ("en", "passive_ideation"),
    "everyone would be better off without me": ("en", "hopelessness_burden"),
    "my son wants to kill himself": ("en", "third_person"),
    "my husband beats me and he is coming home now": ("en", "danger_from_others"),
    "Artık yaşamak istemiyorum, ölmek istiyorum": ("tr", "active_ideation"),
    "kendimi öldüreceğim": ("tr", "active_ideation"),
    "Я больше не хочу жить": ("ru", "active_ideation"),
    "Хочу покінчити з собою": ("uk", "active_ideation"),
    "أريد أن أموت": ("ar", "active_ideation"),
    "Nie chcę już żyć": ("pl", "active_ideation"),
    "می‌خواهم بمیرم": ("fa", "active_ideation"),
    "no quiero vivir más": ("es", "active_ideation"),
    "je ne veux plus vivre": ("fr", "active_ideation"),
}

EVERYDAY = [
    "I don't want to live alone anymore",
    "I want to take my life back into my own hands",
    "I watched a movie about suicide yesterday",
    "we had suicide prevention training at work",
    "this job is killing me",
    "my feet are killing me after the walk",
    "I could kill for a pizza",
    "I'm going to die of boredom in this waiting room",
    "the battery of my hearing aid died",
    "I would never kill myself, I just need a job",
    "I want to end my contract with the gym",
    "I live alone and need help with shopping",
    "Ich lese gern englische Bücher, zum Beispiel über Selbstmord in der Literatur",
]


@pytest.mark.parametrize("text", list(CRISIS))
def test_a_crisis_in_another_language_is_acute_and_names_the_language(text):
    language, category = CRISIS[text]
    found = assess(text)
    assert found is not None and found.level == ACUTE and found.certain
    assert category in found.categories
    assert f"language_{language}" in found.categories


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_english_with_the_same_words_brings_no_other_language_help(text):
    found = assess(text)
    assert found is None or not any(c.startswith("language_") for c in found.categories)


def test_the_reply_starts_with_a_sentence_in_the_persons_language(store):
    found = assess("I don't want to live anymore")
    turn = respond(store, "s-en", found.as_dict(), None, easy=False, consent=False,
                   text="I don't want to live anymore")
    texts = [reply.text for reply in turn.replies if reply.text]
    assert texts[0].startswith("You are not alone.") and "112" in texts[0]
    assert any("0800 111 0 111" in t for t in texts[1:])      # then the German help


def test_every_language_has_a_reply_with_112_and_a_staff_label():
    staff = load("staff")
    for language in other_languages.languages():
        assert "112" in language.reply, language.code
        assert f"crisis_category_language_{language.code}" in staff, language.code
        assert language.categories, language.code


def test_no_everyday_message_of_the_crisis_data_matches_another_language():
    """Over every everyday message of the evaluation and training data (German, with
    learners' English in it) the other-language patterns stay quiet; counted, no text
    printed (the held-out sets are never shown message by message)."""
    import yaml

    from bot.crisis.classifier import WRITTEN_DIR
    from bot.settings import ROOT

    files = [*sorted((ROOT / "tests" / "data" / "crisis").glob("*.yml")),
             *sorted(WRITTEN_DIR.glob("*.yml"))]
    everyday = [item["text"] for path in files
                for item in yaml.safe_load(path.read_text(encoding="utf-8"))["examples"]
                if item["label"] == "none"]
    assert len(everyday) > 15_000
    matched = sum(other_languages.signals(text) is not None for text in everyday)
    assert matched == 0, f"{matched} everyday messages match another language's patterns"
