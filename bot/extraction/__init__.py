"""Structure beside the words: people, aids, places, professional help, Stadtteile, goals,
abilities and limitations and ICF life areas found in one verbatim answer (DESIGN.md § 2.2
and § 4), each with the status the person's words give it (profile schema version 2).

Works on our spaCy pipeline (blank German + lookup lemmatizer + entity ruler, see
bot/nlp/pipeline.py). There is no parser, so clauses come from punctuation and
conjunctions (clauses.py), and the status of a mention is read from the words around it
(cues.py: negation, past, wishes, barriers). What a helper helps with is read as the words
after "hilft … bei/beim/mit" up to the end of the clause (people.py). The answer text is
only read, never changed: every extracted item keeps the clause it came from in the
person's own words and its character span.

People, aids, places and professional help count in the answer to every question (the
gold set's conventions, tests/data/extraction/README.md); abilities and limitations come
from the answer about what the person can do, and from other answers only where the words
say so ("Ich kann übersetzen"); statements of will come from the `living` answers.

Measured on a hand-annotated gold set: bench/extraction_eval.py (`make extraction-eval`).
"""

from __future__ import annotations

import copy
import re
from dataclasses import replace
from datetime import date
from functools import lru_cache

from bot.extraction.aids_places import extract_aids, extract_places
from bot.extraction.clauses import SUBORDINATORS, clauses, is_verb_like, sentences
from bot.extraction.gazetteer import district_of, gazetteer
from bot.extraction.life_areas import extract_life_areas
from bot.extraction.locations import extract_locations
from bot.extraction.people import extract_people
from bot.extraction.professional import extract_professional
from bot.extraction.results import (
    AidMention,
    Extraction,
    LifeAreaMention,
    Location,
    Person,
    PlaceMention,
    ProfessionalMention,
    Statement,
)
from bot.extraction.starts import parse_start
from bot.extraction.statements import extract_statements
from bot.nlp.pipeline import load_pipeline


def extract(text: str, question_id: str, today: date | None = None) -> Extraction:
    """Everything structured in one answer; `text` stays exactly as it was given.

    The read-back asks for the same answers several times per turn: the parse is cached,
    and every caller gets its own copy.
    """
    return copy.deepcopy(_extract(text, question_id, today or date.today()))


# dictated punctuation ("… da geh ich noch hin Punkt ins Tibarg Center …"): only in a text
# without any punctuation of its own, as speech-to-text gives it
DICTATED = re.compile(r"(?<=\s)(punkt|komma|fragezeichen)(?=\s|$)", re.IGNORECASE)
DICTATED_MARK = {"punkt": ".", "komma": ",", "fragezeichen": "?"}


def dictated_punctuation(text: str) -> str:
    """`text` with dictated "Punkt"/"Komma" read as the mark, padded to the same length so
    that every character position (the items' spans) stays the same."""
    if re.search(r"[.,;!?]", text) or not DICTATED.search(text):
        return text
    return DICTATED.sub(lambda m: DICTATED_MARK[m.group(0).lower()].ljust(len(m.group(0))),
                        text)


@lru_cache(maxsize=4096)
def _extract(text: str, question_id: str, today: date) -> Extraction:
    doc = load_pipeline()(dictated_punctuation(text))
    result = Extraction(question_id=question_id, text=text)
    if not doc.text.strip():
        return result
    located = extract_locations(doc, question_id)
    result.locations = [loc for _, loc in located]
    result.people = extract_people(doc, question_id)
    result.aids = extract_aids(doc)
    result.professional = extract_professional(doc, question_id)
    result.places = extract_places(doc, located)
    result.statements = extract_statements(doc, question_id, today, result.aids)
    _add_move_goals(result, today)
    _add_wish_starts(result, doc, today)
    result.life_areas = extract_life_areas(doc)
    return result


def _add_wish_starts(result: Extraction, doc, today: date) -> None:
    """When a wished help, aid or place should come, in the person's words: said in the
    same sentence ("eine Tagespflege ab Herbst wäre gut") or in a next sentence that says
    nothing else ("Am besten ab Sommer.")."""
    spans = [doc[a:b] for a, b in sentences(doc)]

    def start_for(span: tuple[int, int]) -> tuple[str, str | None] | None:
        for n, sentence in enumerate(spans):
            if sentence.start_char <= span[0] < sentence.end_char + 1:
                found = parse_start(sentence.text, today)
                if found is None and n + 1 < len(spans) and len(spans[n + 1]) <= 8:
                    found = parse_start(spans[n + 1].text, today)
                return found
        return None

    for name, wished in (("professional", "wished"), ("aids", "wished"), ("places", "wishes")):
        items = getattr(result, name)
        for n, item in enumerate(items):
            if item.status == wished and (found := start_for(item.span)):
                items[n] = replace(item, start=found[0], start_date=found[1])


def _add_move_goals(result: Extraction, today: date) -> None:
    """A wish to live somewhere else is a goal, never where the person lives: the goal
    that says it carries the Stadtteil (or a goal is added for it)."""
    for location in result.locations:
        if location.role != "move_to" or not location.quarter:
            continue
        lo, hi = location.span
        for n, statement in enumerate(result.statements):
            if statement.kind == "goal" and statement.span[0] <= lo and hi <= statement.span[1]:
                result.statements[n] = replace(statement, move_to=location.quarter)
                break
            if statement.kind in ("important", "change") and (
                    statement.span[0] <= lo and hi <= statement.span[1]):
                start = parse_start(statement.text, today)
                result.statements[n] = Statement(
                    "goal", statement.text, *(start or (None, None)), span=statement.span,
                    move_to=location.quarter)
                break
        else:
            start = parse_start(location.text, today)
            result.statements.append(Statement("goal", location.text, *(start or (None, None)),
                                               span=location.span, move_to=location.quarter))


__all__ = [
    "SUBORDINATORS", "AidMention", "Extraction", "LifeAreaMention", "Location", "Person",
    "PlaceMention", "ProfessionalMention", "Statement", "clauses", "district_of", "extract",
    "gazetteer", "is_verb_like", "parse_start", "sentences",
]


def warm_up() -> None:
    """Load the spaCy pipeline and the gazetteer now (about 1.5 s), not during the first
    person's read-back."""
    load_pipeline()
    gazetteer()
