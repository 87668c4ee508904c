"""When a goal starts: "ab Sommer", "nächstes Jahr", "sofort", month names, dates, "wenn ich
18 bin". The phrase is always kept as the person wrote it. A date is only added when the
words name one without doubt and it is not in the past, worked out from the injected
`today`: "Sommer 2026" said in November 2026 gets no date (it would lie in the past),
"im November" said on 21 November starts today, "wenn ich 18 bin" names no date."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.extraction.cues import cue_data

MONTHS = {"januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "april": 4, "mai": 5,
          "juni": 6, "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11,
          "dezember": 12}
SEASONS = {"frühling": 3, "frühjahr": 3, "sommer": 6, "herbst": 9, "winter": 12}
NUMBERS = {"einem": 1, "einer": 1, "ein": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5,
           "sechs": 6, "ein paar": 3}
_PREFIX = r"(?:(?:ab|im|in|zum|zu|bis|anfang|ende|mitte|spätestens|frühestens|noch|diese[nms]?|" \
          r"nächste[nms]?|kommende[nms]?)\s+)*"
_MONTH_NAMES = "|".join(MONTHS)
_LIFE_STEPS = "|".join(cue_data()["life_steps"])
START_PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("now", re.compile(r"\b(ab sofort|sofort|so schnell wie möglich|so bald wie möglich|"
                       r"möglichst bald|schnellstmöglich|umgehend|ab jetzt|jetzt gleich)\b", re.I)),
    ("date", re.compile(r"(?:\b(?:ab|zum|am|bis)\s+)?\b(\d{1,2})\.\s?(\d{1,2})\.(\d{4}|\d{2})?",
                        re.I)),
    ("day_month", re.compile(rf"(?:\b(?:ab|zum|am|bis)\s+)?\b(\d{{1,2}})\.\s*({_MONTH_NAMES})"
                             r"(?:\s+(\d{4}))?\b", re.I)),
    ("month", re.compile(rf"\b{_PREFIX}({_MONTH_NAMES})(?:\s+(\d{{4}}))?\b", re.I)),
    ("season", re.compile(rf"\b{_PREFIX}(frühling|frühjahr|sommer|herbst|winter)"
                          r"(?:\s+(\d{4}))?\b", re.I)),
    ("next_year", re.compile(r"\b(?:ab |im )?(?:nächste[sn]?|kommende[sn]?) jahr\b", re.I)),
    ("this_year", re.compile(r"\b(?:noch )?(?:dieses|diesem) jahr\b", re.I)),
    # "in zwei Jahren", "In zwei, drei Jahren", "in 2 bis 3 Monaten"
    ("in_period", re.compile(r"\bin (einem|einer|ein paar|zwei|drei|vier|fünf|sechs|\d+)"
                             r"(?:(?:,| bis| oder) (?:zwei|drei|vier|fünf|sechs|sieben|\d+))? "
                             r"(jahr|jahren|monat|monaten|woche|wochen)\b", re.I)),
    ("next_month", re.compile(r"\b(?:im )?(?:nächste[nm]|kommende[nm]) monat\b", re.I)),
    ("next_week", re.compile(r"\b(?:nächste|kommende)n? woche\b", re.I)),
    ("year", re.compile(r"\b(?:ab|im|bis)?\s*(?<!seit )(20\d{2})\b", re.I)),
    ("soon", re.compile(r"\b(bald|demnächst|in zukunft|irgendwann|später|in den nächsten "
                        r"(?:\w+ )?(?:jahren|monaten|wochen|tagen))\b", re.I)),
    # a start the person ties to an event: kept in their words, no date
    ("condition", re.compile(
        r"\b(?:wenn|sobald|nachdem|wo) ich (?:\d{1,2}|sechzehn|siebzehn|achtzehn|volljährig|"
        r"erwachsen|(?:mit (?:der|dem|meiner|meinem) )?\w+ (?:fertig|raus|draußen|entlassen)|"
        r"aus (?:der|dem) \w+ (?:raus|draußen|entlassen))(?: \w+)? (?:bin|werde|ist)\b|"
        r"\bnach (?:der|dem|meiner|meinem) (?:schule|abi|abitur|ausbildung|reha|klinik|"
        r"therapie|entlassung|umzug|prüfung|schulzeit|studium|op|operation|entgiftung)\b|"
        r"\b(?:zu|vor|bis zu) den (?:sommerferien|herbstferien|osterferien|winterferien|ferien)\b|"
        r"\bzum (?:neuen )?schuljahr\b|\bfürs abitur\b|"
        # "sobald es mir besser geht", "sobald ich eine Stelle habe": always ahead
        r"\bsobald (?:ich|es|er|sie|wir|das|die|der|man)\b[^,.;:!?]{0,40}?"
        r"\b(?:bin|ist|sind|habe|hab|hat|haben|geht|gibt|kann|werde|wird)\b|"
        # "wenn ich meine Ausbildung abgeschlossen habe", "wenn sie auszieht": a step in
        # life (cues.yml: life_steps)
        rf"\bwenn (?:ich|er|sie|wir) (?:\w+ ){{0,4}}?(?:{_LIFE_STEPS})"
        r"(?: (?:bin|ist|sind|habe|hab|hat|haben|werde|wird))?\b|"
        # "will mit 18 ausziehen": an age right after a wish ("da muss ich mit 21 raus" is
        # a deadline, "mit 18 Leuten" no age)
        r"(?:(?<=will )|(?<=möchte )|(?<=möcht )|(?<=wollen )|(?<=würde )|(?<=würd )|"
        r"(?<=gerne )|(?<=gern ))"
        r"mit (?:1[4-9]|2[0-5])\b(?! (?:leute|leuten|personen|stunden|euro|prozent|"
        r"minuten|kilo|jahren? alt))",
        re.I)),
)


def parse_start(text: str, today: date) -> tuple[str, str | None] | None:
    """The start the person gave ("ab Sommer", "nächstes Jahr", "sofort", "im März",
    "1.4.2027") as written, and the earliest date it can mean (ISO) when there is one."""
    best: tuple[int, str, re.Match] | None = None
    for kind, pattern in START_PATTERNS:
        for match in pattern.finditer(text):
            if re.search(r"\bseit\s*$", text[:match.start()], re.I):
                continue  # "seit Januar", "seit 2022": since when, not when to start
            if best is None or match.start() < best[0]:
                best = (match.start(), kind, match)
            break
    if best is None:
        return None
    _, kind, match = best
    return match.group(0).strip(), _start_date(kind, match, today)


def _period_start(month: int, year: str | None, today: date, period_months: int,
                  strictly_next: bool) -> date | None:
    """The start of the month or season the person named, if it is not over: today when
    it is going on now ("im November" on 21 November), its first day when it lies ahead.
    None for a period that is over ("Sommer 2026" said in November 2026)."""

    def bounds(y: int) -> tuple[date, date]:
        end_month = month + period_months
        return date(y, month, 1), date(y + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1)

    years = [int(year)] if year else [today.year - 1, today.year, today.year + 1]
    for y in years:
        first, after_end = bounds(y)
        if after_end <= today:
            continue  # over
        if first <= today:
            if strictly_next and not year:
                continue  # "nächsten Sommer" said in summer: the one after
            return today
        return first
    return None


def _start_date(kind: str, match: re.Match, today: date) -> str | None:
    result = _raw_start_date(kind, match, today)
    if result is None or result < today:
        return None  # never a start in the past
    return result.isoformat()


def _raw_start_date(kind: str, match: re.Match, today: date) -> date | None:
    lowered = match.group(0).lower()
    strictly_next = bool(re.search(r"\b(nächste|kommende)", lowered))
    result: date | None = None
    if kind in ("now", "this_year"):
        result = today
    elif kind == "date":
        day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        full_year = int(year) + (2000 if len(year) == 2 else 0) if year else today.year
        try:
            result = date(full_year, month, day)
            if not year and result < today:
                result = date(full_year + 1, month, day)
        except ValueError:
            return None
    elif kind == "day_month":
        month = MONTHS[match.group(2).lower()]
        year = int(match.group(3)) if match.group(3) else today.year
        try:
            result = date(year, month, int(match.group(1)))
            if not match.group(3) and result < today:
                result = date(year + 1, month, int(match.group(1)))
        except ValueError:
            return None
    elif kind == "month":
        month = MONTHS[match.group(1).lower()]
        result = _period_start(month, match.group(2), today, 1, strictly_next)
    elif kind == "season":
        month = SEASONS[match.group(1).lower()]
        result = _period_start(month, match.group(2), today, 3, strictly_next)
    elif kind == "next_year":
        result = date(today.year + 1, 1, 1)
    elif kind == "in_period":
        amount = NUMBERS.get(match.group(1).lower()) or int(match.group(1))
        unit = match.group(2).lower()
        if unit.startswith("jahr"):
            result = date(today.year + amount, today.month, min(today.day, 28))
        elif unit.startswith("monat"):
            month_index = today.month - 1 + amount
            result = date(today.year + month_index // 12, month_index % 12 + 1,
                          min(today.day, 28))
        else:
            result = today + timedelta(weeks=amount)
    elif kind == "next_month":
        result = date(today.year + today.month // 12, today.month % 12 + 1, 1)
    elif kind == "next_week":
        result = today + timedelta(weeks=1)
    elif kind == "year":
        year = int(match.group(1))
        result = today if year == today.year else date(year, 1, 1)
    return result
