"""Reading a budget calculation request out of a chat message ("30 Stunden pro Woche,
39 Wochen, 25 bis 35 Euro") and answering it with bot.budget."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from bot.budget import budget_message
from bot.dialogue import Turn

NUMBER = r"(\d+(?:[.,]\d+)?)"
HOURS = re.compile(NUMBER + r"\s*(?:stunden|std\.?|h)\b", re.IGNORECASE)
WEEKS = re.compile(NUMBER + r"\s*(?:schul)?wochen\b", re.IGNORECASE)
RATES = re.compile(NUMBER + r"(?:\s*(?:bis|-|–)\s*" + NUMBER + r")?\s*(?:euro|eur|€)",
                   re.IGNORECASE)
WHOLE_YEAR = re.compile(r"\b(ganze[sn]? jahr|jährlich|im jahr)\b", re.IGNORECASE)


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


@dataclass(frozen=True)
class BudgetRequest:
    hours_per_week: Decimal
    weeks: Decimal
    rate_from: Decimal
    rate_to: Decimal


def parse(text: str) -> BudgetRequest | None:
    """All three figures, or None when one is missing (then the bot asks for them)."""
    hours, rates = HOURS.search(text or ""), RATES.search(text or "")
    weeks = WEEKS.search(text or "")
    if not hours or not rates:
        return None
    if weeks:
        week_count = _number(weeks.group(1))
    elif WHOLE_YEAR.search(text):
        week_count = Decimal(52)
    else:
        return None
    low = _number(rates.group(1))
    high = _number(rates.group(2)) if rates.group(2) else low
    if min(low, high, week_count) <= 0 or _number(hours.group(1)) <= 0:
        return None
    return BudgetRequest(_number(hours.group(1)), week_count, min(low, high), max(low, high))


def answer(text: str, easy: bool) -> Turn:
    request = parse(text)
    if request is None:
        return Turn().say("utter_budget_how")
    return Turn().say_text(budget_message(request.hours_per_week, request.weeks,
                                          request.rate_from, request.rate_to, easy))
