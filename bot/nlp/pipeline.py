"""Build the German spaCy pipeline that Rasa's SpacyNLP loads by path.

blank `de` + lookup lemmatizer (tables from spacy-lookups-data, saved into the pipeline so
nothing is downloaded at run time) + an entity ruler for Hamburg's Bezirke and Stadtteile,
relations, technical aids, neighbourhood places and ICF life-area keywords.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import spacy
import srsly
from spacy.language import Language
from spacy.lookups import Lookups
from spacy.strings import get_string_id

from bot.settings import DATA_DIR, SPACY_PIPELINE_DIR
from bot.yaml_file import load_yaml

GAZETTEER_DIR = DATA_DIR / "gazetteer"
STAMP_FILE = "lwiw_gazetteer.sha256"


def _load(name: str) -> dict:
    return load_yaml(GAZETTEER_DIR / name)


def _pattern(label: str, text: str, canonical: str) -> list[dict]:
    """Patterns match lower-cased tokens, but tokenisation depends on case ("St." is an
    abbreviation, "st." is not), so both spellings are added."""
    forms = dict.fromkeys([str(text), str(text).lower(), str(text).title()])
    return [{"label": label, "pattern": form, "id": canonical} for form in forms]


def _place_pattern(label: str, text: str, canonical: str, common: set[str]) -> list[dict]:
    """Place names that are also ordinary words (Horn, Hamm, Mitte) only match capitalised."""
    if str(text).lower() in common:
        return [{"label": label, "pattern": [{"ORTH": str(text)}], "id": canonical}]
    return _pattern(label, text, canonical)


def entity_patterns() -> list[dict]:
    """All ruler patterns; `id` holds the canonical value (relation key, aid key, name)."""
    patterns: list[dict] = []
    hamburg = _load("hamburg.yml")
    common = {str(word).lower() for word in hamburg.get("common_words") or ()}
    quarter_names: set[str] = set()
    for district in hamburg["districts"]:
        for quarter in district["quarters"]:
            quarter_names.add(quarter["name"].lower())
            for text in [quarter["name"], *(quarter.get("aliases") or [])]:
                patterns += _place_pattern("quarter", text, quarter["name"], common)
    for district in hamburg["districts"]:
        for text in [district["name"], *(district.get("aliases") or [])]:
            # a name that is also a Stadtteil is taken as the Stadtteil (it implies the Bezirk)
            if str(text).lower() not in quarter_names:
                patterns += _place_pattern("district", text, district["name"], common)
    for item in _load("relations.yml")["relations"]:
        patterns += [p for t in item["terms"] for p in _pattern("relation", t, item["relation"])]
    for item in _load("aids.yml")["aids"]:
        patterns += [p for t in item["terms"] for p in _pattern("aid", t, item["aid"])]
    for item in _load("places.yml")["places"]:
        patterns += [p for t in item["terms"] for p in _pattern("place", t, item["kind"])]
    # a word that names a person, aid or place keeps that more specific label
    taken = {str(p["pattern"]).lower() for p in patterns if isinstance(p["pattern"], str)}
    for item in _load("life_areas.yml")["life_areas"]:
        patterns += [p for t in item["keywords"] if str(t).lower() not in taken
                     for p in _pattern("life_area", t, item["code"])]
    return patterns


def gazetteer_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(GAZETTEER_DIR.glob("*.yml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


def build_pipeline() -> Language:
    nlp = spacy.blank("de")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = nlp.add_pipe(
        "entity_ruler", config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True}
    )
    nlp.initialize()
    ruler.add_patterns(entity_patterns())
    return nlp


def ensure_pipeline(target: Path = SPACY_PIPELINE_DIR, force: bool = False) -> bool:
    """Build the pipeline into `target` unless it is current. Returns True if it was built."""
    stamp = target / STAMP_FILE
    wanted = gazetteer_hash()
    if not force and stamp.exists() and stamp.read_text().strip() == wanted:
        return False
    nlp = build_pipeline()
    target.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)
    stamp.write_text(wanted)
    (target / "lwiw_patterns_count.json").write_text(
        json.dumps({"patterns": len(entity_patterns())})
    )
    return True


class LemmaLookup(dict):
    """The lookup lemmatizer's table ("lemma_lookup"): spaCy's `Table` on a plain dict.

    `Table` is an OrderedDict with a Bloom filter that `Lookups.from_disk` fills key by key
    in Python: about 0.5–0.9 s for the 355,000 German lemmas, in every process that loads
    the pipeline (`lwiw export`, the action server). The dict msgpack gives for the same
    file, copied into this class, takes about 0.15 s. Same keys (string hashes), same
    values, same order; `get`, `[]` and `in` take a string or its hash as `Table`'s do
    (the lookup lemmatizer only calls `get`), and it is saved as `Table` is (a msgpack map).
    """

    def __init__(self, name: str, lemmas: dict[int, str]) -> None:
        super().__init__(lemmas)
        self.name = name

    def get(self, key: str | int, default: object = None) -> object:
        return dict.get(self, get_string_id(key), default)

    def __getitem__(self, key: str | int) -> str:
        return dict.__getitem__(self, get_string_id(key))

    def __contains__(self, key: object) -> bool:
        return isinstance(key, (str, int)) and dict.__contains__(self, get_string_id(key))


def lemma_lookups(directory: Path) -> Lookups:
    """The lemmatizer's lookups saved in `directory` (lookups.bin, as `Lookups.to_disk`
    writes it: msgpack of table name -> {string hash: lemma}), with `LemmaLookup` tables."""
    lookups = Lookups()
    for name, table in srsly.msgpack_loads((directory / "lookups.bin").read_bytes()).items():
        lookups.set_table(name, LemmaLookup(name, table))  # type: ignore[arg-type]
    return lookups


@lru_cache(maxsize=1)
def load_pipeline() -> Language:
    """The pipeline as `spacy.load` gives it, with the lemma table read as a plain dict
    (`LemmaLookup`): everything else is loaded by spaCy itself. Rasa's SpacyNLP loads the
    same directory with `spacy.load`."""
    ensure_pipeline()
    path = SPACY_PIPELINE_DIR
    nlp = spacy.util.load_model_from_config(spacy.util.load_config(path / "config.cfg"),
                                            meta=spacy.util.get_model_meta(path))
    # first: the entity ruler runs its phrase patterns through the lemmatizer as it loads
    nlp.get_pipe("lemmatizer").initialize(lookups=lemma_lookups(path / "lemmatizer" / "lookups"))
    return nlp.from_disk(path, exclude=["lemmatizer"])
