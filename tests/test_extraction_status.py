"""Every status rule of profile version 2 on sentences written for this test (not taken from
the gold set): the status follows the person's words (negation, past, modality, other
people's doing), and every item keeps the exact span of words it came from."""

from __future__ import annotations

from datetime import date

import pytest

from bot.extraction import extract, parse_start

TODAY = date(2026, 11, 21)


def found(text: str, question: str):
    return extract(text, question, today=TODAY)


def kinds(text: str, question: str = "self") -> list[tuple[str, str]]:
    return [(s.kind, s.text) for s in found(text, question).statements
            if s.kind in ("ability", "limitation")]


# --- what the person can do themself, and what is hard --------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Das schaffe ich nicht mehr allein.", [("limitation", "Das schaffe ich nicht mehr allein")]),
    ("Treppen gehen nicht mehr.", [("limitation", "Treppen gehen nicht mehr")]),
    ("Seit dem Schlaganfall kann ich nicht mehr schreiben.",
     [("limitation", "Seit dem Schlaganfall kann ich nicht mehr schreiben")]),
    ("ich kann nich lange laufen", [("limitation", "ich kann nich lange laufen")]),
    ("Das Anziehen fällt mir schwer.", [("limitation", "Das Anziehen fällt mir schwer")]),
    ("Briefe lesen geht nur mit Hilfe.", [("limitation", "Briefe lesen geht nur mit Hilfe")]),
    ("Wäsche waschen kann ich gut.", [("ability", "Wäsche waschen kann ich gut")]),
    ("Ich fahre allein mit dem Bus zur Arbeit.",
     [("ability", "Ich fahre allein mit dem Bus zur Arbeit")]),
])
def test_ability_or_limitation_by_the_words(text, expected):
    assert kinds(text) == expected


def test_one_message_with_both_is_split_at_the_contrast():
    assert kinds("Backen kann ich, aber staubsaugen nicht.") == [
        ("ability", "Backen kann ich"), ("limitation", "staubsaugen nicht")]
    assert kinds("Ich mache alles selbst außer Fenster putzen.") == [
        ("ability", "Ich mache alles selbst"), ("limitation", "außer Fenster putzen")]


def test_a_list_takes_the_status_of_what_is_said_about_it():
    """"Bügeln, Betten beziehen – das geht nicht mehr": the list is not an ability."""
    assert {k for k, _ in kinds("Bügeln, Betten beziehen, das geht nicht mehr.")} == {
        "limitation"}


def test_other_peoples_doing_is_no_ability_of_the_person():
    result = found("Meine Mutter macht alles für mich.", "self")
    assert kinds("Meine Mutter macht alles für mich.") == []
    assert [p.relation for p in result.people] == ["mother"]
    son = found("Mein Sohn hilft mir mit den Briefen vom Amt.", "self")
    assert [(p.who, p.helps_with) for p in son.people] == [("Sohn", "den Briefen vom Amt")]
    assert kinds("Mein Sohn hilft mir mit den Briefen vom Amt.") == []


def test_no_longer_needing_help_or_an_aid_is_no_limitation():
    assert kinds("Hilfe beim Duschen brauche ich nicht mehr, das geht wieder allein.") == [
        ("ability", "Hilfe beim Duschen brauche ich nicht mehr, das geht wieder allein")]
    # "Den brauche ich nicht mehr" speaks of the aid (its item says it), not of an ability
    assert kinds("Früher hatte ich einen Rollator. Den brauche ich nicht mehr.") == []


def test_a_clause_cut_at_damit_keeps_its_limitation():
    assert kinds("Früher ging es ohne Rollator, jetzt komme ich damit kaum noch raus.") == [
        ("limitation", "jetzt komme ich damit kaum noch raus")]


def test_a_past_ability_and_a_wish_are_not_abilities():
    assert kinds("Früher habe ich viel gestrickt.") == []
    assert kinds("Ich möchte wieder Rad fahren können.") == []


# --- technical aids --------------------------------------------------------------------

@pytest.mark.parametrize(("text", "status"), [
    ("Ich habe einen Rollator.", "used"),
    ("Mit meinen Krücken komme ich gut die Treppe hoch.", "used"),
    ("Ohne Rollstuhl komme ich nirgends hin.", "used"),
    ("Ein Treppenlift wäre gut.", "wished"),
    ("Ich hätte gern einen Elektrorollstuhl.", "wished"),
    ("Der Antrag auf einen Hausnotruf läuft.", "wished"),
    ("Meine Lupe ist kaputt, eine neue bräuchte ich.", "wished"),
    ("Früher hatte ich ein Hörgerät.", "used_before"),
    ("Die Lupe benutze ich nicht mehr.", "used_before"),
    ("Einen Rollator brauche ich seit der Reha nicht mehr.", "used_before"),
    ("Die Brille liegt nur noch im Schrank, die trage ich nicht mehr.", "used_before"),
    ("Früher ging es ohne Rollator, jetzt komme ich damit kaum noch raus.", "used"),
])
def test_aid_status(text, status):
    aids = found(text, "self").aids
    assert [a.status for a in aids] == [status]


def test_aids_not_had_and_not_wanted_are_left_out():
    assert found("Einen Rollstuhl will ich nicht.", "self").aids == []
    assert found("Ich habe keinen Rollator.", "self").aids == []
    assert [a.status for a in found("Ich habe keinen Rollator, hätte aber gern einen.",
                                    "self").aids] == ["wished"]


def test_a_places_equipment_is_no_aid_of_the_person():
    assert found("Das Kino hat eine Rampe, da gehe ich oft hin.", "neighbourhood").aids == []


# --- places in the Sozialraum ----------------------------------------------------------

@pytest.mark.parametrize(("text", "status", "barrier"), [
    ("In die Bücherhalle gehe ich jede Woche.", "uses", None),
    ("Bücherhalle, Park und der Wochenmarkt.", "uses", None),
    ("Ins Schwimmbad würde ich gern.", "wishes", None),
    ("Ich würde gern wieder in den Chor, da war ich früher.", "wishes", None),
    ("Früher war ich im Sportverein.", "used_before", None),
    ("Im Seniorentreff war ich lange, seit dem Umzug nicht mehr.", "used_before", None),
    ("Ins Bürgerhaus komme ich nicht rein, da gibt es keinen Aufzug.", "barrier",
     "keinen Aufzug"),
    ("Die Post hat Stufen.", "barrier", "Stufen"),
    ("Ins Café würde ich gern, aber da sind nur Treppen.", "barrier", "Treppen"),
])
def test_place_status(text, status, barrier):
    places = found(text, "neighbourhood").places
    assert places and places[0].status == status
    assert places[0].barrier == barrier


def test_places_that_only_exist_or_are_not_visited_are_left_out():
    assert found("In Horn gibt es einen Park.", "neighbourhood").places == []
    assert found("Eine Begegnungsstätte gibt es, aber da war ich noch nie.",
                 "neighbourhood").places == []


def test_two_places_in_one_sentence_keep_their_own_status():
    places = found("In die Bücherhalle gehe ich oft und ins Schwimmbad würde ich gern.",
                   "neighbourhood").places
    assert [(p.label, p.status) for p in places] == [("Bücherhalle", "uses"),
                                                     ("Schwimmbad", "wishes")]


# --- professional help -----------------------------------------------------------------

def test_received_and_wished_in_one_message():
    result = found("Die Pflegerin kommt jeden Morgen, für die Post hätte ich gern noch "
                   "jemanden.", "professional")
    assert [(h.status, h.words) for h in result.professional] == [
        ("received", "Pflegerin"), ("wished", "jemanden")]


@pytest.mark.parametrize(("text", "status"), [
    ("Vier Stunden ambulante Hilfe in der Woche.", "received"),
    ("Meine Betreuerin kümmert sich um die Anträge.", "received"),
    ("Die Schulbegleitung wurde gekürzt, sie kommt nur noch vormittags.", "received"),
    ("Ich gehe einmal im Monat zur Suchtberatung.", "received"),
    ("Eine Haushaltshilfe wäre gut.", "wished"),
    ("Ich wünsche mir eine Assistenz für die Freizeit.", "wished"),
    ("Eingliederungshilfe ist beantragt.", "wished"),
])
def test_professional_status(text, status):
    assert [h.status for h in found(text, "professional").professional] == [status]


def test_help_only_in_the_past_or_not_had_gives_nothing():
    assert found("Früher hatte ich eine Betreuerin.", "professional").professional == []
    assert found("Einen Pflegedienst habe ich nicht.", "professional").professional == []
    wanted = found("Einen Fahrdienst habe ich nicht, bräuchte ich aber.", "professional")
    assert [h.status for h in wanted.professional] == ["wished"]


# --- where the person lives, and where they want to live -------------------------------

def test_home_and_a_wish_to_move():
    result = found("Ich wohne in Jenfeld und möchte nach Eimsbüttel ziehen.", "neighbourhood")
    assert (result.residence.quarter, result.move_to.quarter) == ("Jenfeld", "Eimsbüttel")
    goals = [s for s in result.statements if s.kind == "goal"]
    assert [g.move_to for g in goals] == ["Eimsbüttel"]


def test_a_wish_to_move_is_never_the_home():
    result = found("Am liebsten würde ich in Ottensen wohnen.", "living")
    assert result.residence is None and result.move_to.quarter == "Ottensen"


@pytest.mark.parametrize("text", ["Ich möchte allein wohnen, in Wilhelmsburg. Ab Sommer 2027.",
                                  "Wir wollen zusammen leben in Bergedorf."])
def test_wohnen_after_a_wish_is_a_wish_not_the_home(text):
    result = found(text, "living")
    assert result.residence is None and result.move_to is not None


def test_a_wish_to_stay_and_a_plain_home_are_the_home():
    assert found("Ich möchte weiter in Harburg wohnen.", "living").residence.quarter == "Harburg"
    assert found("Wir wohnen gerne in Lurup.", "living").residence.quarter == "Lurup"


def test_a_former_home_and_a_relatives_home_are_not_the_home():
    assert found("Früher habe ich in Altona gewohnt.", "neighbourhood").residence is None
    assert found("Meine Schwester wohnt in Harburg, ich sehe sie oft.", "people").residence is None
    assert found("Hier in Bramfeld gibt es nicht viel.", "neighbourhood").residence.quarter == (
        "Bramfeld")


# --- the person's words ----------------------------------------------------------------

def test_every_item_keeps_the_exact_span_of_its_words():
    text = "Ich wohne in Barmbek-Nord. Ins Bürgerhaus komme ich nicht rein, da sind Stufen! " \
           "Früher hatte ich einen Rollator; der Pflegedienst kommt morgens."
    result = found(text, "neighbourhood")
    items = [*result.places, *result.aids, *result.professional, *result.locations]
    assert items
    for item in items:
        start, end = item.span
        assert text[start:end] == item.text


# --- when, in the person's words (the clock is injected) -------------------------------

@pytest.mark.parametrize(("text", "today", "start", "iso"), [
    ("im Sommer", date(2026, 11, 21), "im Sommer", "2027-06-01"),
    ("im Sommer", date(2026, 7, 10), "im Sommer", "2026-07-10"),   # summer now: today
    ("im Sommer 2026", date(2026, 11, 21), "im Sommer 2026", None),  # over: no past date
    ("ab März 2025", date(2026, 11, 21), "ab März 2025", None),
    ("zum 1.3.2026", date(2026, 11, 21), "zum 1.3.2026", None),
    ("nächstes Jahr", date(2026, 11, 21), "nächstes Jahr", "2027-01-01"),
    ("sofort", date(2026, 11, 21), "sofort", "2026-11-21"),
    ("wenn ich 18 bin", date(2026, 11, 21), "wenn ich 18 bin", None),
    ("nach der Reha", date(2026, 11, 21), "nach der Reha", None),
])
def test_start_words_are_kept_and_a_date_only_when_certain_and_not_past(text, today, start, iso):
    assert parse_start(text, today) == (start, iso)


def test_a_wished_help_keeps_its_when():
    result = found("Eine Tagespflege wäre gut, am besten ab Januar.", "professional")
    assert [(h.status, h.start, h.start_date) for h in result.professional] == [
        ("wished", "ab Januar", "2027-01-01")]
    goal = found("Wenn ich 18 bin, will ich in eine WG ziehen.", "living").statements[0]
    assert (goal.kind, goal.start, goal.start_date) == ("goal", "Wenn ich 18 bin", None)


# --- rules from the second gold set's development part (other writers), in our own words --

@pytest.mark.parametrize(("text", "expected"), [
    ("Lisa kann sich anziehen, wenn man sie erinnert.",
     [("limitation", "Lisa kann sich anziehen, wenn man sie erinnert")]),
    ("Neue Wege allein: unmöglich ohne Begleitung.",
     [("limitation", "Neue Wege allein: unmöglich ohne Begleitung")]),
    ("Schwere Taschen tragen, da brauch ich wen.",
     [("limitation", "Schwere Taschen tragen, da brauch ich wen")]),
])
def test_needing_someone_is_a_limitation(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize(("text", "status"), [
    ("Ein Rollstuhl für längere Wege wäre nötig, ich habe keinen.", "wished"),
    ("Den Treppenlift haben wir beim Vermieter angefragt.", "wished"),
    ("Mein Hörgerät brauche ich neu, das alte pfeift.", "wished"),
])
def test_aids_asked_for_or_needed_new_are_wished(text, status):
    assert [a.status for a in found(text, "self").aids] == [status]


@pytest.mark.parametrize(("text", "place", "status"), [
    ("Den Stadtpark vermisse ich sehr.", "Stadtpark", "used_before"),
    ("Die Bücherhalle fehlt mir, seit ich umgezogen bin.", "Bücherhalle", "used_before"),
    ("Der Wochenmarkt ist schwierig wegen dem Kopfsteinpflaster.", "Wochenmarkt", "barrier"),
    ("Ins Fitnessstudio würde ich gern, aber zu teuer.", "Fitnessstudio", "barrier"),
    ("Den Seniorentreff habe ich eingestellt.", "Seniorentreff", "used_before"),
])
def test_place_status_from_other_writers(text, place, status):
    places = found(text, "neighbourhood").places
    assert [(p.words, p.status) for p in places] == [(place, status)]


def test_dictated_punctuation_separates_sentences_and_keeps_positions():
    text = ("in den chor geh ich noch hin punkt den park vermisse ich sehr punkt "
            "die bücherhalle ist zu laut")
    places = {p.words.lower(): p.status for p in found(text, "neighbourhood").places}
    assert places == {"chor": "uses", "park": "used_before", "bücherhalle": "barrier"}
    for place in found(text, "neighbourhood").places:
        start, end = place.span
        assert place.text == text[start:end]      # the person's words, unchanged


@pytest.mark.parametrize(("text", "status"), [
    ("Wohngruppe mit Betreuern, Tagesstätte. Einen rechtlichen Betreuer hab ich auch.",
     {"received"}),
    ("Mein Arzt sagt, ich brauche eine Therapie.", {"received", "wished"}),
    ("Er braucht eine Schulbegleitung, die Schule sagt, ohne geht es nicht.", {"wished"}),
])
def test_help_without_words_of_its_own_follows_the_answer(text, status):
    assert {h.status for h in found(text, "professional").professional} == status


@pytest.mark.parametrize(("text", "move_to"), [
    ("Noch geht es. In fünf Jahren ziehen wir dann in eine Wohnung in Rissen.", "Rissen"),
    ("Wir suchen eine Wohnung ohne Stufen, am liebsten in Lohbrügge.", "Lohbrügge"),
    ("Nächsten Sommer würde ich gern in eine WG in Eimsbüttel ziehen.", "Eimsbüttel"),
])
def test_a_move_is_a_goal_and_never_the_home(text, move_to):
    result = found(text, "living")
    assert result.residence is None
    assert result.move_to is not None and result.move_to.quarter == move_to


def test_staying_is_the_home():
    result = found("Ich möchte gern weiter in meiner Wohnung in Langenhorn wohnen bleiben.",
                   "living")
    assert result.residence is not None and result.residence.quarter == "Langenhorn"
    assert result.move_to is None


def test_a_name_set_off_by_commas_names_the_person():
    people = found("Seit Kurzem hab ich einen Freund, Tim. Und meine Schwester, die hilft mir.",
                   "people").people
    assert [p.who for p in people] == ["Tim", "Schwester"]
