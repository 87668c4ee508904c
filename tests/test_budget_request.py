"""The budget calculation as the person asks for it in the chat."""

from __future__ import annotations

from decimal import Decimal

from bot.dialogue.budget_request import answer, parse


def test_seed_example_from_a_typed_message():
    request = parse("Rechne mir das aus: 30 Stunden pro Woche, 39 Wochen, 25 bis 35 Euro")
    assert (request.hours_per_week, request.weeks, request.rate_from, request.rate_to) == (
        Decimal(30), Decimal(39), Decimal(25), Decimal(35))
    text = answer("30 Stunden pro Woche, 39 Wochen, 25 bis 35 Euro", easy=False).replies[0].text
    assert "1.170" in text and "29.250,00 €" in text and "40.950,00 €" in text


def test_variants_and_missing_figures():
    assert parse("15 std die woche, das ganze jahr, 30,50 €").weeks == Decimal(52)
    assert parse("12,5 Stunden, 39 Schulwochen, 35-25 EUR").rate_from == Decimal(25)
    assert parse("rechne mir das budget aus") is None
    assert parse("30 stunden pro woche, 25 euro") is None          # weeks missing
    assert parse("0 stunden, 39 wochen, 25 euro") is None
    assert answer("budget bitte", easy=True).replies[0].response == "utter_budget_how"
