"""Typed words the dialogue reads itself (data/typed_words.yml), whatever the NLU made of a
message: the read-back and "zurück" choices, short non-answers, the answer inside a
message that also asks something or says "weiß nicht", and "nothing is urgent".

All of it is deterministic on purpose: a typed "entfernen" must mean what the button
"Entfernen" means for the item in question, never "delete all my data".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.settings import DATA_DIR
from bot.yaml_file import load_yaml

CONFIRM = "confirm"
CHANGE = "change"
REMOVE = "remove"
CONFIRM_ALL = "confirm_all"
SKIP = "skip"
KEEP = "keep"       # "nicht ändern", "nicht löschen"
CHOICE_ORDER = (CHANGE, REMOVE, CONFIRM_ALL, SKIP, CONFIRM)

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# where a sentence may end: . ! ? ; (kept with the sentence) or a line break
_END = re.compile(r"[.!?;]+|\n")


@lru_cache(maxsize=1)
def _data() -> dict:
    raw = load_yaml(DATA_DIR / "typed_words.yml")
    return {
        "fillers": frozenset(raw["fillers"]),
        "choices": {name: (frozenset(item["words"]), frozenset(item["needs_one_of"]))
                    for name, item in raw["choices"].items()},
        "keep_after_not": frozenset(raw["keep_after_not"]),
        "bare_no_words": frozenset(raw["bare_no_words"]),
        "not_words": frozenset(raw["not_words"]),
        "wrong_with_not": frozenset(raw["wrong_with_not"]),
        "non_answers": frozenset(fold(w) for w in raw["non_answers"]),
        "non_answer_words": frozenset(fold(w) for w in raw["non_answer_words"]),
        "not_knowing_words": frozenset(fold(w) for w in raw["not_knowing_words"]),
        "empty_words": frozenset(raw["empty_words"]),
        "contact_words": frozenset(fold(w) for w in raw["contact_words"]),
        "question_words": frozenset(raw["question_words"]),
        "question_verbs": frozenset(raw["question_verbs"]),
        "question_subjects": frozenset(raw["question_subjects"]),
        "request_starts": frozenset(raw["request_starts"]),
        "asks_inside": re.compile("|".join(rf"\b{p}\b" for p in raw["asks_inside"])),
        "greetings": sorted((fold(g) for g in raw["greetings"]), key=len, reverse=True),
        "nothing_urgent": frozenset(fold(w) for w in raw["nothing_urgent"]),
        "delete_all_words": frozenset(raw["delete_all_words"]),
        "dont_know_phrases": tuple(fold(p) for p in raw["dont_know_phrases"]),
        "greeting_words": frozenset(raw["greeting_words"]),
        "question_topics": {topic: frozenset(keys)
                            for topic, keys in raw["question_topics"].items()},
        "abbreviations": frozenset(raw["abbreviations"]),
        "what_to_do_words": frozenset(raw["what_to_do_words"]),
    }


def tokens(text: str) -> list[str]:
    return _WORD.findall((text or "").casefold())


def fold(text: str) -> str:
    """Lower case, words only, single spaces: "K.A.!" → "k a"."""
    return " ".join(tokens(text))


def is_typed(text: str | None) -> bool:
    """Typed by the person, not a button's payload ("/affirm")."""
    return bool(text) and not text.lstrip().startswith("/")


def choice(text: str | None) -> str | None:
    """What a short typed message means as a read-back (or "zurück") choice, or None.

    "passt", "stimmt", "ja" → confirm; "ändern", "stimmt nicht", "falsch" → change;
    "entfernen", "löschen", "ja, löschen" → remove; "alles stimmt" → confirm_all;
    "überspringen" → skip; "nicht ändern", "nicht löschen" → keep.
    """
    if not is_typed(text):
        return None
    words = tokens(text)
    if not words:
        return None
    data = _data()
    for before, after in zip(words, words[1:], strict=False):
        if before == "nicht" and after in data["keep_after_not"]:
            rest = [w for w in words if w not in ("nicht", after)]
            if all(w in data["fillers"] for w in rest):
                return KEEP
    for name in CHOICE_ORDER:
        allowed, needed = data["choices"][name]
        if all(w in allowed or w in data["fillers"] for w in words) and any(
                w in needed for w in words):
            return name
    return None


def is_non_answer(text: str) -> bool:
    """"k.a.", "ka", "keine ahnung", "weiß nich", "?", "isch weiß es echt nisch": nothing
    to store."""
    folded = fold(text)
    if not folded or folded in _data()["non_answers"]:
        return True
    said, knowing = set(folded.split()), _data()["not_knowing_words"]
    return said <= _data()["non_answer_words"] | knowing and bool(said & knowing)


def says_dont_know(text: str) -> bool:
    """The message opens with "weiß nicht" ("Ich weiß nicht, was es in Barmbek gibt"):
    a short first clause that says it. Further on it is part of what is said ("… und ich
    weiß nicht, wie lange noch")."""
    first = re.split(r"[,;:.!?\n]|\bund\b|\baber\b", text or "", maxsplit=1)[0]
    folded = f" {fold(first)} "
    return len(folded.split()) <= 5 and any(
        f" {phrase} " in folded for phrase in _data()["dont_know_phrases"])


def nothing_urgent(text: str) -> bool:
    """A "nein" (or "doch nichts") to "Was ist dringend?"."""
    folded = fold(text)
    return folded in _data()["nothing_urgent"]


def asks_to_delete_all(text: str) -> bool:
    """The words name more than the item at hand: "alles", "meine Daten", "Profil"."""
    return any(w in _data()["delete_all_words"] for w in tokens(text))


def says_only_contact_words(text: str) -> bool:
    """Nothing in `text` but words that go with a phone number or e-mail address
    ("meine Nummer ist", "erreichbar unter")."""
    return set(fold(text).split()) <= _data()["contact_words"]


def content_words(text: str, greeting: bool = False) -> list[str]:
    """The words of `text` that say something (not "ich", "weiß", "nicht", "hallo"…);
    `greeting`: not what a greeting says either ("ich heiße Tim")."""
    empty = _data()["empty_words"]
    extra = _data()["greeting_words"] if greeting else frozenset()
    return [w for w in tokens(text)
            if w not in empty and w not in extra and len(w) >= 2 and not w.isdigit()]


def sentences(text: str) -> list[str]:
    """The sentences of `text` as written, each with its closing mark ("St. Pauli" and
    "z. B." end no sentence)."""
    result, start = [], 0
    for end in _END.finditer(text or ""):
        before = tokens(text[start:end.start()])
        if end.group(0).startswith(".") and before and before[-1] in _data()["abbreviations"]:
            continue
        result.append(text[start:end.end()].strip())
        start = end.end()
    result.append((text or "")[start:].strip())
    return [sentence for sentence in result if sentence]


@dataclass(frozen=True)
class Segment:
    text: str
    asks: bool  # a question or a request ("Muss ich was machen?", "erklär mir …")


def _asks(segment: str) -> bool:
    data = _data()
    stripped = segment.strip()
    if stripped.endswith("?"):
        return True
    words = tokens(stripped)
    if not words:
        return False
    if words[0] in data["question_words"] or words[0] in data["request_starts"]:
        return True
    if words[0] in data["question_verbs"] and len(words) > 1 \
            and words[1] in data["question_subjects"]:
        return True
    return bool(data["asks_inside"].search(" ".join(words)))


def _clause_starts_question(clause: str) -> bool:
    words = tokens(clause)
    data = _data()
    return bool(words) and (words[0] in data["question_words"] or (
        words[0] in data["question_verbs"] and len(words) > 1
        and words[1] in data["question_subjects"]))


def segments(text: str) -> list[Segment]:
    """Sentences, and a question after a comma on its own ("Ich habe einen Bescheid
    bekommen, muss ich was machen?" → statement, question)."""
    result: list[Segment] = []
    for sentence in sentences(text):
        parts = sentence.split(",")
        cut = next((i for i in range(1, len(parts))
                    if _clause_starts_question(parts[i]) and (
                        sentence.endswith("?") or parts[i].strip().endswith("?"))), None)
        if cut is not None and content_words(",".join(parts[:cut])):
            head = ",".join(parts[:cut]).strip()
            tail = ",".join(parts[cut:]).strip()
            result += [Segment(head, _asks(head)), Segment(tail, True)]
        else:
            result.append(Segment(sentence, _asks(sentence)))
    return result


def strip_greeting(text: str) -> str:
    """`text` without a greeting or thanks at its start ("Hallo! Ich möchte …")."""
    rest = text.strip()
    changed = True
    while changed:
        changed = False
        for greeting in _data()["greetings"]:
            pattern = r"^" + r"[\s,.!]*".join(map(re.escape, greeting.split())) + r"\b[\s,.!:;-]*"
            found = re.match(pattern, rest, re.IGNORECASE)
            if found and found.end() > 0:
                rest = rest[found.end():].strip()
                changed = True
                break
    return rest


def answer_beside(text: str, kind: str, entities: tuple[str, ...] = ()) -> str | None:
    """The answer inside a message that also does something else, in the person's own
    words, or None when there is none.

    `kind` is what the NLU took the message for:
    - "dont_know": the whole message when it says more than "weiß nicht" (a word with
      content, or a place, person or aid the NLU found: `entities`);
    - "greeting": the message without the greeting or thanks at its start;
    - "question" (an FAQ topic, a budget question, something out of scope): the
      sentences that state something, when the message also asks something.
    """
    text = (text or "").strip()
    if not text or not is_typed(text):
        return None
    if kind == "dont_know":
        said = [s for s in segments(text) if not s.asks]
        return text if entities or any(content_words(s.text) for s in said) else None
    if kind == "greeting":
        rest = strip_greeting(text)
        said = [s for s in segments(rest) if not s.asks]
        words = sum(len(content_words(s.text, greeting=True)) for s in said)
        return " ".join(s.text for s in said) if rest != text and words >= 2 else None
    parts = segments(strip_greeting(text))
    said = [s for s in parts if not s.asks and len(content_words(s.text)) >= 2]
    if not said or not any(s.asks for s in parts):
        return None
    return " ".join(s.text for s in said)


def asked_topics(text: str) -> list[str]:
    """FAQ topics that the questions inside `text` ask about (in the order of the data),
    for a message whose answer is stored as a whole."""
    data = _data()
    topics = data["question_topics"]
    said: set[str] = set()
    parts = segments(text)
    for i, part in enumerate(parts):
        if not part.asks:
            continue
        asked = set(tokens(part.text))
        if i > 0 and asked & data["what_to_do_words"] and not any(
                asked & keys for keys in topics.values()):
            # "Assistenz gekürzt. Muss ich was machen?": the question asks about the
            # sentence before it
            asked |= set(tokens(parts[i - 1].text))
        said |= asked
    return [topic for topic, keys in topics.items() if said & keys]


# words compared by their first letters, so that "Treff" names "Treffpunkt" and "Chor"
# names "Chorprobe" ("gehe"/"gehen" alike)
_STEM = 5


@lru_cache(maxsize=1)
def _not_naming() -> frozenset[str]:
    """Words that name no item of the read-back: the choice words, the fillers and German
    function words (spaCy's list: "mehr", "wieder", "hin")."""
    from spacy.lang.de.stop_words import STOP_WORDS

    data = _data()
    choice_words = set().union(*(allowed for allowed, _ in data["choices"].values()))
    return frozenset(STOP_WORDS | choice_words | data["fillers"])


def naming_stems(text: str) -> set[str]:
    """What `text` could name an item by: its content words without choice and function
    words, cut to their first letters ("Streichen Sie den Treff" → {"treff"})."""
    return {w[:_STEM] for w in content_words(text) if w not in _not_naming()}


def says_remove(text: str) -> bool:
    """A remove word among other words ("Streichen Sie den Treff bitte")."""
    needed = _data()["choices"][REMOVE][1]
    return any(w in needed for w in tokens(text))


def says_change(text: str) -> bool:
    """Words that call something wrong ("Das mit dem Sportverein stimmt nicht", "falsch",
    "bitte ändern"): a change word other than a bare "nein"/"nicht" ("ja, aber nicht ohne
    meine Katze" calls nothing wrong), or "nicht" beside "stimmt", "passt", "richtig"."""
    data, said = _data(), set(tokens(text))
    strong = data["choices"][CHANGE][1] - data["not_words"] - data["bare_no_words"]
    return bool(said & strong) or bool(said & data["not_words"] and said & data["wrong_with_not"])
