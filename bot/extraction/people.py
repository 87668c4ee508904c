"""People at the person's side: relation, sector and what they help with.

What a helper helps with is read as the words after "hilft … bei/beim/mit" up to the end of
the clause (or between the preposition and a verb at the end: "…, dass meine Schwester mir
beim Einkaufen hilft"). People count in the answer to every question ("mein Sohn hilft mir
mit Briefen" in the answer about what the person can do, "ich helfe meinem Bruder" in the
one about being there for others); not people who died, with whom there is no contact, who
were only there in the past, or the relative the answer is about when a relative writes
("Unser Sohn liebt Tiere": the son is the person).

Besides the entity ruler's relations, this module knows named people ("Frau Schulz",
"Herr Yilmaz"), some dialect words ("mien Fruu", "de Kinner") and groups named by where
they come from ("die Leute vom Blindenverein"); they are kept here, not in the gazetteer,
so the Rasa model needs no retraining.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

from bot.extraction.clauses import (
    CLOSED_CLASS,
    HELP_FORMS,
    HELP_PREPS,
    NEGATING_DETERMINERS,
    POSSESSIVES,
    RELATIVES,
    Span,
    char_span,
    clauses,
    has_verb,
    is_verb_like,
    sentences,
    span_lower,
    span_text,
)
from bot.extraction.cues import cue_pattern
from bot.extraction.gazetteer import gazetteer, typed_entities
from bot.extraction.results import Person

HELP_LEMMAS = {"helfen", "unterstützen", "begleiten"}
PETS = {"hund", "hündin", "katze", "kater", "vogel", "pferd", "hamster", "kaninchen",
        "wellensittich", "meerschweinchen", "haustier"}
COPULA = {"ist", "sind", "war", "waren", "wäre"}
VISIT_PREPS = {"zum", "zur", "beim", "vom"}
NO_LONGER_THERE = re.compile(
    r"\b(verstorben|gestorben|tot|nicht mehr am leben|(lebt|leben|lebte) (leider )?nicht mehr|"
    r"kein(en)? kontakt|nichts mehr zu tun|gebrochen|zurückgezogen|weggezogen|ist raus|"
    r"eher nicht|abgebrochen|kein(en)? draht mehr|tod|beerdigt|grab|"
    r"(hilft|helfen|kommt|kommen|besucht|besuchen|meldet|melden) (\w+ )?(mir |mich |uns )?"
    r"(sich )?nicht mehr)\b")
# said in everyday words (cues.yml): "eher nich", "ist Geschichte", "sehe ich nicht",
# "wir haben grad Pause"; the contact words also when said in the next clause ("Meine Eltern
# sind in Syrien, ich habe kein Kontakt")
GONE = cue_pattern("people_gone")
NO_CONTACT = re.compile(r"\b(kein(en)? kontakt|(haben|ham|hab|habe) (\w+ ){0,2}pause|funkstille|"
                        r"(ist|sind) geschichte|(is|ist) nix mehr)\b")
# "Frau S. besucht die Tagesstätte", "Derzeit erhält Herr K. …": someone writes about the
# person under an initial
INITIAL = re.compile(r"^(frau|herr|herrn) [a-zäöü]\.?$")
WISH_WORDS = re.compile(r"\b(will|möchte|wünsche|hätte gern|hätte gerne|suche|fehlt)\b")
# "Früher hatte ich viele Freunde", "früher hatte er einen Kumpel"
ONLY_IN_THE_PAST = re.compile(r"\b(früher|damals) (hatte|hatten|war|waren)\b|"
                              r"\b(hatte|hatten) (ich|er|sie|wir) (früher|damals)\b")
# relation words that name a place or group of the Sozialraum, not a person
PLACE_LIKE = {"selbsthilfegruppe", "selbsthilfegruppen", "selbsthilfe-gruppe", "selbsthilfegrupe",
              "shg", "gemeinde", "kirchengemeinde", "moscheegemeinde", "glaubensgemeinschaft",
              "gemeindemitglieder"}
# dialect and other words the ruler does not know, with their relation
EXTRA_TERMS = {"fruu": "wife", "fru": "wife", "kinner": "children", "kinners": "children",
               "exfrau": "relatives", "ex-frau": "relatives", "exmann": "relatives",
               "ex-mann": "relatives", "sponsor": "friend", "sponsorin": "friend",
               "deern": "daughter", "vaddern": "father"}
NAMED = re.compile(r"\b((?i:frau|herr|herrn|fräulein|pastor|pastorin)) "
                   r"([A-ZÄÖÜ][\w-]+|[A-ZÄÖÜa-zäöü]\.)")
# "für andere Familien", "den Kindern vorlesen": people in general, unless they are the
# person's own
GENERIC = {"kinder", "kindern", "kinner", "kinners", "kids", "familien", "familie", "leute",
           "menschen", "freiwilligen", "freiwillige",
           # acquaintances as a group ("hab ich im Bekanntenkreis oft gemacht"), and the
           # adjective ("bekannte Wege"), outside the answer about people
           "bekanntenkreis", "bekannte", "bekannten"}
OWN = POSSESSIVES | {"unsere", "unser", "unseren", "unserem", "mien", "miene", "min", "meene"}
# "ich war Lehrerin", "ein besserer Vater sein", "Lesepate werden": the person themself
BECOME = {"sein", "werden", "bleiben", "geworden", "gewesen"}
SOMEONE_FROM = re.compile(r"\b(eine?|die|den|der) (frau|mann|dame|leute|menschen) "
                          r"(von|vom|aus) (der |dem |de |unserer |meiner )?\w+", re.I)
# a relative writes about the person: "Unser Sohn …", "Ich schreibe für meine Mutter"
ABOUT_THE_PERSON = re.compile(r"\b(unser|unsere|unseren|unserem|unserer)\b")
WRITES_FOR = re.compile(r"\b(schreibe|schreiben|frage|fragen) (\w+ )?(für|wegen) (meinen|meine|"
                        r"meinem|unseren|unsere|unserem)\b")
SUBJECT_VERBS = {"kann", "will", "möchte", "wohnt", "lebt", "hat", "ist", "war", "liebt",
                 "bekommt", "braucht", "wünscht", "geht", "arbeitet", "mag", "könnte", "würde",
                 "hatte", "spielt", "vergisst", "sitzt"}
HELP_FROM = re.compile(r"\b(mit (der )?hilfe|hilfe (von|durch))\b")
# "Meine Nachbarin macht das bisher", "kümmert sich um mich", "ist immer für mich da"
SUPPORT_CUES = re.compile(
    r"\b(macht|machen|erledigt|erledigen|übernimmt|übernehmen) (das|es|alles|vieles|viel)\b|"
    r"\bkümmer\w* sich (\w+ )?um mich\b")
# "Freunde hab ich kaum"
FEW_OF_THEM = re.compile(
    r"^[\w -]+? (hab|habe|hat|haben) (ich |wir |er |sie )?(leider |eigentlich )?"
    r"(kaum|keine?|nicht|wenige?)\b")


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


def _apposition_name(doc: Doc, ent) -> str | None:
    """"einen Freund, Tim.", "Einen alten Studienfreund, Klaus, habe ich …": the name set
    off by commas after the relation word."""
    after = ent.end
    # "Kollege von früher, Marek", "Mitbewohnerin aus der alten WG, Janne": a short phrase
    # saying where the person comes from may stand between
    if after < len(doc) and doc[after].lower_ in {"von", "vom", "aus", "ausm", "aus'm"}:
        comma = next((i for i in range(after + 1, min(len(doc), after + 6))
                      if doc[i].text in {",", ".", ";", "–", "-"}), None)
        if comma is not None and doc[comma].text == ",":
            after = comma
    if after + 1 >= len(doc) or doc[after].text != ",":
        return None
    name = doc[after + 1]
    closing = doc[after + 2].text if after + 2 < len(doc) else "."
    if not (name.is_alpha and name.is_title and not name.ent_type_ and len(name.text) > 1
            and closing in {",", ".", ";", "!", "und", "–", "-"}):
        return None
    if name.lower_ in POSSESSIVES or name.lower_ in {"der", "die", "das", "den", "er", "sie",
                                                      "aber", "und", "ich", "wir", "mit"}:
        return None
    return name.text


def _name_after(doc: Doc, ent) -> str | None:
    """"Freund Kemal", "Mein Mann Klaus fährt …", "unser enkel lukas richtet …": a name
    right after the relation word (in a text typed in lower case, any word that is no
    function word and no verb)."""
    if ent.end >= len(doc) or len(ent) > 2:
        return None
    name = doc[ent.end]
    lower_text = doc.text == doc.text.lower()
    if not (name.is_alpha and len(name.text) > 1 and not name.ent_type_
            and (name.is_title or lower_text) and not name.is_stop
            and name.lower_ not in CLOSED_CLASS and not is_verb_like(name)):
        return None
    if lower_text and (name.lemma_.lower() != name.lower_ or len(name.text) > 10):
        return None  # "bruder nervt": a verb form the lookup table knows
    return name.text


def _name_before(doc: Doc, ent) -> str | None:
    """"Ich, Gerda, seine Schwester", "ich bin Derya, die Tochter von …": the writer names
    themself and then says who they are."""
    i = ent.start - 1
    if i >= 0 and doc[i].lower_ in {"seine", "ihre", "die", "der", "sein", "ihr"}:
        i -= 1
    if i < 1 or doc[i].text != ",":
        return None
    name = doc[i - 1]
    if not (name.is_alpha and name.is_title and len(name.text) > 1 and not name.ent_type_
            and not name.is_stop and name.lower_ not in CLOSED_CLASS):
        return None
    before = {t.lower_ for t in doc[max(0, name.i - 2):name.i]}
    return name.text if before & {"ich", "bin", "heiße", "heisse"} else None


def _who(doc: Doc, ent) -> str:
    named = _apposition_name(doc, ent) or _name_after(doc, ent) or _name_before(doc, ent)
    if named is not None:
        return named
    words = [t.text for t in ent if t.lower_ not in POSSESSIVES]
    if not words:
        words = [ent.text]
    last = words[-1]
    words[-1] = last[:1].upper() + last[1:]
    return " ".join(words)


def _excluded(doc: Doc, ent, clause: Span, question_id: str = "people",
              named: bool = False, next_clause: str = "") -> bool:
    """Not a person at the person's side: "keine Geschwister", "Eltern leben nicht mehr",
    a visit ("zum Arzt", "zu meiner Ärztin"), or a pet called "mein bester Freund"."""
    before = [t.lower_ for t in doc[max(clause[0], ent.start - 2):ent.start]]
    if set(before) & NEGATING_DETERMINERS or set(before) & VISIT_PREPS:
        return True
    clause_text = span_lower(doc, clause)
    if NO_LONGER_THERE.search(clause_text) or ONLY_IN_THE_PAST.search(clause_text) or (
            GONE.search(clause_text)):
        return True
    if next_clause and NO_CONTACT.search(next_clause):
        return True
    if ent.text.lower() in PLACE_LIKE:
        return True
    words_before = span_lower(doc, (clause[0], ent.start))
    following = [t.lower_ for t in doc[ent.end:min(clause[1], ent.end + 3)]]
    if ent.text.lower() in GENERIC and not set(before) & OWN and question_id != "people":
        return True
    if following[:1] and following[0] in {"von", "vom"} and len(following) > 1 and (
            following[1] in OWN or any(t.ent_type_ == "relation"
                                       for t in doc[ent.end + 1:min(clause[1], ent.end + 4)])):
        return True  # "die Kinder von meiner Nachbarin": someone else's family
    if re.search(r"\b(bin|war|werde)( ich)?( eine?)?\s*$", words_before) or (
            following and following[0] in BECOME):
        return True  # "Ich war Lehrerin", "Lesepate werden"; not "ich bin seine Schwester"
    if named and re.search(r"\b(sie|er|die|der) (ist|war) \w+$", words_before):
        return True  # "Bei Frau Klein. Sie ist meine Nachbarin.": the same person
    if following[:1] and following[0] in {"von", "vom", "vun"} and re.search(
            r"(hilfe|dienst|beratung|pflege|stützpunkt)\b", " ".join(following[1:])):
        return True  # "de Fru vun de Nachbarschaftshilfe": a service, not a person
    if set(before) & {"eine", "einen", "ein"} and (WISH_WORDS.search(clause_text) or (
            not has_verb(doc, clause) and WISH_WORDS.search(doc[max(0, clause[0] - 12):
                                                                clause[0]].text.lower()))):
        return True  # "Ich will einen Hund. Und eine Freundin.": a wish, not at their side
    if FEW_OF_THEM.match(span_lower(doc, (ent.start, clause[1]))):
        return True
    # "Mein Hund ist mein bester Freund": a pet, not a person
    copula = {t.lower_ for t in doc[max(clause[0], ent.start - 3):ent.start]} & COPULA
    return bool(copula and any(t.lower_ in PETS for t in doc[clause[0]:ent.start]))


def _extra_people(doc: Doc, taken: set[int], relation_ents: list) -> list[tuple]:
    """(span, relation) of people the entity ruler does not know: "Frau Schulz", dialect
    words, "eine Frau von der Kirche". A name that only names a professional ("meine
    Bezugsbetreuerin, Frau Krüger", "Die heißt Frau Lange") or the person the answer is
    about ("der Neffe von Herrn K.") is left out."""
    g = gazetteer()
    professional = [ent for ent, rel in relation_ents
                    if g.relations[rel]["sector"] == "professional"]
    found = []
    for token in doc:
        if token.lower_ == "ex" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ in {
                "frau", "mann", "freundin", "freund", "partner", "partnerin"}:
            found.append((doc[token.i:token.i + 2], "relatives"))
            taken.update({token.i, token.i + 1})
        relation = EXTRA_TERMS.get(token.lower_)
        if relation and token.i not in taken and not (token.lower_ == "jung" and not (
                token.i > 0 and doc[token.i - 1].lower_ in {"min", "mien", "mein"})):
            found.append((doc[token.i:token.i + 1], relation))
            taken.add(token.i)
    for pattern in (NAMED, SOMEONE_FROM):
        for match in pattern.finditer(doc.text):
            span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
            if span is None:
                continue
            overlap = taken & set(range(span.start, span.end))
            if overlap and not (pattern is SOMEONE_FROM and all(
                    doc[i].lower_ in PLACE_LIKE for i in overlap)):
                continue
            if pattern is NAMED and not match.group(2)[0].isupper() and not match.group(
                    1)[0].isupper():
                continue  # "frau k." in lower case is too unsure
            before = [t.lower_ for t in doc[max(0, span.start - 3):span.start]]
            if pattern is NAMED and ({"heißt", "heisst", "namens", "von", "vom"} & set(before)
                                     or any(0 < span.start - ent.end <= 5
                                            and doc[span.start - 1].text == ","
                                            for ent in professional)):
                continue
            found.append((span, _relation_of_named(doc, span)))
            taken.update(range(span.start, span.end))
    return found


def _relation_of_named(doc: Doc, span) -> str:
    """"Frau Petersen aus dem Nachbarhaus" is a neighbour, "ein Mann aus der
    Kirchengemeinde" from the church community; anyone else an acquaintance."""
    g = gazetteer()
    words = [t.lower_ for t in doc[span.start:min(len(doc), span.end + 4)]]
    if any("nachbar" in w or w == "nebenan" for w in words):
        return "neighbour"
    for word in reversed([t.lower_ for t in doc[span.start:span.end]]):
        relation = g.relation_terms.get(word)
        if relation:
            return relation
    return "acquaintance"


def _apposition(doc: Doc, ent, named: list) -> bool:
    """"die Nachbarin, Frau Schulz", "Eine Freundin aus der Tagesstätte, Frau M.": the named
    one is the same person as the relation."""
    for span, _ in named:
        if doc[max(0, span.start - 3):span.start].text.strip(" ,").lower().endswith(
                ent.text.lower()):
            return True
        between = doc[ent.end:span.start]
        if 0 < len(between) <= 6 and between[-1].text == "," and between[0].lower_ in {
                "von", "vom", "aus"} and not any(t.text in ".;!?" for t in between):
            return True
    return False


# "Meine Frau trägt alles … Unser Sohn studiert in Berlin": the person writes with their
# partner, "unser Sohn" is their son; unless a relative says they write for someone
OWN_PARTNER = re.compile(r"\b(mein|meine|meinem|meinen|meiner|mien) (mann|frau|fru|fruu|partner|"
                         r"partnerin|ehemann|ehefrau|lebensgefährte|lebensgefährtin)\b")
WRITES_AS_RELATIVE = re.compile(r"\bhier schreib\w*|\bschreibe (\w+ ){0,2}(für|wegen)\b|"
                                r"\bich bin (die|der|sein|seine|ihr|ihre) \w+|"
                                r"\b(uns|wir) (als )?(eltern|großeltern)\b")


def _couple_writes(doc: Doc) -> bool:
    text = doc.text.lower()
    return bool(OWN_PARTNER.search(text)) and not WRITES_AS_RELATIVE.search(text)


def is_the_person(doc: Doc, ent, question_id: str) -> bool:
    """The relation is the person the answer is about: a relative writes ("Unser Sohn liebt
    Tiere", "Ich schreibe für meine Mutter", "Mein Vater wohnt in Wandsbek. Früher war er
    …" in an answer about the neighbourhood)."""
    before = [t.lower_ for t in doc[max(0, ent.start - 2):ent.start]]
    if INITIAL.match(ent.text.lower()) and (
            (ent.end < len(doc) and is_verb_like(doc[ent.end]))
            or (ent.start > 0 and is_verb_like(doc[ent.start - 1]))):
        return True  # "Frau S. malt sehr gern", "Derzeit erhält Frau S. …"
    if len(ent) == 1 and ent.text.istitle() and (ent.start == 0 or doc[ent.start - 1].is_punct
                                                  or is_verb_like(doc[ent.start - 1])) and (
            re.search(r"\b(ihre[mnrs]?|seine[mnrs]?)\b", doc.text.lower())) and (
            (ent.end < len(doc) and is_verb_like(doc[ent.end]))
            or (ent.start > 0 and is_verb_like(doc[ent.start - 1]))):
        return True  # "Mutter kocht noch …", "… telefoniert Mutter jeden Tag" (the son writes)
    clause_words = {t.lower_ for t in doc[ent.end:min(len(doc), ent.end + 8)]}
    if ABOUT_THE_PERSON.search(" ".join(before)) and not {"bei", "mit", "von", "vom"} & set(
            before) and not clause_words & {"mir", "mich"} and not _couple_writes(doc):
        return True  # not "unser Enkel Lukas richtet mir den Computer ein"
    if WRITES_FOR.search(" ".join(t.lower_ for t in doc[max(0, ent.start - 6):ent.start])):
        return True
    if question_id == "people":
        return False
    sentence = next((s for s in sentences(doc) if s[0] <= ent.start < s[1]), (0, len(doc)))
    starts_sentence = ent.start == sentence[0] or (ent.start == sentence[0] + 1
                                                    and before[-1] in POSSESSIVES)
    verb = next((t.lower_ for t in doc[ent.end:min(len(doc), ent.end + 5)] if t.is_alpha), "")
    words = {t.lower_ for t in doc[sentence[0]:sentence[1]]}
    rest = doc[ent.end:].text.lower()
    return (starts_sentence and verb in SUBJECT_VERBS and not words & {"ich", "mir", "mich",
                                                                          "uns", "wir"}
            and bool(re.search(r"\b(er|sie|ihr|ihm|ihn)\b", rest)))


def extract_people(doc: Doc, question_id: str) -> list[Person]:
    g = gazetteer()
    all_clauses = [c for s in sentences(doc) for c in clauses(doc, *s)]
    relation_ents = typed_entities(doc, "relation")
    relation_tokens = {i for ent, _ in relation_ents for i in range(ent.start, ent.end)}
    named = _extra_people(doc, set(relation_tokens), relation_ents)
    relation_ents = [(ent, rel) for ent, rel in relation_ents
                     if not _apposition(doc, ent, named)] + named
    relation_tokens = {i for ent, _ in relation_ents for i in range(ent.start, ent.end)}
    about_the_person = {ent.start for ent, _ in relation_ents
                        if is_the_person(doc, ent, question_id)}

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
        # the next two clauses of the sentence, up to one naming someone else
        sentence = next(s for s in sentences(doc) if s[0] <= clause[0] < s[1])
        following = []
        for n in range(index + 1, min(len(all_clauses), index + 3)):
            if n in by_clause or all_clauses[n][1] > sentence[1]:
                break
            following.append(span_lower(doc, all_clauses[n]))
        next_clause = " ".join(following)
        for ent, relation in found:
            if _excluded(doc, ent, clause, question_id, bool(named), next_clause) or (
                    ent.start in about_the_person):
                continue
            helper_by_phrase = bool(HELP_FROM.search(clause_lower)) or bool(
                SUPPORT_CUES.search(clause_lower) and "ich" not in clause_lower.split())
            helper = bool(help_here and not help_here.person_is_subject) or helper_by_phrase
            info = g.relations[relation]
            who = _who(doc, ent)
            key = (relation, who.lower())
            if key in seen:
                continue
            seen.add(key)
            helps_with = help_here.helps_with if helper and help_here else None
            people.append(Person(who=who, relation=relation, sector=info["sector"],
                                 helps_with=helps_with, text=span_text(doc, text_span),
                                 helper=helper, span=char_span(doc, text_span)))
    return people
