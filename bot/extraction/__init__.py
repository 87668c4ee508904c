"""Structure beside the words: people, aids, places, Stadtteile, goals and ICF life areas
found in one verbatim answer (DESIGN.md § 2.2 and § 4).

Works on our spaCy pipeline (blank German + lookup lemmatizer + entity ruler, see
bot/nlp/pipeline.py). There is no parser, so clauses come from punctuation and
conjunctions (clauses.py), and what a helper helps with is read as the words after
"hilft … bei/beim/mit" up to the end of the clause (people.py). The answer text is only
read, never changed: every extracted item keeps the clause it came from in the person's
own words.

Which question an answer belongs to decides where things go: `people` answers give the
social network, in other answers only people who help the person count (in
`contribution` the person is the one who helps); places only come from `neighbourhood`,
statements are sorted by question (statements.py).
"""

from __future__ import annotations

import copy
from datetime import date
from functools import lru_cache

from bot.extraction.aids_places import extract_aids, extract_places
from bot.extraction.clauses import SUBORDINATORS, clauses, is_verb_like, sentences
from bot.extraction.gazetteer import district_of, gazetteer
from bot.extraction.life_areas import extract_life_areas
from bot.extraction.locations import extract_locations
from bot.extraction.people import extract_people
from bot.extraction.results import (
    AidMention,
    Extraction,
    LifeAreaMention,
    Location,
    Person,
    PlaceMention,
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


@lru_cache(maxsize=4096)
def _extract(text: str, question_id: str, today: date) -> Extraction:
    doc = load_pipeline()(text)
    result = Extraction(question_id=question_id, text=text)
    if not doc.text.strip():
        return result
    located = extract_locations(doc)
    result.locations = [loc for _, loc in located]
    result.people = extract_people(doc, question_id)
    if question_id != "contribution":
        result.aids = extract_aids(doc)
    if question_id == "neighbourhood":
        result.places = extract_places(doc, located)
    result.statements = extract_statements(doc, question_id, today, result.aids)
    result.life_areas = extract_life_areas(doc)
    return result


__all__ = [
    "SUBORDINATORS", "AidMention", "Extraction", "LifeAreaMention", "Location", "Person",
    "PlaceMention", "Statement", "clauses", "district_of", "extract", "gazetteer",
    "is_verb_like", "parse_start", "sentences",
]


def warm_up() -> None:
    """Load the spaCy pipeline and the gazetteer now (about 1.5 s), not during the first
    person's read-back."""
    load_pipeline()
    gazetteer()
