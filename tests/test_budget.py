"""The budget helper: figures, German formatting, the chat message and the Antrag."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.budget import (
    Extras,
    antrag_text,
    budget_message,
    calculate,
    calculate_range,
    format_euro,
    format_number,
)
from bot.profile import build_profile


def test_seed_example_is_reproduced_exactly():
    low, high = calculate_range(30, 39, 25, 35)
    assert low.hours == Decimal(1170)
    assert (low.wages, high.wages) == (Decimal("29250.00"), Decimal("40950.00"))
    assert low.extras == high.extras == 0
    assert (format_euro(low.total), format_euro(high.total)) == ("29.250,00 €", "40.950,00 €")


def test_extras_are_added_with_decimal_arithmetic():
    calc = calculate("30", 39, "25,50", Extras(employer_percent=21, substitution_percent=10,
                                                administration="1200", travel=600))
    assert calc.wages == Decimal("29835.00")
    assert calc.substitution == Decimal("2983.50")
    # 21 % of 32.818,50 = 6.891,885 -> rounded half up to the cent
    assert calc.employer_costs == Decimal("6891.89")
    assert calc.total == Decimal("41510.39")
    assert calculate(0.1, 3, 0.1).wages == Decimal("0.03")  # no float rounding noise


def test_rates_may_come_in_any_order_and_bad_input_is_refused():
    low, high = calculate_range(10, 4, 35, 25)
    assert (low.rate, high.rate) == (Decimal(25), Decimal(35))
    for bad in (-1, "viel", float("nan")):
        with pytest.raises(ValueError):
            calculate(bad, 39, 25)


@pytest.mark.parametrize(("value", "places", "text"), [
    (Decimal("1170"), None, "1.170"),
    (Decimal("1170.5"), None, "1.170,5"),
    (Decimal("29250"), 2, "29.250,00"),
    (Decimal("1234567.891"), 2, "1.234.567,89"),
    (Decimal("0.5"), 2, "0,50"),
])
def test_german_number_format(value, places, text):
    assert format_number(value, places) == text


def test_budget_message_in_both_registers():
    standard = budget_message(30, 39, 25, 35, easy=False)
    assert "30 Stunden pro Woche × 39 Wochen = 1.170 Stunden" in standard
    assert "29.250,00 € bis 40.950,00 €" in standard
    assert "noch ohne Nebenkosten" in standard
    easy = budget_message(30, 39, 25, 35, easy=True)
    # Leichte Sprache: "Euro" written out, no cents for whole amounts
    assert "Das sind 1.170 Stunden." in easy and "29.250 Euro bis 40.950 Euro" in easy
    assert "€" not in easy
    assert max(len(line.split()) for line in easy.splitlines()) <= 12
    with_extras = budget_message(30, 39, 25, 35, False, Extras(20, 10, 1000, 500))
    assert "zusammen" in with_extras and "noch ohne Nebenkosten" not in with_extras


def test_single_rate_message():
    assert "Bei 30,00 € pro Stunde sind das 1.200,00 €" in budget_message(10, 4, 30, 30, False)


def test_antrag_has_the_goals_in_the_persons_words(store):
    store.record_consent("b1", True)
    store.add_answer("b1", "living", "Ab Sommer will ich <alleine> wohnen, mit Hund.")
    store.add_answer("b1", "professional", "Ich möchte meine Assistenz selbst aussuchen.")
    profile = build_profile(store, "b1", today=date(2026, 11, 21))
    text = antrag_text(profile, calculate_range(30, 39, 25, 35), today=date(2026, 11, 21))
    assert "An den zuständigen Leistungsträger" in text
    assert "Persönlichen Budgets nach § 29 SGB IX" in text
    assert "- Ab Sommer will ich <alleine> wohnen, mit Hund (Beginn: Ab Sommer)" in text
    assert "Ich möchte meine Assistenz selbst aussuchen" in text
    assert "29.250,00 € bis 40.950,00 €" in text and "Datum: 21.11.2026" in text
    easy = antrag_text(profile, easy=True, today=date(2026, 11, 21))
    assert "ich möchte ein Persönliches Budget." in easy
    assert "Ab Sommer will ich <alleine> wohnen" in easy


def test_antrag_without_goals_leaves_room_to_write(store):
    store.record_consent("b2", True)
    text = antrag_text(build_profile(store, "b2"))
    assert "Meine Ziele, in meinen eigenen Worten:\n- ______" in text
    assert "Meine eigene Berechnung" not in text


# --- periods, items and what every answer says (issue 14, point 3) --------------------

def test_periods_convert_through_the_year():
    from dataclasses import replace

    from bot.budget import BudgetPlan, CostItem, HoursItem, estimate

    plan = BudgetPlan(hours=(HoursItem("support", Decimal(20), "week"),),
                      rate_from=Decimal(30), rate_to=Decimal(30))
    assert estimate(plan).period == "week" and estimate(plan).totals[0] == Decimal("600.00")
    assert estimate(plan, "year").totals[0] == Decimal("31200.00")      # 52 weeks
    assert estimate(plan, "month").totals[0] == Decimal("2600.00")      # a twelfth of it
    school = replace(plan, weeks=Decimal(39))                            # 39 Schulwochen
    assert estimate(school).period == "year" and estimate(school).hours == Decimal(780)
    assert estimate(school, "month").totals[0] == Decimal("1950.00")
    daily = BudgetPlan(hours=(HoursItem("support", Decimal(6), "day", Decimal(5)),),
                       amounts=(CostItem("travel", Decimal(80), "month"),),
                       rate_from=Decimal(30), rate_to=Decimal(30))
    assert estimate(daily).period == "month"            # the longest period the person used
    assert estimate(daily).totals[0] == Decimal("3980.00")   # 6 × 5 × 52 ÷ 12 × 30 € + 80 €
    assert estimate(daily, "year").totals[0] == Decimal("47760.00")


def test_employer_costs_need_the_arbeitgebermodell():
    from dataclasses import replace

    from bot.budget import BudgetPlan, HoursItem, estimate

    plan = BudgetPlan(hours=(HoursItem("support", Decimal(10), "week"),), rate_from=Decimal(30),
                      rate_to=Decimal(30), employer_percent=Decimal(20))
    assert estimate(plan).employer_costs == (0, 0)
    assert estimate(replace(plan, employer_model=False)).employer_costs == (0, 0)
    assert estimate(replace(plan, employer_model=True)).employer_costs == (
        Decimal("60.00"), Decimal("60.00"))


def test_the_message_says_estimate_bedarf_and_sachleistung():
    standard = budget_message(30, 39, 25, 35, easy=False, today=date(2026, 11, 30))
    assert "Schätzung" in standard and "stellt der Leistungsträger" in standard
    assert "nicht mehr kosten als die Leistungen" in standard
    assert "§ 29 Abs. 2 SGB IX" in standard
    # employer costs are not promised to everyone
    assert "Dazu kommen noch Arbeitgeberkosten" not in standard
    assert "nur im Arbeitgebermodell" in standard
    easy = budget_message(30, 39, 25, 35, easy=True, today=date(2026, 11, 30))
    assert "Ihre Rechnung ist eine Schätzung." in easy and "Das Amt entscheidet" in easy
    assert "nur im Arbeit-Geber-Modell" in easy
