"""Extraction beside the words, measured on realistic answers (tests/extraction_cases.yml).

Precision and recall are printed per category (run with -s to see them) and must reach
0.9 for people/relations, aids and Stadtteile.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.extraction import extract, parse_start

CASES = yaml.safe_load((Path(__file__).parent / "extraction_cases.yml").read_text("utf-8"))[
    "cases"]
TODAY = date(2026, 11, 21)
TARGET = 0.9


def _score(expected: Counter, found: Counter) -> tuple[int, int, int]:
    true_positive = sum((expected & found).values())
    return true_positive, sum(found.values()) - true_positive, sum(expected.values()) - (
        true_positive)


class Tally:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0
        self.errors: list[str] = []

    def add(self, text: str, expected: Counter, found: Counter) -> None:
        tp, fp, fn = _score(expected, found)
        self.tp, self.fp, self.fn = self.tp + tp, self.fp + fp, self.fn + fn
        if fp or fn:
            self.errors.append(f"{text!r}: expected {sorted(expected.elements())}, "
                               f"found {sorted(found.elements())}")

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@pytest.fixture(scope="module")
def results():
    return [(case, extract(case["text"], case["question"], today=TODAY)) for case in CASES]


def test_enough_realistic_cases():
    assert len(CASES) >= 60
    assert {c["question"] for c in CASES} == {
        "living", "self", "people", "neighbourhood", "professional", "contribution"}


def test_precision_and_recall(results):
    tallies = {name: Tally() for name in ("people/relations", "aids", "Stadtteile")}
    helps = Counter()
    for case, found in results:
        tallies["people/relations"].add(
            case["text"], Counter(p["relation"] for p in case.get("people") or ()),
            Counter(p.relation for p in found.people))
        tallies["aids"].add(
            case["text"], Counter((a["aid"], a["status"]) for a in case.get("aids") or ()),
            Counter((a.aid, a.status) for a in found.aids))
        tallies["Stadtteile"].add(
            case["text"], Counter(case.get("quarters") or ()),
            Counter(loc.quarter for loc in found.locations if loc.quarter))
        for person in case.get("people") or ():
            match = next((p for p in found.people if p.relation == person["relation"]), None)
            if match is not None:
                helps["checked"] += 1
                wanted = (person["helps_with"] or "").lower()
                helps["right"] += (match.helps_with or "").lower() == wanted
                helps["sector_right"] += match.sector == person["sector"]
    print()
    for name, tally in tallies.items():
        print(f"{name:18} precision {tally.precision:.2f}  recall {tally.recall:.2f}  "
              f"(tp {tally.tp}, fp {tally.fp}, fn {tally.fn})")
        for error in tally.errors:
            print("   ", error)
    print(f"helps_with right for {helps['right']}/{helps['checked']} matched people")
    for name, tally in tallies.items():
        assert tally.precision >= TARGET, name
        assert tally.recall >= TARGET, name
    assert helps["sector_right"] == helps["checked"]
    assert helps["right"] / helps["checked"] >= 0.85


def test_district_follows_from_the_stadtteil(results):
    checked = right = 0
    for case, found in results:
        if case.get("district"):
            checked += 1
            homes = [loc for loc in found.locations if loc.home] or found.locations
            right += bool(homes) and homes[0].district == case["district"]
    print(f"\nBezirk of the home right for {right}/{checked}")
    assert right / checked >= 0.9


def test_goal_starts(results):
    checked = right = 0
    for case, found in results:
        if "goals" not in case:
            continue
        goals = [s for s in found.statements if s.kind == "goal"]
        for wanted, goal in zip(case["goals"], goals, strict=False):
            checked += 1
            right += goal.start == wanted
        checked += abs(len(case["goals"]) - len(goals))
    print(f"\ngoal starts right {right}/{checked}")
    assert right / checked >= 0.9


def test_words_are_never_altered():
    text = "  Meine Schwester hilft mir   beim Einkaufen 🛒 <b>!</b>\n"
    found = extract(text, "people", today=TODAY)
    assert found.text == text
    assert found.people[0].text in text


def test_the_example_of_the_issue():
    person = extract("Meine Schwester hilft mir beim Einkaufen", "people").people[0]
    assert (person.who, person.relation, person.sector, person.helps_with) == (
        "Schwester", "sister", "family", "Einkaufen")


def test_direction_of_help_decides_for_other_questions():
    # the nephew the person helps is at their side, but he is not the one who helps
    nephew = extract("Ich helfe meinem Neffen bei den Hausaufgaben.", "contribution").people
    assert [(p.relation, p.helper, p.helps_with) for p in nephew] == [
        ("niece_nephew", False, None)]
    helper = extract("Beim Duschen hilft mir mein Pfleger.", "self").people
    assert [(p.relation, p.helps_with) for p in helper] == [("carer", "Duschen")]


@pytest.mark.parametrize(("text", "start", "iso"), [
    ("ab Sommer will ich los", "ab Sommer", "2027-06-01"),
    ("nächstes Jahr", "nächstes Jahr", "2027-01-01"),
    ("sofort!", "sofort", "2026-11-21"),
    ("im März", "im März", "2027-03-01"),
    # the month is going on: the start is today, never the 1st, which is past
    ("im November noch", "im November", "2026-11-21"),
    ("ab dem 15.1.", "15.1.", "2027-01-15"),
    ("zum 1. April 2028", "zum 1. April 2028", "2028-04-01"),
    ("in zwei Monaten", "in zwei Monaten", "2027-01-21"),
    ("ab 2028", "ab 2028", "2028-01-01"),
    ("irgendwann bald", "irgendwann", None),
])
def test_start_expressions(text, start, iso):
    assert parse_start(text, TODAY) == (start, iso)


def test_no_start_in_ordinary_words():
    assert parse_start("Ich gehe gern zum Sommerfest und wohne seit 1999 hier", TODAY) is None


def test_goal_kinds_of_a_living_answer():
    found = extract("Ich will nicht mehr im Wohnheim leben. Ab Sommer möchte ich in eine WG. "
                    "Familie ist mir wichtig.", "living", today=TODAY)
    assert [(s.kind, s.start) for s in found.statements] == [
        ("change", None), ("goal", "Ab Sommer"), ("important", None)]


def test_professional_received_and_wished():
    found = extract("Ich bekomme schon Ergotherapie. Ich wünsche mir Hilfe bei der Post. "
                    "Ich weiß nicht, was es sonst gibt.", "professional")
    assert [(h.status, h.words, h.text) for h in found.professional] == [
        ("received", "Ergotherapie", "Ich bekomme schon Ergotherapie"),
        ("wished", "Hilfe bei der Post", "Ich wünsche mir Hilfe bei der Post")]


def test_life_areas_keep_their_words():
    found = extract("Ich will alleine wohnen und wieder Fußball spielen.", "living")
    assert {(a.code, a.words) for a in found.life_areas} >= {("d6", ("wohnen",)),
                                                               ("d9", ("Fußball", "spielen"))}
