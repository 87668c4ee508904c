"""An own calculation for a Persönliches Budget, and a formloser Antrag to go with it.

hours per week × weeks × hourly rate, plus employer costs (a percentage of the wages),
Vertretung for holidays and illness (a percentage), administration and travel (amounts).
Decimal arithmetic throughout, rounded to cents per line; German number formatting.
The seed example of DESIGN.md § 5: 30 h × 39 weeks = 1.170 h; at 25–35 €/h that is
29.250,00–40.950,00 € before extras.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.settings import ROOT

CENT = Decimal("0.01")
TEMPLATES = ROOT / "templates" / "antrag"
Number = Decimal | int | float | str


def to_decimal(value: Number, name: str) -> Decimal:
    """A non-negative Decimal; floats go through str so 0.1 stays 0.1. German decimal
    commas ("27,50") are accepted."""
    try:
        result = Decimal(str(value).strip().replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError) as error:
        raise ValueError(f"{name}: keine Zahl: {value!r}") from error
    if not result.is_finite() or result < 0:
        raise ValueError(f"{name}: muss eine Zahl ab 0 sein, nicht {value!r}")
    return result


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Extras:
    employer_percent: Number = 0      # Arbeitgeberanteile, % of the wages (incl. Vertretung)
    substitution_percent: Number = 0  # Vertretung bei Urlaub und Krankheit, % of the wages
    administration: Number = 0        # Verwaltung, Lohnabrechnung: amount for the period
    travel: Number = 0                # Fahrtkosten: amount for the period


@dataclass(frozen=True)
class Calculation:
    hours_per_week: Decimal
    weeks: Decimal
    rate: Decimal
    hours: Decimal
    wages: Decimal
    substitution: Decimal
    employer_costs: Decimal
    administration: Decimal
    travel: Decimal

    @property
    def extras(self) -> Decimal:
        return self.substitution + self.employer_costs + self.administration + self.travel

    @property
    def total(self) -> Decimal:
        return self.wages + self.extras


def calculate(hours_per_week: Number, weeks: Number, rate: Number,
              extras: Extras | None = None) -> Calculation:
    extras = extras or Extras()
    hours_per_week = to_decimal(hours_per_week, "Stunden pro Woche")
    weeks = to_decimal(weeks, "Wochen")
    rate = to_decimal(rate, "Stundensatz")
    hours = hours_per_week * weeks
    wages = cents(hours * rate)
    substitution = cents(wages * to_decimal(extras.substitution_percent, "Vertretung") / 100)
    employer = cents((wages + substitution)
                     * to_decimal(extras.employer_percent, "Arbeitgeberkosten") / 100)
    return Calculation(
        hours_per_week=hours_per_week, weeks=weeks, rate=rate, hours=hours, wages=wages,
        substitution=substitution, employer_costs=employer,
        administration=cents(to_decimal(extras.administration, "Verwaltung")),
        travel=cents(to_decimal(extras.travel, "Fahrtkosten")),
    )


def calculate_range(hours_per_week: Number, weeks: Number, rate_from: Number, rate_to: Number,
                    extras: Extras | None = None) -> tuple[Calculation, Calculation]:
    low = calculate(hours_per_week, weeks, rate_from, extras)
    high = calculate(hours_per_week, weeks, rate_to, extras)
    if low.rate > high.rate:
        low, high = high, low
    return low, high


def format_number(value: Decimal, places: int | None = None) -> str:
    """German: 1.170 / 1.170,5 / 29.250,00 (places fixes the decimals)."""
    if places is None:
        normalized = value.normalize()
        places = max(0, -normalized.as_tuple().exponent)
    text = f"{value:,.{places}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def format_euro(value: Decimal) -> str:
    return f"{format_number(cents(value), 2)} €"


def _environment() -> Environment:
    # plain text for a letter and a chat message: nothing is rendered as HTML here
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=False,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=False)
    env.filters["number"] = format_number
    env.filters["euro"] = format_euro
    return env


def budget_message(hours_per_week: Number, weeks: Number, rate_from: Number, rate_to: Number,
                   easy: bool, extras: Extras | None = None) -> str:
    """The own calculation as a chat message in the chosen register."""
    low, high = calculate_range(hours_per_week, weeks, rate_from, rate_to, extras)
    template = _environment().get_template("budget_message.txt.j2")
    return template.render(low=low, high=high, easy=easy).strip()


def antrag_text(profile: dict, calculation: tuple[Calculation, Calculation] | None = None,
                easy: bool = False, today: date | None = None) -> str:
    """A formloser Antrag on a Persönliches Budget with the person's goals in their own
    words, addressed to the Leistungsträger generically (no provider is named)."""
    today = today or date.today()
    goals = [g for g in profile["will"]["goals"]]
    wished = profile["resources"]["professional"]["wished"]
    template = _environment().get_template("persoenliches_budget.txt.j2")
    return template.render(goals=goals, wished=wished, calculation=calculation, easy=easy,
                           today=today.strftime("%d.%m.%Y")).strip() + "\n"
