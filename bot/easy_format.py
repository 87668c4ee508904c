"""Numbers and dates the way each register writes them.

Standard German keeps the compact forms ("21.11.2026", "29.250,00 €"). Leichte Sprache
writes a date out ("1. Januar 2026") and money as a plain amount with the word "Euro"
("29.250 Euro"; cents only when there are any: "27,50 Euro"), because "01.01.2026" and
"€" are hard to read for many people.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
          "September", "Oktober", "November", "Dezember")


def _as_date(value: str | date | datetime) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value)
    return datetime.fromisoformat(text).date() if "T" in text else date.fromisoformat(text)


def written_date(value: str | date | datetime) -> str:
    """1. Januar 2026"""
    day = _as_date(value)
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def date_text(value: str | date | datetime | None, easy: bool) -> str:
    """A date in the register: "01.01.2026" or "1. Januar 2026" ("" for no date)."""
    if not value:
        return ""
    return written_date(value) if easy else _as_date(value).strftime("%d.%m.%Y")


def grouped(value: Decimal | int | float | str, places: int = 0) -> str:
    """German digit grouping: 29.250 / 27,50."""
    text = f"{Decimal(str(value)):,.{places}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def easy_euro(value: Decimal | int | float | str) -> str:
    """Money in Leichte Sprache: "29.250 Euro", "27,50 Euro"."""
    amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    places = 0 if amount == amount.to_integral_value() else 2
    return f"{grouped(amount, places)} Euro"
