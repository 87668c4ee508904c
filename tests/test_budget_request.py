"""The budget calculation as the person asks for it in the chat (issue 14, point 3): hours
per day, week, month or year, thousands separators, more than one item, employer costs only
in the Arbeitgebermodell, and follow-ups ("wie viel ist das im Jahr?") — in the chat, through
the action with a tracker."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from decimal import Decimal

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ActionBudget
from actions.forms import ValidateInterviewForm
from bot.budget import BudgetPlan, estimate
from bot.dialogue.budget_request import SLOT, answer, normalise, parse, to_number
from tests.support.rasa_actions import domain

TODAY = date(2026, 11, 30)


def test_seed_example_from_a_typed_message():
    request = parse("Rechne mir das aus: 30 Stunden pro Woche, 39 Wochen, 25 bis 35 Euro")
    assert (request.hours_per_week, request.weeks, request.rate_from, request.rate_to) == (
        Decimal(30), Decimal(39), Decimal(25), Decimal(35))
    text = answer("30 Stunden pro Woche, 39 Wochen, 25 bis 35 Euro", easy=False,
                  today=TODAY).replies[0].text
    assert "1.170" in text and "29.250,00 €" in text and "40.950,00 €" in text


def test_variants_and_missing_figures():
    assert parse("15 std die woche, das ganze jahr, 30,50 €").year_weeks == Decimal(52)
    assert parse("12,5 Stunden, 39 Schulwochen, 35-25 EUR").rate_from == Decimal(25)
    assert parse("rechne mir das budget aus") is None
    assert parse("30 stunden pro woche") is None                    # no rate
    assert parse("20 stunden, 30 euro") is None                     # per what?
    assert parse("0 stunden, 39 wochen, 25 euro") is None
    assert parse("30 stunden pro woche, 0 euro") is None
    assert parse("30 stunden am tag, 25 euro") is None              # more than a day has
    assert answer("budget bitte", easy=True).replies[0].response == "utter_budget_how"


@pytest.mark.parametrize(("text", "value"), [
    ("1.200", Decimal(1200)), ("1.200,50", Decimal("1200.50")), ("12,5", Decimal("12.5")),
    ("12.5", Decimal("12.5")), ("27,50", Decimal("27.50")), ("40.950", Decimal(40950)),
])
def test_german_figures(text, value):
    assert to_number(text) == value


def test_number_words_only_where_they_count():
    assert normalise("zwanzig Stunden die Woche") == "20 stunden die woche"
    assert normalise("einundzwanzig Stunden") == "21 stunden"
    assert normalise("eine Stunde am Tag") == "1 stunde am tag"
    assert normalise("eine Assistenz") == "eine assistenz"           # an article stays
    assert normalise("eineinhalb Stunden") == "1,5 stunden"
    assert normalise("90 Minuten") == "1,5 stunden"


# (message, period of the answer, hours in that period or None, lower sum, higher sum)
PHRASINGS = [
    ("30 Stunden pro Woche, 39 Wochen, 25 bis 35 Euro", "year", "1170", "29250.00",
     "40950.00"),
    ("zwanzig Stunden die Woche, 30 Euro die Stunde", "week", "20", "600.00", None),
    ("1.200 € im Monat für Assistenz und 80 Euro Fahrtkosten", "month", None, "1280.00", None),
    ("jeden Tag 3 Std, 28 Euro", "week", "21", "588.00", None),
    ("an 5 Tagen je 6 Stunden, 30 €/h", "week", "30", "900.00", None),
    ("6 Stunden am Tag an 5 Tagen, Stundensatz 32 Euro", "week", "30", "960.00", None),
    ("20 Stunden im Monat zu 30 Euro", "month", "20", "600.00", None),
    ("15 std die woche, das ganze jahr, 30,50 €", "year", "780", "23790.00", None),
    ("12,5 Stunden, 39 Schulwochen, 35-25 EUR", "year", "487.5", "12187.50", "17062.50"),
    ("rechne mal 25 stunden mal 39 wochen mal 30 euro", "year", "975", "29250.00", None),
    ("3 mal die Woche je 2 Stunden, 27,50 Euro pro Stunde", "week", "6", "165.00", None),
    ("eineinhalb Stunden täglich, 30 Euro", "week", "10.5", "315.00", None),
    ("eine halbe Stunde am Tag für 40 Euro die Stunde", "week", "3.5", "140.00", None),
    ("90 Minuten am Tag, 30 Euro", "week", "10.5", "315.00", None),
    ("20 Stundne die Wohe, 30 Eruo", "week", "20", "600.00", None),
    ("15 stunen die woche 25 euor", "week", "15", "375.00", None),
    ("Assistenz 10 Stunden wöchentlich à 31 €, Arbeitgebermodell mit 21 % Arbeitgeberanteil",
     "week", "10", "375.10", None),
    ("20 Stunden pro Woche für 30 Euro, dazu 50 Euro Fahrtkosten im Monat", "month",
     "86.67", "2650.00", None),
    ("ich brauche 8 std in der woche, stundenlohn 18,50 euro", "week", "8", "148.00", None),
    ("18 Stunden pro Woche, 46 Wochen, 32 Euro, 10 % Urlaubsvertretung, 22 % "
     "Arbeitgeberanteil", "year", "828", "35557.63", None),
    ("zwischen 25 und 35 Euro, 30 Stunden pro Woche, 39 Schulwochen", "year", "1170",
     "29250.00", "40950.00"),
    ("Ich brauche werktags 4 Stunden Hilfe, die Stunde kostet 35 Euro", "week", "20",
     "700.00", None),
    ("monatlich 1.500 Euro Assistenz, 100 Euro Verwaltung im Monat", "month", None,
     "1600.00", None),
    ("dreißig stunden in der woche a 25 euro", "week", "30", "750.00", None),
    ("20 Assistenzstunden pro Woche und 4 Stunden Haushaltshilfe pro Woche, 30 Euro", "week",
     "24", "720.00", None),
    ("40 Wochenstunden, 26 Euro", "week", "40", "1040.00", None),
    ("240 Stunden im Jahr, 29 Euro", "year", "240", "6960.00", None),
    ("20 Std/Woche 30 € pro Std wie viel ist das im Jahr", "year", "1040", "31200.00", None),
    ("10 Stunden pro Woche zu 28 Euro, was kostet das im Monat?", "month", "43.33", "1213.33",
     None),
    ("zwölf Stunden wöchentlich, 52 Wochen, 29 Euro", "year", "624", "18096.00", None),
    ("jede Woche 5 Stunden Begleitung zu 30 Euro", "week", "5", "150.00", None),
    ("am Wochenende je 4 Stunden, 32 €", "week", "8", "256.00", None),
    ("Montag bis Freitag 2 Stunden, 30 Euro", "week", "10", "300.00", None),
    ("monatlich 16 Stunden Freizeitbegleitung, 25 Euro", "month", "16", "400.00", None),
    ("2 Std. täglich, 7 Tage die Woche, 27 Euro", "week", "14", "378.00", None),
    ("4 Std am Tag, 3 Tage die Woche, 30€ die Std", "week", "12", "360.00", None),
    ("vierzig stunden im monat mal 30 euro", "month", "40", "1200.00", None),
    ("Schulbegleitung 25 Stunden pro Woche, 39 Schulwochen, 30 bis 33 Euro", "year", "975",
     "29250.00", "32175.00"),
    ("100 Stunden im Jahr, Stundensatz 45,50 €", "year", "100", "4550.00", None),
    ("3,5 Stunden pro Tag, 5 Tage die Woche, 26,80 Euro", "week", "17.5", "469.00", None),
    ("einundzwanzig Stunden die Woche zu 30 Euro", "week", "21", "630.00", None),
    ("Budget für 14 stunden wöchentlich mit 29 euro stundensatz", "week", "14", "406.00",
     None),
    ("750 Euro im Monat für die Assistenz", "month", None, "750.00", None),
    ("pro Woche 12 Stunden, 30 Euro, im Arbeitgebermodell 20 % Lohnnebenkosten", "week", "12",
     "432.00", None),
    ("10 Stunden in der Woche 30 Euro und 40 Euro Verwaltung im Monat, wie viel ist das im "
     "Jahr", "year", "520", "16080.00", None),
    ("ich brauch so 5 std die woche hilfe beim einkaufen, die stunde kostet 22 euro", "week",
     "5", "110.00", None),
    ("Freizeitassistenz: 8 Stunden im Monat à 25 Euro plus 30 Euro Fahrtkosten im Monat",
     "month", "8", "230.00", None),
    ("Wie viel Budget brauche ich bei 2 mal 3 Stunden pro Woche und 35 Euro?", "week", "6",
     "210.00", None),
    # a service's rate already holds everything: no employer costs without the Arbeitgebermodell
    ("10 Stunden pro Woche, 30 Euro, über einen Assistenzdienst, 21 % Arbeitgeberanteil",
     "week", "10", "300.00", None),
]


@pytest.mark.parametrize(("text", "period", "hours", "low", "high"), PHRASINGS,
                         ids=[p[0][:40] for p in PHRASINGS])
def test_german_phrasings(text, period, hours, low, high):
    plan = parse(text)
    assert plan is not None, text
    result = estimate(plan)
    assert result.period == period
    if hours is None:
        assert not plan.hours
    else:
        assert result.hours.quantize(Decimal("0.01")) == Decimal(hours).quantize(
            Decimal("0.01"))
    assert result.totals == (Decimal(low), Decimal(high or low))


def test_at_least_forty_phrasings():
    assert len({p[0] for p in PHRASINGS}) >= 40


def test_employer_costs_only_in_the_arbeitgebermodell():
    employer = estimate(parse("10 Stunden pro Woche, 30 Euro, Arbeitgebermodell, 20 % "
                              "Arbeitgeberanteil"))
    assert employer.employer_costs == (Decimal("60.00"), Decimal("60.00"))
    service = estimate(parse("10 Stunden pro Woche, 30 Euro, Dienstleistermodell, 20 % "
                             "Arbeitgeberanteil"))
    assert service.employer_costs == (0, 0) and service.totals[0] == Decimal("300.00")
    text = answer("10 Stunden pro Woche, 30 Euro", easy=False, today=TODAY).replies[0].text
    assert "Arbeitgeberkosten sind nicht eingerechnet" in text
    asked = answer("10 Stunden pro Woche, 30 Euro, ich stelle meine Assistentin selbst an",
                   easy=False, today=TODAY).replies[0].text
    assert "Nennen Sie mir den Prozentsatz" in asked


def test_every_answer_says_estimate_bedarf_and_sachleistung():
    for easy in (False, True):
        text = answer("1.200 € im Monat für Assistenz und 80 Euro Fahrtkosten", easy=easy,
                      today=TODAY).replies[0].text
        if easy:
            assert "Schätzung" in text and "Das Amt entscheidet über das Geld." in text
            assert "nicht mehr kosten als die Hilfe ohne Budget" in text
            assert "1.280 Euro im Monat" in text and "€" not in text
            assert max(len(line.split()) for line in text.splitlines()) <= 12
        else:
            assert "Schätzung" in text and "stellt der Leistungsträger" in text
            assert "Sachleistung" in text and "§ 29 Abs. 2 SGB IX" in text
            assert "Fahrtkosten: 80,00 € im Monat" in text
            assert "Alles zusammen: 1.280,00 € im Monat" in text


def test_the_steps_of_the_sum_are_shown():
    text = answer("6 Stunden am Tag an 5 Tagen, 30 Euro, wie viel ist das im Jahr?", False,
                  today=TODAY).replies[0].text
    assert "6 Stunden am Tag × 5 Tage × 52 Wochen = 1.560 Stunden im Jahr" in text
    assert "46.800,00 € im Jahr" in text
    easy = answer("6 Stunden am Tag an 5 Tagen, 30 Euro, wie viel ist das im Jahr?", True,
                  today=TODAY).replies[0].text
    assert "6 Stunden am Tag.\nAn 5 Tagen in der Woche.\nDas mal 52 Wochen." in easy
    assert "Das sind 46.800 Euro im Jahr." in easy
    month = answer("20 Stunden pro Woche, 30 Euro, im Monat?", False, today=TODAY)
    assert "= rund 86,67 Stunden im Monat" in month.replies[0].text


# --- follow-ups ----------------------------------------------------------------------

def figures(text: str) -> dict:
    return answer(text, easy=False, today=TODAY).slots[SLOT]


@pytest.mark.parametrize(("first", "follow_up", "period", "low"), [
    ("20 Stunden im Monat, 30 Euro die Stunde", "wie viel ist das im Jahr?", "year", "7200.00"),
    ("20 Stunden im Monat, 30 Euro die Stunde", "Und im Jahr?", "year", "7200.00"),
    ("20 Stunden im Monat, 30 Euro die Stunde", "und pro woche", "week", "138.46"),
    ("30 Stunden pro Woche, 39 Wochen, 25 Euro", "was ist das im monat", "month", "2437.50"),
    ("20 Stunden im Monat, 30 Euro die Stunde", "und mit 35 euro?", "month", "700.00"),
    ("20 Stunden im Monat, 30 Euro die Stunde", "und bei 25 stunden?", "month", "750.00"),
    ("20 Stunden im Monat, 30 Euro die Stunde", "und 80 Euro Fahrtkosten dazu", "month",
     "680.00"),
    ("an 5 Tagen je 6 Stunden, 30 Euro", "nur an 4 Tagen", "week", "720.00"),
    ("10 Stunden pro Woche, 30 Euro, Arbeitgebermodell", "mit 20 % Arbeitgeberanteil", "week",
     "360.00"),
])
def test_follow_ups_complete_the_calculation_before(first, follow_up, period, low):
    turn = answer(follow_up, easy=False, previous=figures(first), today=TODAY)
    plan = BudgetPlan.from_slot(turn.slots[SLOT])
    result = estimate(plan)
    assert (result.period, result.totals[0]) == (period, Decimal(low))


def test_a_follow_up_without_an_earlier_calculation_asks_for_the_figures():
    assert answer("wie viel ist das im Jahr?", False).replies[0].response == "utter_budget_how"
    assert answer("wie viel ist das im Jahr?", False, previous={"x": 1}).replies[0].response \
        == "utter_budget_how"


def test_the_slot_keeps_figures_not_words():
    kept = figures("1.200 € im Monat für Assistenz und 80 Euro Fahrtkosten, ich wohne in Lurup")
    flat = json.dumps(kept, ensure_ascii=False)
    assert "Assistenz" not in flat and "Fahrtkosten" not in flat and "Lurup" not in flat
    assert BudgetPlan.from_slot(json.loads(flat)) == parse(
        "1.200 € im Monat für Assistenz und 80 Euro Fahrtkosten")


# --- in the chat: the action with a tracker --------------------------------------------

def tracker(text: str, slots: dict, intent: str = "budget_calculation",
            active_loop: str | None = None, events: list | None = None) -> Tracker:
    return Tracker(
        sender_id="budget-1", slots=slots,
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.99},
                        "entities": []},
        events=events or [], paused=False, followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen")


def run(action, tracker_: Tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_, domain()))
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_how_much_is_that_a_year_in_the_chat(action_store):
    said, slots = run(ActionBudget(), tracker("20 Stunden im Monat, 30 Euro die Stunde",
                                              {"easy_language": False}))
    assert "Bei 30,00 € pro Stunde sind das 600,00 € im Monat" in said[0]["text"]
    assert "wie viel das im Jahr ist" in said[0]["text"]
    kept = slots[SLOT]
    said, slots = run(ActionBudget(), tracker("wie viel ist das im Jahr?",
                                              {"easy_language": False, SLOT: kept}))
    assert "20 Stunden im Monat × 12 Monate = 240 Stunden im Jahr" in said[0]["text"]
    assert "7.200,00 € im Jahr" in said[0]["text"]
    assert slots[SLOT]["target"] == "year"
    said, _ = run(ActionBudget(), tracker("und im monat?", {"easy_language": True,
                                                            SLOT: slots[SLOT]}))
    assert "Das sind 600 Euro im Monat." in said[0]["text"]
    said, slots = run(ActionBudget(), tracker("wie viel ist das im Jahr?",
                                              {"easy_language": False}))
    assert said[0]["response"] == "utter_budget_how" and SLOT not in slots


def test_a_follow_up_inside_an_answer_during_the_interview(action_store):
    action_store.record_consent("budget-1", True)
    kept = figures("20 Stunden pro Woche, 30 Euro")
    text = "Ich möchte meine Assistenz selbst organisieren. Wie viel ist das im Jahr?"
    said, slots = run(ValidateInterviewForm(), tracker(
        text, {"answer_professional": text, "requested_slot": "answer_professional",
               "consent": True, "ask_mode": "first", "easy_language": False, SLOT: kept},
        active_loop="interview_form",
        events=[{"event": "user", "text": text,
                 "parse_data": {"intent": {"name": "budget_calculation"}}},
                {"event": "slot", "name": "answer_professional", "value": text}]))
    assert [a.text for a in action_store.active_answers("budget-1")] == [
        "Ich möchte meine Assistenz selbst organisieren."]
    assert said[0]["response"] == "utter_answer_noted"
    assert "31.200,00 € im Jahr" in said[1]["text"]            # 20 × 52 × 30 €
    assert slots[SLOT]["target"] == "year"


@pytest.mark.parametrize("text", [p[0] for p in PHRASINGS[::3]])
def test_both_registers_for_every_kind_of_message(text):
    from tests.support.wording import UNGROUPED, doubled_words

    standard = answer(text, easy=False, today=TODAY).replies[0].text
    easy = answer(text, easy=True, today=TODAY).replies[0].text
    assert "€" in standard and "€" not in easy and not UNGROUPED.search(easy)
    assert max(len(line.split()) for line in easy.splitlines()) <= 12
    assert doubled_words(standard) == [] and doubled_words(easy) == []
