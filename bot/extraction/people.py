"""People at the person's side: relation, sector and what they help with.

What a helper helps with is read as the words after "hilft … bei/beim/mit" up to the end of
the clause (or between the preposition and a verb at the end: "…, dass meine Schwester mir
beim Einkaufen hilft"). In answers to other questions than `people` only helpers count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

from bot.extraction.clauses import (
    HELP_FORMS,
    HELP_PREPS,
    NEGATING_DETERMINERS,
    POSSESSIVES,
    RELATIVES,
    Span,
    clauses,
    has_verb,
    sentences,
    span_lower,
    span_text,
)
from bot.extraction.gazetteer import gazetteer, typed_entities
from bot.extraction.results import Person

HELP_LEMMAS = {"helfen", "unterstützen", "begleiten"}
PETS = {"hund", "hündin", "katze", "kater", "vogel", "pferd", "hamster", "kaninchen",
        "wellensittich", "meerschweinchen", "haustier"}
COPULA = {"ist", "sind", "war", "waren", "wäre"}
VISIT_PREPS = {"zum", "zur", "beim", "vom"}
NO_LONGER_THERE = re.compile(
    r"\b(verstorben|gestorben|tot|nicht mehr am leben|(lebt|leben|lebte) (leider )?nicht mehr|"
    r"kein(en)? kontakt|nichts mehr zu tun)\b")
HELP_FROM = re.compile(r"\b(mit (der )?hilfe|hilfe (von|durch))\b")
# "Meine Nachbarin macht das bisher", "kümmert sich um mich", "ist immer für mich da"
SUPPORT_CUES = re.compile(
    r"\b(macht|machen|erledigt|erledigen|übernimmt|übernehmen) (das|es|alles|vieles|viel)\b|"
    r"\bkümmer\w* sich (\w+ )?um mich\b")
# "Freunde hab ich kaum"
FEW_OF_THEM = re.compile(
    r"^[\w -]+? (hab|habe|hat|haben) (ich |wir )?(kaum|keine?|nicht|wenige?)\b")


@dataclass
class _Help:
    verb: int
    helps_with: str | None
    person_is_subject: bool


def _help_in(doc: Doc, span: Span, relation_tokens: set[int]) -> _Help | None:
    """The help verb of a clause and what it is about (words after bei/beim/mit …)."""
    start, end = span
    verb = next((i for i in range(start, end)
                 if doc[i].lemma_.lower() in HELP_LEMMAS or doc[i].lower_ in HELP_FORMS), None)
    if verb is None:
        return None
    person_is_subject = any(doc[i].lower_ == "ich" for i in range(start, end))
    preps = [i for i in range(start, end) if doc[i].lower_ in HELP_PREPS
             and i not in relation_tokens and i + 1 < end and i + 1 not in relation_tokens
             and doc[i + 1].lower_ not in POSSESSIVES | {"mir", "mich"}]
    after = [i for i in preps if i > verb]
    before = [i for i in preps if i < verb]
    helps_with = None
    if after:
        helps_with = span_text(doc, (after[0] + 1, end))
    elif before:
        helps_with = span_text(doc, (before[0] + 1, verb))
    return _Help(verb, helps_with or None, person_is_subject)


def _shared_help(doc: Doc, all_clauses: list[Span], helps: list[_Help | None],
                 index: int) -> tuple[_Help | None, Span]:
    """A clause without a verb shares the help verb of its neighbour:
    "mein Vater hilft mir bei Behördengängen, meine Mutter beim Kochen" (left out), or
    "Meine Eltern und meine Geschwister helfen mir beim Umzug" (one verb for both)."""
    clause = all_clauses[index]
    previous = helps[index - 1] if index > 0 else None
    following = helps[index + 1] if index + 1 < len(helps) else None
    preps = [i for i in range(*clause) if doc[i].lower_ in HELP_PREPS]
    if previous and not previous.person_is_subject and preps:
        return _Help(previous.verb, span_text(doc, (preps[0] + 1, clause[1])) or None,
                     False), clause
    joined = doc[all_clauses[index + 1][0]].lower_ in {"und", "oder"} if following else False
    if following and joined and not following.person_is_subject and not preps:
        return following, (clause[0], all_clauses[index + 1][1])
    return None, clause


def _who(doc: Doc, ent) -> str:
    words = [t.text for t in ent if t.lower_ not in POSSESSIVES]
    if not words:
        words = [ent.text]
    last = words[-1]
    words[-1] = last[:1].upper() + last[1:]
    return " ".join(words)


def _excluded(doc: Doc, ent, clause: Span) -> bool:
    """Not a person at the person's side: "keine Geschwister", "Eltern leben nicht mehr",
    a visit ("zum Arzt", "zu meiner Ärztin"), or a pet called "mein bester Freund"."""
    before = [t.lower_ for t in doc[max(clause[0], ent.start - 2):ent.start]]
    if set(before) & NEGATING_DETERMINERS or set(before) & VISIT_PREPS:
        return True
    clause_text = span_lower(doc, clause)
    if NO_LONGER_THERE.search(clause_text):
        return True
    if FEW_OF_THEM.match(span_lower(doc, (ent.start, clause[1]))):
        return True
    # "Mein Hund ist mein bester Freund": a pet, not a person
    copula = {t.lower_ for t in doc[max(clause[0], ent.start - 3):ent.start]} & COPULA
    return bool(copula and any(t.lower_ in PETS for t in doc[clause[0]:ent.start]))


def extract_people(doc: Doc, question_id: str) -> list[Person]:
    g = gazetteer()
    all_clauses = [c for s in sentences(doc) for c in clauses(doc, *s)]
    relation_ents = typed_entities(doc, "relation")
    relation_tokens = {i for ent, _ in relation_ents for i in range(ent.start, ent.end)}

    def clause_of(ent) -> int:
        return next(n for n, (a, b) in enumerate(all_clauses) if a <= ent.start < b)

    helps = [_help_in(doc, c, relation_tokens) for c in all_clauses]
    by_clause: dict[int, list] = {}
    for ent, relation in relation_ents:
        if any(a <= ent.start < b for a, b in all_clauses):
            by_clause.setdefault(clause_of(ent), []).append((ent, relation))

    people: list[Person] = []
    seen: set[tuple[str, str]] = set()
    for index, found in sorted(by_clause.items()):
        clause = all_clauses[index]
        text_span = clause
        help_here = helps[index]
        if help_here is None and not has_verb(doc, clause):
            help_here, text_span = _shared_help(doc, all_clauses, helps, index)
        if help_here is None and index + 1 < len(all_clauses) and index + 1 not in by_clause:
            nxt = all_clauses[index + 1]
            if doc[nxt[0]].lower_ in RELATIVES and helps[index + 1] is not None:
                # "mein Freund Tobi, der hilft mir mit dem Computer"
                help_here = helps[index + 1]
                text_span = (clause[0], nxt[1])
        clause_lower = span_lower(doc, clause)
        for ent, relation in found:
            if _excluded(doc, ent, clause):
                continue
            helper_by_phrase = bool(HELP_FROM.search(clause_lower)) or bool(
                SUPPORT_CUES.search(clause_lower) and "ich" not in clause_lower.split())
            helper = bool(help_here and not help_here.person_is_subject) or helper_by_phrase
            if question_id != "people" and not helper:
                continue
            info = g.relations[relation]
            who = _who(doc, ent)
            key = (relation, who.lower())
            if key in seen:
                continue
            seen.add(key)
            helps_with = help_here.helps_with if helper and help_here else None
            people.append(Person(who=who, relation=relation, sector=info["sector"],
                                 helps_with=helps_with, text=span_text(doc, text_span),
                                 helper=helper))
    return people
