"""Knowledge entries as data, urgent-need categories, crisis safety net."""

from __future__ import annotations

from datetime import date

import yaml

from bot import knowledge, urgent
from bot.dialogue.conversation import knowledge_text
from bot.nlp.crisis_guard import guarded_intent, names_crisis, uses_crisis_words
from bot.settings import DATA_DIR


def test_every_faq_topic_has_one_current_entry():
    today = date(2026, 11, 21)
    for topic in knowledge.FAQ_TOPICS:
        item = knowledge.faq_entry(topic)
        assert item.is_current(today), topic
        assert item.text.standard and item.text.easy and item.source


def test_expired_entry_is_never_shown_as_current():
    expired = knowledge.entry("befoerderung_hamburg.fachanweisung_2013")
    assert expired.valid_until == date(2017, 12, 31)
    assert knowledge.current_text(expired.id, easy=False, today=date(2026, 1, 1)) is None
    assert knowledge.current_text(expired.id, easy=False, today=date(2015, 6, 1))
    shown = knowledge_text(expired.id, easy=False, today=date(2026, 1, 1))
    assert "82" not in shown and "500" not in shown


def test_crisis_numbers_are_current_and_complete():
    text = knowledge_text("notfall.krise", easy=False, today=date(2026, 11, 21))
    for number in ("112", "0800 111 0 111", "0800 111 0 222", "116 117"):
        assert number in text


def test_urgent_categories():
    assert urgent.categorize("Mir droht die Zwangsräumung") == ["housing"]
    assert "money" in urgent.categorize("ich hab kein geld mehr für essen")
    assert urgent.pointers([]) == ["notfall.wohnung", "notfall.geld", "notfall.gewalt"]


def _examples(intent_filter):
    for path in sorted((DATA_DIR / "nlu").glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if "intent" in item and intent_filter(item["intent"]):
                for line in item["examples"].splitlines():
                    if line.strip().startswith("- "):
                        yield line.strip()[2:]


def test_crisis_guard_never_fires_on_other_training_examples():
    false_alarms = [e for e in _examples(lambda i: i != "crisis") if names_crisis(e)]
    assert false_alarms == []


def test_crisis_guard_hard_negatives():
    for wish in ("ich will nicht mehr alleine wohnen", "ich möchte nicht mehr ins Heim",
                 "mein Leben soll wieder Sinn haben", "ich strick gern Socken",
                 "meine Wohnung ist in Gefahr, der Vermieter will kündigen"):
        assert not names_crisis(wish), wish
    assert names_crisis("ich will mich umbringen")
    assert guarded_intent("mir geht es schlecht, ich kann nicht mehr", {"name": "nlu_fallback"},
                          [{"name": "crisis", "confidence": 0.3}]) == {
        "name": "crisis", "confidence": 0.3}
    assert guarded_intent("hm", {"name": "nlu_fallback"},
                          [{"name": "crisis", "confidence": 0.3}]) is None
    assert guarded_intent("hm", {"name": "inform"}, []) is None


# written for this test, not taken from the training data
UNSEEN_CRISIS = [
    "ich halte das alles nicht mehr aus", "alles ist so sinnlos", "ich sehe keinen ausweg",
    "morgen bin ich nicht mehr da", "ich hab mir ein seil gekauft", "ich hab so dunkle gedanken",
    "es wäre besser wenn es mich nicht gäbe", "ich will einschlafen und nie mehr aufwachen",
    "mir ist alles egal, ich kann nicht mehr", "mein freund schlägt mich",
    "ich hab alle meine tabletten gesammelt", "ich stehe auf der brücke",
    "die stimmen sagen ich soll es tun", "ich will nicht mehr", "ich mag nicht mehr!",
    "ich will dass es aufhört", "niemand würde mich vermissen", "ich bin allen nur eine last",
    "ich hab keine hoffnung mehr", "ich habe keine kraft mehr", "keine kraft mehr zum leben",
]
# what the classifier called a crisis in the 5-fold cross-validation (bench/nlu_eval.py)
CLASSIFIER_FALSE_ALARMS = [
    "lebn wie ich will", "ich bedanke mich", "ich habs mir anders überlegt", "ich bin ratlos",
    "ich hab echt keinen schimmer", "ich will mich mehr bewegen",
    "ich will mich nicht mehr schämen", "ich habe nur noch 5 euro bis monatsende",
    "ich hab keine bleibe mehr", "ich hab nur noch brot für einen tag",
    "ich will nicht mehr alleine wohnen",
    "ich hab keine kraft mehr für den haushalt, da brauch ich hilfe",
]


def test_crisis_vocabulary_is_broad():
    """The classifier's crisis stands when the message uses crisis vocabulary: every
    crisis training example and every unseen crisis message does, on its own (without
    the precise patterns)."""
    missing = [e for e in _examples(lambda i: i == "crisis") if not uses_crisis_words(e)]
    assert missing == []
    assert [m for m in UNSEEN_CRISIS if not uses_crisis_words(m)] == []


def test_classifier_crisis_without_crisis_words_is_taken_back():
    ranking = [{"name": "crisis", "confidence": 0.6}, {"name": "thank", "confidence": 0.35},
               {"name": "greet", "confidence": 0.05}]
    for text in CLASSIFIER_FALSE_ALARMS:
        assert guarded_intent(text, ranking[0], ranking) == {
            "name": "thank", "confidence": 0.35}, text
    # an unsure second guess becomes the fallback, not a made-up intent
    unsure = [{"name": "crisis", "confidence": 0.8}, {"name": "thank", "confidence": 0.1}]
    assert guarded_intent("ich bedanke mich", unsure[0], unsure) == {
        "name": "nlu_fallback", "confidence": 0.3}
    # with crisis words the classifier's crisis stands
    for text in UNSEEN_CRISIS:
        assert guarded_intent(text, ranking[0], ranking) is None, text


def test_fallback_becomes_crisis_only_with_crisis_words():
    ranking = [{"name": "nlu_fallback", "confidence": 0.3},
               {"name": "crisis", "confidence": 0.25}, {"name": "inform", "confidence": 0.2}]
    assert guarded_intent("ich sehe keinen ausweg", ranking[0], ranking)["name"] == "crisis"
    assert guarded_intent("ich bin ratlos", ranking[0], ranking) is None


def test_resume_guard_takes_a_bare_code():
    from bot.nlp.resume_guard import guarded_intent as resume

    assert resume("HAFEN-KRAN-42", {"name": "inform"}) == {"name": "resume", "confidence": 1.0}
    assert resume("mein code: elbe-kran-17 bitte", {"name": "nlu_fallback"})["name"] == "resume"
    assert resume("HAFEN-KRAN-42", {"name": "crisis"}) is None
    long_answer = "Ich gehe gern zum Hafen und schaue den Kränen zu, Code HAFEN-KRAN-42 egal wo"
    assert resume(long_answer, {"name": "inform"}) is None
    assert resume("Ich wohne in Barmbek-Nord", {"name": "inform"}) is None


def test_crisis_guard_component_clears_a_guess_it_did_not_take_up():
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlp.crisis_guard import CrisisGuard

    guard = CrisisGuard({})
    fallback = [{"name": "nlu_fallback", "confidence": 0.3},
                {"name": "crisis", "confidence": 0.28}, {"name": "dont_know", "confidence": 0.27}]
    unsure = Message.build(text="wees ich nich")
    unsure.set("intent", fallback[0])
    unsure.set("intent_ranking", fallback)
    danger = Message.build(text="alles ist so sinnlos")
    danger.set("intent", fallback[0])
    danger.set("intent_ranking", fallback)
    guard.process([unsure, danger])
    assert unsure.get("intent")["name"] == "nlu_fallback"
    assert [r["name"] for r in unsure.get("intent_ranking")] == ["nlu_fallback", "dont_know"]
    assert danger.get("intent") == {"name": "crisis", "confidence": 0.28}
    assert [r["name"] for r in danger.get("intent_ranking")][:2] == ["nlu_fallback", "crisis"]
