"""Technical aids (used, wished, used before) and places and offers in the neighbourhood
(uses, wishes, used before, barrier, available).

The status comes from the words around the mention (cues.py), in this order, because a
status that twists the person's words is the worst error: used before ("früher", "nicht
mehr") and refusal ("will ich nicht") before wishes, wishes before use, and for places a
barrier ("kein Aufzug", "komme nicht rein") before everything else.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from bot.extraction.clauses import (
    CLAUSE_PUNCT,
    NEGATING_DETERMINERS,
    POSSESSIVES,
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
from bot.extraction.cues import (
    NEGATION,
    NO_LONGER,
    PAST,
    PRESENT_USE,
    REFUSAL,
    WISH,
    cue_data,
    cue_pattern,
)
from bot.extraction.gazetteer import gazetteer, typed_entities
from bot.extraction.results import AidMention, Location, PlaceMention

NEED = re.compile(r"\b(brauche|brauch|brauchen|benötige)\b")
# verbs of having or using an aid: "die Lupe benutze ich nicht mehr" is a past use
USE_VERBS = re.compile(r"\b(benutze|benutz|nutze|nutz|brauche|brauch|habe|hab|hatte|trage|"
                       r"verwende|fahre|nehme|gehe|laufe|besitze|hab's|habs)\b")
# "die Lupe benutze ich nicht mehr", "brauche keinen Rollator mehr"
AID_NO_LONGER = re.compile(
    r"\b(benutze|benutz|nutze|nutz|brauche|brauch|trage|trag|verwende|nehme|hab|habe|fahre|"
    r"gehe)\b( \w+){0,5} (nicht|nie|nich) mehr\b|§ (\w+ ){0,2}(benutze|benutz|nutze|nutz|"
    r"brauche|brauch|trage|trag|verwende|nehme|hab|habe) (ich )?(nicht|nie|nich) mehr\b|"
    r"\bkein\w* (\w+ ){0,2}§ (\w+ ){0,2}mehr\b|\b(abgegeben|zurückgegeben|ausgemustert)\b|"
    r"\b(liegt|steht) (nur )?(noch )?(\w+ )?(rum|herum|in der ecke|im schrank|im keller)\b")
# the next clause says it: "Das Hörgerät pfeift nur, das trag ich nicht mehr."
ANAPHORIC_NO_LONGER = re.compile(
    r"^(das|die|den|ihn|sie|es)\b (\w+ ){0,2}(benutze|benutz|nutze|nutz|trage|trag|brauche|"
    r"brauch|nehme|hab|habe)\b (\w+ )?(nicht|nie|nich) mehr\b")
# the paper for an aid: "Der Antrag für den Rolli läuft" (the aid is wished, not a part of it)
PAPERS = re.compile(r"(antr(a|ä)g|rezept|verordnung|kostenvoranschl|genehmigung|zuschuss)")
# owned but not worn or used (no "mehr": never used): "Ein Hörgerät hab ich, trag ich aber nicht"
NOT_WORN = re.compile(r"^(und |aber )?((das|die|den|ihn|sie|es) )?(trage|trag|benutze|benutz|"
                      r"nutze|nutz|setze|setz) (ich|er|sie) (\w+ )?(aber |eh |halt )?"
                      r"(nicht|nich|nie|kaum)\b(?! mehr)")
UNUSED = re.compile(r"\b(hab|habe|hat|haben) (ich |wir |er |sie )?(\w+ ){0,2}(im keller|im schrank|"
                    r"in der ecke|auf dem dachboden) (stehen|liegen|rumstehen|rumliegen)\b")
ANAPHORIC = re.compile(r"(das|die|der|den|ihn|sie|es|er)\b")
BROKEN = re.compile(r"\b(kaputt|defekt|fällt auseinander|geht nicht mehr richtig|ist hin|"
                    r"zu alt|uralt|(ist|sind) (\w+ )?alt)\b.*\b(neue[snm]?|ersatz|wäre gut|"
                    r"bräuchte|brauche)\b|"
                    r"\b(fällt auseinander|kaputt)\b.*\b(zahlt|bezahlt|übernimmt)\b")
# general devices: an aid only when the person uses them so, see _not_the_persons_aid
GENERIC_DEVICES = {"computer", "mobile_phone", "smartphone", "tablet"}
# aids the gazetteer does not list (kept here: no retraining of the Rasa model)
EXTRA_AIDS = (
    (re.compile(r"(noise-cancelling-)?kopfhörer\w*|gehörschutz|ohrstöpsel"), "hearing_aid"),
    (re.compile(r"sauerstoff\w*|beatmung\w*|cpap[\w-]*"), "care_bed"),
    (re.compile(r"mundstick\w*|kopfstab|trackball|sondertastatur"), "eye_control"),
    (re.compile(r"blindenhund\w*"), "guide_dog"),
    (re.compile(r"powerchair\w*"), "power_wheelchair"),
    (re.compile(r"handbedienung|handgas"), "adapted_car"),
    (re.compile(r"automatiktür\w*|türöffner\w*"), "smart_home"),
    # groups of the Hilfsmittelverzeichnis the gazetteer does not list (labels below)
    (re.compile(r"kompressions(strumpf|strümpfe|strümpfen|ärmel|ärmeln|bandage\w*|"
                r"handschuh\w*|hose\w*|versorgung)|stützstr(u|ü)mpf\w*"), "compression_garment"),
    (re.compile(r"inhaliergerät\w*|inhalator\w*|vernebler\w*|vibrationsweste\w*|"
                r"absauggerät\w*|ernährungspumpe\w*|insulinpumpe\w*"), "therapy_device"),
    (re.compile(r"sitzschale\w*|stehständer\w*|stehtrainer\w*|orthese\w*|"
                r"korsett\w*"), "positioning_aid"),
)
# aids named here that the gazetteer does not know: (label, category)
EXTRA_AID_INFO = {
    "compression_garment": {"label": "Kompressionsversorgung", "category": "daily_living"},
    "therapy_device": {"label": "Therapiegerät", "category": "daily_living"},
    "positioning_aid": {"label": "Sitz- und Stehhilfe / Orthese", "category": "mobility"},
}
AID_PAST = re.compile(r"\b(früher|frueher|damals|ehemals|hatte|hatten|(hab|habe) (\w+ ){0,4}"
                      r"gehabt|vor (\w+ )?jahren|als kind)\b")
INDEFINITE = {"ein", "eine", "einen", "einem", "einer", "so", "sowas", "neuen", "neue", "neues",
              "neuer", "zweiten", "zweite", "eigenen", "eigene", "besseren", "bessere"}
# "es gibt", "gibt's", "haben wir", "ist um die Ecke"
AVAILABLE = re.compile(r"\b(gibt es|gibt's|gibts|es gibt|haben wir|hat es|ist hier|sind hier|"
                       r"hier (gibt es |gibt's )?viele?|soll(en|te)? es (\w+ ){0,3}geben|"
                       r"es soll(en|te)? (\w+ ){0,3}geben)\b")
FIRST_PERSON = re.compile(r"\b(ich|wir|mich|mir|uns|mein\w*|unser\w*)\b")
# the reason in the person's words: the most specific phrase first


# walking sticks: "Stock" is also a floor ("im vierten Stock"), so only after "mit"
STICKS = re.compile(r"stock|stöcke|stöcken|stocks")
WITH = {"mit", "mitm", "mim"}


def _has(pattern: re.Pattern, *texts: str) -> bool:
    return any(pattern.search(t) for t in texts)


def _negated_before(doc: Doc, start: int, clause: Span) -> bool:
    before = {t.lower_ for t in doc[max(clause[0], start - 2):start]}
    return bool(before & NEGATING_DETERMINERS)


def _following_wish(doc: Doc, sentence: Span, clause: Span) -> bool:
    """"Ich habe keinen Rollator, hätte aber gern einen": the wish comes after."""
    return bool(WISH.search(span_lower(doc, (clause[1], sentence[1]))))


# an aid asked for, on order, being made or needed anew: not (yet) the person's
ASKED_FOR = re.compile(
    r"\b(angefragt|gefragt|bestellt|verordnet bekommen|brauch\w* (\w+ )?neu\w*)\b|"
    r"\b(wird|werden) (\w+ ){0,3}(ausgebildet|geliefert|angepasst|gebaut|eingebaut)\b")


def aid_status(doc: Doc, start: int, end: int, clause: Span, sentence: Span,
               others: list[tuple[int, int]], next_clause: str = "",
               lead: str = "") -> str | None:
    """used | wished | used_before for the aid at [start, end), or None when the words
    say the person does not have it and does not want it."""
    before, after = segment(doc, clause, start, end, others, punctuation=True)
    if lead:
        before = f"{lead} {before}"  # "… keine Pflege, sondern einen E-Rolli"
    near = [t.lower_ for t in doc[max(clause[0], start - 2):start]]
    around = f"{before} § {after}"
    without = "ohne" in near or "ohne" in before.split()[-3:]
    if start >= 3 and doc[start - 2].lower_ == "für" and doc[start - 1].lower_ in (
            {"den", "die", "das", "dem"} | POSSESSIVES) and _other_thing(doc[start - 3]):
        return "used"  # "ein neuer Akku für den E-Rolli ist bestellt": the part is wished
    if without and AID_PAST.search(before) and not NEGATION.search(after):
        return "used"  # "Früher ging es ohne Rollator": now it does not
    if start >= 3 and doc[start - 1].lower_ in {"dem", "der", "meinem", "meiner", "seinem",
                                                 "seiner", "ihrem", "ihrer"} and (
            doc[start - 2].lower_ == "mit") and _other_thing(doc[start - 3]):
        return "used"  # "Ein Mobilitätstraining mit dem Langstock habe ich beantragt"
    if ASKED_FOR.search(" ".join(after.split()[:6])) or re.match(
            r"(für \w+ \w+ )?(ist|sind|wird|wurde|haben wir|hab ich|habe ich) (\w+ )?"
            r"(beantragt|bestellt|verordnet)\b", after.strip()) or (
            ANAPHORIC.match(next_clause) and ASKED_FOR.search(next_clause)):
        return "wished"  # "ein Rollstuhl … ist beantragt", "…, die wird gerade angepasst"
    if UNUSED.search(around) or NOT_WORN.match(after.strip()) or NOT_WORN.match(next_clause):
        return None  # "Einen Rollator hab ich im Keller stehen", "…, trag ich aber nicht"
    if AID_PAST.search(around) or AID_NO_LONGER.search(around) or (
            ANAPHORIC_NO_LONGER.search(next_clause)):
        return "used_before"
    if REFUSAL.search(after) or REFUSAL.search(before):
        return None
    if BROKEN.search(around) or BROKEN.search(span_lower(doc, (end, sentence[1]))):
        return "wished"  # "Mein Hörgerät ist kaputt, ein neues wäre gut"
    if _negated_before(doc, start, clause):
        return "wished" if _following_wish(doc, sentence, clause) else None
    if without:
        # "Ohne Rollstuhl geht gar nichts" is a double negation: the aid is used
        return "used" if NEGATION.search(after) else None
    if ASKED_FOR.search(around) or ASKED_FOR.search(f"{before} {after}"):
        return "wished"  # "Mein Hörgerät brauche ich neu", "Rampe beim Vermieter angefragt"
    if set(near) & POSSESSIVES:
        return "used"
    wished = WISH.search(before) or WISH.search(after) or re.search(
        r"\b(antrag|beantrag\w*)\b", around)
    stretch = max([i + 1 for i in range(clause[0], start) if doc[i].text in CLAUSE_PUNCT],
                  default=clause[0])
    if not wished and not USE_VERBS.search(around) and WISH.search(
            span_lower(doc, (stretch, start))):
        wished = True  # "ich hätte gerne ein Tablet und einen Kalender mit Bildern"
    if not wished and set(near) & INDEFINITE and re.search(r"\b(vielleicht|vllt|evtl|eventuell)\b",
                                                          before):
        wished = True  # "Vielleicht ein Treppenlift, dann ginge es noch": not there yet
    if not wished and NEED.search(before + " " + after):
        # "ich brauche einen neuen Rollstuhl" is a wish, "beim Laufen brauche ich Krücken" use
        wished = bool(set(near) & INDEFINITE) and not USE_VERBS.search(
            before.replace("brauche", "").replace("brauch", ""))
    return "wished" if wished else "used"


def _aid_mentions(doc: Doc) -> list[tuple]:
    """(span, aid key) of the gazetteer's aids and of those named here (EXTRA_AIDS)."""
    found = list(typed_entities(doc, "aid"))
    taken = {i for ent, _ in found for i in range(ent.start, ent.end)}
    for token in doc:
        if token.i in taken:
            continue
        for pattern, aid in EXTRA_AIDS:
            if pattern.fullmatch(token.lower_):
                found.append((doc[token.i:token.i + 1], aid))
                break
        else:
            near = {t.lower_ for t in doc[max(0, token.i - 3):token.i]}
            if STICKS.fullmatch(token.lower_) and near & WITH:
                found.append((doc[token.i:token.i + 1], "walking_stick"))
    return sorted(found, key=lambda item: item[0].start)


def _other_thing(token: Token) -> bool:
    """A noun before "für den …"/"mit dem …" that is neither an aid nor the paper for one
    ("Akku", "Mobilitätstraining"; not "Antrag"): what is wished or had is that thing, and
    the aid after it is in use."""
    return token.is_title and token.ent_type_ != "aid" and not PAPERS.match(token.lower_)


def _not_the_persons_aid(doc: Doc, start: int, aid: str, clause: Span, sentence: Span,
                         aids: list[tuple]) -> bool:
    """"Die Fabrik hat eine Rampe", "ob die einen Lifter haben": a place's equipment;
    "wie man mit dem iPhone zurechtkommt", "omas Handy reparieren": a device the person
    does not use as an aid; "am Computer mit Sprachsteuerung": the aid is the control."""
    before = span_lower(doc, (clause[0], start))
    clause_words = set(span_lower(doc, clause).split())
    owner = (any(t.ent_type_ == "place" for t in doc[clause[0]:start]) or re.search(
        r"\b(ob )?(die|dort|da)\b", before)) and re.search(
        r"\b(hat|haben|gibt|gibt's|gibts)\b", span_lower(doc, clause))
    if owner and not clause_words & {"ich", "wir", "mein", "meine", "meinen", "meinem", "mir"}:
        return True
    if start >= 2 and doc[start - 1].lower_ == "mit" and (
            doc[start - 2].ent_type_ == "place" or doc[start - 2].lower_.endswith(PLACE_SUFFIXES)):
        return True  # "das Schwimmbad mit Lifter": the place's equipment
    if re.search(r"\bwie man\b", before) or re.search(
            r"\b(reparier\w*|schraub\w*)\b", span_lower(doc, clause)) and not clause_words & {
            "mein", "meine", "meinen", "meinem", "mir"}:
        return True  # "zeigen, wie man Rolli fährt", "Fahrrad reparieren": not the person's aid
    if _part_of_other_aid(doc, start, aids):
        return True
    if aid in GENERIC_DEVICES:
        # a device worked at or owned is no aid ("kann alles am Handy", "Schreiben am PC
        # geht", "er besitzt ein Handy", "das Handy bedienen", "richtet mir den Computer
        # ein"); one used for something is ("Mit meinem Tablet lasse ich mir vorlesen")
        if doc[max(0, start - 1)].lower_ == "am" or re.search(
                r"\b(besitz\w*|bedien\w*|richte\w* (\w+ ){0,4}ein|einrichten)\b",
                span_lower(doc, clause)):
            return True
        if clause_words & {"man"} or re.search(
                r"\b(helf\w*|hilft|reparier\w*|zeig\w*|erklär\w*|beibring\w*)\b",
                span_lower(doc, clause)):
            return True
        # "Sprachsteuerung am Handy", "mit dem Mundstick bediene ich das Tablet": the aid
        # is the control, the device is not an aid of its own
        for ent, other in aids:
            if other in GENERIC_DEVICES or not sentence[0] <= ent.start < sentence[1]:
                continue
            if ent.start > start and doc[ent.start - 1].text == "(" and ent.start - start <= 8:
                return True  # "mein Handy liest mir alles vor (VoiceOver)"
            if not clause[0] <= ent.start < clause[1]:
                continue
            between = doc[min(ent.end, start):max(ent.start, start)]
            if len(between) <= 4 and {t.lower_ for t in between} & {
                    "am", "mit", "über", "auf", "bediene", "steuere", "für"}:
                return True
    return False


def _part_of_other_aid(doc: Doc, start: int, aids: list[tuple]) -> bool:
    """"eine Sitzschale für den Powerchair": the aid after "für" is what the part is for."""
    return start >= 3 and doc[start - 2].lower_ == "für" and doc[start - 1].lower_ in (
        ARTICLES | POSSESSIVES) and any(ent.end == start - 2 for ent, _ in aids)


def _wish_before_verbless(doc: Doc, start: int, end: int, clause: Span,
                          earlier: list[Span]) -> str:
    """"Autofahren möchte ich lernen, mit Handgas", "…, wäre gut, und ein Hausnotruf": the
    words around the aid have no verb and go on from a wish before the comma; that wish
    (else "")."""
    cut = max([i for i in range(clause[0], start) if doc[i].text in CLAUSE_PUNCT], default=None)
    stop = min([i for i in range(end, clause[1]) if doc[i].text in CLAUSE_PUNCT],
               default=clause[1])
    if cut is not None:
        own, lead = (cut + 1, stop), span_lower(doc, (clause[0], cut))
    elif earlier:
        own, lead = (clause[0], stop), span_lower(doc, earlier[-1])
    else:
        return ""
    if has_verb(doc, own) or not WISH.search(lead) or REFUSAL.search(lead):
        return ""
    if start > 0 and doc[start - 1].lower_ in {"dem", "den", "der", "die", "das"}:
        return ""  # "…, mit dem Rolli unmöglich": the aid the person has
    return lead


def extract_aids(doc: Doc) -> list[AidMention]:
    g = gazetteer()
    statements = sentences(doc)
    all_clauses = [c for s in statements for c in clauses(doc, *s)]
    entities = _aid_mentions(doc)
    spans = [(ent.start, ent.end) for ent, _ in entities
             if not _part_of_other_aid(doc, ent.start, entities)]
    found: list[AidMention] = []
    seen: set[tuple[str, str]] = set()
    for ent, aid in entities:
        clause = span_containing(all_clauses, ent.start)
        sentence = span_containing(statements, ent.start)
        if _not_the_persons_aid(doc, ent.start, aid, clause, sentence, entities):
            continue
        others = [s for s in spans if s != (ent.start, ent.end)]
        later = [c for c in all_clauses if c[0] >= clause[1] and c[1] <= sentence[1]]
        next_clause = span_lower(doc, later[0]) if later else ""
        earlier = [c for c in all_clauses if c[1] <= clause[0] and c[0] >= sentence[0]]
        lead = ""
        if doc[clause[0]].lower_ == "sondern" and earlier:
            lead = NEGATION.split(span_lower(doc, earlier[-1]))[0]
        else:
            lead = _wish_before_verbless(doc, ent.start, ent.end, clause, earlier)
        status = aid_status(doc, ent.start, ent.end, clause, sentence, others, next_clause,
                            lead)
        if status is None or (aid, status, ent.text.lower()) in seen or any(
                f.status == status and ent.text.lower() in f.words.lower() for f in found):
            continue  # "E-Rolli … den Rolli": the same aid
        seen.add((aid, status, ent.text.lower()))
        info = g.aids.get(aid) or EXTRA_AID_INFO[aid]
        found.append(AidMention(aid=aid, label=info["label"], category=info["category"],
                                status=status, words=ent.text, text=span_text(doc, clause),
                                span=char_span(doc, clause)))
    return found


# places the gazetteer does not list, and heads of compound names ("Stadtteilhaus",
# "Phoenix-Center"): kept here so the Rasa model needs no retraining
EXTRA_PLACES = re.compile(
    r"^(kita|kitas|kindergarten|kindergartn|kiga|schule|schulen|grundschule|gymnasium|"
    r"stadtteilschule|förderschule|berufsschule|uni|universität|hochschule|altenheim|"
    r"pflegeheim|seniorenheim|altersheim|kantine|mensa|tankstelle|laden|läden|lädchen|"
    r"kiosk|einkaufszentrum|landungsbrücken|elbe|alster|kanal|hafen|strand|friedhof|"
    r"feuerwehr|treffen|kurs|kurse|halle|ampel|ampeln|bürgersteig|bürgersteige|gehweg|"
    r"gehwege|station|bahnhof|quarree|aa|gemeinschaftshaus|nachbarschaftscafé|"
    r"nachbarschaftscafe|center|zentrum|gehege|mcdonalds|mcdonald's|ikea|lidl|aldi|rewe|"
    r"edeka|penny|netto|rossmann|budni|chor|fabrik|club|clubs|klub|klubs|disco|disko|"
    r"gottesdienst|stammtisch)$")
# generic words that only name a place after a place preposition ("in der Schule")
NEEDS_PREPOSITION = {"schule", "schulen", "kita", "kitas", "uni", "treffen", "kurs", "kurse",
                     "halle", "station", "zentrum", "center", "laden", "strand", "hafen", "club",
                     "clubs", "klub", "klubs", "stammtisch"}
PLACE_PREPOSITIONS = {"in", "im", "ins", "zur", "zum", "am", "an", "beim", "aufs", "auf",
                      "bei"}
ARTICLES = {"der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer"}
NOT_FROM = {"aus", "von", "vom", "nach", "wegen", "über"}
# the gazetteer's places that are professional help in the gold set's sense (Jobcenter)
PROFESSIONAL_PLACES = {"jobcenter", "sozialamt", "arbeitsagentur", "ambulanz",
                       "gesundheitszentrum", "poliklinik", "therapiepraxis",
                       "physiotherapiepraxis", "arztpraxis", "arztpraxen", "hausarztpraxis",
                       "weiterbildung"}
PLACE_SUFFIXES = ("verein", "vereine", "club", "klub", "treff", "café", "cafe", "zentrum", "chor",
                  "center", "haus", "garten", "gruppe", "kurs", "kurse", "schule", "bad", "halle",
                  "park", "markt", "laden", "kirche", "station", "bahnhof", "bücherei", "kneipe",
                  "museum", "theater", "kino", "archiv", "beirat", "feuerwehr", "gehege", "strand",
                  "ufer", "teich", "wald", "heim", "platz", "hof", "bibliothek", "kreis", "kanal",
                  "see", "stammtisch", "gottesdienst", "-ag",
                  # group sports offered to people with a disability or age
                  "gymnastik", "rehasport", "reha-sport", "behindertensport", "seniorensport",
                  "rollstuhlbasketball", "rollstuhlrugby", "rollstuhltanz", "rollstuhltennis",
                  "rollstuhlsport", "blindenfußball", "blindenfussball", "sitzvolleyball")
NOT_PLACES = {"zuhause", "haus", "krankenhaus", "reihenhaus", "wohnheim",
              "elternhaus", "hochhaus", "mietshaus", "einfamilienhaus", "kaufhaus", "heim",
              "wohngruppe", "tagesstätte", "gruppe", "garten", "platz", "hof",
              "facebook-gruppe", "whatsapp-gruppe", "dbt-gruppe", "therapiegruppe",
              "schrebergarten", "kinderheim", "pflegeheim", "arbeitsplatz", "arbeitsmarkt",
              "parkplatz", "wohnzimmer", "bauernhof", "innenhof", "jobcenter", "schulbegleitung",
              "gebärdensprachkurse", "gebärdensprachkurs", "haushalt", "gesamtplan",
              # circles of people, not offers; seas are no places in the neighbourhood
              "freundeskreis", "bekanntenkreis", "familienkreis", "kollegenkreis", "landkreis",
              "teufelskreis", "ostsee", "nordsee", "tiefsee", "übersee"}
# a language course is an offer the person looks for ("Sprachkurs ich möchte"); one the
# person has or finished is schooling ("wenn ich Deutschkurs habe", "B1 geschafft")
LANGUAGE_COURSE = re.compile(r"(deutsch|sprach|integrations|alphabetisierungs)kurs\w*")
# vehicles are no places ("mit dem Bus"); their stations are
VEHICLES = {"bus", "busse", "bussen", "u-bahn", "ubahn", "s-bahn", "sbahn", "regionalbahn",
            "fähre", "fähren", "hafenfähre", "nahverkehr", "öpnv", "oepnv", "bahn"}
# medical and care facilities named as compounds: professional help, no place
PROFESSIONAL_PLACE = re.compile(r"(dialyse|diabetes|arzt|hausarzt|kinderarzt|zahnarzt|"
                                r"physio|ergo|therapie|reha|pflege|tagespflege)\w*(zentrum|praxis|"
                                r"klinik|station|ambulanz)$")
# what keeps the person out, at the place ("da sind Stufen", "kein Aufzug", "zu voll")
OBSTACLE = re.compile(
    r"\b(stufen|stufe|treppe|treppen|kein\w* (\w+ )?(aufzug|aufzüge|fahrstuhl|lift|rampe|"
    r"tonsignal|akustisch\w* signal|bänke|sitzgelegenheit\w*|behindertentoilette|"
    r"rollstuhlklo|platz für (den |meinen )?roll\w*|gebärden\w*|dolmetscher\w*)|"
    r"aufzüge? (\w+ ){0,3}(kaputt|defekt)|umgebaut|umbau|nicht (mehr )?zumutbar|"
    r"kein\w* (\w+ )?umkleide\w*|(finde|komme) (ich )?(mich )?(da |dort )?"
    r"nicht (mehr )?zurecht|"
    r"(nicht|kaum) (barrierefrei|rollstuhlgerecht|rollstuhlgängig|zugänglich|"
    r"behindertengerecht)|nichts für rollstuhl\w*|zu (laut|voll|eng|steil|dunkel|hektisch|"
    r"teuer)|(schwierig|schwer|mühsam) wegen|kopfsteinpflaster|"
    r"kaputt|fehlen (\w+ )?(bänke|aufzüge|rampen)|unmöglich|nur über (eine |die )?treppe\w*|"
    r"(komme?|kommen|kann|können) (\w+ ){0,4}(nicht|nich|kaum)( mehr)? (\w+ ){0,2}"
    r"(rein|hinein|hoch|rauf|hinauf))\b")
# too few places, access by one channel only, crowds, a counter too high (cues.yml)
MORE_OBSTACLES = cue_pattern("place_obstacles")
CANNOT_BECAUSE = cue_pattern("cannot_because")
ONLY_AT_TIMES = cue_pattern("only_at_times")
REASON_START = re.compile(r"^(" + "|".join(cue_data()["reason_starts"]) + r")\b")
PLACE_PAST = re.compile(r"\b(vorbei|aufgegeben|zugemacht|geschlossen|ist zu|zu ist|"
                        r"dicht gemacht|war (mein|meine|unser|unsere) \w+|eingestellt|"
                        r"mach\w* ich nicht mehr|"
                        # an age limit: "fürn Jugendtreff bin ich inzwischen zu alt"
                        r"(bin|ist|sind) (ich|er|sie|wir) (\w+ )?zu alt)\b")
# a place the person misses: went there before ("fehlt mir", unless wished again)
MISSED = re.compile(r"\b(fehlt mir|fehlen mir|vermisse|vermiss)\b")
AVOID = re.compile(r"\b(vermeide\w*|meide\w*|vermeiden|meiden)\b")
FOLLOW_USE = re.compile(r"\b(bin|gehe|geh|war|mache|nutze|gehen|fahre|treffe)\b.*\b(da|dort|hin)\b|"
                        r"\b(da|dort)\b.*\b(bin|gehe|geh|war|mache|nutze|gehen|fahre|treffe)\b|"
                        r"\b(super|toll|top|klasse|mag ich|gern)\b")
POST_OFFICE = re.compile(r"\b(zur|auf die|in die|die|der) post\b(?! (vor|sortier|lesen|"
                         r"bearbeit|erledig|aufmach|zu öffnen|öffn|aufzumachen))", re.I)
PLACE_WISH = re.compile(r"\b(könnte|vielleicht|wünsch\w*|interessier\w*|"
                        # "Im Fußballverein wollte ich Jugendtrainer machen, aber …"
                        r"wollte (ich|er|sie|wir)|"
                        # "würde sie hingehen, wenn jemand sie fährt": a wish on a condition
                        r"(würde|würd|würden) (\w+ ){0,4}(gehen|hingehen|hin|mitmachen|mitgehen|"
                        r"anfangen|kommen|teilnehmen|besuchen)|"
                        + "|".join(map(re.escape, cue_data()["place_wish_verbs"])) + "|"
                        + "|".join(cue_data()["place_interest"]) + r")\b")
# a clause or sentence that takes up the place again: "das würd ich gern probieren",
# "Will ich wieder machen", "da würde ich wieder hinwollen"
# ("das", "den", "die" only before a verb or pronoun: "Die Bibliothek würde ich …" names a
# new place)
ANAPHOR = re.compile(r"^(und |aber )?((das|den|die)(?= (würde|würd|würden|möchte|möcht|will|"
                     r"hätte|hätt|wäre|wär|mag|fände|fänd|ich|wir|er|sie|könnte|kann|find|finde|"
                     r"mache|mach|wollte|muss|ist|war)\b)|da|dort|dahin|dorthin|es|sowas|so was|"
                     + "|".join(cue_data()["place_anaphors"]) + r")\b")
# a later clause keeps the person away: "da geh ich nicht mehr hin"
STAY_AWAY = re.compile(r"^(und |aber )?(da|dort|dahin|dorthin|deshalb|darum|deswegen)\b.*"
                       r"\b(nicht|nich|nie) mehr\b|"
                       # "…, geh ich nich mehr": the verb first, the place understood
                       r"^(und |also |deshalb |darum )?(geh|gehe|komm|komme|fahr|fahre) "
                       r"(ich|er|sie|wir) (da |dort )?(\w+ )?(nicht|nich|nie) mehr( hin)?$")
# a clause about the place itself, between the place and "geh ich nich mehr": its reason
PLACE_REASON = re.compile(r"^(und |aber )?(da|dort)\b(?!.*\b(ich|wir|ick)\b)")
# "würde ich gern, aber die wollen ein Führungszeugnis": what the place (they, there, one)
# does keeps the person out of a place they wish for; "aber ohne Begleitung komme ich nicht
# hin", "aber kein Geld" are the person's own reasons, and the place stays wished
BUT_THE_PLACE = re.compile(r"^aber (die|der|das|da|dort|man|in der|im|beim|bei der)\b")
PERSONS_REASON = re.compile(r"\b(ich|wir|ick|hab|habe|bin|kann|muss|mir|uns|geld|zeit|leisten|"
                            r"begleitung)\b")
# the place lacks something, or has too much of it: "hat keine Stühle", "ist zu eng"
PLACE_LACKS = re.compile(r"\b(hat|haben|gibt es|gibt's|gibts|ist|sind)\b (\w+ ){0,3}"
                         r"(kein\w*|zu|nicht)\b")
WISH_FIRST = re.compile(r"^(will|möchte|möcht|würde|würd|hätte|wollte|mag)\b")
# "Im Chor hat er gesungen. Er würde gern wieder singen.": a wish to do again what was done
# at the place, with the same verb (by its lemma), not a new wish ("… wieder malen")
PRONOUN_WISH = re.compile(r"^(er|sie|ich|wir) (will|möchte|möcht|würde|würd|hätte|wollte|mag)\b")
GO_ON = cue_pattern("go_on")
# "hab ich mal ausprobiert", "hab ich mir angeguckt": the perfect with "haben" and a
# participle that ends the clause is something done before (cues.yml: lasting_participles)
PERFECT_PAST = re.compile(r"\b(hab|habe|hatte|hat|haben|hatten|hab's)\b( \w+){0,6} "
                          r"(\w*ge\w+t|\w+iert)$")
LASTING = cue_pattern("lasting_participles")
# "…, jetzt sitz ich da auf der Bank": the present after the past, at the same place
NOW_THERE = re.compile(r"^(aber |und )?(jetzt|heute|inzwischen|mittlerweile|nun)\b.*"
                       r"\b(da|dort|hin)\b")


def _taken_up_as_wish(lowered: str, again: bool = False) -> bool:
    """`lowered` (a later clause, or the next sentence) wishes the place named before: it
    starts with an anaphor or, elliptically, with the wish verb ("Will ich wieder
    machen"); with `again` only a wish to do it again counts (for the next sentence)."""
    if not (ANAPHOR.search(lowered) or WISH_FIRST.search(lowered)) or GO_ON.search(lowered):
        return False  # "das möchte ich weiter machen" goes on with a use
    if REFUSAL.search(lowered) or not (WISH.search(lowered) or PLACE_WISH.search(lowered)):
        return False
    return not again or bool(re.search(r"\bwieder\b", lowered))
# "von der" as people say it: "Uwe vonne Eckkneipe", "die ausm Verein"
FROM_WORDS = {"vom", "von", "aus", "vonne", "vonn", "ausm", "aus'm", "ausse"}
# a list after a colon of what the person cannot do ("Kann nicht: …", "Schwierig: …")
HARD_FOR_ME = re.compile(r"\b(kann (ich )?(nicht|nich|net|kaum)|nicht kann|(fällt|fallen) mir "
                         r"(\w+ )?schwer|schwierig|schwer|unmöglich|geht nicht|klappt nicht|"
                         r"schaffe ich nicht|problem\w*)\b")
# the person never went there
NEVER_THERE = re.compile(r"\b(nicht|nie) (hin|rein)?gegangen\b|\b(war|bin) (ich|er|sie|wir) "
                         r"(noch )?(nie|nicht)( da| dort)?( drin| hin)?\b(?! mehr)"
                         r"(?!,? (weil|da|wegen))")
# a place named as where the home is ("Wohnung nahe dem Friedhof", "Lage an der Alster")
HOME_NEAR = {"nahe", "nah", "nähe", "blick", "lage", "gegenüber", "neben"}
HOME = re.compile(r"\b(wohn\w*|lebe|leben|lebt|zuhause|zu hause|zimmer)\b")
# a service that comes to the person is no place ("Die Führhundschule kommt einmal im Jahr")
COMES = {"kommt", "kommen", "kam", "kümmt"}
NOT_THERE = re.compile(r"\b(nicht|nie|noch nie|gar nicht|nirgends|nichts)\b")


def _place_mentions(doc: Doc) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, label) of the places named: the gazetteer's, others by name."""
    g = gazetteer()
    found = []
    taken: set[int] = set()
    gives_course = re.search(r"\b(gebe|geben|leite|leiten|halte|anbieten)\b", doc.text.lower())
    for ent, kind in typed_entities(doc, "place"):
        if ent.text.lower() in VEHICLES | PROFESSIONAL_PLACES or _address(doc, ent.start) or (
                PROFESSIONAL_PLACE.match(ent.text.lower())):
            continue
        if gives_course and ent.text.lower().endswith(("kurs", "kurse", "gruppe")):
            continue  # the person gives the course
        found.append((ent.start, ent.end, kind, g.places[kind]["label"]))
        taken.update(range(ent.start, ent.end))
    for match in POST_OFFICE.finditer(doc.text):
        span = doc.char_span(match.end() - 4, match.end(), alignment_mode="expand")
        lowered = doc.text.lower()
        if span is not None and not taken & set(range(span.start, span.end)) and re.search(
                r"\bpost (hat|ist|am|in|geh|zu)\b|\b(zur|auf die|in die) post\b",
                lowered[match.start():match.end() + 8]):
            found.append((span.start, span.end, "post_bank", g.places["post_bank"]["label"]))
            taken.update(range(span.start, span.end))
    for token in doc:
        lower = token.lower_
        if token.i in taken or not token.is_alpha and "-" not in lower or len(lower) < 2:
            continue
        # "eine Gruppe für Menschen mit Ängsten": a group for someone is an offer (a
        # self-help group), bare "Gruppe" is not
        group_for = lower in {"gruppe", "gruppen"} and token.i + 1 < len(doc) and (
            doc[token.i + 1].lower_ == "für")
        if lower in NOT_PLACES and not group_for or token.ent_type_ in (
                "relation", "aid", "quarter", "district"):
            continue
        if PROFESSIONAL_PLACE.match(lower):
            continue  # "im Dialysezentrum", "in der Diabetespraxis": professional help
        named = group_for or EXTRA_PLACES.match(lower) or (
            len(lower) > 6 and lower.endswith(PLACE_SUFFIXES) and not lower.startswith("wohn"))
        if not named or (lower == "aa" and token.text != "AA") or _address(doc, token.i):
            continue
        before = [t.lower_ for t in doc[max(0, token.i - 2):token.i]]
        previous = doc[token.i - 1] if token.i else None
        named_before = previous is not None and previous.is_alpha and previous.text[
            :1].isupper() and previous.lower_ not in ARTICLES and (
            previous.ent_type_ != "relation")  # "Billstedt Center", not "Freunde treffen"
        if lower in NEEDS_PREPOSITION and (not (set(before) & PLACE_PREPOSITIONS or named_before
                                                or _in_list_of_places(doc, token.i))
                                           or set(before) & NOT_FROM):
            continue
        if lower.endswith(("kurs", "kurse")) and re.search(
                r"\b(gebe|geben|leite|leiten|halte|anbieten)\b", doc.text.lower()):
            continue  # the person gives the course
        if lower.endswith("platz") and before[-1:] == ["am"]:
            continue  # "am Spritzenplatz" is an address
        label = token.text[:1].upper() + token.text[1:]
        found.append((token.i, token.i + 1, f"other:{lower}", label))
        taken.add(token.i)
    return _details(sorted(found), doc)



def _place_like(token) -> bool:
    lower = token.lower_
    return token.ent_type_ == "place" or bool(EXTRA_PLACES.match(lower)) or (
        len(lower) > 6 and lower.endswith(PLACE_SUFFIXES) and lower not in NOT_PLACES)


def _in_list_of_places(doc: Doc, i: int) -> bool:
    """"Einkaufszentrum, Schule, Spielplatz": a generic word between commas next to a place
    names a place too."""
    return (i >= 2 and doc[i - 1].text == "," and _place_like(doc[i - 2])) or (
        i + 2 < len(doc) and doc[i + 1].text == "," and _place_like(doc[i + 2]))


def _address(doc: Doc, i: int) -> bool:
    """"am Horner Markt", "am Langenhorner Markt": a street, not a market."""
    token = doc[i]
    if not (token.lower_.endswith("markt") or token.lower_ == "platz") or i < 2:
        return False
    previous = doc[i - 1]
    return (previous.text[:1].isupper() and previous.lower_.endswith("er")
            and doc[i - 2].lower_ in {"am", "vom", "zum", "beim"})


# words between two places when the second only says where the first is
WHERE_WORDS = {"am", "an", "an'n", "im", "in", "der", "dem", "beim", "auf", "vom", "von", "des"}


def _details(mentions: list[tuple[int, int, str, str]], doc: Doc) -> list[tuple]:
    """"Stadtpark an'n Außenmühlenteich", "Theatergruppe im Goldbekhaus", "Spielplatz im
    Stadtpark", "Vereinsheim vom Kleingartenverein": the second place, joined by a
    preposition or a genitive article alone, only says where the first is."""
    result = []
    for mention in mentions:
        previous = result[-1] if result else None
        between = doc[previous[1]:mention[0]] if previous else []
        if previous and 0 < len(between) <= 3 and between[0].lower_ in WHERE_WORDS and all(
                t.lower_ in WHERE_WORDS or t.is_title and t.is_alpha and t.ent_type_ != "relation"
                for t in between[1:]):
            continue  # "Tanzkurs im Bürgerhaus", "Spielplatz im Meyers Park"
        if previous and 3 <= len(between) <= 4 and between[0].lower_ == "für" and between[
                -1].lower_ in {"im", "in", "beim", "am"} and all(
                t.is_alpha for t in between) and doc[previous[0]:previous[1]].text.lower(
                ).endswith(("gruppe", "gruppen", "kurs", "treff", "kreis")):
            continue  # "die Selbsthilfegruppe für Bipolare im Queer-Treff": where it meets
        if previous and not between and mention[2].startswith("other:"):
            continue  # "Volkshochschule Kurs": one name
        result.append(mention)
    return result


def _barrier_words(doc: Doc, span: Span) -> str:
    """The barrier as the person put it: "keinen Aufzug", "Stufen", else the clause. A
    named obstacle wins over "komme ich nicht rein"."""
    text = span_text(doc, span)
    lowered = text.lower()
    matches = list(OBSTACLE.finditer(lowered))
    named = [m for m in matches if not re.match(r"(komme?|kommen|kann|können) ", m.group(0))]
    match = (named or matches or [None])[-1 if named else 0]
    if match:
        return text[match.start():match.end()].strip()
    return text


def _after(doc: Doc, sentence_clauses: list[Span], clause: Span, place_starts: set[int],
           pattern: re.Pattern) -> Span | None:
    """A later clause of the sentence that says something about this place (no other place
    named in between): "Ins Kino komme ich nicht, da ist eine Treppe"."""
    for other in (c for c in sentence_clauses if c[0] >= clause[1]):
        if any(other[0] <= s < other[1] for s in place_starts):
            return None
        if pattern.search(span_lower(doc, other)):
            return other
    return None


def place_status(doc: Doc, start: int, end: int, clause: Span, sentence: Span,
                 sentence_clauses: list[Span], others: list[tuple[int, int]],
                 next_sentence: str = "", same_activity: bool = False
                 ) -> tuple[str, Span | None] | None:
    """(status, clause naming the barrier) for the place at [start, end), or None when the
    words do not say the person goes, went, wants to go or cannot go there ("es gibt …",
    "kenne ich nicht").

    Order, as the gold set's conventions say: a barrier at the place wins over a wish; a
    wish (also "würde gern wieder") over the past; the past over use."""
    before, after = segment(doc, clause, start, end, others)
    own = before + " § " + after
    starts = {s for s, _ in others}
    colon = max((i for i in range(sentence[0], start) if doc[i].text == ":"), default=None)
    if colon is not None and HARD_FOR_ME.search(span_lower(doc, (sentence[0], colon))):
        return None  # "fällt mir schwer: Bäcker, Arzt, Post": what the person cannot do
    if OBSTACLE.search(own) or MORE_OBSTACLES.search(own):
        # "komme ich nicht rein, da gibt es keinen Aufzug": the reason said after it
        reason = _after(doc, sentence_clauses, clause, starts, OBSTACLE)
        return "barrier", (clause if reason is None else (clause[0], reason[1]))
    barrier = _after(doc, sentence_clauses, clause, starts, OBSTACLE) or _after(
        doc, sentence_clauses, clause, starts, MORE_OBSTACLES)
    if barrier is not None and ONLY_AT_TIMES.search(span_lower(doc, (end, barrier[0]))):
        return "uses", None  # "den Elbstrand, aber nur im Winter, weil im Sommer zu voll"
    if barrier is not None:
        return "barrier", barrier
    stay_away = _after(doc, sentence_clauses, clause, starts, STAY_AWAY)
    if stay_away is not None:
        # "Das Café hat keine Stühle, die mich aushalten, da geh ich nicht mehr hin": what
        # the place lacks keeps the person out; without it the place was used before
        if PLACE_LACKS.search(own):
            return "barrier", (clause[0], stay_away[1])
        reason = next((c for c in sentence_clauses if clause[1] <= c[0] and c[1] <= stay_away[0]
                       and PLACE_REASON.search(span_lower(doc, c))), None)
        if reason is not None:
            return "barrier", reason  # "…, aber da guckn die leute komisch, geh ich nich mehr"
        return "used_before", None
    rest = (end, sentence[1]) if not any(end <= s < sentence[1] for s in starts) else None
    if rest and CANNOT_BECAUSE.search(span_lower(doc, rest)):
        return "barrier", (clause[0], sentence[1])  # "Ins Kino kann ich nicht, da muss …"
    if AVOID.search(own):
        reason = _after(doc, sentence_clauses, clause, starts, REASON_START)
        if reason is not None:
            return "barrier", (clause[0], reason[1])  # "meide ich, dort kennt mich jeder"
        if re.search(r"\b(wegen|weil)\b", after):
            return "barrier", clause  # "meidet sie wegen der Menschenmengen"
    previous = [c for c in sentence_clauses if c[1] <= clause[0]]
    # "Was fehlt: eine Kneipe", "gibts das schloss, kino und den sportplatz": a clause
    # without a verb goes on from the one before
    lead = span_lower(doc, previous[-1]) if previous and (
        doc[clause[0] - 1].text == ":" or not has_verb(doc, clause)) else ""
    if not has_verb(doc, sentence) and not lead:
        lead = _previous_sentence(doc, sentence)
    if REFUSAL.search(own) or AVOID.search(own):
        return None
    if not has_verb(doc, clause) and REFUSAL.search(span_lower(doc, (clause[1], sentence[1]))):
        return None  # "Kirche, Vereine, Treffs ist nichts für mich": the list is refused
    if MISSED.search(own) and not (re.search(r"\bwieder\b", span_lower(doc, sentence))
                                   and WISH.search(MISSED.sub(" ", span_lower(doc, sentence)))):
        return "used_before", None  # "das Niendorfer Gehege vermisse ich sehr"
    if WISH.search(own) or PLACE_WISH.search(own) or (
            WISH.search(lead) and not PRESENT_USE.search(own)):
        blocked = next((c for c in sentence_clauses if c[0] >= clause[1]
                        and not any(c[0] <= s_ < c[1] for s_ in starts)
                        and BUT_THE_PLACE.search(span_lower(doc, c)) and c[1] - c[0] >= 4
                        and not PERSONS_REASON.search(span_lower(doc, c))), None)
        if blocked is not None and not REFUSAL.search(own):
            return "barrier", blocked  # "…, aber in der Umkleide gucken die mich an"
        return "wishes", None
    if start > 0 and doc[start - 1].lower_ in {"einen", "einem", "eine", "einer"} and re.search(
            r"\bgerne?\b", own) and not PRESENT_USE.search(own) and not PAST.search(own):
        return "wishes", None  # "für einen Verein mache ich das gern": no place in use yet
    taken_up = _after(doc, sentence_clauses, clause, starts, ANAPHOR)
    wished_later = taken_up is not None and not any(end <= s < taken_up[0] for s in starts) and (
        _taken_up_as_wish(span_lower(doc, taken_up)))
    again_same = same_activity and PRONOUN_WISH.search(next_sentence) and re.search(
        r"\bwieder\b", next_sentence) and not REFUSAL.search(next_sentence)
    if wished_later or _taken_up_as_wish(next_sentence, again=True) or again_same:
        return "wishes", None  # "…, das würd ich gern probieren"; "Will ich wieder machen."
    if NEVER_THERE.search(span_lower(doc, (clause[0], sentence[1]))) and not WISH.search(own):
        return None  # "… angemeldet und bin dann nicht hingegangen", "war ich noch nie"
    perfect = PERFECT_PAST.search(after.strip()) or PERFECT_PAST.search(own.replace(" § ", " "))
    if PAST.search(own) or NO_LONGER.search(own) or PLACE_PAST.search(own) or (
            perfect and not LASTING.search(perfect.group(0))):
        now = _after(doc, sentence_clauses, clause, starts, NOW_THERE)
        if now is not None and not NOT_THERE.search(span_lower(doc, now)):
            return "uses", None  # "X war mein Revier, jetzt sitz ich da auf der Bank"
        return "used_before", None
    if not has_verb(doc, clause) and (PAST.search(lead) or (
            not has_verb(doc, sentence) and len(next_sentence.split()) <= 4
            and NO_LONGER.search(next_sentence))):
        return "used_before", None  # "Früher Fußball, Sportplatz. Jetzt nicht mehr."
    later = _after(doc, sentence_clauses, clause, starts, re.compile(
        r"\b(vorbei|aufgegeben|früher)\b|\b(jetzt|heute|seit\w*|inzwischen|mittlerweile)\b"
        r".*\bnicht mehr\b|\b(lange|ewig|ewigkeiten|jahre|jahren|schon) her\b"))
    if later is not None:
        return "used_before", None
    if NOT_THERE.search(own) and not PRESENT_USE.search(own):
        return None
    available = AVAILABLE.search(own) or AVAILABLE.search(lead)
    if available and not PRESENT_USE.search(own) and _taken_up_as_wish(next_sentence):
        return "wishes", None  # "Eine X-Gruppe soll es geben; daran hätte ich Interesse."
    if available and not PRESENT_USE.search(own):
        rest = span_lower(doc, (end, clause[1]))
        follow = _after(doc, sentence_clauses, clause, starts, FOLLOW_USE)
        usable = (follow is not None and not NOT_THERE.search(span_lower(doc, follow))) or (
            FOLLOW_USE.search(rest) and not NOT_THERE.search(rest))
        return ("uses", None) if usable else None
    if WISH.search(lead) or PLACE_WISH.search(lead):
        return "wishes", None
    return "uses", None


def _same_activity(doc: Doc, sentence: Span, following: Span) -> bool:
    """Both sentences have a verb with the same lemma ("gesungen" … "singen")."""
    def verbs(span: Span) -> set[str]:
        return {t.lemma_.lower() for t in doc[span[0]:span[1]]
                if t.is_alpha and t.lemma_.lower().endswith(("en", "ern", "eln"))
                and not t.is_title and t.lemma_.lower() != t.lower_ or (
                    t.is_alpha and t.lower_.endswith("en") and not t.is_title)}
    shared = verbs(sentence) & verbs(following)
    return bool(shared - {"haben", "sein", "werden", "gehen", "machen", "wollen", "mögen",
                          "möchten", "würden", "können"})


def _previous_sentence(doc: Doc, sentence: Span) -> str:
    """The sentence before, for a sentence without a verb ("… vielleicht kann ich einen
    Kurs geben. Im Stadtteilhaus oder so.")."""
    before = [s for s in sentences(doc) if s[1] <= sentence[0]]
    return span_lower(doc, before[-1]) if before else ""


def extract_places(doc: Doc, locations: list[tuple[int, Location]]) -> list[PlaceMention]:
    statements = sentences(doc)
    by_sentence = {s: clauses(doc, *s) for s in statements}
    all_clauses = [c for s in statements for c in by_sentence[s]]
    mentions = _place_mentions(doc)
    spans = [(start, end) for start, end, _, _ in mentions]
    found: list[PlaceMention] = []
    seen: set[tuple[str, str]] = set()
    for start, end, kind, label in mentions:
        if not any(a <= start < b for a, b in all_clauses):
            continue
        clause = span_containing(all_clauses, start)
        sentence = span_containing(statements, start)
        before_words = [t.lower_ for t in doc[max(sentence[0], start - 3):start]]
        after_words = [t for t in doc[end:min(sentence[1], end + 2)]]
        if after_words and after_words[0].lower_ in POSSESSIVES | {"meines", "meiner"} and any(
                t.ent_type_ == "relation" for t in after_words):
            continue  # "in der Schule meiner Tochter": someone else's place
        if FROM_WORDS & set(before_words) and any(
                t.ent_type_ == "relation" or t.text in ("Herr", "Frau", "Herrn")
                or t.lower_ in ("leute", "menschen", "freunde")
                for t in doc[max(sentence[0], start - 5):start]):
            continue  # "Herr Yilmaz vom Kiosk": where someone comes from
        if before_words[-1:] in (["eigenen"], ["eigene"], ["eigenes"]):
            continue  # "dreißig Jahre im eigenen Imbiss": the person's own business or home
        if set(before_words) & HOME_NEAR and HOME.search(span_lower(doc, sentence)):
            continue  # "Wohnung mit Blick auf die Alster", "nahe dem Friedhof": where one lives
        if end < sentence[1] and doc[end].lower_ in COMES and not any(
                t.lower_ in PLACE_PREPOSITIONS for t in doc[max(sentence[0], start - 2):start]):
            continue
        others = [s for s in spans if s != (start, end)]
        following = [s for s in statements if s[0] >= sentence[1]]
        next_sentence = span_lower(doc, following[0]) if following and not any(
            following[0][0] <= s < following[0][1] for s, _ in spans) else ""
        result = place_status(doc, start, end, clause, sentence, by_sentence[sentence], others,
                              next_sentence, bool(following) and _same_activity(
                                  doc, sentence, following[0]))
        if result is None:
            continue
        status, barrier_span = result
        words = doc[start:end].text
        if LANGUAGE_COURSE.fullmatch(words.lower()) and status != "wishes":
            continue
        if (kind, status) in seen:
            continue
        seen.add((kind, status))
        quarter = next((loc.quarter for index, loc in locations
                        if sentence[0] <= index < sentence[1] and loc.quarter), None)
        text_span = clause if barrier_span in (None, clause) else (clause[0], barrier_span[1])
        if status == "used_before" and (kind, "wishes") in seen:
            continue  # used before and wished again: a wish (the gold set's convention)
        if status == "wishes" and (kind, "used_before") in seen:
            found = [f for f in found if not (f.kind == kind and f.status == "used_before")]
        found.append(PlaceMention(
            kind=kind, label=label, status=status, words=words,
            text=span_text(doc, text_span), quarter=quarter,
            barrier=_barrier_words(doc, barrier_span) if barrier_span else None,
            span=char_span(doc, text_span)))
    return found
