"""Extraction figures on the gold set (tests/data/extraction/, written by hand, split once by
bench/extraction_split.py): precision and recall per field and per status, and the number
of *twisted* items, for the development and the held-out parts. dev_d (a third set, 120
answers by 20 new personas, written and annotated before the extractor was run on it) is a
development part only; so are dev_e (a fourth set, 120 answers by 20 other new personas, written
and annotated the same way before round 5) and dev_f (a fifth set made the same way before round 6).

    .venv/bin/python bench/extraction_eval.py
        [--part dev|heldout|dev_c|heldout_c|dev_d|dev_e|dev_f|all] [--errors] [--field aids]

Fields: personal (ability / limitation), aids (used / wished / used_before), people,
places (uses / wishes / used_before / barrier), professional (received / wished),
residence (the Stadtteil where the person lives now); move_to and when are printed too.

Matching. Each answer is extracted as an answer to its question, on a fixed day
(TODAY). A gold item and an extracted item match when the person's key word of the gold
item overlaps the extracted item's words or its span (case-insensitive; substring either
way, or two words with the same stem / nearly the same spelling) and the status is the
same; each item matches once. A gold item that is only found with another status is a
*twisted* item (a limitation as ability, received help as wished, a barrier or a past
place as used, a wish to move as the residence, …): it counts as a miss and as a false
find, and is listed by itself. People of the professional sector (Betreuerin, Pflegedienst)
are scored under professional, as the gold set's conventions say (README there).
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT / "tests" / "data" / "extraction"
TODAY = date(2026, 11, 21)
FIELDS = ("personal", "aids", "people", "places", "professional", "residence")
EXTRA_FIELDS = ("move_to", "when")
GOLD_KEY = {"personal": ("words", "kind"), "aids": ("aid", "status"), "people": ("who", None),
            "places": ("place", "status"), "professional": ("help", "status")}
STOP = {"der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer",
        "mein", "meine", "meinen", "meinem", "meiner", "und", "oder", "mit", "für", "bei",
        "beim", "zum", "zur", "von", "vom", "im", "in", "ins", "am", "an", "auf", "ich", "mir",
        "mich", "zu", "noch", "so", "auch", "nicht", "frau", "herr", "da", "was"}


@dataclass
class Found:
    """An extracted item as the evaluation sees it."""

    words: str
    status: str | None
    text: str


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    twisted: int = 0
    by_status: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    errors: list[str] = field(default_factory=list)
    twists: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


# dev/heldout: the first gold set (one writer, answers_a/b); dev_c/heldout_c: the second,
# by other writers (answers_c), split by the same rule; dev_d: a third set by new personas,
# development only (written and annotated before the extractor was run on it); dev_e: a fourth
# set made the same way (development only); dev_f: a fifth one (development only, round 6)
PARTS = ("dev", "heldout", "dev_c", "heldout_c", "dev_d", "dev_e", "dev_f")


def load(part: str) -> list[dict]:
    parts = PARTS if part == "all" else (part,)
    return [a for p in parts
            for a in yaml.safe_load((DATA / f"{p}.yml").read_text(encoding="utf-8"))["answers"]]


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", (text or "").lower()))


def _stem(word: str) -> str:
    for suffix in ("innen", "ungen", "ern", "en", "er", "em", "es", "in", "e", "n", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def overlaps(key: str, text: str) -> bool:
    """The gold key word and the extracted words/span name the same thing."""
    k, t = _norm(key), _norm(text)
    if not k or not t:
        return False
    if re.search(rf"\b{re.escape(k)}", t) or (len(t) >= 4 and re.search(rf"\b{re.escape(t)}", k)):
        return True
    key_words = [w for w in k.split() if w not in STOP and len(w) >= 3]
    text_words = [w for w in t.split() if w not in STOP and len(w) >= 3]
    for a in key_words:
        for b in text_words:
            if _stem(a) == _stem(b) or (min(len(a), len(b)) >= 5 and difflib.SequenceMatcher(
                    None, a, b).ratio() >= 0.85):
                return True
    return False


def predicted(answer: dict) -> dict[str, list[Found]]:
    from bot.extraction import extract

    found = extract(answer["text"], answer["question"], today=TODAY)
    from bot.extraction.gazetteer import gazetteer

    relations = gazetteer().relations
    residence = found.residence
    move_to = found.move_to
    return {
        "personal": [Found(s.text, s.kind, s.text) for s in found.statements
                     if s.kind in ("ability", "limitation")],
        "aids": [Found(a.words, a.status, a.text) for a in found.aids],
        "people": [Found(p.who, None, p.text) for p in found.people
                   if relations[p.relation]["sector"] != "professional"],
        "places": [Found(p.words, p.status, p.text) for p in found.places],
        "professional": [Found(p.words, p.status, p.text) for p in found.professional],
        "residence": [Found(residence.quarter or residence.words, None, residence.words)]
        if residence else [],
        "move_to": [Found(move_to.quarter or move_to.words, None, move_to.words)]
        if move_to else [],
        "when": [Found(start, None, start) for start in dict.fromkeys(
            [s.start for s in found.statements if s.start]
            + [i.start for i in (*found.professional, *found.aids, *found.places) if i.start])],
    }


def gold(answer: dict, name: str) -> list[Found]:
    if name in ("residence", "move_to", "when"):
        value = answer.get(name)
        return [Found(str(value), None, str(value))] if value else []
    key, status = GOLD_KEY[name]
    return [Found(str(item[key]), item.get(status) if status else None, str(item[key]))
            for item in answer.get(name) or ()]


def _same_place(a: str, b: str) -> bool:
    a, b = _norm(a).replace(" ", "-"), _norm(b).replace(" ", "-")
    return a == b or a.startswith(b) or b.startswith(a)


def score(name: str, answer: dict, wanted: list[Found], got: list[Found], tally: Tally) -> None:
    """One-to-one matching of one answer's items; see the module docstring."""
    text = answer["text"]
    if name in ("residence", "move_to"):
        for g in wanted:
            hit = next((p for p in got if _same_place(g.words, p.words)), None)
            if hit:
                got.remove(hit)
                tally.tp += 1
            else:
                tally.fn += 1
                tally.errors.append(f"missed {g.words!r}: {text!r}")
        for p in got:
            tally.fp += 1
            twisted = name == "residence" and _same_place(p.words, str(answer.get("move_to")))
            tally.twisted += twisted
            (tally.twists if twisted else tally.errors).append(
                f"{'wish to move as residence' if twisted else 'extra'} {p.words!r}: {text!r}")
        return
    open_gold = list(wanted)
    open_found = list(got)
    for use_words in (True, False):
        for g in list(open_gold):
            hit = next((p for p in open_found if p.status == g.status and overlaps(
                g.words, p.words if use_words else p.text)), None)
            if hit:
                open_gold.remove(g)
                open_found.remove(hit)
                tally.tp += 1
                tally.by_status[g.status or "-"]["tp"] += 1
    for g in open_gold:
        twist = next((p for p in open_found if overlaps(g.words, p.words)
                      or overlaps(g.words, p.text)), None)
        tally.fn += 1
        tally.by_status[g.status or "-"]["fn"] += 1
        if twist is not None and g.status is not None:
            open_found.remove(twist)
            tally.fp += 1
            tally.by_status[twist.status or "-"]["fp"] += 1
            tally.twisted += 1
            tally.twists.append(f"{g.words!r} {g.status} read as {twist.status} "
                                f"({twist.text!r}): {text!r}")
        else:
            tally.errors.append(f"missed {g.words!r} {g.status or ''}: {text!r}")
    for p in open_found:
        tally.fp += 1
        tally.by_status[p.status or "-"]["fp"] += 1
        tally.errors.append(f"extra {p.words!r} {p.status or ''} ({p.text!r}): {text!r}")


def evaluate(answers: list[dict]) -> dict[str, Tally]:
    tallies = {name: Tally() for name in (*FIELDS, *EXTRA_FIELDS)}
    for answer in answers:
        found = predicted(answer)
        for name, tally in tallies.items():
            score(name, answer, gold(answer, name), list(found[name]), tally)
    return tallies


def report(part: str, tallies: dict[str, Tally], errors: bool, only: str | None) -> None:
    print(f"== {part}: precision / recall per field (tp fp fn), twisted items")
    for name, t in tallies.items():
        print(f"  {name:13} P {t.precision:.2f}  R {t.recall:.2f}  "
              f"({t.tp:3} {t.fp:3} {t.fn:3})  twisted {t.twisted}")
        for status, c in sorted(t.by_status.items()):
            if status == "-":
                continue
            p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
            r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
            print(f"      {status:12} P {p:.2f}  R {r:.2f}  ({c['tp']} {c['fp']} {c['fn']})")
    total = sum(t.twisted for t in tallies.values())
    print(f"  twisted items in all: {total}")
    if part.startswith("heldout"):
        return  # held-out parts: figures only, never the examples (nobody tunes on them)
    for name, t in tallies.items():
        if only and name != only:
            continue
        for line in t.twists:
            print(f"  TWISTED {name}: {line}")
        if errors:
            for line in t.errors:
                print(f"  {name}: {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=(*PARTS, "all"), default="all",
                        help="all: each part on its own")
    parser.add_argument("--errors", action="store_true", help="list misses and extra finds")
    parser.add_argument("--field", choices=(*FIELDS, *EXTRA_FIELDS), help="list only these")
    args = parser.parse_args(argv)
    parts = PARTS if args.part == "all" else (args.part,)
    for part in parts:
        answers = load(part)
        print(f"\n{part}: {len(answers)} answers")
        report(part, evaluate(answers), args.errors, args.field)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
