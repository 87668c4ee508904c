"""Knowledge entries as data, urgent-need categories, crisis safety net."""

from __future__ import annotations

from datetime import date

from bot import knowledge, urgent
from bot.dialogue.conversation import knowledge_text


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


def test_resume_guard_takes_a_bare_code():
    from bot.nlp.resume_guard import guarded_intent as resume

    code = "HAFEN-KRAN-MOND-TEE-42"
    assert resume(code, {"name": "inform"}) == {"name": "resume", "confidence": 1.0}
    assert resume("mein code: hafen-kran-mond-tee-42 bitte",
                  {"name": "nlu_fallback"})["name"] == "resume"
    # written with spaces the code is five words, but counts as one
    assert resume("ich will weitermachen mein code ist hafen kran mond tee 42",
                  {"name": "inform"})["name"] == "resume"
    assert resume(code, {"name": "crisis"}) is None
    long_answer = f"Ich gehe gern zum Hafen und schaue den Kränen zu, Code {code} egal wo"
    assert resume(long_answer, {"name": "inform"}) is None
    assert resume("Ich wohne in Barmbek-Nord", {"name": "inform"}) is None
    assert resume("HAFEN-KRAN-42", {"name": "inform"}) is None        # the old format
