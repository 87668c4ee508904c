"""Statements in the person's words, sorted by the question they answer: will
(important / change / goal), what the person can do themself (ability) or finds hard
(limitation), being there for others. Help by professionals is read per help named
(professional.py).

Abilities and limitations are read clause by clause ("kochen kann ich, aber putzen nicht"
gives one of each): negation, "nicht mehr", "schwer" or needing help make a limitation; a
clause that only says what someone else does ("meine Mutter macht alles für mich"), what
the person wishes, or which aid they have, is no statement about their own abilities.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from spacy.tokens import Doc

from bot.extraction.clauses import (
    COORDINATORS,
    NEGATING_DETERMINERS,
    POSSESSIVES,
    RELATIVES,
    SUBORDINATORS,
    Span,
    char_span,
    clauses,
    sentences,
    span_lower,
    span_text,
    statement_spans,
    trim,
)
from bot.extraction.cues import NEGATION as ANY_NEGATION
from bot.extraction.cues import NO_LONGER, PAST, POSITIVE_NEGATION, WISH
from bot.extraction.results import AidMention, Statement
from bot.extraction.starts import parse_start

START_FILLERS = {"am", "liebsten", "gern", "gerne", "und", "schon", "bitte", "also", "möglichst",
                 "dann", "aber", "ja", "das", "wäre", "gut", "schön", "toll"}
CHANGE_CUES = re.compile(
    r"\b(ändern|änderung|nicht mehr|raus aus|weg (von|aus)|weniger|endlich|anders|aufhören|"
    r"keine lust mehr|stört|satt|statt|halte es .{0,30}nicht)\b")
GOAL_CUES = re.compile(
    r"\b(will|wollen|möchte|möchten|würde (ich )?gerne?|wünsche (ich )?mir|hätte (ich )?gerne?|"
    r"mein ziel|ziel ist|plane|träume|traum|anfangen|beginnen|vor,)\b")
LIMITATION_CUES = re.compile(
    r"\b(schwer|schwierig|schlecht|kaum|mühsam|anstrengend|probleme?|angst|panik|"
    r"nur (mit|noch mit) (jemandem|begleitung|hilfe|unterstützung)|"
    r"(brauche|brauch|nur mit|mit|ohne) (\w+ )?(hilfe|unterstützung)|hilfe (beim|bei)|"
    r"(hilft|helfen|unterstützt) (\w+ )?(mir|mich)|(mir|mich) (\w+ ){0,3}(hilft|helfen)|"
    r"überfordert|zu viel|vergesse|vergess|"
    r"unsicher|keine kraft|schmerz\w*|weh|brauche jemanden|muss mir jemand|mit jemandem|"
    r"zitter\w*|steif|gelähmt|lahm|außer|unmöglich|nicht möglich|"
    r"erinnert werden|brauch\w* (ich )?(wen|wem|jemand\w*)|"
    r"brauche? (\w+ ){0,5}(assistenz|hilfe|pflege|unterstützung|jemand\w*)|"
    r"(wird|werden) (mir |ihm |ihr )?(\w+ )?(angereicht|gemacht|erledigt|übernommen|"
    r"abgenommen|gebracht|gekocht|geputzt)|"
    # "klappt null", "Unterstützung benötigt sie beim …", "wird's nach 200 Metern eng",
    # "mit einer Mobilitätstrainerin erarbeiten", "haben wir ihr ausgeredet"
    r"(klappt|geht|läuft) null|benötig\w* (\w+ ){0,2}(hilfe|unterstützung)|"
    r"(hilfe|unterstützung) (benötig\w*|brauch\w*)|(wird|wird's|wirds) (\w+ ){0,4}eng|"
    r"mit (einer|einem|der|dem|meiner|meinem) \w*(trainer\w*|helfer\w*|assistent\w*|"
    r"begleiter\w*)|ausgeredet|aufgegeben|"
    # "kann ich vergessen", "hör ich null", "das Schwierigste", "nur 100 Meter"
    r"kann (ich |er |sie |man )?vergessen|(ich|er|sie|man) (\w+ )?null|schwierigste\w*|"
    r"schwerste\w*|am schwersten|am schwierigsten|nur (noch )?(\d+|ein paar|wenige|kurze) "
    r"(meter|minuten|schritte|stufen|stunden?)|"
    # "lesen dauert ewig", "Telefonieren vermeide ich", "Laufen nur kurz", "muss zuschauen",
    # "Post, Rechnungen – eine Katastrophe"
    r"dauert (\w+ ){0,3}(ewig|ewigkeiten|sehr lange|so lange)|vermeide\w*|nur (noch )?kurz|"
    r"(zuschauen|zugucken|zusehen)|katastrophe|albtraum|alptraum)\b")
# "darf ich nicht schwer belasten": what the person must not do (before "nicht schwer" is
# read as "not hard")
MUST_NOT = re.compile(r"\b(darf|dürfen|soll|sollte) (ich |er |sie |man )?(\w+ ){0,3}(nicht|nich|"
                      r"kein\w*)\b")
# "… traut sie sich aber nicht mehr": a contrast word before a bare negation does not cut
BARE_NEGATION = {"nicht", "nich", "mehr", "nie", "kaum", "so", "richtig", "wirklich", "gar",
                 "leider", "eher"}
ABILITY_CUES = re.compile(
    r"\b(kann|könnte|kan|schaffe|schaff|klappt|geht|gehen|mache|mach|erledige|allein|alleine|"
    r"selbst|selber|gut|gern|gerne|wieder|noch|selbstständig|selbständig|besser|"
    r"in der lage)\b|\bschon\W*$")
BACK_REFERENCE = {"das", "dies", "beides", "alles", "die", "sowas", "so", "da", "dabei"}
# clauses that are not about what the person can do: purpose, reasons for a wish
NOT_PERSONAL_START = {"damit", "um", "falls", "bevor", "sodass", "ob"}
CONTRAST = {"aber", "sondern", "doch", "jedoch", "nur", "außer"}
UNSURE = re.compile(r"\b(wei(ß|ss) (ich )?(nicht|nich)|keine ahnung|unsicher|k\.?\s?a\.?)\b")
HAVE_VERBS = {"habe", "hab", "hat", "haben", "nutze", "benutze", "besitze", "verwende", "auch",
              "noch", "einen", "eine", "ein", "ich", "zuhause", "seit", "jahren", "schon",
              "und", "außerdem", "zu", "hause", "dazu", "trage", "immer", "den", "die", "das",
              *POSSESSIVES}
OTHER_PERSON_VERBS = re.compile(
    r"\b(macht|machen|erledigt|erledigen|übernimmt|übernehmen|hilft|helfen|kocht|kochen|"
    r"putzt|fährt|bringt|kauft|kümmert|unterstützt|liest|schreibt|begleitet|geht)\b")


def _only_start(text: str, start: str) -> bool:
    rest = text.lower().replace(start.lower(), " ")
    return all(w in START_FILLERS for w in re.findall(r"\w+", rest))


def _living_kind(lowered: str, has_start: bool) -> str:
    if has_start:
        return "goal"
    if CHANGE_CUES.search(lowered):
        return "change"
    if GOAL_CUES.search(lowered):
        return "goal"
    return "important"


# "Hilfe beim Duschen brauche ich nicht mehr": something the person no longer needs
NO_LONGER_NEEDED = re.compile(
    r"\b(brauch\w*|benötig\w*) (ich|er|sie) (\w+ ){0,2}nicht mehr\b|"
    r"\bnicht mehr (nötig|gebraucht)\b")
# "Den brauche ich nicht mehr": about an aid or help named before, not an ability
PRONOUN_NOT_NEEDED = re.compile(
    r"(den|die|das|ihn|sie|es|dies\w*)( \w+)? (brauch\w*|benötig\w*) (ich|er|sie)"
    r"( \w+)? nicht mehr[ .!]*")


# a condition that says the person needs someone for it
HELP_CONDITION = re.compile(
    r"\b(wenn|sobald|solange) (man|jemand|wer|einer|eine) (\w+ ){0,3}(erinnert|hilft|begleitet|"
    r"dabei ist|mitkommt|mitgeht|daneben steht|anleitet)\b|"
    r"\b(wenn|sobald|solange) man (ihm|ihr|mir|ihn|sie|mich)\b|"
    # "Essen kann ich, wenn mir jemand das Besteck in die Hand gibt"
    r"\b(wenn|sobald|solange) (mir|ihm|ihr|uns) (jemand|einer|eine|wer|man)\b|"
    r"\bnur mit (hilfe|begleitung|unterstützung|jemandem)\b")


def polarity(lowered: str) -> str | None:
    """limitation | ability | None (no cue) for the words of one clause."""
    if NO_LONGER_NEEDED.search(lowered) and not re.search(r"\b(schwer|kaum|schlecht)\b",
                                                          lowered):
        return "ability"
    if MUST_NOT.search(lowered):
        return "limitation"
    cleaned = POSITIVE_NEGATION.sub(" ", lowered)
    if re.search(r"\b(nein|nee|nö|no)\W*$", cleaned):
        return "limitation"  # "laufen. nein.": the answer to "can you?" is no
    if ANY_NEGATION.search(cleaned) or LIMITATION_CUES.search(cleaned) or (
            HELP_CONDITION.search(cleaned)):
        if re.search(r"\bohne\b", cleaned) and not re.search(
                r"\b(nicht|nichts|nie|kein\w*|kaum|schwer|schlecht|unmöglich)\b", cleaned):
            return "ability"  # "ohne Rollator gehe ich zum Bäcker"
        return "limitation"
    if ABILITY_CUES.search(cleaned) or cleaned != lowered or re.search(
            r"\b(ja|jo|yes|klar)\W*$", cleaned):
        return "ability"  # "… türkisch lesen ja"
    return None


def _back_reference(doc: Doc, unit: Span) -> bool:
    """"das schaffe ich", "das geht nicht mehr", "das ja": says something about the
    clause before."""
    return doc[unit[0]].lower_ in BACK_REFERENCE and unit[1] - unit[0] <= 5


def _personal_units(doc: Doc) -> list[tuple[Span, list[Span]]]:
    """Clauses per sentence, cut once more before "aber/sondern/nur …": in "kochen kann
    ich aber putzen nicht" the two halves say different things."""
    result = []
    for sentence in sentences(doc):
        units: list[Span] = []
        for start, end in clauses(doc, *sentence):
            if WISH.search(span_lower(doc, (start, end))) and not re.search(
                    r"\b(kann|schaffe|mache)\b", span_lower(doc, (start, end))):
                units.append((start, end))  # a wish stays whole; it is left out below
                continue
            # not at "nur": "Briefe lesen geht nur mit Hilfe" is one statement
            cuts = [start] + [i for i in range(start + 1, end)
                              if doc[i].lower_ in CONTRAST - {"nur"}
                              and doc[i - 1].lower_ not in {"nicht", "auch"}
                              and not all(t.lower_ in BARE_NEGATION or t.is_punct
                                          for t in doc[i + 1:end])] + [end]
            units += [trim(doc, a, b) for a, b in zip(cuts, cuts[1:], strict=False)]
        result.append((sentence, [u for u in units if u[0] < u[1]]))
    return result


def _someone_else_does_it(doc: Doc, span: Span) -> bool:
    """"Meine Mutter macht alles für mich", "mein Sohn hilft mir mit Briefen": the clause
    is about another person's doing, not the person's own."""
    tokens = doc[span[0]:span[1]]
    if any(t.lower_ == "ich" for t in tokens):
        return False
    has_relation = any(t.ent_type_ == "relation" for t in tokens)
    return has_relation and bool(OTHER_PERSON_VERBS.search(span_lower(doc, span)))


def _only_about_aids(doc: Doc, span: Span, aids: list[AidMention]) -> bool:
    """"Ich habe einen Rollator", "wenn ich den Duschstuhl habe": the aid item says it."""
    tokens = doc[span[0]:span[1]]
    words = [t.lower_ for t in tokens if t.is_alpha and t.ent_type_ != "aid"]
    for n, token in enumerate(tokens[:-1]):
        if (token.ent_type_ == "aid" or any(token.lower_ == a.words.lower() for a in aids)) and (
                tokens[n + 1].lower_ == "mit"):
            # "Ich trage Kopfhörer mit Geräuschunterdrückung": the rest names the aid
            words = [t.lower_ for t in tokens[:n] if t.is_alpha and t.ent_type_ != "aid"]
            break
    has_aid = any(t.ent_type_ == "aid" for t in tokens) or any(
        a.words.lower() in span_lower(doc, span) for a in aids)
    return has_aid and all(w in HAVE_VERBS or w in COORDINATORS or w in NEGATING_DETERMINERS
                           or w in {"wenn", "weil", "mit"} for w in words)


# "ohne die schaffe ich keine Busfahrt", "ohne Rollator geht nichts": a double negation
WITHOUT_NOT = re.compile(r"\bohne (?P<what>(\S+ ){1,3}?)(schaffe|schaff|kann|geht|gehen|komme|"
                         r"klappt|mache|mach)\b.*\b(kein\w*|nicht|nich|nichts|nie)\b")
AID_PRONOUNS = {"die", "den", "das", "ihn", "sie", "es", "diese", "dieses", "diesen", "dem"}


def _done_with_aid(doc: Doc, unit: Span, sentence: Span, aids: list[AidMention]) -> bool:
    """"Ich trage Kopfhörer, ohne die schaffe ich keine Busfahrt": the person does it with
    the aid (an ability, the gold set's convention); "Schlafen geht nicht ohne Tabletten"
    (no aid) and "nicht ohne Begleitung" (a person) stay limitations."""
    match = WITHOUT_NOT.search(span_lower(doc, unit))
    if not match:
        return False
    what = match.group("what").split()
    aid_words = {w for a in aids for w in a.words.lower().split()}
    if set(what) & aid_words:
        return True
    before = span_lower(doc, (sentence[0], unit[0]))
    return bool(what) and what[0] in AID_PRONOUNS and len(what) == 1 and any(
        w in before.split() for w in aid_words)


DASHES = {"–", "—", "-"}
# a word that says by itself whether the person can do it ("kann", "nicht", "schaffe")
OWN_VERDICT = re.compile(r"\b(kann|kan|könnte|schaffe|schaff|klappt|mache|mach|gut|gern|gerne|"
                         r"nicht|nich|kein\w*|nie|kaum|schwer|schwierig)\b")


def _verdict_after_dash(doc: Doc, sentence: Span, keep: list[Span],
                        kinds: list[str | None]) -> None:
    """"Post öffnen, Rechnungen, Termine – eine Katastrophe", "Einkaufen, Bus fahren, zum Arzt
    gehen – geht nicht alleine": a list before a dash takes the verdict after it (a word
    like "gehen" in the list names the activity; it does not say that it works)."""
    dashes = [i for i in range(sentence[0], sentence[1]) if doc[i].text in DASHES
              and (doc[i].text != "-" or doc[i].whitespace_)]
    for dash in dashes:
        after = next((n for n, unit in enumerate(keep) if unit[0] > dash), None)
        if after is None or kinds[after] is None or len(
                re.findall(r"\w+", span_lower(doc, keep[after]))) > 6:
            continue
        for n, unit in enumerate(keep[:after]):
            if unit[1] <= dash and not OWN_VERDICT.search(span_lower(doc, unit)) and not any(
                    doc[i].text in {":", ".", "!", "?"} for i in range(unit[1], dash)):
                kinds[n] = kinds[after]


def personal_statements(doc: Doc, aids: list[AidMention]) -> list[Statement]:
    result: list[Statement] = []
    wished_aids = {a.words.lower() for a in aids if a.status != "used"}
    for sentence, units in _personal_units(doc):
        if sentence[1] < len(doc) and doc[sentence[1]].text == "?":
            continue  # a question to the assistant, not an answer
        kinds: list[str | None] = []
        keep: list[Span] = []
        short: int | None = None
        for unit in units:
            lowered = span_lower(doc, unit)
            first = doc[unit[0]].lower_
            if keep and unit[0] == keep[-1][1] + 1 and doc[keep[-1][1]].text == ":" and len(
                    re.findall(r"\w+", lowered)) <= 6:
                # "Neue Wege allein: unmöglich ohne Begleitung": the verdict after the colon
                keep[-1] = (keep[-1][0], unit[1])
                kinds[-1] = polarity(lowered) or kinds[-1]
                continue
            # "…, die Knöpfe am Herd erkenne ich schlecht": an article before a noun starts
            # a clause of its own, not a relative clause
            article = first in {"der", "die", "das", "den", "dem"} and unit[1] - unit[0] > 2 and (
                doc[unit[0] + 1].is_title)
            if keep and (first in SUBORDINATORS - {"weil", "obwohl"} or not article and (
                    first in RELATIVES - {"er", "sie"} | {"was", "wo"}
                    or _back_reference(doc, unit))):
                # "…, wenn der Haltegriff da ist", "…, das schaffe ich": part of the one before
                kind = polarity(lowered) if _back_reference(doc, unit) else None
                keep[-1] = (keep[-1][0], unit[1])
                if kind is None and HELP_CONDITION.search(lowered):
                    # "Holger kann sich waschen, wenn man ihn erinnert": only with someone
                    kinds[-1] = "limitation"
                    continue
                if kind is None and kinds[-1] is None:
                    # "jetzt komme ich | damit kaum noch raus": the clause cut off at an
                    # ambiguous word ("damit") says it together with the one before
                    kinds[-1] = polarity(span_lower(doc, keep[-1]))
                    continue
                # "Fenster putzen und die schweren Sachen, das geht nicht mehr": the words
                # before without a cue of their own take this one
                n = len(kinds) - 1
                while kind and n >= 0 and kinds[n] is None:
                    kinds[n] = kind
                    n -= 1
                continue
            if len(re.findall(r"\w{3,}", lowered)) < 1 and not UNSURE.search(lowered):
                short = unit[0] if short is None else short  # "b, aber richtig": one statement
                continue
            if short is not None:
                unit, short = (short, unit[1]), None
                lowered = span_lower(doc, unit)
            if (first in NOT_PERSONAL_START or UNSURE.search(lowered)
                    or any(w in lowered for w in wished_aids)
                    or (WISH.search(lowered) and not re.search(r"\b(kann|schaffe|mache)\b",
                                                               lowered))
                    or (PAST.search(lowered) and not NO_LONGER.search(lowered))
                    or _someone_else_does_it(doc, unit) or _only_about_aids(doc, unit, aids)
                    or PRONOUN_NOT_NEEDED.fullmatch(lowered.strip())
                    or len(re.findall(r"\w{3,}", lowered)) < 1):
                continue
            keep.append(unit)
            kinds.append("ability" if _done_with_aid(doc, unit, sentence, aids)
                         else polarity(lowered))
        _verdict_after_dash(doc, sentence, keep, kinds)
        for n, unit in enumerate(keep):
            kind = kinds[n]
            if kind is None:
                # "Treppen steigen, Einkaufen tragen – das geht nicht mehr"
                after = next(((k, keep[m]) for m, k in enumerate(kinds) if m > n and k), None)
                before = next((k for k in reversed(kinds[:n]) if k), None)
                if after and (doc[after[1][0]].lower_ in BACK_REFERENCE
                              or doc[unit[0]].lower_ in CONTRAST):
                    kind = after[0]
                elif doc[unit[0]].lower_ in CONTRAST and before:
                    # "Kochen kann ich, aber Fenster putzen": the contrast says the opposite
                    kind = "limitation" if before == "ability" else "ability"
                else:
                    kind = before or (after[0] if after else "ability")
            result.append(Statement(kind, span_text(doc, unit), span=char_span(doc, unit)))
    return result


EXPLICIT_PERSONAL = re.compile(r"\b(kann|kan|könnte|schaffe|schaff|klappt|fällt mir|"
                               r"bin gut|gut in|nicht mehr|kaum noch)\b")


def extract_statements(doc: Doc, question_id: str, today: date,
                       aids: list[AidMention]) -> list[Statement]:
    if question_id == "self":
        return personal_statements(doc, aids)
    result: list[Statement] = []
    if question_id not in ("living",):
        # what the person says they can or cannot do, also when asked about something else
        # ("Ich kann übersetzen für andere Familien"); only with words that say so
        result = [s for s in personal_statements(doc, aids)
                  if EXPLICIT_PERSONAL.search(s.text.lower())]
    if question_id not in ("living", "contribution"):
        return result
    pending: tuple[str, str | None] | None = None  # "Wenn ich 18 bin, will ich …"
    for span in statement_spans(doc):
        text = span_text(doc, span)
        lowered = text.lower()
        if not text:
            continue
        if question_id == "living":
            start = parse_start(text, today) or pending
            if pending is None and start and _only_start(text, start[0]) and not result:
                pending = start
                continue
            pending = None
            if start and _only_start(text, start[0]) and result:
                # "Am liebsten ab Sommer." belongs to the wish before it
                previous = result[-1]
                result[-1] = Statement("goal", previous.text, start[0], start[1],
                                       span=previous.span)
                continue
            kind = _living_kind(lowered, start is not None)
            if kind == "goal":
                result.append(Statement(kind, text, *(start or (None, None)),
                                        span=char_span(doc, span)))
            else:
                result.append(Statement(kind, text, span=char_span(doc, span)))
        else:
            # a wish to be there for others may say when ("…, sondern erst im nächsten
            # Jahr"); a sentence that only says when belongs to the wish before it
            start = parse_start(text, today)
            if start and _only_start(text, start[0]) and result and (
                    result[-1].kind == "contribution"):
                previous = result[-1]
                result[-1] = replace(previous, start=start[0], start_date=start[1])
                continue
            start = start if WISH.search(lowered) else None
            result.append(Statement("contribution", text, *(start or (None, None)),
                                    span=char_span(doc, span)))
    return result
