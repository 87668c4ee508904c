"""Facts that fit the city as it is now (issue 14, points 1, 4 and 5).

- Knowledge entries carry a source and an honest `checked` date (never after an injected
  today, not one date stamped on all), and no entry or text presents an office as current
  that its own source says has ended (data/knowledge/retired_offices.yml).
- No text promises a Gesamtplankonferenz: the person can propose one, the office decides
  and may decline (§ 119 Abs. 1 SGB IX).
- Smaller facts: parents' income for minors (§ 136 SGB IX), the Hessen examples labelled
  as such, "bitte prüfen" in the chat, Leichte Sprache one sentence per line, money and
  dates written out in Leichte Sprache, no doubled words.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ActionFaq
from bot import knowledge, texts
from bot.budget import antrag_text, budget_message, calculate_range
from bot.catalogue import Text2
from bot.dialogue import conversation, summary
from bot.easy_format import date_text, easy_euro, written_date
from bot.export import export_conversation
from bot.next_steps import load_rules
from bot.web.emergency import crisis_help
from tests.support.rasa_actions import domain
from tests.support.user_texts import user_texts
from tests.support.wording import UNGROUPED, doubled_words

# the day these facts were re-checked for issue 14 (injected: nothing here reads the clock)
TODAY = date(2026, 11, 30)
# the day the newest entries were written (issue 16: data questions, the service number)
LATEST = date(2026, 12, 1)
BEFORE = date(2026, 11, 21)  # the day the older entries were checked


def _entry(**changes) -> knowledge.Entry:
    base = knowledge.Entry(
        id="x.y", topic="x", faq=None, title="Titel", text=Text2("Text.", "Text."),
        legal_refs=(), source="SGB IX", checked=BEFORE, valid_from=date(2020, 1, 1),
        valid_until=None, verify=False)
    return dataclasses.replace(base, **changes)


# --- honest source and checked dates ---------------------------------------------------

def test_the_knowledge_passes_its_audit_today():
    assert knowledge.audit(LATEST) == []
    # an entry checked after the day of the audit is reported, not trusted
    assert any("lies after today" in problem for problem in knowledge.audit(TODAY))


def test_every_entry_has_source_checked_and_validity():
    for item in knowledge.load_entries().values():
        assert item.source.strip() and isinstance(item.checked, date), item.id
        assert item.valid_from is not None, item.id
        assert item.valid_until is None or item.valid_until >= item.valid_from, item.id


def test_a_checked_date_after_today_is_reported():
    # the entries re-checked on 2026-11-30 cannot have been checked on an earlier "today"
    problems = knowledge.audit(date(2026, 11, 25))
    assert any("hamburg_zugang.eingliederungshilfe: checked 2026-11-30 lies after today"
               in p for p in problems)
    future = {"a": _entry(id="a", checked=date(2027, 1, 1)), "b": _entry(id="b")}
    assert knowledge.audit(TODAY, future, ()) == [
        "a: checked 2027-01-01 lies after today (2026-11-30)"]


def test_one_checked_date_stamped_on_all_entries_is_reported():
    same = {i: _entry(id=i) for i in ("a", "b", "c")}
    assert any("same checked date" in p for p in knowledge.audit(TODAY, same, ()))
    dated = {**same, "d": _entry(id="d", checked=TODAY)}
    assert knowledge.audit(TODAY, dated, ()) == []


def test_entries_without_source_are_refused(tmp_path: Path):
    for source in ('""', "null"):
        (tmp_path / "x.yml").write_text(
            "entries:\n  - {id: x.a, topic: x, title: T, text: {standard: S., easy: E.},\n"
            f"     legal_refs: [], source: {source}, checked: 2026-11-21,\n"
            "     valid_from: 2020-01-01, valid_until: null, verify: false}\n",
            encoding="utf-8")
        knowledge.load_entries.cache_clear()
        with pytest.raises(knowledge.KnowledgeError, match="source"):
            knowledge.load_entries(tmp_path)
    knowledge.load_entries.cache_clear()
    assert knowledge.audit(TODAY, {"a": _entry(id="a", source=" "), "b": _entry(id="b",
                           checked=TODAY)}, ()) == ["a: no source"]


def test_only_the_entries_rechecked_for_the_issue_carry_the_new_date():
    entries = knowledge.load_entries()
    rechecked = {i for i, e in entries.items() if e.checked == TODAY}
    assert rechecked >= {
        "hamburg_zugang.eingliederungshilfe", "gesamtplan.konferenz", "kosten.beitrag",
        "kosten.ueberblick", "persoenliches_budget.berechnung", "persoenliches_budget.vorbehalt"}
    # the others keep the day they were really checked (not bumped)
    assert entries["widerspruch.frist"].checked == BEFORE
    assert entries["eutb.beratung"].checked == BEFORE
    assert len({e.checked for e in entries.values()}) > 1
    for item in entries.values():
        if item.checked_how and "nicht selbst eingesehen" in item.checked_how:
            assert item.verify, f"{item.id}: source not seen, so verify: true"
    for entry_id in rechecked - {"notfall.krise_andere"}:
        assert entries[entry_id].checked_how, entry_id


# --- Hamburg: the Fachamt now belongs to the Zentrum für Teilhabe -----------------------

OLD_TEXTS = [
    "In Hamburg ist für Leistungen der Eingliederungshilfe das Fachamt Eingliederungshilfe "
    "beim Bezirksamt Wandsbek zuständig (Zentrum für Teilhabe).",
    "Das Amt heißt: Fach-Amt Eingliederungs-Hilfe.\nDas Amt gehört zum Bezirks-Amt Wandsbek.",
    "Freie und Hansestadt Hamburg, Bezirksamt Wandsbek, Fachamt Eingliederungshilfe / "
    "Zentrum für Teilhabe (LWIW-Quelldokumente; bitte prüfen)",
]


@pytest.mark.parametrize("text", OLD_TEXTS)
def test_the_old_office_is_recognised_as_presented_current(text):
    assert knowledge.retired_office_mentions(text, TODAY)
    # before it ended, it was simply right
    assert knowledge.retired_office_mentions(text, date(2025, 12, 31)) == []


def test_history_and_the_other_bezirksamt_texts_are_fine():
    for text in ("Bis Ende 2025 gehörte das Fachamt zum Bezirksamt Wandsbek.",
                 "Hamburg hat sieben Bezirke: Hamburg-Mitte, Altona, Wandsbek und andere.",
                 "Ich wohne in Wandsbek und das Fachamt Eingliederungshilfe hilft mir."):
        assert knowledge.retired_office_mentions(text, TODAY) == [], text


def test_an_entry_presenting_the_old_office_fails_the_audit():
    office = knowledge.load_retired_offices()
    old = _entry(id="old", text=Text2(OLD_TEXTS[0], "Neu."), checked=TODAY)
    problems = knowledge.audit(TODAY, {"old": old, "b": _entry(id="b")}, office)
    assert len(problems) == 1 and "Fachamt Eingliederungshilfe im Bezirksamt Wandsbek" in \
        problems[0]
    # a dated entry that ended with the office is history, not "current"
    dated = dataclasses.replace(old, valid_until=date(2025, 12, 31))
    assert knowledge.audit(TODAY, {"old": dated, "b": _entry(id="b")}, office) == []


def test_no_user_facing_text_presents_the_old_office():
    found = [(where, hit) for where, text in user_texts()
             for hit in knowledge.retired_office_mentions(text, TODAY)]
    assert found == []


def test_the_office_entry_names_the_zentrum_fuer_teilhabe():
    item = knowledge.entry("hamburg_zugang.eingliederungshilfe")
    assert item.is_current(TODAY) and not item.is_current(date(2025, 12, 31))
    assert "Zentrum für Teilhabe" in item.text.standard and "Sozialbehörde" in item.text.standard
    assert "Zentrum für Teilhabe" in item.text.easy
    assert "1. Januar 2026" in item.text.standard and "1. Januar 2026" in item.text.easy
    assert "Sozialbehörde" in item.source and "Januar 2026" in item.source
    assert item.verify and item.checked == TODAY and "nicht selbst eingesehen" in item.checked_how
    retired, = knowledge.load_retired_offices()
    assert retired.ended == date(2025, 12, 31) and "Zentrum für Teilhabe" in retired.successor


def test_the_next_step_sends_the_application_to_the_zentrum_fuer_teilhabe():
    rule = next(r for r in load_rules() if r.id == "antrag_eingliederungshilfe")
    for register in ("standard", "easy"):
        assert "Zentrum für Teilhabe" in getattr(rule.texts["who"], register)
    assert "hamburg_zugang.eingliederungshilfe" in rule.sources


# --- Gesamtplankonferenz: proposed by the person, decided by the office ----------------

GPK = r"(gesamt-?plan-?konferenz|\bgpk\b|treffen zum gesamt-?plan|\bkonferenz\b)"
NAMES_GPK = re.compile(GPK, re.IGNORECASE)
# wording that takes the meeting for granted: going to it, doing something before it,
# preparing "the" meeting, "your" meeting
TAKES_FOR_GRANTED = re.compile(
    r"\b(zur|zum|vor der|vor dem|bei der|beim|in der|auf der|nach der|nach dem|für die|"
    r"für das|ihre[rnm]?)\s+" + GPK + r"|\b(die|das)\s+" + GPK + r"\s+vor(zu)?bereiten|"
    r"bereiten sie (die|das)\s+" + GPK + r"[^.!?]*\bvor\b", re.IGNORECASE)
CONDITIONAL = re.compile(r"\b(falls|wenn|ob)\b", re.IGNORECASE)
MAY_NOT_HAPPEN = re.compile(
    r"\b(falls|wenn|ob|vorschlag\w*|vorschlagen|ablehn\w*|entscheid\w*|nein sagen)\b",
    re.IGNORECASE)
SENTENCES = re.compile(r"(?<=[.!?;:])\s+|\n+")


def gpk_promises(text: str) -> list[str]:
    """Where a text promises a Gesamtplankonferenz: a sentence that takes it for granted
    without a condition, or a message naming it that never says it may not take place.
    Headings (up to four words, no sentence) only name it."""
    sentences = [s for s in SENTENCES.split(text) if NAMES_GPK.search(s)]
    found = [s for s in sentences if TAKES_FOR_GRANTED.search(s) and not CONDITIONAL.search(s)]
    heading = len(text.split()) <= 4 and not re.search(r"[.!?]", text)
    if sentences and not heading and not MAY_NOT_HAPPEN.search(text):
        found.append(text)
    return found


@pytest.mark.parametrize("text", [
    "Sie können die Übersicht zur Gesamt-Plan-Konferenz mitnehmen.",
    "Ihre Übersicht zum Mitnehmen, zum Beispiel zur Gesamtplankonferenz.",
    "Vor der Gesamtplankonferenz.",
    "Die Gesamtplankonferenz vorbereiten: Nehmen Sie dieses Profil mit. Sie können die "
    "Konferenz auch selbst vorschlagen.",
    "Bereiten Sie das Treffen zum Gesamt-Plan vor.",
    "Export für die Gesamtplankonferenz",
    "Am Ende bekommen Sie eine Übersicht, die Sie zu Ihrer Gesamtplankonferenz mitnehmen.",
])
def test_the_scanner_finds_promises(text):
    assert gpk_promises(text)


@pytest.mark.parametrize("text", [
    "Die Gesamtplankonferenz",
    "Sie können eine Gesamtplankonferenz vorschlagen; ob sie stattfindet, entscheidet das Amt.",
    "Nehmen Sie das Profil mit, auch zu einer Gesamtplankonferenz, wenn eine stattfindet.",
])
def test_the_scanner_leaves_honest_wording(text):
    assert gpk_promises(text) == []


def test_no_text_promises_a_gesamtplankonferenz():
    found = [(where, hit) for where, text in user_texts() for hit in gpk_promises(text)]
    assert found == []


def test_no_generated_next_step_promises_it(dated_store):
    dated_store.record_consent("g", True)
    dated_store.add_answer("g", "living", "Ab März möchte ich in einem Café arbeiten.")
    turn = summary.finish(dated_store, "g", consent=True, easy=False, today=BEFORE)
    easy = summary.finish(dated_store, "g", consent=True, easy=True, today=BEFORE)
    texts = [r.text for r in turn.replies + easy.replies if r.text]
    assert texts and any("Gesamtplankonferenz" in t for t in texts)
    assert [hit for text in texts for hit in gpk_promises(text)] == []


def test_the_knowledge_says_who_decides_and_why_it_may_be_declined():
    item = knowledge.faq_entry("gesamtplankonferenz")
    standard = item.text.standard
    assert "vorschlagen" in standard and "entscheidet der Träger" in standard
    assert "ablehnen" in standard and "schriftlich" in standard and "Aufwand" in standard
    assert "§ 119 Abs. 1 SGB IX" in item.legal_refs
    assert "Nein sagen" in item.text.easy and "vorschlagen" in item.text.easy


# --- smaller facts ---------------------------------------------------------------------

def test_for_minors_the_parents_income_counts():
    for entry_id in ("kosten.ueberblick", "kosten.beitrag"):
        item = knowledge.entry(entry_id)
        assert "unter 18 Jahren" in item.text.standard and "Eltern" in item.text.standard
        assert "jünger als 18 Jahre" in item.text.easy and "Eltern" in item.text.easy
        assert any(ref.startswith("§ 136") for ref in item.legal_refs), entry_id
    # the partner's income still does not count (§ 136 since 2020)
    assert "Partners werden nicht angerechnet" in knowledge.entry("kosten.beitrag").text.standard


def test_the_hessen_examples_are_labelled_as_such():
    for entry_id in ("persoenliches_budget.berechnung", "persoenliches_budget.vorbehalt"):
        item = knowledge.entry(entry_id)
        for text in (item.text.standard, item.text.easy, item.source):
            assert "Hessen" in text, (entry_id, text)
        assert item.verify
    berechnung = knowledge.entry("persoenliches_budget.berechnung")
    assert "Schule" in berechnung.text.standard and "Schule" in berechnung.text.easy
    assert "keine Sätze für Hamburg" in berechnung.text.standard
    assert "keine Regel aus dem Gesetz" in knowledge.entry(
        "persoenliches_budget.vorbehalt").text.standard
    for register in texts.REGISTERS:
        said = texts.pick("chat", "utter_budget_how", register)
        assert "39 Wochen" in said and "Hessen" in said.replace("hessischen", "Hessen")


def _faq(topic: str, easy: bool):
    selector = {"faq": {"response": {"intent_response_key": f"faq/{topic}"}}}
    tracker = Tracker(
        sender_id="facts", slots={"easy_language": easy},
        latest_message={"text": "?", "intent": {"name": "faq"}, "entities": [],
                        "response_selector": selector},
        events=[], paused=False, followup_action=None, active_loop={},
        latest_action_name="action_listen")
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionFaq().run(dispatcher, tracker, domain()))
    return dispatcher.messages[0]["text"]


def test_unverified_entries_say_bitte_pruefen_in_the_chat(action_store):
    assert knowledge.faq_entry("kosten").verify
    assert not knowledge.faq_entry("widerspruch").verify
    for easy in (False, True):
        assert "Bitte prüfen" in _faq("kosten", easy)
        assert "Bitte prüfen" not in _faq("widerspruch", easy)


def test_next_steps_in_the_chat_name_their_unverified_sources(dated_store):
    dated_store.record_consent("v", True)
    turn = summary.finish(dated_store, "v", consent=True, easy=False, today=BEFORE)
    step, = [r.text for r in turn.replies if r.text]  # only the Gesamtplan step
    assert "Bitte prüfen" in step and "„Die Gesamtplankonferenz“" in step
    easy = summary.finish(dated_store, "v", consent=True, easy=True, today=BEFORE)
    easy_step, = [r.text for r in easy.replies if r.text]
    assert "Bitte prüfen:\nDas ist noch nicht sicher:" in easy_step


MONTH = "(Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember)"
# a sentence end inside a line; "1. Januar 2026" and "§ 119 Abs. 1" are not one
SENTENCE_INSIDE = re.compile(
    r"(?<!\d)(?<!Abs)(?<!Nr)[.!?]\s+\S|\d\.\s+(?!" + MONTH + r"\b)\S")


def test_leichte_sprache_keeps_one_sentence_per_line():
    for item in knowledge.load_entries().values():
        lines = item.text.easy.splitlines()
        assert len(lines) > 1, item.id
        for line in lines:
            # "1. Wie wollen Sie leben?" is one numbered sentence
            assert not SENTENCE_INSIDE.search(re.sub(r"^\d+\.\s", "", line)), (item.id, line)


def test_the_chat_shows_leichte_sprache_line_by_line(action_store):
    item = knowledge.faq_entry("widerspruch")
    text = _faq("widerspruch", easy=True)
    assert text.startswith(item.text.easy + "\n\n")
    assert text.splitlines()[:3] == [
        "Sie haben einen Brief vom Amt bekommen.", "Der Brief heißt: Bescheid.",
        "Sie finden den Bescheid falsch?"]
    # the whole message, source line and "Bitte prüfen" included
    for topic in ("widerspruch", "kosten", "gesamtplankonferenz"):
        for line in _faq(topic, easy=True).splitlines():
            assert not SENTENCE_INSIDE.search(line), (topic, line)


@pytest.mark.parametrize(("value", "text"), [
    (Decimal("29250"), "29.250 Euro"), (Decimal("40950.00"), "40.950 Euro"),
    (Decimal("27.5"), "27,50 Euro"), (25, "25 Euro"), (Decimal("1234567.891"), "1.234.567,89 Euro"),
])
def test_money_in_leichte_sprache(value, text):
    assert easy_euro(value) == text


@pytest.mark.parametrize(("value", "text"), [
    (date(2026, 1, 1), "1. Januar 2026"), ("2027-03-01", "1. März 2027"),
    ("2026-11-21T09:00:00", "21. November 2026"),
])
def test_dates_in_leichte_sprache(value, text):
    assert written_date(value) == text and date_text(value, easy=True) == text
    assert date_text(date(2026, 1, 1), easy=False) == "01.01.2026"


NUMERIC_DATE = re.compile(r"\b\d{1,2}\.\d{1,2}\.\d{2,4}\b")


def test_leichte_sprache_texts_write_money_and_dates_out(dated_store):
    easy = [item.text.easy for item in knowledge.load_entries().values()]
    easy.append(conversation.knowledge_text("widerspruch.frist", True, BEFORE))
    easy.append(budget_message(30, 39, 25, 35, easy=True))
    for text in easy:
        assert "€" not in text and not NUMERIC_DATE.search(text) and not UNGROUPED.search(text)
    assert "Dann braucht das Kind 29.250 bis 40.950 Euro." in knowledge.entry(
        "persoenliches_budget.berechnung").text.easy
    assert "Das sind 29.250 Euro bis 40.950 Euro." in budget_message(30, 39, 25, 35, True)
    assert "\nStand: 21. November 2026" in easy[-2]
    assert "Stand: 21.11.2026" in conversation.knowledge_text("widerspruch.frist", False, BEFORE)
    dated_store.record_consent("m", True)
    profile = {"will": {"goals": []}, "resources": {"professional": {"wished": []}}}
    letter = antrag_text(profile, calculate_range(30, 39, 25, 35), easy=True, today=BEFORE)
    assert "Datum: 21. November 2026" in letter and "29.250 Euro bis 40.950 Euro" in letter
    assert "€" not in letter
    assert crisis_help(easy=True, today=BEFORE).checked == "21. November 2026"
    assert crisis_help(easy=False, today=BEFORE).checked == "21.11.2026"


# --- the Leichte-Sprache PDF legend and doubled words ---------------------------------

def test_no_text_has_a_doubled_word():
    assert doubled_words("Das haben Sie noch nicht nicht bestätigt.") == ["nicht nicht"]
    found = [(where, hit) for where, text in user_texts() for hit in doubled_words(text)]
    assert found == []


def test_the_leichte_sprache_pdf_legend(dated_store):
    dated_store.record_consent("pdf", True)
    dated_store.add_answer("pdf", "people", "Meine Schwester hilft mir beim Einkaufen.")
    content = export_conversation(dated_store, "pdf", "pdf", easy=True, today=BEFORE)[0]
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(content)).pages]
    title_page, text = pages[0], " ".join(pages)
    for legend in ("Das haben Sie bestätigt.", "Das haben Sie verbessert.",
                   "Das haben Sie noch nicht bestätigt."):
        assert legend in title_page
    assert doubled_words(title_page) == [] and "nicht nicht" not in text
    # Leichte Sprache: the date written out, the subtitle promises no meeting
    assert "Gemacht am 21. November 2026" in text
    assert "Mein Profil für den Gesamt-Plan" in text and "Treffen zum Gesamt-Plan" not in text
