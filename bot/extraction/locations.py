"""Hamburg's Stadtteile and Bezirke named in an answer, and whether the person lives there.
A Stadtteil implies its Bezirk; a short form of several Stadtteile ("Barmbek") only gives
the Bezirk when all of them lie in one."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from bot.extraction.clauses import Span, clauses, sentences, span_containing
from bot.extraction.gazetteer import gazetteer
from bot.extraction.results import Location

PLACE_PREPS = {"in", "aus", "nach", "im"}


def _is_home(doc: Doc, start: int, clause: Span) -> bool:
    """Said about where the person lives: "ich wohne in …", "bei uns in …", "hier in …",
    "ich komme aus …" in the same clause, and not "mein Bruder wohnt in …"."""
    words = [t.lower_ for t in doc[clause[0]:start]]
    if any(w in {"wohnt", "lebt"} for w in words):
        return False
    if any(w in {"wohne", "wohn", "lebe", "zuhause", "daheim", "stadtteil", "viertel"}
           for w in words):
        return True
    text = " ".join(words)
    return bool(re.search(r"\b(bei uns|hier|komme|bin) (in|im|aus)\b", text))


def extract_locations(doc: Doc) -> list[tuple[int, Location]]:
    """(token index, location) for every Stadtteil, Bezirk or ambiguous area named."""
    g = gazetteer()
    statements = sentences(doc)
    all_clauses = [c for s in statements for c in clauses(doc, *s)]
    found: list[tuple[int, Location]] = []
    covered: set[int] = set()

    def add(index: int, quarter: str | None, district: str | None, words: str,
            candidates: tuple[str, ...] = ()) -> None:
        clause = span_containing(all_clauses, index) if any(
            a <= index < b for a, b in all_clauses) else (0, len(doc))
        found.append((index, Location(quarter, district, words, _is_home(doc, index, clause),
                                      candidates)))

    for ent in doc.ents:
        if ent.label_ == "quarter":
            add(ent.start, ent.ent_id_, g.quarter_district.get(ent.ent_id_), ent.text)
        elif ent.label_ == "district":
            add(ent.start, None, ent.ent_id_, ent.text)
        covered.update(range(ent.start, ent.end))
    for pattern, quarter in g.dotted_aliases:
        for match in pattern.finditer(doc.text):
            span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
            if span is not None and span.start not in covered:
                covered.update(range(span.start, span.end))
                add(span.start, quarter, g.quarter_district.get(quarter), match.group(0))
    for token in doc:
        if token.i in covered:
            continue
        lower = token.lower_
        if lower in g.common_quarters and token.i > 0 and doc[token.i - 1].lower_ in PLACE_PREPS:
            clause = span_containing(all_clauses, token.i)
            if _is_home(doc, token.i, clause):
                quarter = g.common_quarters[lower]
                add(token.i, quarter, g.quarter_district.get(quarter), token.text)
        elif lower in g.ambiguous:
            candidates = g.ambiguous[lower]
            districts = {g.quarter_district.get(c) for c in candidates}
            district = districts.pop() if len(districts) == 1 else None
            add(token.i, None, district, token.text, candidates)
    found.sort(key=lambda item: item[0])
    # "Billstedt, genauer Mümmelmannsberg" names one Stadtteil; where home was said, keep that
    unique: dict[tuple, tuple[int, Location]] = {}
    for index, location in found:
        key = (location.quarter or location.words.lower(), location.district)
        if key not in unique or (location.home and not unique[key][1].home):
            unique[key] = (index, location)
    return sorted(unique.values(), key=lambda item: item[0])
