"""Next-step rules over example profiles, their sources, and expiry with a fixed today."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bot import knowledge
from bot.next_steps import RuleError, derive_next_steps, load_rules
from bot.profile import build_profile

TODAY = date(2026, 11, 21)


@pytest.fixture()
def store(dated_store):
    """Stored times on TODAY, the day the fixed dates here were written for."""
    return dated_store


def profile_of(store, answers, urgent=None, sender="n1", today=TODAY) -> dict:
    store.record_consent(sender, True)
    for question_id, text in answers:
        store.add_answer(sender, question_id, text)
    for text, categories in urgent or ():
        store.record_urgent(sender, text, categories)
    return build_profile(store, sender, today=today)


def ids(steps) -> list[str]:
    return [s["id"] for s in steps]


def test_rules_load_with_both_registers_and_known_sources():
    rules = load_rules()
    entries = knowledge.load_entries()
    assert {r.id for r in rules} >= {"urgent", "persoenliches_budget", "mobilitaet", "eutb",
                                     "gesamtplankonferenz"}
    for rule in rules:
        assert all(text.standard and text.easy for text in rule.texts.values())
        assert set(rule.sources) <= set(entries)
        assert "befoerderung_hamburg.fachanweisung_2013" not in rule.sources


def test_always_the_gesamtplankonferenz_even_for_an_empty_profile(store):
    steps = profile_of(store, [])["next_steps"]
    assert ids(steps) == ["gesamtplankonferenz"]
    sources = steps[0]["sources"]
    assert sources[0]["id"] == "gesamtplan.vorbereitung"
    assert sources[0]["source"]
    assert sources[0]["checked"] == knowledge.entry("gesamtplan.vorbereitung").checked.isoformat()


def test_wish_to_organise_assistance_oneself_gives_the_persoenliches_budget(store):
    profile = profile_of(store, [
        ("professional", "Ich möchte meine Assistenz selbst aussuchen und anstellen.")])
    step = next(s for s in profile["next_steps"] if s["id"] == "persoenliches_budget")
    assert "formloser Antrag" in step["what"] and "Leistungsträger" in step["what"]
    assert {s["id"] for s in step["sources"]} >= {"persoenliches_budget.recht",
                                                   "persoenliches_budget.antrag"}
    assert "Ich möchte meine Assistenz selbst aussuchen" in step["why"]
    assert step["based_on"] == [profile["answers"][0]["id"]]
    assert step["easy"]["what"].startswith("Prüfen Sie das Persönliche Budget.")


def test_deciding_when_to_get_up_is_not_a_budget_wish(store):
    profile = profile_of(store, [
        ("living", "Mir ist wichtig, dass ich selbst entscheide, wann ich aufstehe.")])
    assert "persoenliches_budget" not in ids(profile["next_steps"])


@pytest.mark.parametrize("answer", [
    ("self", "Mit dem Rollator komme ich nur noch bis zum Bäcker."),
    ("living", "Ich komme kaum noch raus, seit die Treppe zu schwer ist."),
    ("professional", "Ein Fahrdienst zur Arbeit wäre gut."),
    ("living", "Bus fahren kann ich alleine nicht mehr."),
])
def test_mobility_barriers_give_mobility_support(store, answer):
    steps = profile_of(store, [answer])["next_steps"]
    step = next(s for s in steps if s["id"] == "mobilitaet")
    assert [s["id"] for s in step["sources"]] == ["mobilitaet.hilfe", "mobilitaet.oepnv"]
    text = json.dumps(steps, ensure_ascii=False)
    assert "fachanweisung_2013" not in text
    for amount in ("82 €", "120 €", "160 €", "500 €", "82 Euro"):
        assert amount not in text


@pytest.mark.parametrize("answer", [
    ("self", "Ich fahre gern Bus und Bahn."),
    # a walking aid alone is no barrier: the person manages their ways with it
    ("self", "Mit dem Rollator gehe ich allein einkaufen."),
])
def test_no_mobility_step_without_a_barrier(store, answer):
    steps = profile_of(store, [answer])["next_steps"]
    assert "mobilitaet" not in ids(steps)


@pytest.mark.parametrize("text", [
    "Ich weiß nicht, was mir zusteht.",
    "Ich hätte gern eine Beratung zu meinen Rechten.",
    "Keine Ahnung, welche Hilfen es gibt.",
])
def test_unsure_about_rights_gives_eutb(store, text):
    steps = profile_of(store, [("professional", text)])["next_steps"]
    step = next(s for s in steps if s["id"] == "eutb")
    assert [s["id"] for s in step["sources"]] == ["eutb.beratung", "eutb.finden"]


def test_urgent_needs_come_first_with_their_pointer(store):
    profile = profile_of(store, [("professional", "Ich weiß nicht, was mir zusteht.")],
                         urgent=[("Mir droht die Zwangsräumung", ["housing"]),
                                 ("Ich habe kein Geld mehr für Essen", ["money", "food"])])
    steps = profile["next_steps"]
    assert ids(steps)[:3] == ["urgent", "urgent", "urgent"]
    assert [s["sources"][0]["id"] for s in steps[:3]] == [
        "notfall.wohnung", "notfall.geld", "notfall.essen"]
    assert all(s["urgent"] for s in steps[:3]) and not steps[3]["urgent"]
    assert "Fachstelle für Wohnungsnotfälle" in steps[0]["what"]
    assert "Zwangsräumung" in steps[0]["why"]
    assert ids(steps)[-1] == "gesamtplankonferenz"


def test_wished_aids_and_professional_help(store):
    profile = profile_of(store, [
        ("self", "Ich hätte gern einen Duschstuhl."),
        ("professional", "Ich wünsche mir Hilfe beim Sortieren meiner Post.")])
    steps = {s["id"]: s for s in profile["next_steps"]}
    assert "Duschstuhl" in steps["hilfsmittel"]["what"]
    sources = [s["id"] for s in steps["antrag_eingliederungshilfe"]["sources"]]
    assert "hamburg_zugang.eingliederungshilfe" in sources
    # not yet verified: staff see "bitte prüfen"
    assert next(s for s in steps["antrag_eingliederungshilfe"]["sources"]
                if s["id"] == "hamburg_zugang.eingliederungshilfe")["verify"] is True


def test_goal_start_gives_the_by_when(store):
    profile = profile_of(store, [("living", "Ab März möchte ich in einem Café arbeiten.")])
    step = next(s for s in profile["next_steps"] if s["id"] == "gesamtplankonferenz")
    # Leichte Sprache writes the date out
    assert "01.03.2027" in step["by_when"] and "1. März 2027" in step["easy"]["by_when"]


# --- expiry -----------------------------------------------------------------------------

def test_expired_or_not_yet_valid_sources_are_never_shown(store):
    profile = profile_of(store, [("self", "Mit dem Rollator gehe ich einkaufen, Bus fahren "
                                          "geht nicht.")])
    # mobilitaet.hilfe is valid from 2020, mobilitaet.oepnv from 2018
    in_2019 = next(s for s in derive_next_steps(profile, date(2019, 6, 1))
                   if s["id"] == "mobilitaet")
    assert [s["id"] for s in in_2019["sources"]] == ["mobilitaet.oepnv"]
    in_2017 = derive_next_steps(profile, date(2017, 6, 1))
    assert "mobilitaet" not in ids(in_2017)


def test_a_rule_on_an_expired_entry_is_dropped(tmp_path: Path, store):
    rules_file = tmp_path / "rules.yml"
    rules_file.write_text("""
rules:
  - id: befoerderung_alt
    for: everyone
    not_for: nobody
    when: [{always: true}]
    what: {standard: "Pauschale beantragen", easy: "Geld beantragen"}
    who: {standard: "Sie", easy: "Sie"}
    by_when: {standard: "bald", easy: "bald"}
    why: {standard: "weil", easy: "weil"}
    sources: [befoerderung_hamburg.fachanweisung_2013]
""", encoding="utf-8")
    profile = profile_of(store, [])
    rules = load_rules(rules_file)
    assert derive_next_steps(profile, TODAY, rules) == []
    shown_then = derive_next_steps(profile, date(2015, 3, 1), rules)
    assert [s["sources"][0]["valid_until"] for s in shown_then] == ["2017-12-31"]


def test_unknown_sources_and_conditions_are_errors(tmp_path: Path, store):
    profile = profile_of(store, [])
    bad_source = tmp_path / "a.yml"
    bad_source.write_text("""
rules:
  - id: x
    for: everyone
    not_for: nobody
    when: [{always: true}]
    what: {standard: a, easy: a}
    who: {standard: a, easy: a}
    by_when: {standard: a, easy: a}
    why: {standard: a, easy: a}
    sources: [gibt.es.nicht]
""", encoding="utf-8")
    with pytest.raises(RuleError):
        derive_next_steps(profile, TODAY, load_rules(bad_source))
    bad_condition = tmp_path / "b.yml"
    bad_condition.write_text(bad_source.read_text().replace("always: true", "sometimes: true"),
                             encoding="utf-8")
    with pytest.raises(RuleError):
        load_rules(bad_condition)
