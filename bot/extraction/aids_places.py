"""Technical aids (used or wished) and places and offers in the neighbourhood."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from bot.extraction.clauses import (
    NEGATING_DETERMINERS,
    NEGATION,
    POSSESSIVES,
    Span,
    clauses,
    sentences,
    span_containing,
    span_lower,
    span_text,
)
from bot.extraction.gazetteer import gazetteer, typed_entities
from bot.extraction.results import AidMention, Location, PlaceMention

WISH_BEFORE = re.compile(
    r"\b(hätten? (\w+ )?gerne?|wünschen? (ich |wir )?(mir|uns)|wünsch mir|bräuchten?|möchten?|"
    r"will|wollen|würden? (\w+ )?gerne?|beantrag\w*|fehlt mir)\b")
NEED = re.compile(r"\b(brauche|brauch|brauchen)\b")
USE_BEFORE = re.compile(r"\b(habe|hab|nutze|benutze|verwende|mit (dem|der|einem|einer))\b")
WISH_AFTER = re.compile(
    r"\b(wäre|wären) (\w+ )?(toll|schön|gut|super|prima|hilfreich|praktisch|klasse)\b|"
    r"\bfehlt\b|\bhätten? (ich|wir) gerne?\b|\bwünschen? (ich|wir) (mir|uns)\b|"
    r"\bbräuchten? (ich|wir)\b|\bwürde mir helfen\b|\bwürden? (ich|wir) (\w+ )?gerne?\b|"
    r"\bmöchten? (ich|wir)\b|\bwill ich\b|\bwollen wir\b")
# "Einen Rollstuhl will ich nicht"
REFUSED_AFTER = re.compile(
    r"^(will|möchte|brauche|brauch|mag|benutze|nutze|habe|hab) (ich )?(nicht|kein\w*)\b")
AVAILABLE = re.compile(r"\b(gibt es|gibt's|es gibt|haben wir|hat es)\b")


def _negated(doc: Doc, start: int, clause: Span, end: int | None = None) -> bool:
    before = [t.lower_ for t in doc[max(clause[0], start - 2):start]]
    if set(before) & NEGATING_DETERMINERS:
        return True
    if end is not None and REFUSED_AFTER.match(span_lower(doc, (end, clause[1]))):
        return True
    if "ohne" in [t.lower_ for t in doc[max(clause[0], start - 3):start]]:
        # "Ohne Rollstuhl geht gar nichts" is a double negation: the aid is used
        return not NEGATION.search(span_lower(doc, (start, clause[1])))
    return False


def _aid_status(doc: Doc, ent, statement: Span, clause: Span) -> str:
    before_words = [t.lower_ for t in doc[max(statement[0], ent.start - 2):ent.start]]
    if set(before_words) & POSSESSIVES:
        return "used"
    prefix = span_lower(doc, (statement[0], ent.start))
    wish = [m.end() for m in WISH_BEFORE.finditer(prefix)]
    use = [m.end() for m in USE_BEFORE.finditer(prefix)]
    # "ich brauche einen neuen Rollstuhl" is a wish, "beim Laufen brauche ich Krücken" is use
    article = {t.lower_ for t in doc[max(statement[0], ent.start - 2):ent.start]}
    if article & {"ein", "eine", "einen", "einem"} or any(w.startswith("neu") for w in article):
        wish += [m.end() for m in NEED.finditer(prefix)]
    else:
        use += [m.end() for m in NEED.finditer(prefix)]
    if wish and (not use or max(wish) > max(use)):
        return "wished"
    if WISH_AFTER.search(span_lower(doc, (ent.end, clause[1]))):
        return "wished"
    return "used"


def extract_aids(doc: Doc) -> list[AidMention]:
    g = gazetteer()
    statements = sentences(doc)
    all_clauses = [c for s in statements for c in clauses(doc, *s)]
    found: list[AidMention] = []
    seen: set[tuple[str, str]] = set()
    for ent, aid in typed_entities(doc, "aid"):
        clause = span_containing(all_clauses, ent.start)
        if _negated(doc, ent.start, clause, ent.end):
            continue
        status = _aid_status(doc, ent, span_containing(statements, ent.start), clause)
        info = g.aids[aid]
        if (aid, status) in seen:
            continue
        seen.add((aid, status))
        found.append(AidMention(aid=aid, label=info["label"], category=info["category"],
                                status=status, words=ent.text, text=span_text(doc, clause)))
    return found


def extract_places(doc: Doc, locations: list[tuple[int, Location]]) -> list[PlaceMention]:
    g = gazetteer()
    statements = sentences(doc)
    all_clauses = [c for s in statements for c in clauses(doc, *s)]
    found: list[PlaceMention] = []
    seen: set[str] = set()
    for ent, kind in typed_entities(doc, "place"):
        if kind in seen:
            continue
        clause = span_containing(all_clauses, ent.start)
        if _negated(doc, ent.start, clause):
            continue
        statement = span_containing(statements, ent.start)
        sentence_lower = span_lower(doc, statement)
        if WISH_BEFORE.search(span_lower(doc, (statement[0], ent.start))) or WISH_AFTER.search(
                span_lower(doc, (ent.end, clause[1]))):
            status = "wished"
        elif AVAILABLE.search(sentence_lower) and "ich" not in sentence_lower.split():
            status = "available"
        else:
            status = "uses"
        quarter = next((loc.quarter for index, loc in locations
                        if statement[0] <= index < statement[1] and loc.quarter), None)
        seen.add(kind)
        found.append(PlaceMention(kind=kind, label=g.places[kind]["label"], status=status,
                                  words=ent.text, text=span_text(doc, clause), quarter=quarter))
    return found
