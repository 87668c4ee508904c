"""Help by professionals: what the person already gets and what they wish for, one item per
help named ("der Pflegedienst kommt morgens, ich hätte gern noch jemanden für die
Behördenpost" gives one received and one wished item).

The kinds of help are listed here and not in data/gazetteer (the gazetteer feeds the Rasa
model; a change there would need retraining). Professionals who are also people at the
person's side (Betreuerin, Assistenz, Pflegedienst, Arzt) come from the entity ruler's
relations of the professional sector.

Status, in this order: not had / refused ("Assistenz hab ich keine", "will keinen
Pflegedienst") gives nothing, unless a wish follows ("…, bräuchte ich aber für die
Nacht"); a wish before the help ("ich hätte gern eine Assistenz") makes it wished; a
sign of getting it right before it ("ich bekomme", "meine Betreuerin", "gehe zum Arzt")
received; then a wish after it, then any sign of getting it (also in a relative clause:
"eine Assistentin, die nur noch 10 Stunden kommen darf"); then the clause, then the
sentence before a sentence without a verb ("Ich bekomme nichts. Nur Jobcenter."). Help
only in the past ("war in der Tagesklinik") gives nothing. Without any sign: wished in an
answer to the question about professional help, received elsewhere ("die Betreuer sind
auch nett").
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from bot.extraction.clauses import (
    NEGATING_DETERMINERS,
    POSSESSIVES,
    RELATIVES,
    Span,
    char_span,
    clauses,
    has_verb,
    segment,
    sentences,
    span_containing,
    span_lower,
    span_text,
)
from bot.extraction.cues import NO_LONGER, PAST, REFUSAL, WISH, cue_data, cue_pattern
from bot.extraction.gazetteer import typed_entities
from bot.extraction.results import ProfessionalMention

# (kind, label, pattern over lower-case text). Order matters: the first match of a span wins.
HELP_KINDS: tuple[tuple[str, str, str], ...] = (
    ("care_service", "Pflegedienst / Pflege",
     r"\w*pflegedienst\w*|pfelgedienst|\w*intensivpflege\w*|palliativ\w*|familienentlastung\w*|"
     r"entlastungsdienst\w*|pflegedinst|plegedienst|ambulante[rn]? pflege|"
     r"häusliche[rn]? pflege|pflegekr(a|ä)ft\w*|pflegefachkraft|pfleger(in|innen)?|"
     r"altenpfleger\w*|tagespflege|kurzzeitpflege|verhinderungspflege|nachtpflege|fußpflege|"
     r"pflegehilfe|pflegegeld|pflegegrad\w*|pflegestufe\w*|entlastungsbetrag|pflegestützpunkt|"
     r"fußpfleger(in|innen)?|pflegeheim\w*|pflegeeinrichtung\w*|"
     r"(die|der|eine|ne) pflege"),
    ("household_help", "Hilfe im Haushalt",
     r"haushaltshilfe\w*|haushaltshelfer\w*|putzhilfe|putzfrau|reinigungskraft|"
     r"hauswirtschaftliche\w* (hilfe|versorgung)|hilfe im haushalt|essen auf rädern|"
     r"nachbarschaftshilfe|entrümpel\w*"),
    ("legal_guardian", "Rechtliche Betreuung",
     r"(gesetzliche|rechtliche|gesetzlichen|rechtlichen|gesetzlicher|rechtlicher) betreu\w*|"
     r"berufsbetreuer\w*|vormund\w*"),
    ("support_worker", "Betreuung / ambulante Hilfe",
     r"betreuer(in|innen)?|betreuerinnen|bezugsbetreuer\w*|\w*betreuung|betreutes wohnen|"
     r"ambulant betreute\w* wohnen|wohnbetreu\w*|wohnassistenz|ambulante[rn]? (hilfe|hilfen|"
     r"betreuung|unterstützung|dienst)|einzelfallhilfe|einzelfallhelfer\w*|eingliederungshilfe|"
     r"ppm|abw|asp|psb|\w*sozialpsychiatrie|wohngruppe|wohn-gruppe|wohn gruppe|ambulant betreut|"
     r"fachleistungsstunde\w*|erziehungsbeistand\w*|"
     r"betreute\w* (wg|wohngemeinschaft|wohnung)|"
     r"wg mit betreuung|\w*-wg|wohnheim|familienhilfe|spfh|erziehungsbeistand|jugendhilfe|"
     r"lebenshilfe|bewährungshelfer\w*|bewährungshilfe|führungsaufsicht"),
    ("assistance", "Assistenz",
     r"persönliche\w* assistenz|\w*assistenz|\w*assistent(in|innen|en)?|schulbegleit\w*|"
     r"integrationshelfer\w*|i-helfer\w*|alltagsbegleit\w*|alltagshelfer\w*|jobcoach\w*|"
     r"coaching|arbeitsbegleit\w*|begleitperson|begleitung|\w*dolmetscher\w*|"
     r"vorlesekraft|\w+kraft|mobilitätstrain\w*|"
     r"orientierungs- und mobilitätstrain\w*"),
    ("therapy", "Therapie",
     r"\w*therapie\w*|\w*therapeut(in|innen|en)?|physio|ergo|physiopraxis|ergopraxis|"
     r"krankengymnastik|logopädie|\w*drainage|"
     r"psychologische\w* (begleitung|betreuung|unterstützung|hilfe)|psycholog(en|innen)|"
     r"logopäd(e|in)|psycholog(e|in)|tagesklinik|institutsambulanz|pia|dbt(-gruppe)?|"
     r"reha\w*|klinik|substitution|entgiftung|suchthilfe|nachsorge"),
    ("medical", "Ärztliche Behandlung",
     r"\w*psychiater(in)?|\w+mediziner(in|innen)?|\w*dokter|hno|"
     r"dialyse(zentrum|zentren|praxis|station)|\w+praxis|\w*arzt|\w*ärztin|ärzte|doktor|"
     r"orthopäd\w*|\w*ambulanz|"
     r"in (\w+ )?behandlung|"
     + "|".join(cue_data()["medical_specialists"])),
    ("counselling", "Beratung",
     r"\w*beratung\w*|berater(in|innen)?|eutb|sozialarbeiter(in|innen)?|sozialpädagog(e|in)|"
     r"sozialdienst|fallmanager(in)?|case manager\w*|anlaufstelle"),
    ("work", "Arbeit und Ausbildung mit Unterstützung",
     r"werkstatt|werkstat|wfbm|umschulung|nachteilsausgleich|berufsbildungsbereich|jobcenter|"
     r"wiedereingliederung|"
     r"arbeitsagentur|agentur für arbeit|reha-träger"),
    ("transport", "Fahrdienst", r"fahrdienst\w*|behindertenfahrdienst|beförderung"),
    ("day_structure", "Tagesstätte / Tagesstruktur",
     r"\w*tages\w*stätte|tagesstruktur|tagesförderung|tageszentrum"),
    ("budget", "Persönliches Budget", r"persönliche\w* budget|budget"),
    ("other", "Hilfe durch Fachleute",
     r"(mehr |zusätzliche |professionelle |fachliche |regelmäßige |praktische )?"
     r"(hilfe|unterstützung|hilfen)( (bei|beim|für|im|in|mit|zum|zur|zu hause|zuhause)"
     r"( \w+){1,4})?|jemand(en|em)?(( \w+){0,1} (für|der|die|zum|zur|bei|beim|mit)( \w+){1,4})?|"
     r"fachleute|fachkraft|profis?"),
)
HELP_PATTERNS = tuple((kind, label, re.compile(rf"\b({pattern})\b"))
                      for kind, label, pattern in HELP_KINDS)
LABELS = {kind: label for kind, label, _ in HELP_KINDS}
NOT_HELP = {"körperpflege", "pflege", "hilfe", "begleitung", "kraft", "schubkraft", "arbeitskraft",
            "willenskraft", "dbt", "ergo", "selbsthilfe", "nachhilfe", "lehrkraft",
            "beratung"}
# kinds the person is *in* or goes to: without other signs they are had, not wished
HAD_BY_DEFAULT = {"medical", "work"}
RELATION_KINDS = {"carer": "care_service", "legal_guardian": "legal_guardian",
                  "support_worker": "support_worker", "assistant": "assistance",
                  "therapist": "therapy", "social_worker": "counselling",
                  "counsellor": "counselling", "doctor": "medical", "case_worker": "counselling"}
# received: "bekomme", "kommt", "hilft mir", "3 Stunden pro Woche", "gekürzt"
RECEIVED = re.compile(
    r"\b(bekomme|bekomm|bekommen|bekommt|kriege|krieg|kriegen|erhalte|erhalten|habe|hab|hat|"
    r"haben|kommt|kommen|komm|kümmt|hilft|helfen|unterstützt|begleitet|betreut|macht|machen|"
    r"gehe (zur|zum|in die)|geh (zur|zum)|fährt|bringt|holt|holen|versorgt|versorgen|pflegt|"
    r"pflegen|putzt|putzen|besucht|kümmert|kümmern|bin (in|bei|seit)|bin \w+ (in|bei)|"
    r"(wohne|wohn|lebe) (\w+ )?(in|im|bei)|"
    r"arbeite|organisiere|bezahle|finanziere|läuft|laufen|seit|schon|bereits|zurzeit|derzeit|"
    r"momentan|im moment|aktuell|gekürzt|gestrichen|bewilligt|genehmigt|zahlt|"
    r"(\d+|ein|eine|einmal|zwei|zweimal|drei|dreimal|vier|fünf|zehn|paar) ?(std|stunde|"
    r"stunden|mal|x|tage)\b|pro (woche|monat|tag)|die woche|im monat|jeden|jede|täglich|"
    r"wöchentlich|morgens|abends|mittags|nachts|dienstags|montags|mittwochs|donnerstags|"
    r"freitags|samstags|sonntags|regelmäßig|bekomme:)\b")
WISHED_EXTRA = re.compile(r"\b(noch (jemanden|jemand|eine?n?|mehr)|zusätzlich\w*|mehr stunden|"
                          r"brauche|brauch|brauchen|braucht|benötige|antrag|abgelehnt|warte auf|"
                          r"wäre|würde|sollte|müsste|vielleicht|vllt|vlt|irgendwann|statt|"
                          r"hätte gern:?)\b")
# looked for, waited for, thought about: wished even when "seit" follows (cues.yml)
SOUGHT = cue_pattern("help_sought")
PAID = cue_pattern("help_paid")
ABSENT = cue_pattern("help_absent")
# help that is granted (and then "durch") rather than done (cf. "Reha ist durch")
GRANTED_KINDS = {"care_service", "budget", "support_worker", "assistance", "legal_guardian"}
# a wish for more of it: the help itself comes now ("Physio hätte ich gern öfter")
MORE_OF_IT = re.compile(r"\b(öfter|häufiger|mehr als|mehr stunden|noch mehr|aufstock\w*|"
                        r"zusätzlich\w*)\b")
NOT_HAD = re.compile(r"\b(hab|habe|hat|haben|bekomme|bekommen|kriege|gibt es|gibt's) (ich |wir |"
                     r"er |sie |es )?(\w+ ){0,2}(kein\w*|nichts|nicht)\b|"
                     r"\bablehn\w*|\bnicht mehr da\b")
# "mit Hilfe meiner Schwester", "Hilfe von meinem Sohn": help by people of the network
HELP_BY_PEOPLE = re.compile(r"\b(mit (der )?hilfe|hilfe (von|durch)|hilfe meine\w*|"
                            r"unterstützung (von|durch|meine\w*))\b")
# the next sentence wishes what was missing: "… keinen Dolmetscher. Das brauche ich dringend."
CHANGE = re.compile(r"^(das|dies|so (was|etwas)|sowas)\b.*\b(soll sich ändern|muss sich ändern|"
                    r"ändern|brauche ich|bräuchte|hätte (ich )?gern|wäre (gut|schön|wichtig))\b")
NAMING = re.compile(r"\b(heißt|heisst|nennt sich|nennt man) (das|es)\b")


def _is_help_by_people(doc: Doc, start: int, end: int) -> bool:
    window = " ".join(t.lower_ for t in doc[max(0, start - 2):min(len(doc), end + 2)])
    return bool(HELP_BY_PEOPLE.search(window)) or any(
        t.ent_type_ == "relation" and t.ent_id_ not in RELATION_KINDS
        for t in doc[end:min(len(doc), end + 3)])


def _mentions(doc: Doc, question_id: str) -> list[tuple[int, int, str, str]]:
    """(start token, end token, kind, label) of every help named, without overlaps."""
    text = doc.text.lower()
    found: list[tuple[int, int, str, str]] = []
    taken: set[int] = set()
    for ent, relation in typed_entities(doc, "relation"):
        kind = RELATION_KINDS.get(relation)
        if kind == "medical" and _bare_doctor(doc, ent.start, ent.end):
            continue
        if kind and not taken & set(range(ent.start, ent.end)):
            found.append((ent.start, ent.end, kind, LABELS[kind]))
            taken.update(range(ent.start, ent.end))
    for kind, label, pattern in HELP_PATTERNS:
        for match in pattern.finditer(text):
            span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
            if span is None or taken & set(range(span.start, span.end)):
                continue
            if span.text.lower() in NOT_HELP and kind != "other" and not _bare_word_is_help(
                    span.text.lower(), text, question_id) or (
                    span.text.lower().startswith("körperpflege")):
                continue
            if re.fullmatch(r"(die|der|eine|ne) pflege", span.text.lower()) and any(
                    t.ent_type_ == "relation" and t.ent_id_ not in RELATION_KINDS
                    for t in doc[max(0, span.start - 6):span.start]):
                continue  # "Meine Eltern machen bisher die Pflege": care by the family
            if kind == "other":
                if question_id != "professional" or _is_help_by_people(doc, span.start, span.end):
                    continue  # "Hilfe" alone is professional help only when asked about it
                if span.end < len(doc) and doc[span.end].text == "?":
                    continue  # "Hilfe? Bruk ick nich."
                if " " not in span.text.strip() and re.search(
                        r"\b(wäre|wären|wär|ist|war|sind|waren)( \w+){0,3}$",
                             text[max(0, match.start() - 40):match.start()].rstrip()):
                    continue  # "… wäre eine große Hilfe": what something would be
            if kind == "medical" and _bare_doctor(doc, span.start, span.end):
                continue
            if re.match(r"pflege(heim|einrichtung)", span.text.lower()) and not re.search(
                    r"\b(lebe|wohne|bin) (ich|wir)?\b|"
                    r"\b(ich|wir) (\w+ ){0,4}(lebe|wohne|bin|sind)\b",
                    doc[max(0, span.start - 8):span.start].text.lower()):
                continue  # "Meine Frau lebt im Pflegeheim": help only when the person lives there
            found.append((span.start, span.end, kind, label))
            taken.update(range(span.start, span.end))
    found = [m for m in found if not _purpose_of_other_help(doc, m[0], found)
             and not _same_help_again(doc, m, found)]
    return _without_vague(doc, sorted(found))


def _bare_doctor(doc: Doc, start: int, end: int) -> bool:
    """"fällt mir schwer: Bäcker, Arzt, Post", "Arzt anrufen unmöglich": "Arzt" without an
    article, a possessive or a preposition names a situation, not the person's doctor
    (unless the doctor says something: "Arzt sagt Trauma")."""
    if doc[start:end].text.lower() not in {"arzt", "ärzte", "ärztin", "doktor", "dokter"}:
        return False
    previous = doc[start - 1] if start else None
    following = doc[end].lower_ if end < len(doc) else ""
    return previous is not None and previous.text in {",", ":"} and following not in {
        "sagt", "meint", "hat", "ist", "war", "kommt", "schreibt", "verschreibt"}


THERAPIES = re.compile(r"\b(physio\w*|logo\w*|krankengymnastik|\w*therapie)\b")


def _bare_word_is_help(word: str, text: str, question_id: str) -> bool:
    """"Ergo" is the therapy in a list of therapies ("Physio 2x die Woche. Und Ergo."), not
    the Latin "therefore"; bare "Beratung" is help in the answer about professional help
    ("Ich brauche auch Beratung")."""
    if word == "ergo":
        return bool(THERAPIES.search(text))
    return word == "beratung" and question_id == "professional"


def _same_help_again(doc: Doc, mention: tuple, found: list[tuple]) -> bool:
    """"Ambulante Therapie bei meiner Therapeutin", "eine Therapie, und zwar bei derselben
    Therapeutin": the second names who gives the first help of the same kind."""
    start, _, kind, _ = mention
    if doc[start].lower_ == "in" and kind == "medical" and any(
            o[2] in ("medical", "therapy") and 0 <= start - o[1] <= 2 for o in found):
        return True  # "bei einer Psychiaterin in Behandlung": the same help
    word = doc[start:mention[1]].text.lower()
    if start > 0 and doc[start - 1].lower_ in {"der", "die", "den", "dem"} and re.search(
            r"(in|innen|e|en|er)$", word) and not word.endswith(("ie", "ung", "ik")) and any(
            o[2] == kind and o[1] <= start and doc[o[1] - 1].lower_.endswith(("ie", "ung", "ik"))
            and word[:6] in doc[o[1] - 1].lower_ for o in found):
        return True  # "Logopädie …, aber die Logopädin spricht nur Deutsch": who gives it
    for other in found:
        between = doc[other[1]:start]
        if other[2] == kind and other[0] < start and 0 < len(between) <= 5 and any(
                t.lower_ in {"bei", "beim"} for t in between[-3:]) and not any(
                t.text in ".;!?" or t.lower_ in {"und", "oder", "sowie"} and t.i + 1 < len(doc)
                and doc[t.i + 1].lower_ != "zwar" for t in between):
            return True
        if other[2] in ("medical", "therapy") and kind in ("medical", "therapy") and (
                0 < len(between) <= 3 and between[0].lower_ in {"in", "im"}) and not any(
                t.text in ".;!?," for t in between):
            return True  # "Intensivtherapie in einer Klinik", "Neurologin in der X-Ambulanz"
    return False


def _purpose_of_other_help(doc: Doc, start: int, found: list[tuple]) -> bool:
    """"Ich brauche immer Dolmetscher für Arzt, Amt": a help named right after "für" and
    another help is what that help is for, not a help of its own; "beim Onkologen zur
    Nachsorge": what the visit is for. "Sie hilft mir mit dem Jobcenter", "Sozialarbeiterin
    von der Beratungsstelle": what someone helps with, where someone comes from."""
    if start == 0:
        return False
    word = doc[start - 1].lower_
    if word == "für" and any(0 <= start - 1 - end <= 1 for _, end, _, _ in found):
        return True
    if word in {"zur", "zum"} and any(0 <= start - 1 - end <= 3 and not any(
            t.text in CLAUSE_MARKS for t in doc[end:start]) for _, end, _, _ in found):
        return True
    before = [t.lower_ for t in doc[max(0, start - 5):start]]
    if re.search(r"\b(bezahlt|gezahlt|finanziert|abgerechnet) (über|durch|von|vom|aus)( das| die| "
                 r"der| dem| den| mein\w*)?$", " ".join(before)) and found and found[0][0] < start:
        return True  # "Assistenz, bezahlt über das Persönliche Budget": the payer of that help
    if re.search(r"\b(hilft|helfe|helfen|hilf|unterstützt|unterstütze)( \w+){0,2} (mit|bei|beim)"
                 r"( dem| der| den)?$", " ".join(before)):
        return True
    prep = start - 1 if word in {"von", "vom"} else start - 2 if (
        word in {"der", "dem"} and start > 1 and doc[start - 2].lower_ == "von") else None
    return prep is not None and any(end == prep for _, end, _, _ in found)


CLAUSE_MARKS = {".", ",", ";", ":", "!", "?", "–", "-"}


def _without_vague(doc: Doc, mentions: list[tuple[int, int, str, str]]) -> list[tuple]:
    """"Hilfe vom Pflegedienst", "jemand, … so eine Art Alltagsbegleitung": a vague word
    next to a named help is the same help."""
    named = [m for m in mentions if m[2] != "other"]
    result = []
    for m in mentions:
        if m[2] == "other":
            close = any((abs(o[0] - m[1]) <= 4 or abs(m[0] - o[1]) <= 4)
                        and not any(t.is_sent_end or t.text in ".!?;" for t in doc[
                            min(o[0], m[0]):max(o[1], m[1])]) for o in named)
            same = any(o[0] > m[1] and re.search(r"\b(so eine art|so was wie|sowas wie|also|"
                                                  r"nämlich|sprich)\b", doc[m[1]:o[0]].text.lower())
                       for o in named)
            qualifier = doc[max(0, m[0] - 2):m[0]].text.lower() == "am besten"
            if close or same or qualifier:
                continue
        result.append(m)
    return result


def _relative_clause(doc: Doc, all_clauses: list[Span], clause: Span) -> str:
    """"eine Assistentin, die nur noch 10 Stunden kommen darf": the clause after the comma,
    when it starts with der/die/das/welche."""
    following = [c for c in all_clauses if c[0] >= clause[1]]
    if following and doc[following[0][0]].lower_ in RELATIVES - {"er", "sie"} | {"welcher"} and (
            following[0][0] - clause[1] == 1 and doc[clause[1]].text == ","):
        if len(following) > 1 and PREDICATE_AFTER.search(span_lower(doc, following[1])):
            # "ein Pflegedienst, der die Tabletten bringt, wäre gut": the predicate after
            # the relative clause says what the person thinks of the help
            return f"{span_lower(doc, following[0])} {span_lower(doc, following[1])}"
        return span_lower(doc, following[0])
    return ""


# help that was stopped ("Logopädie eingestellt", "die Therapie wurde beendet")
ENDED = re.compile(r"\b(eingestellt|beendet|ausgelaufen|weggefallen)\b")
PREDICATE_AFTER = re.compile(r"^(wäre|wären|wär|würde|würden|könnte|sollte|müsste)\b")


def _near(text: str, pattern: re.Pattern, words: int, before: bool) -> bool:
    parts = text.split()
    window = " ".join(parts[-words:] if before else parts[:words])
    return bool(pattern.search(window))


def _status_from(before: str, after: str, near: set[str]) -> str | None:
    around = f"{before} § {after}"
    if re.match(r"\s*(\w+ ){0,3}(wäre|wären|wär|würde|würden|fände|fänd)\b", after) and (
            WISH.search(after)):
        return "wished"  # "morgens zwei Stunden Assistenz wären gut"
    if _near(before, WISH, 8, True):
        return "wished"
    if near & POSSESSIVES or _near(before, RECEIVED, 4, True):
        return "received"
    if WISH.search(after):
        return "wished"
    if RECEIVED.search(around):
        strong = re.search(r"\b(bekomme|bekomm|kriege|krieg|erhalte|kommt|kümmt|hilft|macht|"
                           r"seit|gekürzt)\b", around) or PAID.search(around)
        return "wished" if WISHED_EXTRA.search(around) and not strong else "received"
    if PAID.search(around) and not re.search(r"\b(nicht|nichts|kein\w*)\b", around):
        return "received"  # "bezahlt das Integrationsamt"
    if WISHED_EXTRA.search(around):
        return "wished"
    return None


def professional_status(doc: Doc, start: int, end: int, clause: Span,
                        others: list[tuple[int, int]], question_id: str, kind: str,
                        relative: str = "", lead: str = "", next_sentence: str = "",
                        rest: str = "") -> str | None:
    """received | wished for the help at [start, end), None when the words say the person
    had it only before, does not have it or does not want it (see the module docstring)."""
    before, after = segment(doc, clause, start, end, others, punctuation=True)
    after = f"{after} {relative}".strip()
    near = {t.lower_ for t in doc[max(clause[0], start - 2):start]}
    around = f"{before} § {after}"
    whole = span_lower(doc, clause)
    if REFUSAL.search(around):
        return None
    if re.match(r"\s*(sagt|meint|hat gesagt|hat mir gesagt)\b", after):
        return "received"  # "Arzt sagt Trauma": the person has that doctor
    if re.search(r"\b(wenn|sobald|bis|nachdem) (ich|er|sie|wir) (\w+ )?aus (der|dem)$",
                 before) and re.match(r"\s*(raus|heraus|entlassen|draußen)\b", after):
        return "received"  # "Wenn ich aus der Tagesklinik raus bin": there now
    sought_in = f"{around} {whole} {rest}"
    if doc[clause[0]].lower_ == "ob":  # "Wir überlegen, ob eine Tagespflege in Frage kommt"
        sought_in += " " + span_lower(doc, (max(0, clause[0] - 6), clause[0]))
    if SOUGHT.search(sought_in) and not (near & NEGATING_DETERMINERS):
        return "wished"  # "Therapie such ich seit Monaten", "warten auf einen Platz"
    if doc[clause[0]].lower_ == "ob" and re.search(r"\b(gibt|gebe|gäbe)\b", whole):
        return None  # "Ob es dafür eine Anlaufstelle gibt, weiß ich nicht": a question
    if re.search(r"\bist durch\b", after):
        # "Pflegegrad 2 ist durch": granted; "Reha ist durch": over
        return "received" if kind in GRANTED_KINDS else None
    if near & NEGATING_DETERMINERS or NOT_HAD.search(around) or ABSENT.search(around):
        wish_follows = WISH.search(after) or WISH.search(rest) or CHANGE.search(next_sentence)
        return "wished" if wish_follows else None
    if (PAST.search(around) or NO_LONGER.search(around) or ENDED.search(around)) and not (
            WISH.search(around)) and not (re.search(r"\b(jetzt|seit|gekürzt|noch)\b", around)):
        return None
    if re.search(r"\b(brauche|brauch|braucht|brauchen) (ich |er |sie |wir )?(immer|jedes ?mal|"
                 r"ständig|regelmäßig)\b", before):
        return "received"  # "Ich brauche immer Dolmetscher": had every time
    if kind == "other" and re.fullmatch(r"jemand\w*", doc[start:end].text.lower()):
        earlier = span_lower(doc, (max(0, clause[0] - 15), start))
        if WISH.search(around) or WISHED_EXTRA.search(around) or WISH.search(earlier):
            return "wished"  # "… bräuchte ich Hilfe im Haushalt, und jemanden, der …"
        return None  # "Jemand kommt zweimal die Woche": the help is named elsewhere
    if start > clause[0] and doc[start - 1].like_num:
        return "received"  # "8 Assistentinnen"
    if start > clause[0] and doc[start - 1].lower_ in {"der", "die", "das"} and re.match(
            r"\s*(hier|da|dort)?\s*(ist|sind|is)\s+(\w+ )?(freundlich|nett|lieb|toll|super|gut|"
            r"klasse|okay|ok|korrekt|zuverlässig|in ordnung|ein schatz|bemüht|überlastet|"
            r"gestresst|in eile)\b", after) and not WISH.search(around):
        return "received"  # "Die Pflegerinnen hier sind freundlich": the person knows them
    if re.match(r"\s*(sagt|meint|hat gesagt|hat mir gesagt)\b", after):
        return "received"  # "Arzt sagt Trauma": the person has that doctor
    status = _status_from(before, after, near)
    if status is None and whole != around.replace(" § ", " "):
        status = _status_from(whole, "", set())
        if status is None and (PAST.search(whole) and not RECEIVED.search(PAST.sub(" ", whole))):
            return None
    if status is None and lead and WISH.search(lead):
        status = "wished"  # "Was mir fehlt, ist jemand, …, so eine Art Alltagsbegleitung"
    if status is None and lead:
        status = _status_from(lead, "", set())
        if status in (None, "received") and PAST.search(lead) and not RECEIVED.search(
                PAST.sub(" ", lead)):
            return None  # "Ich war in der Entgiftung und dann 4 Monate Langzeittherapie"
    if status is None and rest:
        status = _status_from("", rest, set())  # "Ambulante Sozialpsychiatrie, seit 2019."
    if status is not None:
        return status
    return UNSAID


# no word near the help says whether the person gets it or wishes for it: the answer as a
# whole decides (_resolve_unsaid)
UNSAID = "__unsaid__"


def _resolve_unsaid(doc: Doc, statuses: list[str | None], mentions: list[tuple],
                    statements: list[Span], question_id: str,
                    all_clauses: list[Span] | None = None) -> None:
    """"wohnheim mit betreuern, tagesstätte, hausarzt. rechtlichen betreuer hab ich": a bare
    list of help in an answer whose other help is all received, and that wishes for nothing,
    is help received too. Without such words: medical help and work are had, other help
    named in answer to the question about professional help is wished."""
    text = doc.text.lower()
    answer_wishes = bool(WISH.search(text) or WISHED_EXTRA.search(text))
    said = [s for s in statuses if s not in (None, UNSAID)]
    for n, (start, _end, kind, _) in enumerate(mentions):
        if statuses[n] != UNSAID:
            continue
        sentence = span_lower(doc, span_containing(statements, start))
        clause = span_containing(all_clauses, start) if all_clauses else None
        if WISH.search(sentence) or WISHED_EXTRA.search(sentence):
            statuses[n] = "wished"
        elif clause is not None and not has_verb(doc, clause) and not _wish_lead(doc, clause):
            # "Persönliches Budget, Arbeitgebermodell, 6 Assistent:innen …", "Substitution
            # in ner Praxis": help listed without a verb and without a wish is had
            statuses[n] = "received"
        elif (kind in HAD_BY_DEFAULT or question_id != "professional"
              or (said and all(s == "received" for s in said) and not answer_wishes)):
            statuses[n] = "received"
        else:
            statuses[n] = "wished"


def _wish_lead(doc: Doc, clause: Span) -> bool:
    """"Hätte gern: Ergotherapie", "Was fehlt: …": the clause goes on from a wish."""
    if clause[0] == 0 or doc[clause[0] - 1].text != ":":
        return False
    before = doc[max(0, clause[0] - 8):clause[0] - 1]
    return bool(WISH.search(before.text.lower()) or WISHED_EXTRA.search(before.text.lower()))


def _wished_again(doc: Doc, statuses: list[str | None], mentions: list[tuple]) -> None:
    """"Früher hatte ich eine Haushaltshilfe … Ich hätte gern wieder jemanden.": the help
    had before is wished again."""
    text = doc.text.lower()
    if not re.search(r"\b(wieder|nochmal|noch mal) (jemanden|jemand|eine?n?|so|nehmen|haben|"
                     r"machen|bekommen|anfangen|beginnen|beantragen)\b|"
                     r"\b(eine?n?|ne) neue[n]?\b", text) or not (
            WISH.search(text) or re.search(r"\b(würde|würd|würden) (ich|wir) (\w+ )?wieder\b",
                                           text)):
        return
    for n, (start, _end, kind, _) in enumerate(mentions):
        if statuses[n] is None and kind != "other":
            statuses[n] = "wished"
            for m, other in enumerate(mentions):
                if other[2] == "other" and other[0] > start:
                    statuses[m] = None
            return


def extract_professional(doc: Doc, question_id: str) -> list[ProfessionalMention]:
    statements = sentences(doc)
    all_clauses = [c for s in statements for c in clauses(doc, *s)]
    mentions = _mentions(doc, question_id)
    spans = [(s, e) for s, e, _, _ in mentions]
    statuses: list[str | None] = []
    for start, end, kind, _ in mentions:
        clause = span_containing(all_clauses, start)
        sentence = span_containing(statements, start)
        if NAMING.search(span_lower(doc, clause)) and any(
                s < clause[0] and sentence[0] <= s for s, _ in spans):
            statuses.append(None)  # "…über den Pflegedienst, Entlastungsbetrag heißt das"
            continue
        earlier = [c for c in all_clauses if c[1] <= clause[0] and c[0] >= sentence[0]]
        before_words = [t.lower_ for t in doc[max(sentence[0], start - 4):start]]
        if "seit" in {t.lower_ for t in doc[max(sentence[0], start - 2):start]} or (
                kind != "medical" and {"aus", "von", "vom"} & set(before_words[-3:]) and any(
                t.ent_type_ == "relation" or t.text[:1].isupper() and t.is_alpha and not t.is_stop
                and t.lower_ not in {"ich", "die", "der", "das", "den", "dem", "hilfe",
                                     "unterstützung", "beratung", "betreuung"}
                for t in doc[max(sentence[0], start - 4):start - 2])):
            statuses.append(None)  # "seit der Klinik", "Tim aus der Werkstatt"
            continue
        if not has_verb(doc, sentence) and sentence[1] < len(doc) and (
                doc[sentence[1]].text == "?") and sentence[1] - sentence[0] <= 5:
            following = [s for s in statements if s[0] >= sentence[1]]
            refused = following and (REFUSAL.search(span_lower(doc, following[0])) or re.search(
                r"\b(bruk|brauch|brauche)\b.*\b(nich|nicht|net|keen\w*|kein\w*)\b",
                span_lower(doc, following[0])))
            statuses.append(None if refused else "wished")  # "Eine Suchtberatung? Ich weiß nicht"
            continue
        lead = ""
        if earlier and (doc[clause[0] - 1].text == ":" or NAMING.search(span_lower(doc, clause))
                        or doc[clause[0]].lower_ in {"dass", "damit"}
                        or not has_verb(doc, clause)):
            lead = span_lower(doc, earlier[-1])  # "Bekomme: Psychotherapie", "…, dass sie …"
        elif not has_verb(doc, sentence) and kind not in HAD_BY_DEFAULT:
            # "Ich bekomme nichts. Nur Jobcenter."; not for a doctor named after a wish
            # ("Ich bräuchte mindestens 30. Dazu der Augenarzt."): a doctor is had
            previous = [s for s in statements if s[1] <= sentence[0]]
            lead = span_lower(doc, previous[-1]) if previous else ""
        if earlier and not has_verb(doc, clause) and WISH.search(
                span_lower(doc, (sentence[0], clause[0]))):
            lead = span_lower(doc, (sentence[0], clause[0]))
        rest = " ".join(span_lower(doc, c) for c in all_clauses
                        if c[0] >= clause[1] and c[1] <= sentence[1]
                        and not any(c[0] <= s < c[1] for s, _ in spans))
        following = [s for s in statements if s[0] >= sentence[1]]
        next_sentence = span_lower(doc, following[0]) if following else ""
        others = [s for s in spans if s != (start, end)]
        statuses.append(professional_status(
            doc, start, end, clause, others, question_id, kind,
            _relative_clause(doc, all_clauses, clause), lead, next_sentence, rest))
    _wished_again(doc, statuses, mentions)
    _resolve_unsaid(doc, statuses, mentions, statements, question_id, all_clauses)
    found: list[ProfessionalMention] = []
    seen: set[tuple[str, str]] = set()
    for (start, end, kind, label), status in zip(mentions, statuses, strict=True):
        clause = span_containing(all_clauses, start)
        words = doc[start:end].text
        if status is None or (words.lower(), status) in seen:
            continue
        seen.add((words.lower(), status))
        found.append(ProfessionalMention(help=kind, label=label, status=status, words=words,
                                         text=span_text(doc, clause),
                                         span=char_span(doc, clause)))
        if status == "wished" and (words.lower(), "received") not in seen and MORE_OF_IT.search(
                span_lower(doc, clause)) and not NEGATING_DETERMINERS & {
                t.lower_ for t in doc[max(clause[0], start - 2):start]}:
            # "Physio hätte ich gern öfter als einmal die Woche": had now, wished more
            seen.add((words.lower(), "received"))
            found.insert(len(found) - 1, ProfessionalMention(
                help=kind, label=label, status="received", words=words,
                text=span_text(doc, clause), span=char_span(doc, clause)))
    return found
