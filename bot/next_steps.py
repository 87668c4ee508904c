"""Provider-neutral next steps, derived by the rules in data/next_steps.yml from a profile.

Every step names its sources (knowledge entries with source and checked date). An entry
outside its validity window on `today` is never shown, so an expired entry can never
appear as current; a step left without any valid source is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from bot import knowledge, urgent
from bot.catalogue import Text2
from bot.dialogue import quote
from bot.settings import DATA_DIR

RULES_FILE = DATA_DIR / "next_steps.yml"
TEXT_FIELDS = ("what", "who", "by_when", "why")
CONDITIONS = ("always", "urgent", "aids", "professional_wished", "text")
EVIDENCE_LIMIT = 140


class RuleError(ValueError):
    pass


@dataclass(frozen=True)
class Rule:
    id: str
    when: tuple[dict, ...]
    texts: dict[str, Text2]
    by_when_goal: Text2 | None
    sources: tuple[str, ...]


def _text2(raw: dict, where: str) -> Text2:
    if not raw or not raw.get("standard") or not raw.get("easy"):
        raise RuleError(f"{where}: needs standard and easy text")
    return Text2(str(raw["standard"]).strip(), str(raw["easy"]).strip())


@lru_cache(maxsize=4)
def load_rules(path: Path = RULES_FILE) -> tuple[Rule, ...]:
    rules = []
    for raw in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]:
        for condition in raw["when"]:
            unknown = set(condition) - set(CONDITIONS)
            if unknown or len(condition) != 1:
                raise RuleError(f"rule {raw['id']}: unknown condition {condition}")
        if raw["id"] != "urgent" and not raw.get("sources"):
            raise RuleError(f"rule {raw['id']}: needs sources")
        rules.append(Rule(
            id=raw["id"], when=tuple(raw["when"]),
            texts={name: _text2(raw[name], f"{raw['id']}.{name}") for name in TEXT_FIELDS},
            by_when_goal=_text2(raw["by_when_goal"], f"{raw['id']}.by_when_goal")
            if raw.get("by_when_goal") else None,
            sources=tuple(raw.get("sources") or ()),
        ))
    return tuple(rules)


# --- conditions: each returns the evidence [(answer id or None, words)], or None --------

Evidence = list[tuple[int | None, str]]


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?;])\s+|\n+", text) if s.strip()]


def _text_condition(spec: dict, profile: dict) -> Evidence | None:
    pattern = re.compile(spec["pattern"])
    with_pattern = re.compile(spec["with"]) if spec.get("with") else None
    questions = spec.get("questions")
    found: Evidence = []
    for answer in profile["answers"]:
        if questions and answer["question_id"] not in questions:
            continue
        for sentence in _sentences(answer["text"]):
            lowered = sentence.lower()
            if pattern.search(lowered) and (with_pattern is None or with_pattern.search(lowered)):
                found.append((answer["id"], sentence))
    return found or None


def _aids_condition(spec: dict, profile: dict) -> Evidence | None:
    found = [(aid["answer_id"], aid["text"]) for aid in profile["resources"]["aids"]
             if all(aid.get(key) == value for key, value in spec.items())]
    return found or None


def _evaluate(condition: dict, profile: dict) -> Evidence | None:
    (name, spec), = condition.items()
    if name == "always":
        return [] if spec else None
    if name == "urgent":
        return [(None, need["text"]) for need in profile["urgent"]] or None
    if name == "aids":
        return _aids_condition(spec or {}, profile)
    if name == "professional_wished":
        wished = profile["resources"]["professional"]["wished"]
        return [(item["answer_id"], item["text"]) for item in wished] or None
    return _text_condition(spec, profile)


# --- steps -----------------------------------------------------------------------------

def _source(entry: knowledge.Entry) -> dict:
    return {"id": entry.id, "title": entry.title, "source": entry.source,
            "checked": entry.checked.isoformat(), "legal_refs": list(entry.legal_refs),
            "verify": entry.verify,
            "valid_until": entry.valid_until.isoformat() if entry.valid_until else None}


def current_sources(ids: tuple[str, ...] | list[str], today: date) -> list[knowledge.Entry]:
    """The entries that are valid today; an unknown id is an error in the rules."""
    entries = knowledge.load_entries()
    missing = [i for i in ids if i not in entries]
    if missing:
        raise RuleError(f"unknown knowledge entries {missing}")
    return [entries[i] for i in ids if entries[i].is_current(today)]


def _first_goal(profile: dict) -> dict | None:
    dated = [g for g in profile["will"]["goals"] if g.get("start_date")]
    return min(dated, key=lambda g: g["start_date"]) if dated else None


def _values(profile: dict, evidence: Evidence, entry: knowledge.Entry | None,
            easy: bool) -> dict[str, str]:
    goal = _first_goal(profile)
    wished = [a["label"] for a in profile["resources"]["aids"] if a["status"] == "wished"]
    return {
        "evidence": quote(evidence[0][1], EVIDENCE_LIMIT).rstrip(" .!?;") if evidence else "",
        "aids": ", ".join(dict.fromkeys(wished)),
        "entry_text": entry.text.get(easy) if entry else "",
        "title": entry.title if entry else "",
        "goal": quote(goal["text"], 60) if goal else "",
        "goal_start": date.fromisoformat(goal["start_date"]).strftime("%d.%m.%Y") if goal else "",
    }


def _step(rule: Rule, profile: dict, evidence: Evidence, sources: list[knowledge.Entry],
          entry: knowledge.Entry | None = None) -> dict:
    texts = dict(rule.texts)
    if rule.by_when_goal and _first_goal(profile):
        texts["by_when"] = rule.by_when_goal
    standard = _values(profile, evidence, entry, easy=False)
    easy = _values(profile, evidence, entry, easy=True)
    return {
        "id": rule.id,
        **{name: texts[name].standard.format(**standard) for name in TEXT_FIELDS},
        "sources": [_source(e) for e in sources],
        "easy": {name: texts[name].easy.format(**easy) for name in TEXT_FIELDS},
        "based_on": sorted({answer_id for answer_id, _ in evidence if answer_id is not None}),
        "urgent": rule.id == "urgent",
    }


def _urgent_steps(rule: Rule, profile: dict, evidence: Evidence, today: date) -> list[dict]:
    """One step per notfall pointer of the categories raised, in the order of the data."""
    categories = [c for need in profile["urgent"] for c in need["categories"]]
    steps = []
    for pointer in urgent.pointers(list(dict.fromkeys(categories))):
        sources = current_sources([pointer], today)
        if not sources:
            continue
        matching = [(None, need["text"]) for need in profile["urgent"]
                    if not need["categories"] or any(
                        urgent.categories()[c].pointer == pointer for c in need["categories"])]
        steps.append(_step(rule, profile, matching or evidence, sources, sources[0]))
    return steps


def derive_next_steps(profile: dict, today: date | None = None,
                      rules: tuple[Rule, ...] | None = None) -> list[dict]:
    """The next steps for a profile: urgent pointers first, then the rules in data order."""
    today = today or date.today()
    urgent_steps: list[dict] = []
    steps: list[dict] = []
    for rule in rules if rules is not None else load_rules():
        evidence: Evidence | None = None
        for condition in rule.when:
            found = _evaluate(condition, profile)
            if found is not None:
                evidence = (evidence or []) + found
        if evidence is None:
            continue
        if rule.id == "urgent":
            urgent_steps += _urgent_steps(rule, profile, evidence, today)
            continue
        sources = current_sources(rule.sources, today)
        if sources:
            steps.append(_step(rule, profile, evidence, sources))
    return urgent_steps + steps
