"""The gazetteers of data/gazetteer as lookup tables, and entities by kind."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc

from bot.nlp.pipeline import GAZETTEER_DIR
from bot.yaml_file import load_yaml


@dataclass(frozen=True)
class Gazetteer:
    relations: dict[str, dict]
    relation_terms: dict[str, str]
    aids: dict[str, dict]
    aid_terms: dict[str, str]
    places: dict[str, dict]
    place_terms: dict[str, str]
    quarter_district: dict[str, str]
    common_quarters: dict[str, str]
    dotted_aliases: tuple[tuple[re.Pattern, str], ...]
    ambiguous: dict[str, tuple[str, ...]]
    life_areas: dict[str, dict]
    life_area_keywords: dict[str, str]


def _read(name: str) -> dict:
    return load_yaml(GAZETTEER_DIR / name)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    relations = {r["relation"]: r for r in _read("relations.yml")["relations"]}
    hamburg = _read("hamburg.yml")
    common = {str(w).lower() for w in hamburg.get("common_words") or ()}
    quarter_district: dict[str, str] = {}
    common_quarters: dict[str, str] = {}
    dotted: list[tuple[re.Pattern, str]] = []
    for district in hamburg["districts"]:
        for quarter in district["quarters"]:
            quarter_district[quarter["name"]] = district["name"]
            for name in [quarter["name"], *(quarter.get("aliases") or [])]:
                if str(name).lower() in common:
                    common_quarters[str(name).lower()] = quarter["name"]
                if "." in str(name):
                    # the tokenizer splits "st. pauli" (pattern) and "St. Pauli" (text)
                    # differently, so the ruler misses these; a text pattern finds them
                    pattern = re.escape(str(name)).replace(r"\.", r"\.\s?").replace(r"\ ", r"\s*")
                    dotted.append((re.compile(rf"(?<!\w){pattern}(?!\w)", re.I), quarter["name"]))
    ambiguous = {}
    for item in hamburg.get("ambiguous") or ():
        for term in [item["term"], *(item.get("aliases") or [])]:
            ambiguous[str(term).lower()] = tuple(item["candidates"])
    places = {p["kind"]: p for p in _read("places.yml")["places"]}
    aids = _read("aids.yml")["aids"]
    life_areas = _read("life_areas.yml")["life_areas"]
    return Gazetteer(
        relations=relations,
        relation_terms={str(t).lower(): r["relation"] for r in relations.values()
                        for t in r["terms"]},
        aids={a["aid"]: a for a in aids},
        aid_terms={str(t).lower(): a["aid"] for a in aids for t in a["terms"]},
        places=places,
        place_terms={str(t).lower(): p["kind"] for p in places.values() for t in p["terms"]},
        quarter_district=quarter_district,
        common_quarters=common_quarters,
        dotted_aliases=tuple(dotted),
        ambiguous=ambiguous,
        life_areas={a["code"]: a for a in life_areas},
        life_area_keywords={str(k).lower(): a["code"] for a in life_areas for k in a["keywords"]},
    )


def district_of(quarter: str) -> str | None:
    return gazetteer().quarter_district.get(quarter)


def typed_entities(doc: Doc, kind: str) -> list[tuple]:
    """(span, canonical key) of every relation / aid / place mention.

    A word can be in two gazetteers ("Eltern" is a relation and a life-area keyword,
    "Selbsthilfegruppe" a relation and a place); the ruler gives a span one label only,
    so every entity is looked up in the term table of `kind` as well."""
    g = gazetteer()
    terms = {"relation": g.relation_terms, "aid": g.aid_terms, "place": g.place_terms}[kind]
    found = []
    for ent in doc.ents:
        if ent.label_ == kind:
            found.append((ent, ent.ent_id_))
        elif ent.text.lower() in terms:
            found.append((ent, terms[ent.text.lower()]))
    return found
