"""Short read-back sentences for structured items, in both registers.

The sentences come from texts/readback.yml; the person's words are turned to "Sie"
("Meine Schwester hilft mir beim Einkaufen" → "Ihre Schwester hilft Ihnen beim Einkaufen")
so the bot can say back what it understood. Only the spoken sentence changes: the stored
words stay as they were given.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from spacy.lang.de.stop_words import STOP_WORDS

from bot import texts
from bot.dialogue import quote
from bot.extraction import SUBORDINATORS, clauses, is_verb_like, sentences
from bot.nlp.pipeline import load_pipeline
from bot.profile.items import Item
from bot.yaml_file import load_yaml

# the grammar of turning "ich" into "Sie" (the sentences themselves are in texts/readback.yml)
GRAMMAR_FILE = Path(__file__).with_name("second_person.yml")


@lru_cache(maxsize=1)
def _grammar() -> dict:
    return load_yaml(GRAMMAR_FILE)


def template(name: str, easy: bool, about: str | None = None) -> str:
    """The sentence `name` in the register; `about`: the person's name when someone writes
    for them (issue 16), for the sentences that speak about the person."""
    if about is not None and name in texts.load("readback")["about_person"]:
        text = texts.text("readback", f"about_person.{name}", easy)
        text = text.replace("{name}", about.replace("{", "{{").replace("}", "}}"))
        return text[:1].upper() + text[1:]        # "die Person wohnt …" starts a sentence
    return texts.text("readback", f"templates.{name}", easy)


def _verb_form(token, table: dict[str, str], verb_position: bool) -> str | None:
    """The "Sie" form of a first-person verb. `verb_position`: next to "ich" or at the
    end of a subordinate clause, where a word ending in -e is the verb ("dass ich selbst
    entscheide") even when the lookup table does not know it."""
    lower = token.lower_
    if lower in table:
        form = table[lower]
    elif lower in _grammar()["not_verbs"] or not token.is_alpha:
        return None
    elif lower.endswith("e") and (token.lemma_.lower() == lower + "n" or (
            verb_position and not token.is_title)):
        form = lower + "n"  # gehe → gehen
    elif lower.endswith("te") and is_verb_like(token):
        form = lower + "n"  # wohnte → wohnten
    else:
        return None
    return form[:1].upper() + form[1:] if token.text[:1].isupper() else form


def to_second_person(text: str) -> str:
    """The person's words as the bot says them back: ich → Sie, mir → Ihnen,
    mein → Ihr, and in clauses with "ich" the verb in the "Sie" form."""
    rules = _grammar()["second_person"]
    doc = load_pipeline()(text)
    replaced: dict[int, str] = {}
    for sentence in sentences(doc):
        before_had_ich = False
        for start, end in clauses(doc, *sentence):
            has_ich = any(t.lower_ == "ich" for t in doc[start:end])
            # "ich kann lesen | und koche selbst": the clause goes on with the "ich" before it
            speaks_as_ich = has_ich or before_had_ich
            before_had_ich = has_ich or (before_had_ich and end - start > 1 and bool(
                _coordinated_verb(doc[start + 1], rules["verbs"])))
            subordinate = doc[start].lower_ in SUBORDINATORS
            for token in doc[start:end]:
                verb_position = (token.i == end - 1 and subordinate) or any(
                    0 < abs(token.i - other.i) <= 1 and other.lower_ == "ich"
                    for other in doc[max(start, token.i - 1):min(end, token.i + 2)])
                lower = token.lower_
                if has_ich and lower in rules["reflexive"]:
                    replaced[token.i] = rules["reflexive"][lower]
                elif lower in rules["pronouns"]:
                    replaced[token.i] = rules["pronouns"][lower]
                elif speaks_as_ich:
                    # "und koche" → "und kochen" also where the "ich" is left out
                    form = (has_ich and _verb_form(token, rules["verbs"], verb_position)) \
                        or _coordinated_verb(token, rules["verbs"])
                    if form:
                        replaced[token.i] = form
    return "".join(replaced.get(t.i, t.text) + t.whitespace_ for t in doc).strip()


# "ich kann lesen und koche selbst": after one of these the "ich" may be left out
_COORDINATORS = frozenset({"und", "oder", "aber", "sondern", "u"})


@lru_cache(maxsize=1)
def _verb_lemmas() -> frozenset[str]:
    """The verbs the lemmatizer's lookup table knows ("kochen", "putzen"): German verb
    lemmas are written in lower case, nouns capitalised ("Katze")."""
    table = load_pipeline().get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    return frozenset(lemma for lemma in table.values()
                     if isinstance(lemma, str) and lemma.endswith("en") and lemma.islower())


def _coordinated_verb(token, table: dict[str, str]) -> str | None:
    """The "Sie" form of a first-person verb right after "und"/"oder" that has no "ich" of
    its own ("… und koche selbst" → "kochen"), or None: a verb of the table, or a word in
    lower case ending in -e whose form with "n" is a verb the lemmatizer knows — so that a
    noun typed in lower case ("und katze") stays as it is."""
    lower = token.lower_
    if token.i == 0 or token.doc[token.i - 1].lower_ not in _COORDINATORS or token.is_title:
        return None
    if lower in table:
        return table[lower]
    if (lower.endswith("e") and token.is_alpha and lower not in _grammar()["not_verbs"]
            # function words would pass for a verb with an "n" ("meine" → "meinen")
            and lower not in STOP_WORDS and lower + "n" in _verb_lemmas()):
        return lower + "n"
    return None


# words that turn a statement around: a sentence with one is read back in the person's
# own words, never rephrased into a template ("Das können Sie selbst: … nicht …")
NEGATIONS = frozenset({"nicht", "nichts", "kein", "keine", "keinen", "keinem", "keiner",
                       "keines", "nie", "niemals", "niemand", "niemanden", "nirgends",
                       "nirgendwo", "weder", "nich", "net", "nimmer"})
# words after which "mir"/"mich" may no longer mean the subject "ich" of the clause
# ("jemand, der mit mir rausgeht": "mit sich" would say the helper goes out alone)
_LINKERS = frozenset({"der", "die", "das", "den", "dem", "denen", "dessen", "deren",
                      "welcher", "welche", "welches", "welchen", "welchem", "wer", "wen",
                      "wem", "wo", "dass", "daß", "weil", "wenn", "ob", "damit", "als",
                      "wie", "bis", "jemand", "jemanden", "jemandem", "einer", "einen",
                      "eine", "einem"})


@lru_cache(maxsize=4096)
def needs_quote(text: str) -> bool:
    """Whether turning `text` to "Sie" could change what it says: a negation (a template
    around it may turn it round), a "mir"/"mich" that need not mean the speaker's own
    self ("Ich hätte gern einen Freund, der mit mir rausgeht")."""
    words = re.findall(r"[\wäöüß]+", (text or "").lower())
    if any(word in NEGATIONS for word in words):
        return True
    reflexive = _grammar()["second_person"]["reflexive"]
    doc = load_pipeline()(text)
    for sentence in sentences(doc):
        for start, end in clauses(doc, *sentence):
            span = doc[start:end]
            if not any(t.lower_ == "ich" for t in span):
                continue
            own = [t for t in span if t.lower_ in reflexive]
            if len(own) > 1:
                return True
            for token in own:
                if any(other.lower_ in _LINKERS for other in doc[start:token.i]):
                    return True
    return False


# the items read back by their name and status, not in the person's words
NAMED_ONLY = frozenset({"aid", "place", "quarter"})


@lru_cache(maxsize=4096)
def starts_with_verb(text: str) -> bool:
    """Words that begin with a verb whose "ich" stayed in the sentence before ("Ich bekomme
    Hilfe, hätte gern noch eine Assistenz"): no template can say them in the "Sie" form."""
    doc = load_pipeline()(text or "")
    first = next((t for t in doc if t.is_alpha), None)
    return first is not None and is_verb_like(first) and not any(
        t.lower_ == "ich" for t in doc)


def _said(text: str) -> str:
    """The person's words, turned to "Sie", without closing punctuation."""
    return re.sub(r"[\s.!?…]+$", "", to_second_person(quote(text)))


def sentence(item: Item, easy: bool, shared: bool = False, about: str | None = None) -> str:
    """What the bot says to read `item` back. `shared`: the same words gave other items
    too (several people in one sentence), so the sentence says whom it is about.
    `about`: someone writes for the person, named so (the sentence speaks about them)."""
    data = item.data
    values: dict[str, str] = {}
    category = item.category
    if category == "social":
        name = "social_shared" if shared else "social"
        values = {"text": _said(data["text"]), "who": data["who"]}
    elif category == "goal":
        name = "goal_with_start" if data.get("start") else "goal"
        start = data.get("start") or ""
        values = {"text": _said(data["text"]), "start": start[:1].lower() + start[1:]}
    elif category == "personal":
        name = data.get("kind", "ability")
        values = {"text": _said(data["text"])}
    elif category == "professional":
        name = f"professional_{data.get('kind', 'wished')}"
        values = {"text": _said(data["text"])}
    elif category == "aid":
        name = f"aid_{data['status']}"
        values = {"label": data["label"]}
    elif category == "place":
        name = f"place_{data['status']}"
        where = (texts.text("readback", "where", easy, quarter=data["quarter"])
                 if data.get("quarter") else "")
        values = {"label": data["label"], "where": where, "barrier": data.get("barrier") or ""}
    elif category == "quarter":
        if data.get("quarter") and data.get("district") and data["district"] != data["quarter"]:
            name = "quarter"
        elif data.get("quarter"):
            name = "quarter_only"
        else:
            name = "district_only"
        values = {"quarter": data.get("quarter") or "", "district": data.get("district") or ""}
    else:
        plain = category == "important" and re.search(r"\bwichtig\b", data["text"], re.I)
        name = "important_plain" if plain else category
        values = {"text": _said(data["text"])}
    return template(name, easy, about).format(**values)
