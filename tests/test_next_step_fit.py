"""Next steps that fit the person (issue 14, point 2): a fit matrix of people, each built
from realistic answers through the real profile builder (answers → build_profile, with
extraction), and the steps each must get and must not get. Every rule has people it is for
and people it is not for; the matrix holds at least one of each for every rule.

The profile statuses the rules read (schema version 2): professional help received or
wished, aids used / wished / used before, places uses / wishes / used before / barrier,
abilities and limitations, goals. A field a profile lacks reads as empty.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from bot import knowledge
from bot.next_steps import RuleError, derive_next_steps, load_rules
from bot.profile import build_profile
from bot.storage.migrate import upgrade_to_head
from bot.storage.repository import Store
from tests.support.clock import FixedClock
from tests.support.providers import providers_in, without_quotes

TODAY = date(2026, 11, 30)


@dataclass(frozen=True)
class Person:
    name: str
    answers: list[tuple[str, str]]
    must: list[str]
    must_not: list[str]
    urgent: list[tuple[str, list[str]]] = field(default_factory=list)


PEOPLE = [
    # --- ways: practising is not a case for a transport service, nor is driving oneself
    Person("bus_learner",
           [("self", "Ich bin 19 und lerne gerade mit meiner Betreuerin, allein mit dem Bus "
                     "zur Arbeit zu fahren. Alleine traue ich mich noch nicht.")],
           must=["wege_ueben"], must_not=["mobilitaet", "urgent"]),
    Person("bus_practice",
           [("living", "Bus fahren kann ich noch nicht allein, das übe ich gerade jeden "
                       "Dienstag mit meiner Betreuerin.")],
           must=["wege_ueben"], must_not=["mobilitaet"]),
    Person("adapted_car",
           [("self", "Ich sitze im Rollstuhl, aber ich fahre mein umgebautes Auto selbst, mit "
                     "Handgas. Einkaufen mache ich allein.")],
           must=["gesamtplankonferenz"], must_not=["mobilitaet", "wege_ueben"]),
    Person("rollator_stairs",
           [("self", "Mit dem Rollator gehe ich allein einkaufen, aber die Treppe zur S-Bahn "
                     "schaffe ich nicht.")],
           must=["mobilitaet"], must_not=["wege_ueben"]),
    Person("wheelchair_not_needed",
           [("self", "Den Rollstuhl brauche ich nicht mehr, ich laufe wieder. Nur lange "
                     "Strecken sind noch nicht so gut.")],
           must=["gesamtplankonferenz"], must_not=["mobilitaet"]),
    Person("rollator_before_now_again",
           [("self", "Früher ging es ohne Rollator, jetzt komme ich damit kaum noch raus.")],
           must=["mobilitaet"], must_not=["wege_ueben"]),
    Person("rollator_fine",
           [("self", "Mit dem Rollator gehe ich noch allein zum Einkaufen, das schaffe ich.")],
           must=[], must_not=["mobilitaet", "hilfsmittel"]),
    Person("rollator_short",
           [("living", "Ich bin 80 und wohne in Farmsen-Berne. Mit dem Rollator komme ich noch "
                       "zum Bäcker um die Ecke, aber weiter nicht.")],
           must=["mobilitaet"], must_not=["wege_ueben"]),
    Person("wheelchair_long_ways",
           [("self", "Ich habe einen Rollstuhl. Lange Strecken schaffe ich nicht mehr allein.")],
           must=["mobilitaet"], must_not=["hilfsmittel", "wege_ueben"]),
    Person("dare_alone",
           [("living", "dass ich mich mal trau alleine bus zu fahren. und ausziehen, aber das "
                       "ist noch weit weg")],
           must=["wege_ueben", "wohnen"], must_not=["mobilitaet"]),
    Person("fahrdienst",
           [("professional", "Ein Fahrdienst zur Tagesstätte wäre gut, mit dem Bus komme ich "
                             "nicht hin.")],
           must=["mobilitaet", "antrag_eingliederungshilfe"], must_not=["wege_ueben"]),
    Person("ubahn_fine",
           [("self", "Ich fahre jeden Tag allein mit der U-Bahn zur Arbeit.")],
           must=[], must_not=["mobilitaet", "wege_ueben", "arbeit"]),
    Person("crutches_past",
           [("self", "Früher hatte ich Krücken, heute laufe ich wieder ohne und fahre mit dem "
                     "Fahrrad.")],
           must=[], must_not=["mobilitaet", "hilfsmittel"]),
    # --- aids
    Person("shower_chair",
           [("self", "Ein Duschstuhl wäre gut, weil ich nicht mehr lange stehen kann.")],
           must=["hilfsmittel"], must_not=["urgent"]),
    Person("hearing_aid",
           [("self", "Mit meinem Hörgerät verstehe ich fast alles.")],
           must=[], must_not=["hilfsmittel"]),
    # --- work: Budget für Arbeit, Arbeitsassistenz (Integrationsamt), Teilhabe am Arbeitsleben
    Person("arbeitsassistenz_blind",
           [("living", "Ich arbeite seit drei Jahren als Sachbearbeiterin bei einer "
                       "Versicherung."),
            ("professional", "Ich bin blind. Bei der Arbeit bräuchte ich eine "
                             "Arbeitsassistenz, die mir die Papierpost vorliest.")],
           must=["arbeitsassistenz"],
           must_not=["antrag_eingliederungshilfe", "arbeit", "budget_fuer_arbeit"]),
    Person("office_limit",
           [("living", "Ich arbeite im Büro einer Spedition in Harburg."),
            ("self", "Bei der Arbeit kann ich die kleine Schrift am Bildschirm nicht lesen.")],
           must=["arbeitsassistenz"], must_not=["arbeit"]),
    Person("aa_cut",
           [("professional", "Meine Arbeitsassistenz wurde gekürzt, ich brauche aber weiter "
                             "20 Stunden in der Woche.")],
           must=["arbeitsassistenz"], must_not=["antrag_eingliederungshilfe"]),
    Person("werkstatt_support",
           [("professional", "In der Werkstatt brauche ich bei der Arbeit mehr Unterstützung "
                             "von meinem Gruppenleiter.")],
           must=[], must_not=["arbeitsassistenz", "antrag_eingliederungshilfe"]),
    Person("werkstatt_leave",
           [("living", "Ich arbeite seit acht Jahren in der Werkstatt in der Wäscherei. Ich "
                       "möchte lieber in einem richtigen Betrieb arbeiten, mit richtigem "
                       "Lohn.")],
           must=["budget_fuer_arbeit"], must_not=["arbeit", "arbeitsassistenz"]),
    Person("werkstatt_stay",
           [("living", "Ich arbeite gern in der Werkstatt, da sind meine Freunde. Da will ich "
                       "bleiben.")],
           must=[], must_not=["budget_fuer_arbeit", "arbeit"]),
    Person("bfa_named",
           [("professional", "Was ist mit dem Budget für Arbeit? Davon hat mir meine Kollegin "
                             "aus der Gruppe erzählt.")],
           must=["budget_fuer_arbeit"], must_not=["urgent"]),
    Person("job_after_clinic",
           [("living", "Nach der Klinik möchte ich wieder arbeiten, am liebsten im Lager, "
                       "erstmal ein paar Stunden.")],
           must=["arbeit"], must_not=["budget_fuer_arbeit", "arbeitsassistenz"]),
    Person("car_workshop_job",
           [("living", "Ich möchte einen Job finden, am liebsten in einer Autowerkstatt, ich "
                       "schraube gern an Autos.")],
           must=["arbeit"], must_not=["budget_fuer_arbeit"]),
    Person("ausbildung",
           [("living", "Ich will eine Ausbildung als Gärtner machen, wenn ich mit der Schule "
                       "fertig bin.")],
           must=["arbeit"], must_not=["bildung", "budget_fuer_arbeit"]),
    Person("retired",
           [("living", "Ich bin seit zwei Jahren in Rente und möchte nicht mehr arbeiten. Ich "
                       "will mehr Zeit im Garten verbringen.")],
           must=[], must_not=["arbeit"]),
    # --- education and studies
    Person("student",
           [("living", "Ich möchte im Herbst anfangen, Sozialpädagogik an der Uni zu "
                       "studieren."),
            ("professional", "Im Studium bräuchte ich eine Assistenz, die in der Vorlesung "
                             "mitschreibt.")],
           must=["bildung"], must_not=["antrag_eingliederungshilfe", "arbeit"]),
    Person("school_child",
           [("professional", "Mein Sohn ist 8 und hat Autismus. Er braucht eine "
                             "Schulbegleitung, die Schule sagt, ohne geht es nicht.")],
           must=["bildung"], must_not=["antrag_eingliederungshilfe"]),
    Person("abitur",
           [("living", "Ich möchte mein Abitur an der Abendschule nachholen.")],
           must=["bildung"], must_not=["arbeit", "freizeit"]),
    Person("school_ends",
           [("living", "Ich möchte, dass alles so bleibt wie es ist. Nur die Schule ist bald "
                       "vorbei und dann weiß ich nicht, was kommt.")],
           must=[], must_not=["bildung", "wohnen"]),
    Person("past_school",
           [("self", "Früher bin ich gern zur Schule gegangen, Mathe konnte ich gut.")],
           must=[], must_not=["bildung"]),
    # --- care already received: Pflegekasse and Eingliederungshilfe side by side
    Person("care_and_leisure",
           [("professional", "Der Pflegedienst kommt jeden Morgen und hilft mir beim Waschen. "
                             "Ich hätte gern noch jemanden, der mit mir ins Kino oder ins "
                             "Theater geht.")],
           must=["pflege_und_teilhabe", "freizeit", "antrag_eingliederungshilfe"],
           must_not=["pflege_beantragen"]),
    Person("pflegegrad",
           [("self", "Ich habe Pflegegrad 3 und meine Tochter pflegt mich.")],
           must=["pflege_und_teilhabe"], must_not=["pflege_beantragen"]),
    Person("care_wish",
           [("professional", "Ich schaffe das Waschen nicht mehr allein, ich bräuchte einen "
                             "Pflegedienst.")],
           must=["pflege_beantragen"],
           must_not=["pflege_und_teilhabe", "antrag_eingliederungshilfe"]),
    Person("past_care",
           [("professional", "Nach der OP kam ein paar Wochen ein Pflegedienst, jetzt brauche "
                             "ich keinen mehr.")],
           must=[], must_not=["pflege_und_teilhabe", "pflege_beantragen"]),
    # --- housing
    Person("wohnheim_out",
           [("living", "Ich wohne seit zehn Jahren im Wohnheim in Bergedorf. Ich möchte in eine "
                       "eigene Wohnung ziehen, mit etwas Hilfe.")],
           must=["wohnen"], must_not=["urgent"]),
    Person("move_stadtteil",
           [("living", "Ich wohne in Jenfeld, möchte aber nach Eimsbüttel ziehen, da wohnt "
                       "meine Schwester.")],
           must=["wohnen"], must_not=[]),
    Person("wg",
           [("living", "Ich will nicht mehr alleine wohnen, eine WG mit anderen jungen Leuten "
                       "wäre toll.")],
           must=["wohnen"], must_not=[]),
    Person("flat_with_lift",
           [("living", "mein sohn ist 12 und sitzt im rollstuhl. wir wohnen 4. stock kein "
                       "aufzug in harburg. wir brauchen wohnung mit aufzug bitte")],
           must=["wohnen"], must_not=["urgent"]),
    Person("stay_home",
           [("living", "Ich wohne gern in Barmbek-Nord, hier will ich bleiben. Wichtig ist mir "
                       "mein Hund.")],
           must=[], must_not=["wohnen"]),
    Person("urgent_housing",
           [("living", "Ich brauche sofort eine neue Wohnung.")],
           must=["urgent", "wohnen"], must_not=[],
           urgent=[("Mir wird die Wohnung gekündigt", ["housing"])]),
    # --- leisure and places of the Stadtteil
    Person("barrier_place",
           [("neighbourhood", "Ins Bürgerhaus komme ich mit dem Rollstuhl nicht rein, da gibt "
                              "es keinen Aufzug. Die Bücherhalle nutze ich jede Woche.")],
           must=["freizeit"], must_not=[]),
    Person("swim_wish",
           [("neighbourhood", "Früher war ich im Sportverein. Ins Schwimmbad würde ich gern "
                              "wieder gehen, aber allein traue ich mich nicht.")],
           must=["freizeit"], must_not=[]),
    Person("freizeitassistenz",
           [("professional", "Ich wünsche mir eine Freizeitassistenz, mit der ich zum Fußball "
                             "ins Stadion gehen kann.")],
           must=["freizeit", "antrag_eingliederungshilfe"],
           must_not=["arbeitsassistenz", "pflege_und_teilhabe"]),
    Person("uses_places",
           [("neighbourhood", "Ich gehe jeden Dienstag in die Bücherhalle und samstags auf den "
                              "Wochenmarkt in Eimsbüttel.")],
           must=[], must_not=["freizeit", "eutb"]),
    Person("neighbour_coffee",
           [("people", "Meine Nachbarin besucht mich oft, wir trinken zusammen Kaffee.")],
           must=[], must_not=["selbsthilfe", "freizeit"]),
    # --- peer support
    Person("peer_wish",
           [("people", "Ich kenne niemanden, der auch Depressionen hat. Ich hätte gern "
                       "Austausch mit anderen Betroffenen.")],
           must=["selbsthilfe"], must_not=[]),
    Person("group_wish",
           [("neighbourhood", "In eine Selbsthilfegruppe für Angehörige würde ich gern mal "
                              "gehen.")],
           must=["selbsthilfe"], must_not=[]),
    Person("in_group",
           [("neighbourhood", "Ich gehe jeden Donnerstag in meine Selbsthilfegruppe in Altona, "
                              "das tut mir gut.")],
           must=[], must_not=["selbsthilfe"]),
    # --- help by professionals: which office
    Person("household",
           [("professional", "Ich hätte gern Hilfe bei der Behördenpost und beim Putzen.")],
           must=["antrag_eingliederungshilfe"],
           must_not=["arbeitsassistenz", "pflege_beantragen"]),
    Person("household_not_care",
           [("professional", "Logopädie und Ergotherapie bekomme ich schon. Eine "
                             "Haushaltshilfe hätte ich gern, das Putzen schaffe ich nicht "
                             "mehr.")],
           must=["antrag_eingliederungshilfe"], must_not=["pflege_beantragen"]),
    Person("widerspruch",
           [("professional", "Ich bekomme Physiotherapie. Ich möchte eine Umschulung, aber die "
                             "Rentenversicherung sagt nein. Hilfe beim Widerspruch wäre gut.")],
           must=["eutb", "arbeit"], must_not=["antrag_eingliederungshilfe"]),
    Person("therapy",
           [("professional", "Ich mache seit einem Jahr eine Therapie, das hilft mir.")],
           must=[], must_not=["antrag_eingliederungshilfe"]),
    Person("budget_wish",
           [("professional", "Ich möchte meine Assistenz selbst aussuchen und als "
                             "Arbeitgeberin anstellen.")],
           must=["persoenliches_budget"], must_not=["arbeitsassistenz"]),
    Person("has_budget",
           [("professional", "Ich habe schon seit 2022 ein persönliches Budget und bezahle "
                             "davon meine Assistentinnen.")],
           must=[], must_not=["persoenliches_budget"]),
    # --- counselling
    Person("rights",
           [("professional", "Ich weiß nicht, was mir zusteht und welche Hilfen es gibt.")],
           must=["eutb"], must_not=["urgent"]),
    Person("dont_know_stadtteil",
           [("neighbourhood", "Ich weiß nicht, was es in Lurup gibt, ich bin neu hier.")],
           must=[], must_not=["eutb"]),
    Person("at_eutb",
           [("professional", "Ich gehe schon zur EUTB-Beratung in Harburg, die hilft mir mit "
                             "dem Antrag.")],
           must=[], must_not=["eutb"]),
    # --- the Gesamtplan
    Person("has_plan",
           [("professional", "Ich habe seit letztem Jahr einen Gesamtplan, aber jetzt hat sich "
                             "viel geändert, ich bin umgezogen.")],
           must=["gesamtplan_ueberpruefung"], must_not=["gesamtplankonferenz"]),
    Person("get_up",
           [("living", "Mir ist wichtig, dass ich selbst entscheide, wann ich aufstehe.")],
           must=["gesamtplankonferenz"],
           must_not=["persoenliches_budget", "gesamtplan_ueberpruefung"]),
]
BY_NAME = {person.name: person for person in PEOPLE}


@pytest.fixture(scope="module")
def fit_store(tmp_path_factory) -> Store:
    url = f"sqlite:///{tmp_path_factory.mktemp('fit') / 'fit.db'}"
    upgrade_to_head(url)
    return Store(url, clock=FixedClock())


@pytest.fixture(scope="module")
def profiles(fit_store):
    """Each person's profile, built once: answers → the real profile builder."""
    built: dict[str, dict] = {}

    def profile(name: str) -> dict:
        if name not in built:
            person = BY_NAME[name]
            fit_store.record_consent(name, True)
            for question_id, text in person.answers:
                fit_store.add_answer(name, question_id, text)
            for text, categories in person.urgent:
                fit_store.record_urgent(name, text, categories)
            built[name] = build_profile(fit_store, name, today=TODAY)
        return built[name]

    return profile


def ids(profile: dict) -> list[str]:
    return [step["id"] for step in profile["next_steps"]]


def test_the_matrix_is_big_enough_and_covers_every_rule():
    assert len(PEOPLE) >= 40 and len(BY_NAME) == len(PEOPLE)
    rules = {rule.id for rule in load_rules()}
    must = {step for person in PEOPLE for step in person.must}
    must_not = {step for person in PEOPLE for step in person.must_not}
    assert rules - must == set(), "rules nobody must get"
    assert rules - must_not == set(), "rules without anybody they are not for"
    assert (must | must_not) <= rules
    for person in PEOPLE:
        assert not set(person.must) & set(person.must_not), person.name


@pytest.mark.parametrize("person", PEOPLE, ids=lambda p: p.name)
def test_each_person_gets_the_steps_that_fit(profiles, person):
    got = ids(profiles(person.name))
    assert [step for step in person.must if step not in got] == [], got
    assert [step for step in person.must_not if step in got] == [], got


@pytest.mark.parametrize("person", PEOPLE, ids=lambda p: p.name)
def test_every_step_is_provider_neutral_and_rests_on_current_sources(profiles, person):
    for step in profiles(person.name)["next_steps"]:
        texts = [step[k] for k in ("what", "who", "by_when", "why")] + list(step["easy"].values())
        assert providers_in(without_quotes(" ".join(texts))) == [], step["id"]
        assert step["sources"], step["id"]
        for source in step["sources"]:
            entry = knowledge.entry(source["id"])
            assert entry.is_current(TODAY) and source["source"] and source["checked"]


def test_arbeitsassistenz_goes_to_the_integrationsamt_not_the_fachamt(profiles):
    profile = profiles("arbeitsassistenz_blind")
    step = next(s for s in profile["next_steps"] if s["id"] == "arbeitsassistenz")
    assert "Integrationsamt" in step["who"] and "Zentrum für Teilhabe" in step["who"]
    assert "Fachamt Eingliederungshilfe" not in step["who"]
    assert "Integrations-Amt" in step["easy"]["who"]
    assert "nicht zur Eingliederungshilfe" in step["what"]
    refs = {ref for source in step["sources"] for ref in source["legal_refs"]}
    assert "§ 185 Abs. 5 SGB IX" in refs
    assert "Arbeitsassistenz" in step["why"]            # the person's own words
    assert step["based_on"] == [profile["answers"][1]["id"]]


def test_the_bus_learner_is_offered_company_on_the_way_not_a_transport_service(profiles):
    step = next(s for s in profiles("bus_learner")["next_steps"] if s["id"] == "wege_ueben")
    assert "Fahrdienst" not in step["what"] and "Assistenz" in step["what"]
    assert "lerne gerade" in step["why"]


def test_work_steps_name_budget_fuer_arbeit_and_the_eutb(profiles):
    step = next(s for s in profiles("werkstatt_leave")["next_steps"]
                if s["id"] == "budget_fuer_arbeit")
    assert {s["id"] for s in step["sources"]} >= {"arbeit.budget_fuer_arbeit", "eutb.beratung"}
    assert "§ 61 SGB IX" in step["sources"][0]["legal_refs"]
    assert "in die Werkstatt zurück" in step["what"] and "EUTB" in step["what"]
    work = next(s for s in profiles("job_after_clinic")["next_steps"] if s["id"] == "arbeit")
    assert "Agentur für Arbeit" in work["who"] and "EUTB" in work["what"]


def test_care_and_participation_side_by_side(profiles):
    steps = {s["id"]: s for s in profiles("care_and_leisure")["next_steps"]}
    step = steps["pflege_und_teilhabe"]
    assert "schließen sich" in step["what"] and "nicht aus" in step["what"]
    assert "Pflegekasse" in step["who"] and "Fachamt Eingliederungshilfe" in step["who"]
    refs = {ref for source in step["sources"] for ref in source["legal_refs"]}
    assert {"§ 13 Abs. 3 SGB XI", "§ 91 Abs. 3 SGB IX"} <= refs
    assert "Pflegedienst" in step["why"]


def test_education_rests_on_the_teilhabe_an_bildung(profiles):
    step = next(s for s in profiles("student")["next_steps"] if s["id"] == "bildung")
    assert "§ 112 SGB IX" in step["sources"][0]["legal_refs"]
    assert "Nachteilsausgleich" in step["what"]


LINE_WORDS = 14


def test_every_rule_speaks_both_registers_and_leichte_sprache_keeps_short_lines():
    for rule in load_rules():
        assert all(rule.audience), rule.id
        for name, text in rule.texts.items():
            assert text.standard and text.easy, (rule.id, name)
            assert "€" not in text.easy and not re.search(r"\d{1,2}\.\d{1,2}\.\d{2,4}", text.easy)
            for line in text.easy.splitlines():
                assert len(line.split()) <= LINE_WORDS, (rule.id, name, line)
            if name == "what" and rule.id != "urgent":
                # the export shows "Heading: the rest"
                assert ": " in text.standard, rule.id


# --- reading the statuses, and a profile that lacks a field -------------------------

def test_a_field_the_profile_lacks_reads_as_empty(profiles):
    """Steps on statuses the profile does not (yet) have are left out; nothing breaks."""
    profile = copy.deepcopy(profiles("care_and_leisure"))
    for item in profile["resources"]["aids"] + profile["resources"]["neighbourhood"]:
        item.pop("status", None)
    del profile["resources"]["professional"]
    steps = [s["id"] for s in derive_next_steps(profile, TODAY)]
    assert "pflege_und_teilhabe" not in steps and "antrag_eingliederungshilfe" not in steps
    assert "freizeit" in steps                           # from the person's words
    assert steps[-1] == "gesamtplankonferenz"
    bare = {"answers": [], "urgent": []}
    assert [s["id"] for s in derive_next_steps(bare, TODAY)] == ["gesamtplankonferenz"]


RULE = """
rules:
  - id: test_rule
{audience}    when: [{{aids: {{status: wished}}}}]
    unless: [{{aids: {{aid: adapted_car, status: used}}}}]
    what: {{standard: "Titel: Text", easy: "Text."}}
    who: {{standard: "Sie", easy: "Sie."}}
    by_when: {{standard: "bald", easy: "Bald."}}
    why: {{standard: "weil", easy: "Weil."}}
    sources: [antrag.zustaendigkeit]
"""


def test_a_rule_must_say_whom_it_is_for_and_whom_not(tmp_path: Path):
    path = tmp_path / "rules.yml"
    path.write_text(RULE.format(audience="    for: people who wish\n"), encoding="utf-8")
    with pytest.raises(RuleError, match="not_for"):
        load_rules(path)
    path.write_text(RULE.format(audience="    for: a\n    not_for: b\n").replace(
        "status: wished", "status: wished, colour: red"), encoding="utf-8")
    with pytest.raises(RuleError):
        derive_next_steps({"answers": [], "urgent": [], "resources": {"aids": [
            {"status": "wished", "answer_id": 1, "text": "x"}]}}, TODAY, load_rules(path))


def test_unless_leaves_out_the_people_a_rule_is_not_for(tmp_path: Path):
    path = tmp_path / "rules.yml"
    path.write_text(RULE.format(audience="    for: a\n    not_for: b\n"), encoding="utf-8")
    rules = load_rules(path)
    wished = {"aid": "power_wheelchair", "status": "wished", "answer_id": 1, "text": "E-Rolli"}
    car = {"aid": "adapted_car", "status": "used", "answer_id": 2, "text": "mein Auto"}
    base = {"answers": [], "urgent": [], "will": {"goals": []}}
    profile = {**base, "resources": {"aids": [wished]}}
    assert [s["id"] for s in derive_next_steps(profile, TODAY, rules)] == ["test_rule"]
    profile = {**base, "resources": {"aids": [wished, car]}}
    assert derive_next_steps(profile, TODAY, rules) == []
    old_car = {**car, "status": "used_before"}
    profile = {**base, "resources": {"aids": [wished, old_car]}}
    assert [s["id"] for s in derive_next_steps(profile, TODAY, rules)] == ["test_rule"]
