"""Provider-neutral next steps, derived by the rules in data/next_steps.yml from a profile.

Every step names its sources (knowledge entries with source and checked date). An entry
outside its validity window on `today` is never shown, so an expired entry can never
appear as current; a step left without any valid source is dropped.

Every rule says whom it is for and whom it is not for (`for`, `not_for`), and carries both
out: `when` (any condition holds) and `unless` (no condition may hold). Conditions read the
statuses of profile version 2 — professional help received or wished, aids used, wished or
used before, places used, wished, used before or out of reach, abilities and limitations,
goals — and the person's words. A field a profile lacks reads as empty (no item, no status),
so a condition on it simply does not hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from bot import knowledge, urgent
from bot.catalogue import Text2
from bot.dialogue import quote
from bot.easy_format import date_text
from bot.settings import DATA_DIR
from bot.yaml_file import load_yaml

RULES_FILE = DATA_DIR / "next_steps.yml"
TEXT_FIELDS = ("what", "who", "by_when", "why")
CONDITIONS = ("always", "urgent", "aids", "professional_wished", "professional", "places",
              "personal", "will", "text", "all")
AUDIENCE_FIELDS = ("for", "not_for")
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
    unless: tuple[dict, ...] = ()
    audience: tuple[str, str] = ("", "")  # (for whom, not for whom), for maintainers


def _text2(raw: dict, where: str) -> Text2:
    if not raw or not raw.get("standard") or not raw.get("easy"):
        raise RuleError(f"{where}: needs standard and easy text")
    return Text2(str(raw["standard"]).strip(), str(raw["easy"]).strip())


@lru_cache(maxsize=4)
def load_rules(path: Path = RULES_FILE) -> tuple[Rule, ...]:
    rules = []
    for raw in load_yaml(path)["rules"]:
        for condition in (*raw["when"], *(raw.get("unless") or ())):
            _check_condition(condition, raw["id"])
        if raw["id"] != "urgent" and not raw.get("sources"):
            raise RuleError(f"rule {raw['id']}: needs sources")
        rules.append(Rule(
            id=raw["id"], when=tuple(raw["when"]),
            texts={name: _text2(raw[name], f"{raw['id']}.{name}") for name in TEXT_FIELDS},
            by_when_goal=_text2(raw["by_when_goal"], f"{raw['id']}.by_when_goal")
            if raw.get("by_when_goal") else None,
            sources=tuple(raw.get("sources") or ()),
            unless=tuple(raw.get("unless") or ()),
            audience=_audience(raw),
        ))
    return tuple(rules)


def _audience(raw: dict) -> tuple[str, str]:
    """Whom the rule is for and whom not: required, so that no rule is written without
    thinking about the people it must leave out."""
    texts = tuple(" ".join(str(raw.get(name) or "").split()) for name in AUDIENCE_FIELDS)
    if not all(texts):
        raise RuleError(f"rule {raw['id']}: needs `for` and `not_for`")
    return texts  # type: ignore[return-value]


def _check_condition(condition: dict, rule_id: str) -> None:
    unknown = set(condition) - set(CONDITIONS)
    if unknown or len(condition) != 1:
        raise RuleError(f"rule {rule_id}: unknown condition {condition}")
    (name, spec), = condition.items()
    if name == "all":
        if not isinstance(spec, list) or not spec:
            raise RuleError(f"rule {rule_id}: `all` needs a list of conditions")
        for part in spec:
            _check_condition(part, rule_id)
        return
    if isinstance(spec, dict):
        unknown = set(spec) - set(CONDITION_KEYS.get(name, ())) - set(WORDS_KEYS)
        if unknown:
            raise RuleError(f"rule {rule_id}: {name} does not know {sorted(unknown)}")
        for key in WORDS_KEYS:
            if spec.get(key):
                try:
                    re.compile(spec[key])
                except re.error as error:
                    raise RuleError(f"rule {rule_id}: bad {key} {spec[key]!r}: {error}") \
                        from error


# --- conditions: each returns the evidence [(answer id or None, words)], or None --------

Evidence = list[tuple[int | None, str]]


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?;])\s+|\n+", text) if s.strip()]


def _words_match(spec: dict, words: str) -> bool:
    """`pattern` (and `with`) found in the words, `except` not."""
    lowered = words.lower()
    if spec.get("pattern") and not re.search(spec["pattern"], lowered):
        return False
    if spec.get("with") and not re.search(spec["with"], lowered):
        return False
    return not (spec.get("except") and re.search(spec["except"], lowered))


def _text_condition(spec: dict, profile: dict) -> Evidence | None:
    questions = spec.get("questions")
    found: Evidence = []
    for answer in profile.get("answers") or []:
        if questions and answer.get("question_id") not in questions:
            continue
        for sentence in _sentences(answer.get("text") or ""):
            if _words_match(spec, sentence):
                found.append((answer.get("id"), sentence))
    return found or None


def _one_of(value, wanted) -> bool:
    """A filter value is one value or a list of values; None matches no filter."""
    if wanted is None:
        return True
    return value in (wanted if isinstance(wanted, list) else [wanted])


# the fields a condition may filter on, per kind of item; every other key is a words filter
ITEM_FILTERS = {
    "aids": ("aid", "category", "status"),
    "places": ("kind", "status"),
    "personal": ("kind",),
    "professional": ("help",),
}
WORDS_KEYS = ("pattern", "with", "except")
# every key a condition may have besides the words filters
CONDITION_KEYS = {**ITEM_FILTERS, "professional": ("status", "help"),
                  "will": ("parts", "move_to"), "text": ("questions",)}


def _items_condition(items: list[dict], spec: dict, filters: tuple[str, ...]) -> Evidence | None:
    """Items whose fields match the filters and whose words (the item's words and the
    clause they stand in) match the words filters."""
    unknown = set(spec) - set(filters) - set(WORDS_KEYS)
    if unknown:
        raise RuleError(f"unknown filters {sorted(unknown)}")
    found: Evidence = []
    for item in items:
        if not all(_one_of(item.get(key), spec.get(key)) for key in filters):
            continue
        words = " ".join(str(item.get(key) or "") for key in ("words", "label", "text"))
        if _words_match(spec, words):
            found.append((item.get("answer_id"), str(item.get("text") or item.get("words") or "")))
    return found or None


def _resources(profile: dict) -> dict:
    return profile.get("resources") or {}


def _professional_items(profile: dict, status) -> list[dict]:
    """Help received or wished (both lists when no status is asked for)."""
    help_lists = _resources(profile).get("professional") or {}
    statuses = ["received", "wished"] if status is None else (
        status if isinstance(status, list) else [status])
    return [item for name in statuses for item in help_lists.get(name) or []]


def _will_items(profile: dict, parts) -> list[dict]:
    will = profile.get("will") or {}
    names = parts if isinstance(parts, list) else [parts] if parts else [
        "goals", "important", "change"]
    return [item for name in names for item in will.get(name) or []]


def _evaluate(condition: dict, profile: dict) -> Evidence | None:
    (name, spec), = condition.items()
    spec = spec if isinstance(spec, dict) else {}
    if name == "always":
        return [] if condition["always"] else None
    if name == "urgent":
        return [(None, need["text"]) for need in profile.get("urgent") or []] or None
    if name == "all":
        evidence: Evidence = []
        for part in condition["all"]:
            found = _evaluate(part, profile)
            if found is None:
                return None
            evidence += found
        return evidence
    if name == "professional_wished":
        return _items_condition(_professional_items(profile, "wished"), {}, ())
    if name == "professional":
        rest = {k: v for k, v in spec.items() if k != "status"}
        return _items_condition(_professional_items(profile, spec.get("status")), rest,
                                ITEM_FILTERS["professional"])
    if name == "will":
        rest = {k: v for k, v in spec.items() if k not in ("parts", "move_to")}
        items = _will_items(profile, spec.get("parts"))
        if spec.get("move_to"):
            items = [item for item in items if item.get("move_to")]
        return _items_condition(items, rest, ())
    if name in ("aids", "places", "personal"):
        key = {"aids": "aids", "places": "neighbourhood", "personal": "personal"}[name]
        return _items_condition(_resources(profile).get(key) or [], spec, ITEM_FILTERS[name])
    return _text_condition(spec, profile)


def _holds(rule: Rule, profile: dict) -> Evidence | None:
    """The evidence for the rule (any `when` condition), or None when none holds or any
    `unless` condition does (the person is one the rule is not for)."""
    evidence: Evidence | None = None
    for condition in rule.when:
        found = _evaluate(condition, profile)
        if found is not None:
            evidence = (evidence or []) + found
    if evidence is None:
        return None
    if any(_evaluate(condition, profile) is not None for condition in rule.unless):
        return None
    return evidence


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
    dated = [g for g in (profile.get("will") or {}).get("goals") or [] if g.get("start_date")]
    return min(dated, key=lambda g: g["start_date"]) if dated else None


def _values(profile: dict, evidence: Evidence, entry: knowledge.Entry | None,
            easy: bool) -> dict[str, str]:
    goal = _first_goal(profile)
    wished = [str(a.get("label") or a.get("words") or "") for a in _resources(profile).get(
        "aids") or [] if a.get("status") == "wished"]
    return {
        "evidence": quote(evidence[0][1], EVIDENCE_LIMIT).rstrip(" .!?;") if evidence else "",
        "aids": ", ".join(dict.fromkeys(w for w in wished if w)),
        "entry_text": entry.text.get(easy) if entry else "",
        "title": entry.title if entry else "",
        "goal": quote(goal["text"], 60) if goal else "",
        # Leichte Sprache writes the date out ("1. März 2027")
        "goal_start": date_text(goal["start_date"], easy) if goal else "",
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
        evidence = _holds(rule, profile)
        if evidence is None:
            continue
        if rule.id == "urgent":
            urgent_steps += _urgent_steps(rule, profile, evidence, today)
            continue
        sources = current_sources(rule.sources, today)
        if sources:
            steps.append(_step(rule, profile, evidence, sources))
    return urgent_steps + steps
