"""Sentences and clauses without a parser: cut at punctuation, subordinators and
"und/aber …" that start a new subject. Also the closed word classes the other parts of
the extraction share."""

from __future__ import annotations

import re
import unicodedata

from spacy.tokens import Doc, Token

from bot.extraction.cues import cue_data

SENTENCE_END = {".", "!", "?", ";", "…", "..."}
CLAUSE_PUNCT = {",", ":", "–", "—", "-", "(", ")", "/", '"', "„", "“"}
SUBORDINATORS = {"weil", "wenn", "dass", "daß", "damit", "obwohl", "falls", "sodass", "bevor",
                 "nachdem", "während", "seitdem", "sobald", "solange", "ob"}
COORDINATORS = {"und", "oder", "aber", "sondern", "denn", "sonst"}
RELATIVES = {"der", "die", "das", "den", "dem", "welcher", "welche", "er", "sie"}
POSSESSIVES = {"mein", "meine", "meinem", "meinen", "meiner", "meines"}
NEGATING_DETERMINERS = {"kein", "keine", "keinen", "keinem", "keiner", "keines"}
SUBJECT_STARTERS = {"ich", "du", "er", "sie", "es", "wir", "ihr", "man", "der", "die", "das",
                    "da", "dann", "dort", "hier", "jetzt", "heute", "manchmal", "außerdem"}
SENTENCE_STARTERS = SUBJECT_STARTERS | POSSESSIVES | COORDINATORS | {
    "dazu", "auch", "mit", "im", "in", "am", "ab", "bei", "beim", "seit", "zum", "zur", "mein",
    "unser", "unsere", "ein", "eine", "wenn", "weil", "sonst", "noch", "nur", "bitte"}
CLOSED_CLASS = POSSESSIVES | NEGATING_DETERMINERS | RELATIVES | {
    "ein", "eine", "einen", "einem", "einer", "eines", "dein", "deine", "sein", "seine",
    "ihre", "ihren", "ihrem", "ihrer", "unser", "unsere", "diese", "dieser", "diesen", "jede",
    "jeden", "alle", "manche", "welche", "es", "ich", "wir", "uns", "mir", "mich"}
AUX_FORMS = {"ist", "sind", "war", "waren", "bin", "hat", "habe", "hab", "haben", "kann",
             "können", "will", "wollen", "muss", "darf", "soll", "mag", "möchte", "wird",
             "werden", "gibt", "geht", "kommt", "macht", "hilft", "helfen"}
HELP_FORMS = {"hilft", "helfen", "helft", "half", "halfen", "geholfen", "unterstützt",
              "unterstützen", "unterstützte", "begleitet", "begleiten"}
HELP_PREPS = {"bei", "beim", "mit", "im", "in", "zum", "zur", "für"}
NEGATION = re.compile(r"\b(nicht|nichts|nie|kein\w*)\b")


Span = tuple[int, int]


def _inside_entity(doc: Doc) -> set[int]:
    return {i for ent in doc.ents for i in range(ent.start + 1, ent.end)}


def sentences(doc: Doc) -> list[Span]:
    """Token ranges of sentences: split at end punctuation and line breaks."""
    inside = _inside_entity(doc)
    spans: list[Span] = []
    start = 0
    for i, token in enumerate(doc):
        if i in inside:
            continue
        if token.text in SENTENCE_END or (token.is_space and "\n" in token.text):
            spans.append((start, i))
            start = i + 1
        elif is_emoji(token):
            spans.append((start, i + 1))  # the emoji stays with its words: they are quoted
            start = i + 1
        elif _number_ends_sentence(doc, i):
            spans.append((start, i + 1))  # "Ich bräuchte mindestens 30. Dazu der …"
            start = i + 1
    spans.append((start, len(doc)))
    result = [s for s in (trim(doc, a, b) for a, b in spans) if s[0] < s[1]]
    return _telegraphic_phrases(doc, result) if _telegraphic(result) else result


def is_emoji(token: Token) -> bool:
    """An emoji or other pictograph: in chat style it ends a sentence like a full stop
    ("haus ist umgebaut mit rampe 👍 später will ich …")."""
    return bool(token.text) and all(unicodedata.category(c) in ("So", "Sk", "Mn", "Cf")
                                    for c in token.text) and not token.text.isascii()


def _number_ends_sentence(doc: Doc, i: int) -> bool:
    """The tokenizer reads "30." as an ordinal ("am 3. Mai"); before a capitalised word
    that starts sentences ("30. Dazu", "10. Ich") it is a number and a full stop."""
    if not re.fullmatch(r"\d+\.", doc[i].text) or i + 1 >= len(doc):
        return False
    following = doc[i + 1]
    return following.is_title and following.lower_ in SENTENCE_STARTERS


def _telegraphic(spans: list[Span]) -> bool:
    """One word per sentence, nearly throughout ("ich. kann. denken. alles."): a talker
    user or someone typing word by word."""
    return len(spans) >= 4 and sum(1 for a, b in spans if b - a == 1) >= 0.7 * len(spans)


def _telegraphic_phrases(doc: Doc, spans: list[Span]) -> list[Span]:
    """The one-word sentences read as phrases again: "essen. nur. mit. hilfe." is one
    statement, "laufen. nein." another (cue words in data/extraction/cues.yml)."""
    words = cue_data()["telegraphic"]
    attach, needs_more = set(words["attach"]), set(words["needs_more"])
    phrases: list[Span] = []
    for start, end in spans:
        if phrases and end - start == 1 and (
                doc[start].lower_ in attach or doc[phrases[-1][1] - 1].lower_ in needs_more):
            phrases[-1] = (phrases[-1][0], end)
        else:
            phrases.append((start, end))
    return phrases


def trim(doc: Doc, start: int, end: int) -> Span:
    while start < end and (doc[start].is_space or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].is_space or doc[end - 1].is_punct):
        end -= 1
    return start, end


def _continues_list(doc: Doc, i: int, end: int) -> bool:
    """After a comma: "bei der Post, bei Anträgen und beim Einkaufen" is one list."""
    token = doc[i].lower_
    if token in HELP_PREPS:
        return True
    return token in {"und", "oder"} and i + 1 < end and doc[i + 1].lower_ in HELP_PREPS


def _starts_clause(token: Token) -> bool:
    return (token.lower_ in SUBJECT_STARTERS or token.lower_ in POSSESSIVES
            or token.ent_type_ == "relation")


def _joins_people(doc: Doc, i: int, end: int) -> bool:
    """"mit Mama, Papa und meinem Bruder": "und" between two people joins them, it starts
    no clause."""
    if doc[i].lower_ not in {"und", "oder"} or doc[i - 1].ent_type_ != "relation":
        return False
    following = doc[i + 1]
    if following.lower_ in POSSESSIVES and i + 2 < end:
        following = doc[i + 2]
    return following.ent_type_ == "relation" and not (
        i + 1 < end and doc[i + 1].lower_ in SUBJECT_STARTERS - {"der", "die", "das"})


def clauses(doc: Doc, start: int, end: int) -> list[Span]:
    """Clauses of one sentence: cut at commas and dashes (unless a list of help phrases
    goes on), before subordinators, and before "und/aber …" that start a new subject."""
    cuts = [start]
    for i in range(start + 1, end):
        previous, token = doc[i - 1], doc[i]
        if previous.text in CLAUSE_PUNCT:
            if not _continues_list(doc, i, end):
                cuts.append(i)
        elif token.lower_ in SUBORDINATORS or (
                token.lower_ in COORDINATORS and i + 1 < end and _starts_clause(doc[i + 1])
                and not _joins_people(doc, i, end)):
            cuts.append(i)
    cuts.append(end)
    spans = [trim(doc, a, b) for a, b in zip(cuts, cuts[1:], strict=False)]
    return [s for s in spans if s[0] < s[1]]


def span_text(doc: Doc, span: Span) -> str:
    """The words of a span as written (a leading "und"/"aber" of a clause left out)."""
    start, end = span
    while start < end and doc[start].lower_ in COORDINATORS:
        start += 1
    return doc[start:end].text.strip() if start < end else ""


def span_lower(doc: Doc, span: Span) -> str:
    """The words of a span in lower case, one space apart; full stops inside it (only
    telegraphic phrases have them, see sentences) are left out."""
    return " ".join(t.lower_ for t in doc[span[0]:span[1]] if t.text != ".")


def is_verb_like(token: Token) -> bool:
    """A finite verb without a parser: known auxiliaries, or a word whose lookup lemma is
    a different infinitive (gehe → gehen). Closed-class words like "meine" are excluded
    (the lookup table maps them to verbs)."""
    lower = token.lower_
    if lower in CLOSED_CLASS or not token.is_alpha:
        return False
    if lower in AUX_FORMS or lower in HELP_FORMS:
        return True
    lemma = token.lemma_.lower()
    return lemma != lower and lemma.endswith(("en", "ern", "eln")) and not token.is_title


def has_verb(doc: Doc, span: Span) -> bool:
    return any(is_verb_like(t) for t in doc[span[0]:span[1]])


def span_containing(spans: list[Span], index: int) -> Span:
    return next(s for s in spans if s[0] <= index < s[1])


def statement_spans(doc: Doc) -> list[Span]:
    """Sentences, split once more where a new main clause with "ich" begins
    ("Ich kann gut kochen und mit dem Rollator gehe ich allein einkaufen")."""
    result: list[Span] = []
    for start, end in sentences(doc):
        cuts = [i for i in range(start + 1, end)
                if doc[i].lower_ in COORDINATORS or doc[i - 1].text in CLAUSE_PUNCT]
        bounds = [start, *cuts, end]
        parts = [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if a < b]
        current = parts[0]
        for part in parts[1:]:
            first = doc[part[0]].lower_
            new_main = (first not in SUBORDINATORS and first not in RELATIVES
                        and any(t.lower_ == "ich" for t in doc[part[0]:part[1]])
                        and has_verb(doc, part) and has_verb(doc, current))
            if new_main:
                result.append(current)
                current = part
            else:
                current = (current[0], part[1])
        result.append(current)
    return [s for s in (trim(doc, a, b) for a, b in result) if s[0] < s[1]]


def char_span(doc: Doc, span: Span) -> tuple[int, int]:
    """Character offsets of `span_text(doc, span)` in the answer."""
    start, end = span
    while start < end and doc[start].lower_ in COORDINATORS:
        start += 1
    if start >= end:
        return (doc[span[0]].idx, doc[span[0]].idx) if span[0] < len(doc) else (0, 0)
    return doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)


def segment(doc: Doc, clause: Span, start: int, end: int,
            others: list[tuple[int, int]], punctuation: bool = False) -> tuple[str, str]:
    """The words of `clause` before and after the mention [start, end), lower case, cut
    between it and the other mentions of the same kind in the clause: in "ich gehe in die
    Bücherhalle und ins Schwimmbad würde ich gern" the wish belongs to the second place.
    With `punctuation`, also cut at commas and the like inside the clause."""
    cuts = [(_boundary(doc, e, start),) * 2 for s, e in others
            if e <= start and s >= clause[0]]
    cuts += [(_boundary(doc, end, s),) * 2 for s, e in others if s >= end and e <= clause[1]]
    if punctuation:
        cuts += [(i, i + 1) for i in range(clause[0], clause[1]) if doc[i].text in CLAUSE_PUNCT]
    left = max([e for s, e in cuts if e <= start and s >= clause[0]], default=clause[0])
    right = min([s for s, e in cuts if s >= end and e <= clause[1]], default=clause[1])
    return span_lower(doc, (left, start)), span_lower(doc, (end, right))


def _boundary(doc: Doc, a: int, b: int) -> int:
    """Where the words between two mentions (tokens a..b) part: at "und/aber/oder", else
    halfway ("ich geh in den Kleingartenverein das ist mein zweites Zuhause früher war
    ich im Männerchor", typed without commas)."""
    for i in range(a, b):
        if doc[i].lower_ in COORDINATORS:
            return i
    return (a + b + 1) // 2
