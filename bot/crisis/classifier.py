"""A dedicated binary crisis classifier: logistic regression over word and character n-grams
of the normalised message, trained on its own data (data/crisis/training.yml) plus the NLU
examples (crisis examples as positives, every other intent as negatives).

It is the second opinion beside the lexicon: it catches indirect phrasings no pattern
names. Training takes about a second, so every process trains it once on first use from
the data in the repository (deterministic: fixed seed, sorted input); no model file to
keep in step with the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline, make_union

from bot.crisis.normalize import fold
from bot.settings import DATA_DIR

TRAINING_FILE = DATA_DIR / "crisis" / "training.yml"
# further training data written for the classifier by separate writers (same format as the
# evaluation data: examples with a label acute | concern | none)
WRITTEN_DIR = DATA_DIR / "crisis" / "written"
NLU_DIR = DATA_DIR / "nlu"


@dataclass(frozen=True)
class Example:
    text: str
    crisis: bool


def _nlu_examples() -> list[Example]:
    examples = []
    for path in sorted(NLU_DIR.glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            intent = block.get("intent")
            if not intent:
                continue
            for line in (block.get("examples") or "").splitlines():
                text = line.strip()
                if text.startswith("- "):
                    examples.append(Example(text[2:].strip(), intent == "crisis"))
    return examples


def training_examples() -> list[Example]:
    data = yaml.safe_load(TRAINING_FILE.read_text(encoding="utf-8"))
    own = [Example(text, True) for texts in data["positives"].values() for text in texts]
    own += [Example(text, False) for texts in data["negatives"].values() for text in texts]
    for path in sorted(WRITTEN_DIR.glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["examples"]:
            own.append(Example(item["text"], item["label"] != "none"))
    return own + _nlu_examples()


def build_pipeline() -> Pipeline:
    return make_pipeline(
        make_union(
            TfidfVectorizer(preprocessor=fold, ngram_range=(1, 3), sublinear_tf=True),
            TfidfVectorizer(preprocessor=fold, analyzer="char_wb", ngram_range=(3, 5),
                            sublinear_tf=True),
        ),
        LogisticRegression(C=5.0, class_weight="balanced", max_iter=5000, random_state=7),
    )


def train(examples: list[Example]) -> Pipeline:
    ordered = sorted(examples, key=lambda e: (e.text, e.crisis))
    model = build_pipeline()
    model.fit([e.text for e in ordered], [int(e.crisis) for e in ordered])
    return model


@lru_cache(maxsize=1)
def model() -> Pipeline:
    return train(training_examples())


def probability(text: str) -> float:
    """How likely the message is a crisis message, 0–1."""
    return float(model().predict_proba([text or ""])[0][1])
