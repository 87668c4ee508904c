"""Leave-one-writer-out figures for the crisis layer: how it does on a writer it has never
seen — the situation of the held-out sets (ours and the one we never see).

    .venv/bin/python bench/crisis_cv.py [--dump FILE.json] [--writers c,d,...]

Each writer of data/crisis/written/ (the letter of its files: positives_c and negatives_c
are one writer's) is left out in turn; the classifier is trained on everything else
(data/crisis/training.yml, the other writers, the NLU examples) and the layer's rule is
scored on the writer left out: a lexicon match (unless the classifier is below the veto),
or the classifier above a threshold. Printed for the thresholds the layer uses (decided at
CLASSIFIER_THRESHOLD, asked from UNSURE_THRESHOLD) and a few others, with the recall per
level and category and the false alarms on the writers' everyday messages. The evaluation
data in tests/data/crisis/ is not used here, so choosing thresholds on these figures does
not touch the held-out part. Takes about 15 minutes on two cores.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.crisis import (  # noqa: E402
    CLASSIFIER_THRESHOLD,
    LEXICON_VETO,
    UNSURE_THRESHOLD,
    classifier,
)
from bot.crisis.lexicon import lexicon  # noqa: E402

THRESHOLDS = sorted({0.5, 0.6, UNSURE_THRESHOLD, 0.8, 0.9, CLASSIFIER_THRESHOLD, 0.95})


def writer_of(path: Path) -> str:
    return re.sub(r"^(positives|negatives)_", "", path.stem)


def by_writer() -> dict[str, list[classifier.Example]]:
    groups: dict[str, list[classifier.Example]] = defaultdict(list)
    for path in sorted(classifier.WRITTEN_DIR.glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["examples"]:
            crisis = item["label"] != "none"
            groups[writer_of(path)].append(classifier.Example(
                item["text"], crisis, item["category"] if crisis else None))
    return groups


def scored() -> list[dict]:
    """Every written example with its lexicon match and the probability of a classifier
    that never saw its writer."""
    groups = by_writer()
    written = {e for g in groups.values() for e in g}
    base = [e for e in classifier.training_examples() if e not in written]
    words = lexicon()
    rows = []
    for writer, held in sorted(groups.items()):
        models = classifier.train(base + [e for w, g in groups.items() if w != writer
                                          for e in g])
        normals = [words.normalised(e.text) for e in held]
        probabilities = models.crisis.predict_proba(normals)[:, 1]
        for example, normal, p in zip(held, normals, probabilities, strict=True):
            rows.append({"writer": writer, "text": example.text, "crisis": example.crisis,
                         "category": example.category,
                         "lexicon": bool(words.signals_in(normal)), "probability": float(p)})
        print(f"writer {writer}: {sum(e.crisis for e in held)} crisis, "
              f"{sum(not e.crisis for e in held)} everyday", flush=True)
    return rows


def caught(row: dict, threshold: float, veto: float = LEXICON_VETO) -> bool:
    return (row["lexicon"] and row["probability"] >= veto) or row["probability"] >= threshold


def report(rows: list[dict]) -> None:
    levels = lexicon().levels
    crisis = [r for r in rows if r["crisis"]]
    everyday = [r for r in rows if not r["crisis"]]
    print(f"\n{len(crisis)} crisis and {len(everyday)} everyday messages, lexicon veto below "
          f"{LEXICON_VETO}")
    lexicon_only = sum(caught(r, 2.0) for r in everyday)
    print(f"lexicon alone: recall {sum(caught(r, 2.0) for r in crisis) / len(crisis):.3f}, "
          f"false alarms {lexicon_only}/{len(everyday)}")
    for t in THRESHOLDS:
        recall = {level: [caught(r, t) for r in crisis if levels[r["category"]] == level]
                  for level in ("acute", "concern")}
        alarms = sum(caught(r, t) for r in everyday)
        role = {CLASSIFIER_THRESHOLD: "  (decided)", UNSURE_THRESHOLD: "  (asked)"}.get(t, "")
        print(f"threshold {t:.2f}: acute {sum(recall['acute']) / len(recall['acute']):.3f}, "
              f"concern {sum(recall['concern']) / len(recall['concern']):.3f}, "
              f"false alarms {alarms}/{len(everyday)} ({alarms / len(everyday):.3f}){role}")
    per_category: dict[str, list[bool]] = defaultdict(list)
    for r in crisis:
        per_category[r["category"]].append(caught(r, UNSURE_THRESHOLD))
    print(f"\nrecall per category from {UNSURE_THRESHOLD} (asked or decided):")
    for category, hits in sorted(per_category.items()):
        print(f"  {category:22s} {sum(hits) / len(hits):.3f} ({sum(hits)}/{len(hits)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dump", help="also write every example's figures to this JSON file")
    parser.add_argument("--load", help="report on a dump instead of training anew")
    args = parser.parse_args()
    rows = json.loads(Path(args.load).read_text(encoding="utf-8")) if args.load else scored()
    if args.dump:
        Path(args.dump).write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    report(rows)


if __name__ == "__main__":
    main()
