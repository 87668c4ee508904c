"""Reading a budget calculation out of a chat message and answering it with bot.budget.

People write their figures in many ways: "30 Stunden pro Woche, 39 Wochen, 25 bis 35 Euro",
"zwanzig Stunden die Woche", "jeden Tag 3 Std", "an 5 Tagen je 6 Stunden", "20 Stunden im
Monat", "1.200 € im Monat für Assistenz und 80 Euro Fahrtkosten", "21 % Arbeitgeberanteil".
The message is read from the most specific phrase to the least: each phrase that is
understood is taken out of the text, so that "im Monat" after "20 Stunden" is the period of
the hours and a later "wie viel im Jahr?" the period the person asks for.

A follow-up ("wie viel ist das im Jahr?", "und mit 30 Euro?") completes the calculation
before it: the figures of the last calculation are kept in the slot `budget_figures` —
numbers and fixed keys only, never the person's words (BudgetPlan.to_slot).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from bot.budget import PERIODS, BudgetPlan, CostItem, HoursItem, estimate_message
from bot.dialogue import Turn

SLOT = "budget_figures"

# --- numbers --------------------------------------------------------------------------

UNITS = {"null": 0, "ein": 1, "eins": 1, "eine": 1, "einen": 1, "einer": 1, "einem": 1,
         "zwei": 2, "zwo": 2, "drei": 3, "vier": 4, "fünf": 5, "fuenf": 5, "sechs": 6,
         "sieben": 7, "acht": 8, "neun": 9}
TEENS = {"zehn": 10, "elf": 11, "zwölf": 12, "zwoelf": 12, "dreizehn": 13, "vierzehn": 14,
         "fünfzehn": 15, "fuenfzehn": 15, "sechzehn": 16, "siebzehn": 17, "achtzehn": 18,
         "neunzehn": 19}
TENS = {"zwanzig": 20, "dreißig": 30, "dreissig": 30, "vierzig": 40, "fünfzig": 50,
        "fuenfzig": 50, "sechzig": 60, "siebzig": 70, "achtzig": 80, "neunzig": 90}
ARTICLES = {"ein", "eine", "einen", "einer", "einem"}


def number_word(word: str) -> int | None:
    """A German number word up to 9999 ("zwanzig", "einundzwanzig", "zweihundert")."""
    if not word:
        return None
    for table in (UNITS, TEENS, TENS):
        if word in table:
            return table[word]
    for big, factor in (("tausend", 1000), ("hundert", 100)):
        if big in word:
            left, _, right = word.partition(big)
            head = number_word(left) if left else 1
            tail = number_word(right) if right else 0
            if head is None or tail is None:
                return None
            return head * factor + tail
    if "und" in word:
        unit, _, ten = word.partition("und")
        if unit in UNITS and ten in TENS:
            return UNITS[unit] + TENS[ten]
    return None


NUM = r"(\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?)"


def to_number(text: str) -> Decimal | None:
    """German figures: "1.200" is twelve hundred, "12,5" and "12.5" are twelve and a half."""
    text = text.strip()
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", text):
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


# --- words ----------------------------------------------------------------------------

W = r"[a-zäöüß][a-zäöüß-]*"
HOUR = (r"(?:(?P<compound>[a-zäöüß]+?)?(?:stunden|stunde|stundne|stundn|stundem|stunen|studen|"
        r"sunden|stnden|stunnden)|stdn|stds|std|h)\.?(?![a-zäöüß])")
EURO = r"(?:euros?|eur|eruo|euor|teuro|€)(?![a-zäöüß])"
DAY = r"(?:tag|tage|tagen|tga|tach)"
WEEK = r"(?:woche|wochen|woch|wohe|wche)"
MONTH = r"(?:monat|monate|monats|monaten|monad|mnat|monta)"
YEAR = r"(?:jahr|jahre|jahres|jahren|jar)"
PERIOD_WORD = rf"(?P<period>{DAY}|{WEEK}|{MONTH}|{YEAR})(?![a-zäöüß])"
LINK = (r"(?:pro|die|den|das|in der|in einer|im|am|je|jede[nrm]?|jeden|a|à|/|per|für die|"
        r"für den|für das|fürs|für eine[n]?|im ganzen)")
ADVERB = (r"(?P<adverb>täglich|tagtäglich|wöchentlich|woechentlich|monatlich|jährlich|"
          r"jaehrlich|werktags|wochentags)")
RANGE = rf"{NUM}(?:\s*(?:bis|-|und|oder)\s*{NUM})?"

PERIOD_OF = [("day", DAY), ("week", WEEK), ("month", MONTH), ("year", YEAR)]
ADVERB_PERIOD = {"täglich": "day", "tagtäglich": "day", "werktags": "day", "wochentags": "day",
                 "wöchentlich": "week", "woechentlich": "week", "monatlich": "month",
                 "jährlich": "year", "jaehrlich": "year"}
ADVERB_DAYS = {"werktags": Decimal(5), "wochentags": Decimal(5)}
COMPOUND_PERIOD = {"tages": "day", "wochen": "week", "monats": "month", "jahres": "year"}

HOUR_KIND_WORDS = (
    ("school", r"schul\w*|integrationshilfe|i-helfer"),
    ("work", r"arbeitsassistenz|arbeit\b|arbeitsplatz|job\b|büro\b"),
    ("household", r"haushalt\w*|putz\w*|einkauf\w*"),
    ("leisure", r"freizeit\w*|ausflug|ausflüge|kino|sport"),
    ("assistance", r"assistenz\w*|assistent\w*"),
)
AMOUNT_KIND_WORDS = (
    ("travel", r"fahrt\w*|fahrkosten|taxi\w*|fahrdienst\w*|benzin|sprit|fahrkarte\w*|ticket\w*|"
               r"hvv|mobilität"),
    ("administration", r"verwaltung\w*|lohnabrechnung\w*|abrechnung\w*|buchhaltung|"
                       r"steuerberat\w*|budgetassistenz|budgetberatung|lohnbüro"),
    ("assistance", r"assistenz\w*|assistent\w*|hilfe|unterstützung|betreuung|begleitung|"
                   r"pflege\w*|schulbegleit\w*"),
)
AMOUNT_KIND = re.compile("|".join(f"(?P<{kind}>{words})" for kind, words in AMOUNT_KIND_WORDS))

EMPLOYER_YES = re.compile(
    r"arbeitgeber-?\s?modell|(als|bin|werde|wäre) (\w+ )?arbeitgeber(in)?\b|"
    r"(selbst|selber) (an|ein)(stellen|gestellt|"
    r"stelle)|stelle \w+( \w+)? (selbst|selber) an|arbeitgeber(anteil|kosten|brutto)\w*|"
    r"lohnnebenkosten|sozialabgaben|sozialversicherungsbeitr\w*|ag-anteil\w*|minijob\w*")
EMPLOYER_NO = re.compile(
    r"dienstleister-?\s?modell|träger-?\s?modell|über einen (dienst|anbieter|träger)|"
    r"von einem (dienst|anbieter|pflegedienst|assistenzdienst)|assistenzdienst|"
    r"nicht (selbst|selber) (an|ein)stellen|nicht im arbeitgeber-?\s?modell")

TARGETS = (
    ("year", re.compile(rf"\b(im|pro|fürs|für das|für ein|aufs|übers|ins|im ganzen|das ganze|"
                        rf"ein ganzes|/)\s*{YEAR}\b|\bjährlich\b|\bjaehrlich\b|"
                        r"\bjahres(summe|betrag|bedarf|kosten|budget)\b")),
    ("month", re.compile(rf"\b(im|pro|fürs|für den|für einen|/)\s*{MONTH}\b|\bmonatlich\b|"
                         r"\bmonats(summe|betrag|budget|kosten)\b")),
    ("week", re.compile(rf"\b(pro|in der|die|für eine|je|/)\s*{WEEK}\b|\bwöchentlich\b")),
)


def normalise(text: str) -> str:
    """Lower case, one kind of dash, number words as figures ("zwanzig" → "20"; an article
    only before a unit: "eine Stunde", not "eine Assistenz"), halves and minutes as hours."""
    t = (text or "").lower().replace("–", "-").replace("—", "-").replace("\u00a0", " ")
    t = re.sub(r"(\d)\s*½", r"\1,5", t).replace("½", "0,5")
    t = re.sub(r"€\s*(\d)", r"\1 € ", t)  # "€ 25" → "25 €"
    t = re.sub(r"\b(ein(e|er)?\s+)?halbe\s+stunde\b", "0,5 stunden", t)
    t = re.sub(r"\bviertelstunde\b", "0,25 stunden", t)
    t = re.sub(r"\bdreiviertel\s?stunde\b", "0,75 stunden", t)
    t = re.sub(r"\banderthalb\b", "1,5", t)
    t = re.sub(r"\b([a-zäöü]+?)einhalb\b",
               lambda m: f"{number_word(m.group(1))},5" if number_word(m.group(1)) else m.group(0),
               t)
    unit_ahead = re.compile(r"\s*(stunde|stunden|std|tag|tage|tagen|woche|wochen|monat|monate|"
                            r"jahr|euro|mal|minute|minuten)\b")
    original = t

    def figure(match: re.Match) -> str:
        word = match.group(0)
        value = number_word(word)
        if value is None or (word in ARTICLES and not unit_ahead.match(original, match.end())):
            return word
        return str(value)

    t = re.sub(r"[a-zäöüß]+", figure, t)
    t = re.sub(r"(\d+)\s*-?\s*mal\b", r"\1 mal", t)

    def minutes(match: re.Match) -> str:
        value = to_number(match.group(1))
        if value is None:
            return match.group(0)
        hours = (value / 60).quantize(Decimal("0.01")).normalize()
        return f"{str(hours).replace('.', ',')} stunden"

    return re.sub(rf"{NUM}\s*(?:minuten|min\.?)(?![a-zäöüß])", minutes, t)


def _period(word: str | None) -> str | None:
    if not word:
        return None
    for name, pattern in PERIOD_OF:
        if re.fullmatch(pattern, word):
            return name
    return None


def _kind(pattern_kinds, text: str, default: str) -> str:
    for kind, words in pattern_kinds:
        if re.search(rf"\b({words})", text):
            return kind
    return default


# --- reading --------------------------------------------------------------------------

@dataclass
class Reading:
    """What one message says; any part may be missing (a follow-up says little)."""

    hours: list[HoursItem] = field(default_factory=list)
    amounts: list[CostItem] = field(default_factory=list)
    loose_amounts: list[tuple[Decimal, Decimal | None]] = field(default_factory=list)
    rates: tuple[Decimal, Decimal] | None = None
    weeks: Decimal | None = None
    days: Decimal | None = None
    employer_model: bool | None = None
    employer_percent: Decimal | None = None
    substitution_percent: Decimal | None = None
    target: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.hours or self.amounts or self.loose_amounts or self.rates
                    or self.weeks or self.days or self.employer_model is not None
                    or self.employer_percent or self.substitution_percent or self.target)

    def plan(self) -> BudgetPlan:
        """The message's own figures as a plan (complete or not)."""
        hours = [self._with_days(item) for item in self.hours]
        if self.weeks:
            hours = [replace(i, per="week") if i.per == "" else i for i in hours]
        main = _main_period(hours)
        amounts = [replace(a, per=main or _main_period(self.amounts) or "")
                   if a.per == "" else a for a in self.amounts]
        rates = self.rates
        loose = list(self.loose_amounts)
        if rates is None and hours and loose:
            rates = _ordered(*loose.pop(0))
        if rates is None and hours:
            # "Assistenz 10 Stunden, 31 € für die Assistenz": the amount for the hours
            hourly = next((a for a in amounts if a.per == "" and a.kind == "assistance"), None)
            if hourly is not None:
                amounts.remove(hourly)
                rates = (hourly.amount, hourly.amount)
        for amount, upper in loose:
            per = main or _main_period(amounts) or ""
            amounts.append(CostItem("other", upper or amount, per))
        return BudgetPlan(
            hours=tuple(hours), amounts=tuple(amounts),
            rate_from=rates[0] if rates else None, rate_to=rates[1] if rates else None,
            weeks=self.weeks, employer_model=self.employer_model,
            employer_percent=self.employer_percent,
            substitution_percent=self.substitution_percent, target=self.target)

    def _with_days(self, item: HoursItem) -> HoursItem:
        if item.per == "day" and item.days is None:
            return replace(item, days=self.days or Decimal(7))
        if item.per == "" and self.days:
            return replace(item, per="day", days=self.days)  # "6 Stunden an 5 Tagen"
        return item

    def merged(self, previous: BudgetPlan) -> BudgetPlan:
        """A follow-up on the calculation before: what the message says replaces the
        figures of the same kind, the rest stays."""
        plan = previous
        if self.hours:
            first = previous.hours[0] if previous.hours else None
            hours = []
            for item in self.hours:
                if item.per == "" and first is not None:
                    item = replace(item, per=first.per,
                                   days=self.days or first.days if first.per == "day" else None)
                hours.append(self._with_days(item))
            plan = replace(plan, hours=tuple(hours))
        elif self.days is not None:
            plan = replace(plan, hours=tuple(replace(i, days=self.days) if i.per == "day" else i
                                             for i in plan.hours))
        if self.amounts:
            kinds = {a.kind for a in self.amounts}
            main = _main_period(plan.hours) or _main_period(plan.amounts) or "month"
            new = tuple(replace(a, per=main) if a.per == "" else a for a in self.amounts)
            plan = replace(plan, amounts=tuple(a for a in plan.amounts if a.kind not in kinds)
                           + new)
        rates = self.rates or (_ordered(*self.loose_amounts[0])
                               if self.loose_amounts and plan.hours else None)
        if rates:
            plan = replace(plan, rate_from=rates[0], rate_to=rates[1])
        changes = {name: getattr(self, name) for name in (
            "weeks", "employer_model", "employer_percent", "substitution_percent")
            if getattr(self, name) is not None}
        if self.employer_percent is not None and self.employer_model is None:
            changes["employer_model"] = True
        plan = replace(plan, **changes)
        return replace(plan, target=self.target or previous.target)


def _main_period(items) -> str | None:
    periods = [i.per for i in items if i.per in PERIODS]
    return max(periods, key=PERIODS.index) if periods else None


def _ordered(low: Decimal, high: Decimal | None) -> tuple[Decimal, Decimal]:
    high = low if high is None else high
    return (min(low, high), max(low, high))


class _Text:
    """The message being read; a phrase that was understood is blanked out."""

    def __init__(self, text: str) -> None:
        self.text = text

    def take(self, pattern: str | re.Pattern):
        """Every match of `pattern`, blanked out of the text afterwards."""
        compiled = re.compile(pattern) if isinstance(pattern, str) else pattern
        found = list(compiled.finditer(self.text))
        for match in reversed(found):
            self.blank(*match.span())
        return found

    def blank(self, start: int, end: int) -> None:
        self.text = self.text[:start] + " " * (end - start) + self.text[end:]

    def around(self, start: int, end: int) -> tuple[str, str]:
        """The words before and after a span, up to the next figure or sentence mark."""
        after = re.split(r"\d|[.,;!?]", self.text[end:], maxsplit=1)[0]
        before = re.split(r"\d|[.,;!?]", self.text[:start][::-1], maxsplit=1)[0][::-1]
        return before, after


def _numbers(match: re.Match, first: int = 1) -> tuple[Decimal, Decimal | None]:
    low = to_number(match.group(first))
    high = to_number(match.group(first + 1)) if match.group(first + 1) else None
    return low, high  # type: ignore[return-value]


def read(text: str) -> Reading:
    """Everything the message says about a calculation."""
    work = _Text(normalise(text))
    reading = Reading()
    raw = work.text
    if EMPLOYER_NO.search(raw):
        reading.employer_model = False
    elif EMPLOYER_YES.search(raw):
        reading.employer_model = True

    # percentages: employer costs or Vertretung ("21 % Arbeitgeberanteil", "Vertretung 10 %")
    for pattern, number, words in ((rf"{NUM}\s*(?:%|prozent)((?:\s+{W}){{0,4}})", 1, 2),
                                   (rf"((?:{W}\s+){{0,4}}){NUM}\s*(?:%|prozent)", 2, 1)):
        for match in list(re.finditer(pattern, work.text)):
            value, said = to_number(match.group(number)), match.group(words)
            if re.search(r"vertretung|urlaub|krank|ausfall", said):
                reading.substitution_percent = value
            elif re.search(r"arbeitgeber|ag-|lohnneben|sozial|nebenkosten|abgaben", said):
                reading.employer_percent = value
                if reading.employer_model is None:
                    reading.employer_model = True
            else:
                continue
            work.blank(*match.span())

    # hourly rates: "30 Euro die Stunde", "25-35 €/h", "Stundensatz 28 Euro"
    for match in work.take(rf"{RANGE}\s*{EURO}\s*(?:{LINK}\s*)?(?:stunde|std|h)\.?(?![a-zäöüß])|"
                           rf"(?:stundensatz|stundenlohn|stundenpreis|stunde kostet|kostet die "
                           rf"stunde)\w*\s*(?:von|:|=|ist|beträgt|liegt bei|sind|zwischen|ca\.?|"
                           rf"etwa|circa|ungefähr|mit)?\s*{RANGE}\s*(?:{EURO})?"):
        low, high = _numbers(match, 1) if match.group(1) else _numbers(match, 3)
        if low is not None and reading.rates is None:
            reading.rates = _ordered(low, high)

    # hours: "an 5 Tagen je 6 Stunden"
    for match in work.take(rf"an\s+{NUM}\s+{DAY}(?:\s+(?:in der|pro|die|je)\s+{WEEK})?\s*,?\s*"
                           rf"(?:je|jeweils|à|a|mit|für|zu|für je)?\s*{NUM}\s*{HOUR}"):
        _add_hours(reading, work, match, to_number(match.group(2)), "day",
                   days=to_number(match.group(1)))
    # "2 mal 3 Stunden pro Woche"
    for match in work.take(rf"{NUM}\s+mal\s+{NUM}\s*{HOUR}\s*(?:{LINK}\s*)?"
                           rf"(?P<each>{DAY}|{WEEK}|{MONTH})(?![a-zäöüß])"):
        times, hours = to_number(match.group(1)), to_number(match.group(2))
        each = _period(match.group("each"))
        if each == "week":
            _add_hours(reading, work, match, hours, "day", days=times)
        elif hours is not None and times is not None:
            _add_hours(reading, work, match, hours * times, each)
    # "3 mal die Woche je 2 Stunden", "2 Stunden, 3 mal pro Woche"
    for match in work.take(rf"{NUM}\s+mal\s+(?:{LINK}\s*)?(?P<each>{WEEK}|{MONTH})\s*,?\s*"
                           rf"(?:je|jeweils|à|a|für|zu|für je)?\s*{NUM}\s*{HOUR}"):
        times, each = to_number(match.group(1)), match.group("each")
        hours = to_number(match.group(3))
        if _period(each) == "week":
            _add_hours(reading, work, match, hours, "day", days=times)
        elif hours is not None and times is not None:
            _add_hours(reading, work, match, hours * times, "month")
    for match in work.take(rf"{NUM}\s*{HOUR}\s*,?\s*(?:je(?:weils)?\s+)?{NUM}\s+mal\s+"
                           rf"(?:{LINK}\s*)?(?P<each>{WEEK}|{MONTH})(?![a-zäöüß])"):
        hours, times = to_number(match.group(1)), to_number(match.group(3))
        if _period(match.group("each")) == "week":
            _add_hours(reading, work, match, hours, "day", days=times)
        elif hours is not None and times is not None:
            _add_hours(reading, work, match, hours * times, "month")
    # "20 Stunden (Assistenz) pro Woche", "3 Std täglich"
    for match in work.take(rf"{NUM}\s*{HOUR}(?:\s+{W}){{0,2}}?\s*(?:(?:{LINK})\s*{PERIOD_WORD}|"
                           rf"{ADVERB})(?![a-zäöüß])"):
        period = _period(match.group("period")) or ADVERB_PERIOD.get(match.group("adverb") or "")
        days = ADVERB_DAYS.get(match.group("adverb") or "")
        _add_hours(reading, work, match, to_number(match.group(1)), period, days=days)
    # "jeden Tag 3 Std", "wöchentlich 10 Stunden", "im Monat 20 Stunden"
    for match in work.take(rf"(?:(?:jeden|jede|pro|im|am|in der|die)\s+{PERIOD_WORD}|{ADVERB})"
                           rf"(?:\s+{W}){{0,2}}?\s*{NUM}\s*{HOUR}"):
        period = _period(match.group("period")) or ADVERB_PERIOD.get(match.group("adverb") or "")
        days = ADVERB_DAYS.get(match.group("adverb") or "")
        _add_hours(reading, work, match, to_number(match.group(3)), period, days=days)
    # "20 Wochenstunden", "12 Stunden" (the period comes from elsewhere, or is missing)
    for match in work.take(rf"{NUM}\s*{HOUR}"):
        compound = match.group("compound") or ""
        _add_hours(reading, work, match, to_number(match.group(1)),
                   COMPOUND_PERIOD.get(compound, ""))

    # a rate after the hours: "10 Stunden à 31 €", "20 Stunden zu 30 Euro"
    if reading.hours and reading.rates is None:
        for match in re.finditer(rf"(?:à|a|zu|je|für je|für|mal|bei|mit)\s+{RANGE}\s*{EURO}"
                                 rf"(?!\s*(?:{LINK}\s*)?{PERIOD_WORD})", work.text):
            if _amount_kind(work.around(*match.span())[1]) in ("travel", "administration"):
                continue
            reading.rates = _ordered(*_numbers(match, 1))
            work.take(re.escape(match.group(0)))
            break

    # days a week for hours per day: "an 5 Tagen", "5 Tage die Woche", "werktags"
    for match in work.take(rf"(?:an|für)\s+{NUM}\s+{DAY}(?:\s+(?:in der|pro|die|je)\s+{WEEK})?|"
                           rf"{NUM}\s+{DAY}\s+(?:{LINK})\s*{WEEK}|{NUM}\s+mal\s+(?:{LINK}\s*)?"
                           rf"{WEEK}(?![a-zäöüß])"):
        reading.days = to_number(match.group(1) or match.group(2) or match.group(3))
    for words, days in ((r"werktags|wochentags|montags? bis freitags?|von montag bis freitag|"
                         r"mo\.?\s?(?:-|bis)\s?fr\.?", 5),
                        (r"jeden tag|täglich|tagtäglich|sieben tage", 7),
                        (r"am wochenende|samstags? und sonntags?", 2)):
        if work.take(rf"\b(?:{words})\b") and reading.days is None:
            reading.days = Decimal(days)

    # weeks of the year: "39 Wochen", "46 Schulwochen"
    for match in work.take(rf"{NUM}\s*(?:schul|arbeits|assistenz)?(?:wochen|woch)(?![a-zäöüß])"
                           rf"(?:\s+(?:im|pro)\s+{YEAR})?"):
        reading.weeks = to_number(match.group(1))

    # amounts with a period: "1.200 € im Monat (für Assistenz)", "monatlich 80 Euro"
    for match in work.take(rf"{NUM}\s*{EURO}(?:\s+{W}){{0,3}}?\s*(?:(?:{LINK})\s*{PERIOD_WORD}|"
                           rf"{ADVERB})(?![a-zäöüß])"):
        period = _period(match.group("period")) or ADVERB_PERIOD.get(match.group("adverb") or "")
        _add_amount(reading, work, match, to_number(match.group(1)), period)
    for match in work.take(rf"(?:(?:jeden|jede|pro|im|am|in der|die)\s+{PERIOD_WORD}|{ADVERB})"
                           rf"(?:\s+{W}){{0,3}}?\s*{NUM}\s*{EURO}"):
        period = _period(match.group("period")) or ADVERB_PERIOD.get(match.group("adverb") or "")
        _add_amount(reading, work, match, to_number(match.group(3)), period)
    # "zwischen 25 und 35 Euro", "25 bis 35 Euro", "80 Euro Fahrtkosten"
    for match in work.take(rf"(?:zwischen\s+)?{RANGE}\s*{EURO}"):
        low, high = _numbers(match, 1)
        before, after = work.around(*match.span())
        kind = _amount_kind(after) or _amount_kind(before)
        if kind is not None and high is None:
            reading.amounts.append(CostItem(kind, low, ""))
        elif low is not None:
            reading.loose_amounts.append((low, high))

    # the period the person asks about: what is left of "im Jahr", "pro Monat" …
    found = [(m.start(), name) for name, pattern in TARGETS for m in pattern.finditer(work.text)]
    if found:
        reading.target = max(found)[1]
    if re.search(r"das ganze jahr|ganzjährig|ganze[ns]? jahr", raw) and reading.weeks is None:
        reading.target = reading.target or "year"
    return reading


def _add_hours(reading: Reading, work: _Text, match: re.Match, hours: Decimal | None,
               period: str | None, days: Decimal | None = None) -> None:
    if hours is None or hours <= 0:
        return
    before, after = work.around(*match.span())
    kind = _kind(HOUR_KIND_WORDS, match.group(0) + " " + after, "") or _kind(
        HOUR_KIND_WORDS, before, "support")
    reading.hours.append(HoursItem(kind, hours, period or "", days))


def _amount_kind(words: str) -> str | None:
    match = AMOUNT_KIND.search(words)
    return match.lastgroup if match else None


def _add_amount(reading: Reading, work: _Text, match: re.Match, amount: Decimal | None,
                period: str | None) -> None:
    if amount is None or amount <= 0:
        return
    before, after = work.around(*match.span())
    kind = _amount_kind(match.group(0)) or _amount_kind(after) or _amount_kind(before)
    reading.amounts.append(CostItem(kind or "assistance", amount, period or ""))


# --- the turn -------------------------------------------------------------------------

def parse(text: str, previous: BudgetPlan | None = None) -> BudgetPlan | None:
    """The calculation the message asks for — on its own, or completing `previous` — or
    None when figures are missing (then the bot asks for them)."""
    reading = read(text)
    plan = reading.plan()
    if previous is not None and not reading.empty and (
            not plan.complete or _adds_on(text, reading)):
        merged = reading.merged(previous)
        if merged.complete and _sane(merged):
            return merged
    if plan.complete and _sane(plan):
        return plan
    return None


FOLLOW_UP = re.compile(r"^\W*(und|dazu|plus|noch|zusätzlich|außerdem|ausserdem|aber|was ist mit|"
                       r"wie ist es mit)\b|\b(dazu|zusätzlich|außerdem|noch dazu|obendrauf)\b")


def _adds_on(text: str, reading: Reading) -> bool:
    """A message that only adds to the calculation before: "und 80 Euro Fahrtkosten dazu"
    (no hours, no rate, only costs besides the help), or that says it is a follow-up."""
    if FOLLOW_UP.search(normalise(text)):
        return True
    return not reading.hours and reading.rates is None and bool(reading.amounts) and all(
        a.kind in ("travel", "administration", "other") for a in reading.amounts)


def _sane(plan: BudgetPlan) -> bool:
    """No zero rate, no zero weeks, no more hours than a day or a week has."""
    if plan.rate_from is not None and plan.rate_from <= 0:
        return False
    if plan.weeks is not None and not 0 < plan.weeks <= 53:
        return False
    limits = {"day": 24, "week": 168, "month": 744, "year": 8784}
    return all(0 < item.hours <= limits[item.per] and (item.days is None or 0 < item.days <= 7)
               for item in plan.hours)


def answer(text: str, easy: bool, previous: dict | None = None,
           today: date | None = None) -> Turn:
    """The calculation as a chat message, and its figures kept for a follow-up."""
    plan = parse(text, BudgetPlan.from_slot(previous))
    if plan is None:
        return Turn().say("utter_budget_how")
    return Turn(slots={SLOT: plan.to_slot()}).say_text(estimate_message(plan, easy, today))
