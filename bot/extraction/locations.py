"""Hamburg's Stadtteile and Bezirke named in an answer, and whether the person lives there.
A Stadtteil implies its Bezirk; a short form of several Stadtteile ("Barmbek") only gives
the Bezirk when all of them lie in one."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from bot.extraction.clauses import (
    Span,
    char_span,
    clauses,
    has_verb,
    sentences,
    span_containing,
    span_lower,
    span_text,
)
from bot.extraction.gazetteer import gazetteer
from bot.extraction.people import is_the_person
from bot.extraction.results import Location

PLACE_PREPS = {"in", "aus", "nach", "im"}
HOME_CUES = {"wohne", "wohn", "lebe", "leb", "zuhause", "daheim", "wohnhaft", "zuhaus",
             "stadtteil", "viertel", "kiez", "quartier"}
OTHERS_LIVE = {"wohnt", "lebt", "wohnen", "leben", "wohnte", "lebte", "bewohnt", "bewohnen",
               "bewohne"}
WISH_CUES = {"möchte", "möcht", "moechte", "möchten", "würde", "würd", "würden", "will", "wollen",
             "wünsche", "wünsch", "hätte", "hätt", "lieber", "liebsten", "plane", "planen",
             "traum", "träume", "hoffe", "suche", "suchen", "gerne", "gern"}
# the wish cues but "gern": "wir wohnen gerne in Harburg" says where the person lives
WISH_VERBS = WISH_CUES - {"gern", "gerne"}
PAST_CUES = {"früher", "frueher", "damals", "wohnte", "lebte", "vorher", "ursprünglich"}
MOVE_VERBS = re.compile(r"\b(ziehen|ziehn|umziehen|hinziehen|umzuziehen|hinzuziehen|ziehe|zieh|"
                        r"umzug|wohnen|leben|hin)\b")
PAST_AFTER = re.compile(r"\b(gewohnt|gelebt|aufgewachsen|gewesen|groß geworden)\b")
HOME_PHRASES = re.compile(r"\b(bei uns|bei mir|hier|komme|komm|bin|ich bin|mein stadtteil ist|"
                          r"mein viertel ist|wir sind) (\w+ )?(in|im|aus|auf der|auf)$")
STAYING = re.compile(r"\b(bleiben|bleim|bleibe|bleib|wohnen bleiben)\b")
HOME_AFTER = re.compile(r"^(ist|is) (mein|meine) (zuhause|stadtteil|viertel|heimat|kiez)\b|"
                        r"^(wohne|wohn|wohnen|lebe|leben)\b|^(haben wir|hab ich|habe ich)\b")
# "in einer Wohngruppe in Bergedorf", "jetzt in Unterkunft in Rahlstedt"
# ("Erdgeschosswohnung in Eißendorf", "Zweizimmer in Rothenburgsort", "Reihenhaus in Rissen")
HOME_PLACES = re.compile(r"\b(unterkunft|wg|wohngruppe|wohnheim|heim|einrichtung|"
                         r"\w+-wg|wohngemeinschaft|\w*wohnung|\w+zimmer|reihenhaus|"
                         r"einfamilienhaus|doppelhaushälfte|häuschen) (\w+ )?(in|im)$")
# the sentence says where the person lives before a clause cut at "und" ("wohn mit mama und
# meinen zwei brüdern in wilstorf")
LIVES_BEFORE = re.compile(r"\b(ich wohne|ich wohn|ich lebe|wir wohnen|wir leben|wohne|wohn|"
                          r"lebe)\b")


# moving somewhere: never the home ("dann ziehen wir in eine Wohnung in Rissen")
MOVING = re.compile(r"\b(ziehen|ziehn|umziehen|hinziehen|zusammenziehen|umzuziehen|"
                    r"hinzuziehen|ziehe|zieh|umzug)\b")
# a wish about a dwelling in the sentence: "Wir suchen Wohnung barrierefrei, am liebsten in
# Lohbrügge", "eine eigene Wohnung, bevorzugt in Harburg"
DWELLING_WISH = re.compile(r"\b(suche\w*|wünsch\w*|möchte\w*|will|wollen|würde\w*|hätte\w*|"
                           r"träum\w*)\b.*\b(wohnung|wg|wohngemeinschaft|zimmer|haus|"
                           r"wohnheim|wohngruppe)\b|\b(wohnung|wg|zimmer|haus)\b.*"
                           r"\b(suche\w*|gesucht|wünsch\w*)\b")
PREFERENCE = {"liebsten", "bevorzugt", "vorzugsweise", "möglichst", "gerne", "gern", "lieber"}


def location_role(doc: Doc, start: int, end: int, clause: Span,
                  others: list[int] | None = None, about_the_person: bool = False,
                  sentence: Span | None = None) -> str:
    """home | move_to | past_home | other for the Stadtteil at [start, end).

    The nearest cue before the name decides ("ich wohne in Jenfeld und möchte nach
    Eimsbüttel ziehen": Jenfeld is the home, Eimsbüttel the wish), then the verb after it
    ("… nach Eimsbüttel ziehen", "… in Altona gewohnt"). A wish to live somewhere else is a
    goal, never the home; "mein Bruder wohnt in …" is not about the person, unless the
    answer is about him (a relative writes: `about_the_person`)."""
    left = max([i for i in others or () if i < start] + [clause[0] - 1]) + 1
    before = [t.lower_ for t in doc[left:start]]
    after = " ".join(t.lower_ for t in doc[end:clause[1]])
    clause_words = {t.lower_ for t in doc[clause[0]:clause[1]]}
    wish_in_clause = bool(WISH_CUES & clause_words) and not ({"gern", "gerne"} & clause_words
                                                              and HOME_CUES & set(before))
    if PAST_AFTER.search(after) or (PAST_CUES & set(before) and HOME_CUES & set(before)):
        return "past_home"
    preposition = before[-1] if before else ""
    last_words = " ".join(before[-4:])
    clause_text = span_lower(doc, clause)
    sentence_text = span_lower(doc, sentence) if sentence else clause_text
    previous = span_lower(doc, (sentence[0], clause[0])) if sentence and (
        sentence[0] < clause[0]) else ""
    if preposition in {"in", "nach"} and MOVING.search(previous) and not has_verb(doc, clause) and (
            not re.search(r"\b(nie|nicht|nich|kein\w*)\b", previous)):
        return "move_to"  # "sollten wir umziehen, dann in eine Wohnung in Othmarschen"
    if MOVING.search(clause_text) and preposition in {"in", "nach", "im"} and not (
            PAST_AFTER.search(after) or HOME_CUES & set(before)
            or re.search(r"\b(nie|nicht|nich|kein\w*)\b", clause_text)):
        return "move_to"  # "… in eine WG in Eimsbüttel ziehen", "dann ziehen wir … in Rissen"
    if preposition in {"in", "nach"} and PREFERENCE & set(before) and DWELLING_WISH.search(
            sentence_text) and not (HOME_CUES & set(before) or STAYING.search(sentence_text)):
        return "move_to"  # "Wir suchen Wohnung barrierefrei, am liebsten in Lohbrügge"
    if HOME_AFTER.search(after) and not (wish_in_clause and MOVE_VERBS.search(after)):
        return "home"  # "Winterhude ist mein Zuhause", "auf st. pauli wohnen is geil"
    if STAYING.search(clause_text) and (
            preposition in {"in", "im", "auf"}):
        return "home"  # "ich will hier in Bergedorf bleiben": a wish to stay
    if HOME_PHRASES.search(last_words) or HOME_PLACES.search(last_words):
        return "home"
    if preposition in {"in", "im"} and {"weiter", "weiterhin"} & set(before) and (
            MOVE_VERBS.search(after) and not MOVING.search(after)):
        return "home"  # "ich möchte weiter in Harburg wohnen": a wish to stay
    for index, word in reversed(list(enumerate(before))):
        if word in PAST_CUES:
            return "past_home"
        if word in WISH_VERBS or word in {"ziehe", "zieh", "ziehen", "umziehen"}:
            return "move_to" if preposition == "nach" or MOVE_VERBS.search(after) else "other"
        if word in OTHERS_LIVE:
            if word in {"wohnen", "leben"} and WISH_VERBS & set(before[:index]):
                return "move_to"  # "ich möchte allein wohnen, in Wilhelmsburg"
            if re.search(r"\b(ich|wir)\b", " ".join(before)) or about_the_person:
                return "home"
            return "other"
        if word in HOME_CUES:
            return "home"
    if wish_in_clause and (preposition == "nach" or MOVE_VERBS.search(after)):
        return "move_to"
    if preposition in {"in", "im"} and not has_verb(doc, clause) and LIVES_BEFORE.search(
            previous) and not (WISH_CUES & set(previous.split()) or MOVING.search(previous)):
        return "home"
    if HOME_PHRASES.search(" ".join(before)):
        return "home"
    if preposition == "nach" and MOVE_VERBS.search(after):
        return "move_to"
    return "other"


def _relative_lives(doc: Doc, sentence: Span, question_id: str) -> bool:
    """"Mein Vater wohnt in Wandsbek. Früher war er …": the relative is the person."""
    if any(is_the_person(doc, doc[t.i:t.i + 1], question_id)
           for t in doc[sentence[0]:sentence[1]] if t.ent_type_ == "relation"):
        return True
    # "Ich schreibe für meine Tante, sie ist 79. Sie wohnt in …": the pronoun takes up the
    # person the answer is about, named in an earlier sentence
    return doc[sentence[0]].lower_ in {"sie", "er"} and any(
        is_the_person(doc, doc[t.i:t.i + 1], question_id)
        for t in doc[:sentence[0]] if t.ent_type_ == "relation")


def _home_said_around(doc: Doc, statements: list[Span], sentence: Span,
                      homes: set[int]) -> bool:
    """"Ich wohne jetzt in einer Wohngruppe. In Bergedorf.", "In Hamm gehe ich zum Sport.
    Ich wohne da auch.": the sentence before or after says it."""
    index = statements.index(sentence) if sentence in statements else -1
    previous = statements[index - 1] if index > 0 else None
    following = statements[index + 1] if 0 <= index < len(statements) - 1 else None
    if previous and not has_verb(doc, sentence) and (
            previous[0] in homes or re.search(r"\b(wohne|wohn|lebe)\b", span_lower(doc, previous))):
        return True
    return bool(following and re.search(r"\b(wohne|wohn|lebe|leb) (\w+ )?(da|dort|hier)\b",
                                         span_lower(doc, following)))


def extract_locations(doc: Doc, question_id: str = "neighbourhood"
                      ) -> list[tuple[int, Location]]:
    """(token index, location) for every Stadtteil, Bezirk or ambiguous area named."""
    g = gazetteer()
    statements = sentences(doc)
    all_clauses = [c for s in statements for c in clauses(doc, *s)]
    raw: list[tuple[int, int, str | None, str | None, str, tuple[str, ...]]] = []
    covered: set[int] = set()

    def clause_of(index: int) -> Span:
        return span_containing(all_clauses, index) if any(
            a <= index < b for a, b in all_clauses) else (0, len(doc))

    def add(index: int, end: int, quarter: str | None, district: str | None, words: str,
            candidates: tuple[str, ...] = ()) -> None:
        raw.append((index, end, quarter, district, words, candidates))

    for ent in doc.ents:
        if ent.label_ == "quarter":
            add(ent.start, ent.end, ent.ent_id_, g.quarter_district.get(ent.ent_id_), ent.text)
        elif ent.label_ == "district":
            add(ent.start, ent.end, None, ent.ent_id_, ent.text)
        covered.update(range(ent.start, ent.end))
    for pattern, quarter in g.dotted_aliases:
        for match in pattern.finditer(doc.text):
            span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
            if span is not None and span.start not in covered:
                covered.update(range(span.start, span.end))
                add(span.start, span.end, quarter, g.quarter_district.get(quarter),
                    match.group(0))
    for token in doc:
        if token.i in covered:
            continue
        lower = token.lower_
        if lower in g.common_quarters and token.i > 0 and doc[token.i - 1].lower_ in PLACE_PREPS:
            if location_role(doc, token.i, token.i + 1, clause_of(token.i)) == "home":
                quarter = g.common_quarters[lower]
                add(token.i, token.i + 1, quarter, g.quarter_district.get(quarter), token.text)
        elif lower in g.ambiguous:
            candidates = g.ambiguous[lower]
            districts = {g.quarter_district.get(c) for c in candidates}
            district = districts.pop() if len(districts) == 1 else None
            add(token.i, token.i + 1, None, district, token.text, candidates)
    starts = [item[0] for item in raw]
    found: list[tuple[int, Location]] = []
    homes: set[int] = set()
    for index, end, quarter, district, words, candidates in sorted(raw, key=lambda r: r[0]):
        clause = clause_of(index)
        sentence = span_containing(statements, index) if any(
            a <= index < b for a, b in statements) else (0, len(doc))
        about = _relative_lives(doc, sentence, question_id)
        role = location_role(doc, index, end, clause, starts, about, sentence)
        if role == "other" and _home_said_around(doc, statements, sentence, homes):
            role = "home"
        if role == "home":
            homes.add(sentence[0])
        found.append((index, Location(quarter, district, words, role, candidates,
                                      span_text(doc, clause), char_span(doc, clause))))
    # "Billstedt, genauer Mümmelmannsberg" names one Stadtteil; where home was said, keep that
    unique: dict[tuple, tuple[int, Location]] = {}
    for index, location in found:
        key = (location.quarter or location.words.lower(), location.district)
        if key not in unique or (location.home and not unique[key][1].home):
            # the same Stadtteil named twice: where the person lives wins
            unique[key] = (index, location)
    return sorted(unique.values(), key=lambda item: item[0])
