"""The crisis layer's own classifiers: logistic regressions over word and character n-grams
of the normalised message (the lexicon's normalisation: folded, dialect spellings mapped,
idioms blanked), trained on its own data (data/crisis/training.yml, data/crisis/written/)
plus the NLU examples (crisis examples as positives, every other intent as negatives). One
model says whether a message is a crisis (two heads on the same n-grams, averaged: see
NAIVE_BAYES_C), a second one which category it is.

It is the second opinion beside the lexicon: it catches indirect phrasings no pattern
names. Training takes some seconds, so the trained models are cached in build/crisis/ under
a hash of everything they are made from (deterministic: fixed seed, sorted input);
`lwiw build` makes the cache, every process loads it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sklearn.ensemble import VotingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline, make_union

from bot.crisis import naive_bayes_scaling
from bot.crisis import normalize as normalise_module
from bot.crisis.lexicon import SIGNALS_FILE, lexicon
from bot.crisis.naive_bayes_scaling import NaiveBayesScaling
from bot.settings import DATA_DIR, ROOT
from bot.yaml_file import load_yaml

TRAINING_FILE = DATA_DIR / "crisis" / "training.yml"
# further training data written for the classifier by separate writers (same format as the
# evaluation data: examples with a label acute | concern | none)
WRITTEN_DIR = DATA_DIR / "crisis" / "written"
NLU_DIR = DATA_DIR / "nlu"
CACHE_DIR = ROOT / "build" / "crisis"


@dataclass(frozen=True)
class Example:
    text: str
    crisis: bool
    category: str | None = None      # for crisis examples whose category is known


@dataclass(frozen=True)
class Models:
    crisis: Pipeline                 # crisis or not
    category: Pipeline               # which category, for a message that is a crisis


def _nlu_examples() -> list[Example]:
    examples = []
    for path in sorted(NLU_DIR.glob("*.yml")):
        for block in (load_yaml(path) or {}).get("nlu", []):
            intent = block.get("intent")
            if not intent:
                continue
            for line in (block.get("examples") or "").splitlines():
                text = line.strip()
                if text.startswith("- "):
                    examples.append(Example(text[2:].strip(), intent == "crisis"))
    return examples


def training_examples() -> list[Example]:
    data = load_yaml(TRAINING_FILE)
    own = [Example(text, True, category) for category, texts in data["positives"].items()
           for text in texts]
    own += [Example(text, False) for texts in data["negatives"].values() for text in texts]
    for path in sorted(WRITTEN_DIR.glob("*.yml")):
        for item in load_yaml(path)["examples"]:
            crisis = item["label"] != "none"
            own.append(Example(item["text"], crisis, item["category"] if crisis else None))
    return own + _nlu_examples()


# weak regularisation: on writers the model never saw (bench/crisis_cv.py --folds 4, 20
# writers, 2026-12-01) C=300 caught as many crisis messages as C=30 with fewer false alarms
# (asked from 0.5: acute 0.922 / concern 0.925 / false alarms 7.6 % against 0.924 / 0.925 /
# 9.3 %), and more of them above the decided threshold (acute 0.755 against 0.668)
REGULARISATION_C = 300.0
CATEGORY_C = 30.0                # the category model: as before
# the second head on naive-Bayes-scaled n-grams (bot/crisis/naive_bayes_scaling.py), averaged
# with the plain one. Writer-grouped CV (bench/crisis_cv.py --folds 4 --train-only aa ab ac
# ad ae af ag, 2026-12-02; 24 writers scored, 6,918 crisis and 6,408 everyday messages), asked
# from 0.4: plain alone acute 0.955, concern 0.947, 503 everyday messages asked or decided, 141
# of them decided; the average with the scaled head at C=30: 0.956 / 0.951 / 495, 87 decided
# (at C=300: 0.954 / 0.949 / 459, 107 decided); the scaled head alone at C=30: 0.946 / 0.945 /
# 487, 93 decided
NAIVE_BAYES_C = 30.0


# an n-gram seen in one training message only is dropped: it names that message rather than
# a way of speaking. Writer-grouped CV (bench/crisis_cv.py --folds 4, 2026-12-01, writers
# c-z scored, aa and ab in every training part): at the same recall (acute 0.962, concern
# 0.959) 669 instead of 717 of 6,409 everyday messages asked or decided, and a model of a
# fraction of the n-grams (less memory in the Rasa and the action server)
MIN_MESSAGES = 2


def _features() -> FeatureUnion:
    """Words and word pairs, and character 2–6-grams across word boundaries (typos, dialect,
    compounds, "mit'n"), of the normalised text, each seen in at least MIN_MESSAGES
    messages."""
    return make_union(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=MIN_MESSAGES),
        TfidfVectorizer(analyzer="char", ngram_range=(2, 6), sublinear_tf=True,
                        min_df=MIN_MESSAGES, max_features=300_000),
    )


def build_pipeline(c: float = REGULARISATION_C) -> Pipeline:
    """The crisis model: the average of two logistic regressions on the same n-grams, one
    plain (`c`) and one on naive-Bayes-scaled features (NAIVE_BAYES_C); balanced classes
    (few crisis examples)."""
    return make_pipeline(
        _features(),
        VotingClassifier([
            ("plain", LogisticRegression(C=c, class_weight="balanced", max_iter=5000,
                                         random_state=7)),
            ("naive_bayes", make_pipeline(
                NaiveBayesScaling(),
                LogisticRegression(C=NAIVE_BAYES_C, class_weight="balanced", max_iter=5000,
                                   random_state=7))),
        ], voting="soft"),
    )


def build_category_pipeline() -> Pipeline:
    """Which category a crisis message is: one logistic regression on the same n-grams."""
    return make_pipeline(_features(),
                         LogisticRegression(C=CATEGORY_C, max_iter=5000, random_state=7))


def train(examples: list[Example], c: float = REGULARISATION_C) -> Models:
    ordered = sorted(examples, key=lambda e: (e.text, e.crisis, e.category or ""))
    normalised = lexicon().normalised
    crisis = build_pipeline(c)
    crisis.fit([normalised(e.text) for e in ordered], [int(e.crisis) for e in ordered])
    known = [e for e in ordered if e.crisis and e.category]
    category = build_category_pipeline()
    category.fit([normalised(e.text) for e in known], [e.category for e in known])
    return Models(crisis, category)


def _fingerprint() -> str:
    """Hash of everything the model is made from: its data, the NLU data, this code and the
    lexicon's normalisation (the preprocessor)."""
    digest = hashlib.sha256()
    sources = [TRAINING_FILE, *sorted(WRITTEN_DIR.glob("*.yml")), *sorted(NLU_DIR.glob("*.yml")),
               SIGNALS_FILE, Path(__file__), Path(normalise_module.__file__),
               Path(naive_bayes_scaling.__file__)]
    for path in sources:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def model() -> Models:
    """The trained model, from the cache in build/ when its inputs are unchanged (training
    takes a few seconds, and every process needs it)."""
    cached = CACHE_DIR / f"crisis-classifier-{_fingerprint()}.pkl"
    if cached.exists():
        try:
            return pickle.loads(cached.read_bytes())
        except Exception:           # a damaged or foreign file: train anew
            cached.unlink(missing_ok=True)
    trained = train(training_examples())
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(pickle.dumps(trained))
        partial.replace(cached)      # atomic: parallel processes never read half a file
        for old in CACHE_DIR.glob("crisis-classifier-*.pkl"):
            if old != cached:
                old.unlink(missing_ok=True)
    except OSError:
        pass                         # a read-only checkout still works, only slower
    return trained


def probability(normal: str) -> float:
    """How likely a message is a crisis message, 0–1; `normal`: the message as
    `lexicon().normalised` gives it."""
    return float(model().crisis.predict_proba([normal])[0][1])


def category(normal: str) -> str:
    """The most likely category of a crisis message (for one the lexicon does not name);
    `normal` as for `probability`."""
    return str(model().category.predict([normal])[0])
