"""An own calculation for a Persönliches Budget, and a formloser Antrag to go with it.

hours × hourly rate, plus Vertretung for holidays and illness (a percentage), employer costs
(a percentage of the wages, only in the Arbeitgebermodell) and amounts (Fahrtkosten,
Verwaltung, a monthly sum for assistance). Hours and amounts may be given per day, week,
month or year (`BudgetPlan`); `estimate` brings them to one period: a year has the weeks the
person named (39 Schulwochen) or 52, a month is a twelfth of the year. Decimal arithmetic
throughout, rounded to cents per line; German number formatting.

The example of a Leitfaden from Hessen (a Schulbegleitung, DESIGN.md § 5): 30 h × 39 weeks =
1.170 h; at 25–35 €/h that is 29.250,00–40.950,00 € before extras — an example from Hessen,
not rates for Hamburg (data/knowledge/persoenliches_budget.yml).

Every message says that the sum is an estimate, that the Leistungsträger determines the
Bedarf and that the budget should not cost more than the Sachleistung it replaces (§ 29
Abs. 2 SGB IX): the knowledge entry persoenliches_budget.hoehe.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot import knowledge
from bot.catalogue import Text2
from bot.easy_format import date_text, easy_euro
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
    env.filters["easy_euro"] = easy_euro  # Leichte Sprache: "29.250 Euro"
    env.filters["hours"] = hours_text
    return env


def budget_message(hours_per_week: Number, weeks: Number, rate_from: Number, rate_to: Number,
                   easy: bool, extras: Extras | None = None, today: date | None = None) -> str:
    """The own calculation (hours per week over `weeks` weeks) as a chat message in the
    chosen register. Employer costs in `extras` are the caller's choice of the
    Arbeitgebermodell."""
    extras = extras or Extras()
    employer = to_decimal(extras.employer_percent, "Arbeitgeberkosten")
    amounts = tuple(CostItem(kind, to_decimal(value, kind), "year")
                    for kind, value in (("administration", extras.administration),
                                        ("travel", extras.travel))
                    if to_decimal(value, kind) > 0)
    plan = BudgetPlan(
        hours=(HoursItem("support", to_decimal(hours_per_week, "Stunden pro Woche"), "week"),),
        amounts=amounts, rate_from=to_decimal(rate_from, "Stundensatz"),
        rate_to=to_decimal(rate_to, "Stundensatz"), weeks=to_decimal(weeks, "Wochen"),
        employer_model=True if employer > 0 else None, employer_percent=employer or None,
        substitution_percent=to_decimal(extras.substitution_percent, "Vertretung") or None)
    return estimate_message(plan, easy, today)


# --- plans with hours and amounts per day, week, month or year ---------------------------

PERIODS = ("day", "week", "month", "year")
TARGETS = ("week", "month", "year")
YEAR_MONTHS = Decimal(12)
FULL_YEAR_WEEKS = Decimal(52)
WEEK_DAYS = Decimal(7)
# kinds of hours and of amounts, with their labels (the person's words are never stored)
HOUR_KINDS = {
    "support": Text2("Unterstützung", "Unterstützung"),
    "assistance": Text2("Assistenz", "Assistenz"),
    "household": Text2("Hilfe im Haushalt", "Hilfe im Haushalt"),
    "school": Text2("Schulbegleitung", "Schul-Begleitung"),
    "work": Text2("Arbeitsassistenz", "Arbeits-Assistenz"),
    "leisure": Text2("Freizeitbegleitung", "Begleitung in der Freizeit"),
}
AMOUNT_KINDS = {
    "assistance": Text2("Assistenz", "Assistenz"),
    "travel": Text2("Fahrtkosten", "Fahrt-Kosten"),
    "administration": Text2("Verwaltung und Lohnabrechnung", "Verwaltung"),
    "other": Text2("Weitere Kosten", "Andere Kosten"),
}


@dataclass(frozen=True)
class HoursItem:
    """`hours` per `per`; for hours per day, `days` a week (7 when not said)."""

    kind: str
    hours: Decimal
    per: str
    days: Decimal | None = None


@dataclass(frozen=True)
class CostItem:
    """An amount in euro per `per` (Fahrtkosten 80 € im Monat)."""

    kind: str
    amount: Decimal
    per: str
    days: Decimal | None = None


@dataclass(frozen=True)
class BudgetPlan:
    """What the person asked to have calculated: figures only, never their words.

    `weeks`: the weeks of a year the person named (39 Schulwochen), None for a whole year.
    `employer_model`: True in the Arbeitgebermodell, False when the person buys the help
    from a service, None when not said. `target`: the period to answer for (None: the
    longest period the person used)."""

    hours: tuple[HoursItem, ...] = ()
    amounts: tuple[CostItem, ...] = ()
    rate_from: Decimal | None = None
    rate_to: Decimal | None = None
    weeks: Decimal | None = None
    employer_model: bool | None = None
    employer_percent: Decimal | None = None
    substitution_percent: Decimal | None = None
    target: str | None = None

    @property
    def complete(self) -> bool:
        """Enough to calculate: hours with a rate, or amounts (all with their period)."""
        if any(item.per not in PERIODS for item in (*self.hours, *self.amounts)):
            return False
        if self.hours:
            return self.rate_from is not None
        return bool(self.amounts)

    @property
    def year_weeks(self) -> Decimal:
        return self.weeks if self.weeks else FULL_YEAR_WEEKS

    @property
    def period(self) -> str:
        """The period the answer is for."""
        if self.target in TARGETS:
            return self.target
        if self.weeks:
            return "year"  # "30 Stunden pro Woche, 39 Wochen": the weeks named
        used = [item.per for item in (*self.hours, *self.amounts)] or ["week"]
        longest = max(used, key=PERIODS.index)
        return "week" if longest == "day" else longest

    # the earlier names of the seed example's figures
    @property
    def hours_per_week(self) -> Decimal:
        return sum((per_target(self, item.hours, item.per, item.days, "week")
                    for item in self.hours), Decimal(0))

    def to_slot(self) -> dict[str, Any]:
        """Numbers and fixed keys only, for the `budget_figures` slot."""
        def number(value: Decimal | None) -> str | None:
            return None if value is None else str(value)
        return {
            "hours": [{"kind": i.kind, "hours": str(i.hours), "per": i.per,
                       "days": number(i.days)} for i in self.hours],
            "amounts": [{"kind": i.kind, "amount": str(i.amount), "per": i.per,
                         "days": number(i.days)} for i in self.amounts],
            "rate_from": number(self.rate_from), "rate_to": number(self.rate_to),
            "weeks": number(self.weeks), "employer_model": self.employer_model,
            "employer_percent": number(self.employer_percent),
            "substitution_percent": number(self.substitution_percent), "target": self.target,
        }

    @classmethod
    def from_slot(cls, value: Any) -> BudgetPlan | None:
        """The plan a slot holds; None for anything that is not a complete plan."""
        if not isinstance(value, dict):
            return None
        try:
            def number(raw: Any) -> Decimal | None:
                return None if raw in (None, "") else to_decimal(raw, "Zahl")
            hours = tuple(HoursItem(str(i["kind"]), to_decimal(i["hours"], "Stunden"),
                                    str(i["per"]), number(i.get("days")))
                          for i in value.get("hours") or () if i.get("kind") in HOUR_KINDS)
            amounts = tuple(CostItem(str(i["kind"]), to_decimal(i["amount"], "Betrag"),
                                     str(i["per"]), number(i.get("days")))
                            for i in value.get("amounts") or ()
                            if i.get("kind") in AMOUNT_KINDS)
            employer = value.get("employer_model")
            plan = cls(hours=hours, amounts=amounts, rate_from=number(value.get("rate_from")),
                       rate_to=number(value.get("rate_to")), weeks=number(value.get("weeks")),
                       employer_model=employer if isinstance(employer, bool) else None,
                       employer_percent=number(value.get("employer_percent")),
                       substitution_percent=number(value.get("substitution_percent")),
                       target=value.get("target") if value.get("target") in TARGETS else None)
        except (KeyError, TypeError, ValueError, AttributeError):
            return None
        return plan if plan.complete else None


def _per_year(plan: BudgetPlan, per: str, days: Decimal | None) -> Decimal:
    return {"day": (days or WEEK_DAYS) * plan.year_weeks, "week": plan.year_weeks,
            "month": YEAR_MONTHS, "year": Decimal(1)}[per]


def per_target(plan: BudgetPlan, value: Decimal, per: str, days: Decimal | None,
               target: str) -> Decimal:
    """`value` per `per` as a value per `target` (exact, not rounded)."""
    return value * _per_year(plan, per, days) / _per_year(plan, target, None)


@dataclass(frozen=True)
class Step:
    """One factor of a conversion: "× 5 Tage", "÷ 12 Monate"."""

    operator: str  # "×" or "÷"
    number: Decimal
    unit: str      # "day" | "week" | "month"


@dataclass(frozen=True)
class HoursLine:
    kind: str
    hours: Decimal      # as the person gave them
    per: str
    days: Decimal | None
    steps: tuple[Step, ...]
    total: Decimal      # in the period of the estimate, exact


@dataclass(frozen=True)
class AmountLine:
    kind: str
    amount: Decimal
    per: str
    steps: tuple[Step, ...]
    total: Decimal      # in the period of the estimate, to the cent


@dataclass(frozen=True)
class Estimate:
    plan: BudgetPlan
    period: str
    hour_lines: tuple[HoursLine, ...]
    amount_lines: tuple[AmountLine, ...]
    hours: Decimal
    wages: tuple[Decimal, Decimal]
    substitution: tuple[Decimal, Decimal]
    employer_costs: tuple[Decimal, Decimal]
    totals: tuple[Decimal, Decimal] = field(default=(Decimal(0), Decimal(0)))

    @property
    def rates(self) -> tuple[Decimal, Decimal] | None:
        if self.plan.rate_from is None:
            return None
        return self.plan.rate_from, self.plan.rate_to or self.plan.rate_from

    @property
    def extras(self) -> bool:
        return bool(self.amount_lines) or any(self.substitution) or any(self.employer_costs)

    @property
    def span_weeks(self) -> bool:
        """A year of the weeks the person named: the steps show it, no "im Jahr"."""
        return self.period == "year" and self.plan.weeks is not None


def _steps(plan: BudgetPlan, per: str, days: Decimal | None, target: str) -> tuple[Step, ...]:
    """How `per` becomes `target`, step by step (the person can follow the sum)."""
    if per == target:
        return ()
    steps: list[Step] = []
    if per == "day":
        steps.append(Step("×", days or WEEK_DAYS, "day"))
        per = "week"
        if target == "week":
            return tuple(steps)
    if per == "week":
        steps.append(Step("×", plan.year_weeks, "week"))
    elif per == "month":
        if target == "week":
            return (Step("×", YEAR_MONTHS, "month"), Step("÷", plan.year_weeks, "week"))
        steps.append(Step("×", YEAR_MONTHS, "month"))
    # now per year
    if target == "month":
        steps.append(Step("÷", YEAR_MONTHS, "month"))
    elif target == "week":
        steps.append(Step("÷", plan.year_weeks, "week"))
    return tuple(steps)


def estimate(plan: BudgetPlan, period: str | None = None) -> Estimate:
    """The plan's sums for `period` (default: the plan's own), at the lower and the higher
    hourly rate. Employer costs only in the Arbeitgebermodell."""
    if not plan.complete:
        raise ValueError("Für die Rechnung fehlen noch Zahlen.")
    period = period if period in TARGETS else plan.period
    hour_lines = tuple(HoursLine(
        item.kind, item.hours, item.per, item.days if item.per == "day" else None,
        _steps(plan, item.per, item.days, period),
        per_target(plan, item.hours, item.per, item.days, period)) for item in plan.hours)
    amount_lines = tuple(AmountLine(
        item.kind, item.amount, item.per, _steps(plan, item.per, item.days, period),
        cents(per_target(plan, item.amount, item.per, item.days, period)))
        for item in plan.amounts)
    hours = sum((line.total for line in hour_lines), Decimal(0))
    amounts = sum((line.total for line in amount_lines), Decimal(0))
    given = [r for r in (plan.rate_from, plan.rate_to) if r is not None] if plan.hours else []
    low_rate, high_rate = (min(given), max(given)) if given else (Decimal(0), Decimal(0))

    def sums(rate: Decimal) -> tuple[Decimal, Decimal, Decimal]:
        wages = cents(hours * rate)
        substitution = cents(wages * (plan.substitution_percent or 0) / 100)
        employer = cents((wages + substitution) * (plan.employer_percent or 0) / 100) \
            if plan.employer_model else Decimal(0)
        return wages, substitution, employer

    low, high = sums(low_rate), sums(high_rate)
    return Estimate(
        replace(plan, rate_from=low_rate if given else None,
                rate_to=high_rate if given else None),
        period, hour_lines, amount_lines, hours, wages=(low[0], high[0]),
        substitution=(low[1], high[1]), employer_costs=(low[2], high[2]),
        totals=(sum(low) + amounts, sum(high) + amounts))


def hours_text(value: Decimal) -> str:
    """Hours to two places, "rund" when they were rounded: "rund 86,67"."""
    shown = value.quantize(CENT, rounding=ROUND_HALF_UP)
    text = format_number(shown.normalize() if shown == shown.to_integral_value() else shown)
    return text if shown == value else f"rund {text}"


def estimate_message(plan: BudgetPlan, easy: bool, today: date | None = None,
                     period: str | None = None) -> str:
    """The estimate as a chat message in the chosen register, with what the person must
    know about it (persoenliches_budget.hoehe: an estimate, the Leistungsträger decides,
    § 29 Abs. 2 SGB IX)."""
    result = estimate(plan, period)
    note = knowledge.current_text("persoenliches_budget.hoehe", easy, today or date.today())
    template = _environment().get_template("budget_message.txt.j2")
    return template.render(e=result, easy=easy, note=note or "", hour_kinds=HOUR_KINDS,
                           amount_kinds=AMOUNT_KINDS).strip()


def antrag_text(profile: dict, calculation: tuple[Calculation, Calculation] | None = None,
                easy: bool = False, today: date | None = None) -> str:
    """A formloser Antrag on a Persönliches Budget with the person's goals in their own
    words, addressed to the Leistungsträger generically (no provider is named)."""
    today = today or date.today()
    goals = [g for g in profile["will"]["goals"]]
    wished = profile["resources"]["professional"]["wished"]
    template = _environment().get_template("persoenliches_budget.txt.j2")
    return template.render(goals=goals, wished=wished, calculation=calculation, easy=easy,
                           today=date_text(today, easy)).strip() + "\n"
