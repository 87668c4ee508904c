"""Who is writing (issue 16, point 1): the person themself, the person with support, or
someone for the person (a relative, a legal guardian, a professional).

It is asked after consent, with buttons (question id `authorship`); a hint later in an
answer ("ich schreibe für meinen Sohn", "hier schreibt die Mutter von Emil") makes
the interview ask once "Schreiben Sie für eine andere Person?". When someone writes for
the person, the questions speak about the person by the name or word given, the answers
are the writer's view (`voice: writer`), and the person's own words, when given, are kept
apart (`voice: person`) and come first: the person's will comes first.

Where it is asked: with the three buttons just before the first guiding question (the
interview asks for whom or who supports when a button or such words come, then asks the
first question about the person). The onboarding form can ask it as a step of its own
after the language choice (slots `authorship`, `authorship_detail`) when
ASK_IN_ONBOARDING is on; it is off because every client and test that walks the
onboarding (consent, language, urgent) would meet one more required step.

Everything here is deterministic word reading; nothing is guessed beyond the words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.dialogue import Incoming, Turn, words
from bot.dialogue.slots import Slot
from bot.profile.items import WriterSide
from bot.storage.repository import AuthorshipView, Store

SELF, WITH_SUPPORT, ON_BEHALF = "self", "with_support", "on_behalf"
MODES = (SELF, WITH_SUPPORT, ON_BEHALF)
# ask who writes as an onboarding step of its own (see the module docstring)
ASK_IN_ONBOARDING = False
# the intents of the buttons (texts/chat.yml utter_offer_authorship and
# utter_ask_authorship) and the words of the buttons' titles, folded
INTENTS = {"authorship_self": SELF, "authorship_support": WITH_SUPPORT,
           "authorship_other": ON_BEHALF}
BUTTONS = {"ich schreibe selbst": SELF, "ich selbst": SELF,
           "ich schreibe mit unterstützung": WITH_SUPPORT,
           "ich mit unterstützung": WITH_SUPPORT, "jemand hilft mir": WITH_SUPPORT,
           "ich schreibe für eine andere person": ON_BEHALF,
           "für eine andere person": ON_BEHALF, "für einen anderen menschen": ON_BEHALF}
DETAIL_DONE = "done"
MAX_WORDS = 300
MAX_NAME = 60


@dataclass(frozen=True)
class Writer:
    """A writer's relation to the person, with the German forms the labels need."""

    label: str         # "Mutter"
    nominative: str    # "die Mutter"
    genitive: str      # "der Mutter"  ("Angaben der Mutter")
    dative: str        # "der Mutter"  ("von der Mutter bestätigt")
    relation: str      # the gazetteer's relation key (data/gazetteer/relations.yml)
    terms: tuple[str, ...]


def _w(label: str, article: str, relation: str, *terms: str, noun_gen: str | None = None,
       noun_dat: str | None = None) -> Writer:
    """A writer with article forms; `noun_gen`/`noun_dat`: the noun's own genitive or
    dative where it changes ("des Vaters", "dem Nachbarn")."""
    forms = {"f": ("die", "der", "der"), "m": ("der", "des", "dem"),
             "pl": ("die", "der", "den")}[article]
    return Writer(label, f"{forms[0]} {label}", f"{forms[1]} {noun_gen or label}",
                  f"{forms[2]} {noun_dat or label}", relation, terms or (label.casefold(),))


# the writer's relation to the person; the first matching term wins (longest first)
WRITERS: dict[str, Writer] = {
    "mother": _w("Mutter", "f", "mother", "mutter", "mama", "mami", "mutti"),
    "father": _w("Vater", "m", "father", "vater", "papa", "papi", "vati",
                 noun_gen="Vaters"),
    "parents": _w("Eltern", "pl", "parents", "eltern", "elternteil"),
    "sister": _w("Schwester", "f", "sister", "schwester"),
    "brother": _w("Bruder", "m", "brother", "bruder", noun_gen="Bruders"),
    "daughter": _w("Tochter", "f", "daughter", "tochter"),
    "son": _w("Sohn", "m", "son", "sohn", noun_gen="Sohnes"),
    "grandmother": _w("Großmutter", "f", "grandmother", "großmutter", "oma"),
    "grandfather": _w("Großvater", "m", "grandfather", "großvater", "opa",
                      noun_gen="Großvaters"),
    "aunt": _w("Tante", "f", "aunt", "tante"),
    "uncle": _w("Onkel", "m", "uncle", "onkel", noun_gen="Onkels"),
    "wife": _w("Ehefrau", "f", "wife", "ehefrau"),
    "husband": _w("Ehemann", "m", "husband", "ehemann", noun_gen="Ehemanns"),
    "partner_f": _w("Partnerin", "f", "partner", "partnerin", "lebensgefährtin"),
    "partner_m": _w("Partner", "m", "partner", "partner", "lebensgefährte",
                    noun_gen="Partners"),
    "legal_guardian_f": _w("rechtliche Betreuerin", "f", "legal_guardian",
                           "rechtliche betreuerin", "gesetzliche betreuerin"),
    "legal_guardian_m": _w("rechtliche Betreuer", "m", "legal_guardian",
                           "rechtliche betreuer", "rechtlicher betreuer",
                           "gesetzliche betreuer", "gesetzlicher betreuer"),
    "guardian_f": _w("Betreuerin", "f", "support_worker", "betreuerin"),
    "guardian_m": _w("Betreuer", "m", "support_worker", "betreuer", noun_gen="Betreuers"),
    "assistant": _w("Assistenz", "f", "assistant", "assistentin", "assistent", "assistenz"),
    "professional": _w("Fachkraft", "f", "social_worker", "fachkraft", "sozialarbeiterin",
                       "sozialarbeiter", "bezugsbetreuerin", "bezugsbetreuer"),
    "friend_f": _w("Freundin", "f", "friend", "freundin"),
    "friend_m": _w("Freund", "m", "friend", "freund", noun_gen="Freundes"),
    "neighbour_f": _w("Nachbarin", "f", "neighbour", "nachbarin"),
    "neighbour_m": _w("Nachbar", "m", "neighbour", "nachbar", noun_gen="Nachbarn",
                     noun_dat="Nachbarn"),
}
# a writer whose relation is not known: "Angaben der schreibenden Person"
UNKNOWN_WRITER = Writer("schreibende Person", "die schreibende Person",
                        "der schreibenden Person", "der schreibenden Person", "relatives", ())
# the legal guardian in words the rechtliche Betreuung uses, with "die/der" fixed
_WRITER_FIX = {"legal_guardian_m": ("der rechtliche Betreuer", "des rechtlichen Betreuers",
                                    "dem rechtlichen Betreuer"),
               "legal_guardian_f": ("die rechtliche Betreuerin", "der rechtlichen Betreuerin",
                                    "der rechtlichen Betreuerin")}
for _key, (_nom, _gen, _dat) in _WRITER_FIX.items():
    _old = WRITERS[_key]
    WRITERS[_key] = Writer(_old.label, _nom, _gen, _dat, _old.relation, _old.terms)

# the person as the writer names them ("für meinen Sohn"): the word and "Ihr"/"Ihre"
PERSON_WORDS = {
    "sohn": "Ihr Sohn", "tochter": "Ihre Tochter", "kind": "Ihr Kind",
    "bruder": "Ihr Bruder", "schwester": "Ihre Schwester", "mutter": "Ihre Mutter",
    "vater": "Ihr Vater", "mann": "Ihr Mann", "ehemann": "Ihr Mann", "frau": "Ihre Frau",
    "ehefrau": "Ihre Frau", "partner": "Ihr Partner", "partnerin": "Ihre Partnerin",
    "enkel": "Ihr Enkel", "enkelin": "Ihre Enkelin", "neffe": "Ihr Neffe",
    "nichte": "Ihre Nichte", "onkel": "Ihr Onkel", "tante": "Ihre Tante",
    "klient": "Ihr Klient", "klientin": "Ihre Klientin", "bewohner": "Ihr Bewohner",
    "bewohnerin": "Ihre Bewohnerin", "freund": "Ihr Freund", "freundin": "Ihre Freundin",
}
# who writes, read from whom they write for: a parent writes for a son or daughter
WRITER_OF_PERSON = {"sohn": "parents", "tochter": "parents", "kind": "parents",
                    "klient": "professional", "klientin": "professional",
                    "bewohner": "professional", "bewohnerin": "professional"}

_POSSESSIVE = r"(?:meinen|meine|meinem|meiner|mein|unseren|unsere|unserem|unser|den|die|dem)"
_TITLE = r"(?:Herrn|Herr|Frau)"
_NAME = r"(?:[A-ZÄÖÜ][\wäöüß-]*\.?)"
# "für meinen Sohn Emil", "für Emil", "für Herrn K.", "von Emil", "von meiner Tochter"
_FOR_PERSON = re.compile(
    rf"\b(?:für|von|über)\s+(?:(?P<poss>{_POSSESSIVE})\s+(?P<word>[\wäöüß]+)"
    rf"(?:\s+(?P<name1>(?!Und\b|Ich\b|Er\b|Sie\b){_NAME}))?"
    rf"|(?P<title>{_TITLE})\s+(?P<tname>{_NAME}(?:\s+{_NAME})?)"
    rf"|(?P<name2>(?!Mich\b|Ihn\b|Sie\b|Ihr\b|Eine\b|Einen\b|Jemand\w*\b|Andere\w*\b){_NAME}))",
)
_WRITER_TERM = "|".join(sorted({re.escape(t) for w in WRITERS.values() for t in w.terms},
                               key=len, reverse=True))
# "ich bin die Mutter", "ich als Mama", "hier schreibt die Mutter von Emil",
# "ich bin seine rechtliche Betreuerin"
_WRITER_SAYS = re.compile(
    rf"\b(?:ich\s+bin|ich\s+als|als|hier\s+schreibt|es\s+schreibt|schreibe\s+als)\s+"
    rf"(?:die|der|seine|ihre|sein|ihr|eine|ein)?\s*(?P<term>{_WRITER_TERM})\b",
    re.IGNORECASE)
# a hint later in the conversation that someone else writes
_CUE = re.compile(
    r"\b(?:ich\s+schreibe\s+(?:hier\s+)?(?:für|im\s+namen\s+von)|hier\s+schreibt|"
    r"es\s+schreibt|ich\s+bin\s+(?:die|der|seine|ihre|sein|ihr)\s+(?:rechtliche\s+|"
    r"gesetzliche\s+)?(?:betreuer(?:in)?|mutter|vater|mama|papa)\b|"
    r"ich\s+als\s+(?:mutter|mama|vater|papa|betreuer(?:in)?)\b)",
    re.IGNORECASE)
_ON_BEHALF = re.compile(
    r"\b(?:für\s+(?:eine?n?\s+)?(?:andere|anderen|jemand)|andere\s+person|im\s+namen|"
    r"für\s+" + _POSSESSIVE + r"\s|für\s+(?:herrn|frau)\s|angehörige|ich\s+bin\s+(?:die|der|"
    r"seine|ihre)\s|vertret|rechtliche|gesetzliche)",
    re.IGNORECASE)
_WITH_SUPPORT = re.compile(
    r"\b(?:unterstützung|unterstützt|hilft\s+mir|helfen\s+mir|mit\s+hilfe|zusammen\s+mit|"
    r"gemeinsam|neben\s+mir|mit\s+meine[rm]?\s|assistenz)", re.IGNORECASE)
_SELF = re.compile(r"\b(?:selbst|selber|für\s+mich|allein|alleine|nur\s+ich|ich\s+schreibe"
                   r"|ich\s+bin\s+es|^\s*ich\W*$)", re.IGNORECASE)


@dataclass(frozen=True)
class Detail:
    """What the words say about the writer and the person."""

    relation: str | None = None   # key of WRITERS
    name: str | None = None       # the person's name or the word for them ("Ihr Sohn")


def _von(dative: str) -> str:
    """ "von" with the dative ("von der Mutter", "vom Vater")."""
    return "vom " + dative[4:] if dative.startswith("dem ") else f"von {dative}"


def writer(key: str | None) -> Writer:
    return WRITERS.get(key or "", UNKNOWN_WRITER)


def _writer_key(term: str) -> str | None:
    folded = " ".join(term.casefold().split())
    for key, item in WRITERS.items():
        if folded in item.terms:
            return key
    return None


def read_detail(text: str) -> Detail:
    """The writer's relation and the person's name or word in `text`."""
    text = " ".join((text or "").split())
    relation = None
    said = _WRITER_SAYS.search(text)
    if said:
        relation = _writer_key(said.group("term"))
    name = None
    for found in _FOR_PERSON.finditer(text):
        if found.group("title"):
            title = "Herr" if found.group("title").startswith("Herr") else "Frau"
            name = f"{title} {found.group('tname')}"
        elif found.group("word"):
            word = found.group("word").casefold()
            # "für meinen Sohn Emil" → Emil; "für meinen Sohn" → "Ihr Sohn"
            name = found.group("name1") or PERSON_WORDS.get(word)
            if name and relation is None and word in WRITER_OF_PERSON:
                relation = WRITER_OF_PERSON[word]
        elif found.group("name2"):
            name = found.group("name2")
        if name:
            break
    if name is None:
        # "die Mutter von Emil": the name after the writer's word
        after = re.search(rf"\b(?:{_WRITER_TERM})\s+von\s+({_TITLE}\s+)?({_NAME})", text,
                          re.IGNORECASE)
        if after:
            name = f"{'Herr' if (after.group(1) or '').startswith('Herr') else 'Frau'} " \
                   f"{after.group(2)}" if after.group(1) else after.group(2)
    if name:
        name = name.rstrip(",;:")
        if name.endswith(".") and len(name.split()[-1]) > 2:
            name = name[:-1]          # the sentence's end, not an initial ("Herr K.")
        name = name[:MAX_NAME]
    return Detail(relation, name)


def read_mode(text: str) -> str | None:
    """The answer to "Wer schreibt hier?" in words or a button's words; None if unclear."""
    if not words.is_typed(text):
        return None
    if _ON_BEHALF.search(text) or _CUE.search(text):
        return ON_BEHALF
    if _WITH_SUPPORT.search(text):
        return WITH_SUPPORT
    if _SELF.search(text):
        return SELF
    return None


def button_choice(text: str, intent: str | None = None) -> str | None:
    """The mode when the message is one of the buttons (its payload, or its title typed);
    None for other words, whatever the NLU made of them (those are read by their
    words: `read_mode`, `cue`)."""
    if (text or "").startswith("/"):
        return INTENTS.get(intent or "") or INTENTS.get(text[1:].strip())
    folded = " ".join(re.sub(r"[.!,\s]+", " ", (text or "").casefold()).split())
    return BUTTONS.get(folded)


def cue(text: str) -> Detail | None:
    """A hint in an answer that someone else writes for the person, or None."""
    if not _CUE.search(text or ""):
        return None
    return read_detail(text)


def answer_beside_cue(text: str) -> str | None:
    """The answer in a message that also says who writes: the message itself when more
    than the hint is there, None when it only says who writes."""
    rest = text
    for sentence in words.sentences(text):
        if _CUE.search(sentence):
            rest = rest.replace(sentence, " ")
    return text if words.content_words(rest) else None


# --- names and labels ---------------------------------------------------------------------

def person_name(authorship: AuthorshipView | None) -> str:
    """How the questions name the person: the name or word given, else "die Person"."""
    if authorship is not None and authorship.name:
        return authorship.name
    return "die Person"


def capitalized(name: str) -> str:
    return name[:1].upper() + name[1:]


def voice_label(authorship: AuthorshipView | None, voice: str, easy: bool) -> str | None:
    """Whose words an answer is, as a label ("Angaben der Mutter", "Angaben von Emil
    selbst"); None when the person writes themself (every answer is theirs)."""
    if authorship is None or authorship.mode != ON_BEHALF:
        return None
    name = capitalized(person_name(authorship))
    if voice == "person":
        return f"Das sagt {name} selbst" if easy else f"Angaben von {name} selbst"
    who = writer(authorship.relation)
    if easy:
        return f"Das schreibt {who.nominative}"
    return f"Angaben {who.genitive}"


def confirmed_label(authorship: AuthorshipView | None, easy: bool) -> str | None:
    """The legend of a confirmation mark when someone else confirmed for the person
    ("von der Mutter bestätigt"); None when the person confirmed themself."""
    if authorship is None or authorship.mode != ON_BEHALF:
        return None
    who = writer(authorship.relation)
    if easy:
        return f"Das hat {who.nominative} bestätigt."
    return f"{_von(who.dative)} bestätigt"


def from_profile(document: dict | None) -> AuthorshipView:
    """The authorship of a profile document (its `relation` is the writer's label)."""
    item = document or {}
    relation = item.get("relation")
    key = next((k for k, w in WRITERS.items() if w.label == relation), relation)
    return AuthorshipView(item.get("mode") or SELF, key, item.get("name"), item.get("words"))


def writer_side(authorship: AuthorshipView) -> WriterSide | None:
    """Who the writer is to the person, for the extraction's writer rule; None when the
    person writes themself."""
    if authorship.mode != ON_BEHALF:
        return None
    who = writer(authorship.relation)
    return WriterSide(who.relation, who.label)


def legend_texts(authorship: AuthorshipView, easy: bool) -> dict[str, str]:
    """The export's texts about confirmations when someone else wrote and confirmed for
    the person ("von der Mutter bestätigt"), and the line that says who wrote; empty when
    the person wrote themself."""
    if authorship.mode != ON_BEHALF:
        return {}
    who = writer(authorship.relation)
    name = capitalized(person_name(authorship))
    if easy:
        return {"legend_confirmed": confirmed_label(authorship, easy),
                "legend_corrected": f"Das hat {who.nominative} verbessert.",
                "footer_confirmed": f"Punkte mit ✓ hat {who.nominative} bestätigt. "
                                    "Punkte mit ○ sind noch nicht bestätigt.",
                "written_by": "Geschrieben hat",
                "written_by_value": f"{capitalized(who.nominative)} für {name}."}
    return {"legend_confirmed": confirmed_label(authorship, easy),
            "legend_corrected": f"{_von(who.dative)} korrigiert",
            "footer_confirmed": f"Die mit ✓ markierten Punkte hat {who.nominative} im "
                                f"Gespräch bestätigt, nicht {name} selbst; Punkte mit ○ "
                                "sind (noch) nicht bestätigt.",
            "written_by": "Geschrieben von",
            "written_by_value": f"{who.label} – für {name}"}


def authorship_line(authorship: AuthorshipView) -> str | None:
    """Who wrote, in one line for the staff console; None when the person wrote alone."""
    if authorship.mode == ON_BEHALF:
        return (f"Geschrieben {_von(writer(authorship.relation).dative)} für "
                f"{person_name(authorship)} – die Angaben sind die Sicht "
                f"{writer(authorship.relation).genitive}, nicht die eigenen Worte der Person.")
    if authorship.mode == WITH_SUPPORT:
        who = f" ({WRITERS[authorship.relation].label})" if authorship.relation in WRITERS \
            else ""
        return f"Die Person hat mit Unterstützung geschrieben{who}."
    return None


def as_profile(authorship: AuthorshipView) -> dict:
    """The profile's `authorship` (schema version 2)."""
    return {"mode": authorship.mode,
            "relation": writer(authorship.relation).label if authorship.mode == ON_BEHALF
            and authorship.relation else authorship.relation,
            "words": authorship.words,
            "name": authorship.name if authorship.mode == ON_BEHALF else None}


# --- the onboarding step ------------------------------------------------------------------

# global intents that are a request of their own even at this question: the rules answer
OWN_REQUESTS = frozenset({"delete_data", "confirm_delete", "cancel_delete", "pause", "help",
                          "faq", "show_profile", "easy_language_on", "easy_language_off",
                          "goodbye", "human_handoff", "bot_challenge", "urgent_need",
                          "budget_calculation", "resume", "request_callback"})


def choose(store: Store, sender_id: str, value: str, message: Incoming,
           consent: bool | None) -> Turn:
    """The person's reply to "Wer schreibt hier?" (slot `authorship`)."""
    if value in MODES:
        return Turn(slots={Slot.AUTHORSHIP: value})
    text = message.text or str(value)
    mode = button_choice(text, message.intent) or read_mode(text)
    if mode is None:
        if message.intent in OWN_REQUESTS:
            return Turn(slots={Slot.AUTHORSHIP: None}, reject=True)
        return Turn(slots={Slot.AUTHORSHIP: None}).say("utter_authorship_unclear")
    slots: dict = {Slot.AUTHORSHIP: mode}
    detail = read_detail(text) if mode == ON_BEHALF else Detail()
    if consent:
        store.set_authorship(sender_id, mode, relation=detail.relation, name=detail.name,
                             words=_kept(text) if detail.name or detail.relation else None)
    if mode == SELF:
        slots[Slot.AUTHORSHIP_DETAIL] = DETAIL_DONE
        return Turn(slots=slots)
    if mode == ON_BEHALF and detail.name:
        # "Ich schreibe für meinen Sohn Emil": nothing more to ask
        slots[Slot.AUTHORSHIP_DETAIL] = DETAIL_DONE
        return Turn(slots=slots).then(on_behalf_noted(detail))
    return Turn(slots=slots)


def _kept(text: str) -> str:
    return " ".join(text.split())[:MAX_WORDS]


def on_behalf_noted(detail: Detail) -> Turn:
    """ "Danke. Ich frage jetzt, was Emil möchte. …" """
    name = detail.name or "die Person"
    return Turn().say("utter_authorship_on_behalf_noted", name=name,
                      Name=capitalized(name))


def detail(store: Store, sender_id: str, mode: str | None, value: str, message: Incoming,
           consent: bool | None) -> Turn:
    """The reply to "Wer unterstützt Sie?" or "Für wen schreiben Sie …?"."""
    text = message.text or str(value)
    if value == DETAIL_DONE:
        return Turn(slots={Slot.AUTHORSHIP_DETAIL: DETAIL_DONE})
    if message.intent in OWN_REQUESTS and not _FOR_PERSON.search(text) \
            and not _WRITER_SAYS.search(text):
        return Turn(slots={Slot.AUTHORSHIP_DETAIL: None}, reject=True)
    given = words.is_typed(text) and not words.is_non_answer(text)
    said = read_detail(text) if given else Detail()
    turn = Turn(slots={Slot.AUTHORSHIP_DETAIL: DETAIL_DONE})
    if mode == WITH_SUPPORT:
        supporter = said.relation
        if supporter is None and given:
            term = re.search(rf"\b({_WRITER_TERM})\b", text, re.IGNORECASE)
            supporter = _writer_key(term.group(1)) if term else None
        if consent:
            store.set_authorship(sender_id, WITH_SUPPORT, relation=supporter,
                                 words=_kept(text) if given else None)
        return turn.say("utter_authorship_with_support_noted")
    if consent:
        store.set_authorship(sender_id, ON_BEHALF, relation=said.relation, name=said.name,
                             words=_kept(text) if given else None)
    return turn.then(on_behalf_noted(said))
