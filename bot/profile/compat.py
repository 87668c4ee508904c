"""Profiles exported as version 1 (schema/profile-1.schema.json), read as version 2.

Nothing in the assistant stores a profile: it is built anew from the verbatim answers each
time (bot/profile/builder.py). What may exist outside are JSON exports made before; read
them with `load_profile`, which takes either version and returns version 2 (validated),
so the export templates and other readers only need to know version 2.

A version-1 document cannot be read again more truthfully than it was written: its
statuses stay as they were (a place "wished" becomes "wishes"; professional help keeps
received / wished, one item per statement), and the document says `upgraded_from: "1"`
so readers know the stricter version-2 reading was not applied to it.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from bot.profile.schema import SCHEMA_VERSION, ProfileInvalid, validation_errors

OTHER_HELP = ("other", "Hilfe durch Fachleute")
# documents made before issue 16 do not say who wrote: the person themself
SELF_AUTHORSHIP = {"mode": "self", "relation": None, "words": None, "name": None}


def with_authorship(profile: dict) -> dict:
    """A document without `authorship` read as written by the person themself (a copy;
    a document that says who wrote is returned as it is)."""
    if "authorship" in profile:
        return profile
    return {**profile, "authorship": dict(SELF_AUTHORSHIP)}


def _span(answers: dict[int, str], item: dict) -> list[int] | None:
    text = answers.get(item.get("answer_id"), "")
    found = text.find(item.get("text") or "\0") if text else -1
    return [found, found + len(item["text"])] if found >= 0 else None


def upgrade_v1(document: dict) -> dict:
    """A valid version-1 profile in the shape of version 2 (see the module docstring)."""
    errors = validation_errors(document, "1")
    if errors:
        raise ProfileInvalid("; ".join(errors[:10]))
    profile = copy.deepcopy(document)
    answers = {a["id"]: a["text"] for a in profile["answers"]}
    profile["schema_version"] = SCHEMA_VERSION
    profile["upgraded_from"] = "1"
    profile = with_authorship(profile)
    for key in ("quarter", "district"):
        if profile["person"][key]:
            profile["person"][key].setdefault("span", None)
    will = profile["will"]
    for item in [*will["important"], *will["change"], *profile["contribution"]]:
        item["span"] = _span(answers, item)
    for goal in will["goals"]:
        goal.update(move_to=None, span=_span(answers, goal))
    resources = profile["resources"]
    for item in [*resources["personal"], *resources["social"]]:
        item["span"] = _span(answers, item)
    for aid in resources["aids"]:
        aid.update(start=None, start_date=None, span=_span(answers, aid))
    for place in resources["neighbourhood"]:
        if place["status"] == "wished":
            place["status"] = "wishes"
        place.update(barrier=None, start=None, start_date=None, span=_span(answers, place))
    for kind in ("received", "wished"):
        resources["professional"][kind] = [
            {**item, "help": OTHER_HELP[0], "label": OTHER_HELP[1], "words": item["text"],
             "start": None, "start_date": None, "span": _span(answers, item)}
            for item in resources["professional"][kind]]
    errors = validation_errors(profile)
    if errors:
        raise ProfileInvalid("; ".join(errors[:10]))
    return profile


def load_profile(source: dict | str | Path) -> dict:
    """A profile document of version 1 or 2 (a dict, JSON text or a file), as version 2."""
    if isinstance(source, Path):
        source = source.read_text(encoding="utf-8")
    document = json.loads(source) if isinstance(source, str) else source
    version = str(document.get("schema_version"))
    if version == "1":
        return upgrade_v1(document)
    if version != SCHEMA_VERSION:
        raise ProfileInvalid(f"unknown schema_version {version!r}")
    errors = validation_errors(document)
    if errors:
        raise ProfileInvalid("; ".join(errors[:10]))
    return with_authorship(document)
