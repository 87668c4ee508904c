"""ICF activities and participation (d1–d9) touched by an answer, with the words."""

from __future__ import annotations

from spacy.tokens import Doc

from bot.extraction.gazetteer import gazetteer
from bot.extraction.results import LifeAreaMention


def extract_life_areas(doc: Doc) -> list[LifeAreaMention]:
    """ICF chapters by keyword. Keywords are single tokens, and a keyword that is also a
    relation or an aid ("Eltern", "Rollstuhl") may carry the other label, so every token
    is looked up itself."""
    keywords = gazetteer().life_area_keywords
    words: dict[str, list[str]] = {}
    for token in doc:
        code = keywords.get(token.lower_)
        if code and token.text not in words.get(code, []):
            words.setdefault(code, []).append(token.text)
    return [LifeAreaMention(code, tuple(w)) for code, w in sorted(words.items())]
