"""Leave-one-writer-out figures for the crisis layer: how it does on a writer it has never
seen — the situation of the held-out sets (ours and the one we never see).

    .venv/bin/python bench/crisis_cv.py [--folds 4] [--c 30 300] [--dump FILE.json]
                                        [--train-only aa ab]

Each writer of data/crisis/written/ (the letter of its files: positives_c and negatives_c
are one writer's) is left out in turn; the classifier is trained on everything else
(data/crisis/training.yml, the other writers, the NLU examples) and the layer's rule is
scored on the writer left out: a lexicon match (unless the classifier is below the veto),
or the classifier above a threshold. Printed for the thresholds the layer uses (decided at
CLASSIFIER_THRESHOLD, asked from UNSURE_THRESHOLD) and a few others, with the recall per
level and category and the false alarms on the writers' everyday messages. The evaluation
data in tests/data/crisis/ is not used here, so choosing thresholds on these figures does
not touch the held-out part. One writer at a time takes about 50 minutes on two cores;
`--folds 4` about 5 minutes per C value.
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
    verdict,
)
from bot.crisis.lexicon import lexicon  # noqa: E402

THRESHOLDS = sorted({0.25, 0.28, 0.3, 0.32, 0.4, 0.5, 0.6, UNSURE_THRESHOLD, 0.8, 0.9,
                     CLASSIFIER_THRESHOLD, 0.95})


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


def scored(folds: int = 0, c: float = classifier.REGULARISATION_C,
           train_only: tuple[str, ...] = ()) -> list[dict]:
    """Every written example with its lexicon match and the probability of a classifier
    that never saw its writer. `folds` 0: each writer left out in turn; otherwise the
    writers are dealt round-robin into that many groups, each left out in turn (faster, and
    a harder test: fewer writers to learn from). `c`: the classifier's regularisation.
    `train_only`: writers always trained on and never scored — to see what new writers add,
    scored on the same writers as before they came."""
    groups = by_writer()
    written = {e for g in groups.values() for e in g}
    base = [e for e in classifier.training_examples() if e not in written]
    base += [e for writer in train_only for e in groups.pop(writer)]
    writers = sorted(groups)
    left_out = [[w] for w in writers] if folds <= 0 else [writers[i::folds]
                                                           for i in range(folds)]
    words = lexicon()
    normal_of = {e: words.normalised(e.text) for e in [*base, *written]}
    rows = []
    for held_writers in left_out:
        training = base + [e for w in writers if w not in held_writers for e in groups[w]]
        ordered = sorted(training, key=lambda e: (e.text, e.crisis, e.category or ""))
        model = classifier.build_pipeline(c).fit([normal_of[e] for e in ordered],
                                                 [int(e.crisis) for e in ordered])
        for writer in held_writers:
            held = groups[writer]
            normals = [normal_of[e] for e in held]
            probabilities = model.predict_proba(normals)[:, 1]
            for example, normal, p in zip(held, normals, probabilities, strict=True):
                rows.append({"writer": writer, "text": example.text,
                             "crisis": example.crisis, "category": example.category,
                             "lexicon": bool(words.signals_in(normal)),
                             "overcome": words.told_as_overcome(normal),
                             "probability": float(p)})
        print(f"left out {','.join(held_writers)}", flush=True)
    return rows


def caught(row: dict, threshold: float) -> bool:
    """The layer's rule (bot.crisis.verdict) with asking from this threshold."""
    return verdict(row["lexicon"], row["probability"], row.get("overcome", False),
                   unsure=threshold) is not None


def report(rows: list[dict]) -> None:
    levels = lexicon().levels
    crisis = [r for r in rows if r["crisis"]]
    everyday = [r for r in rows if not r["crisis"]]
    print(f"\n{len(crisis)} crisis and {len(everyday)} everyday messages, lexicon veto below "
          f"{LEXICON_VETO}")
    def by_lexicon(row: dict) -> bool:       # a pattern the classifier does not veto
        return row["lexicon"] and caught(row, 2.0)

    print(f"lexicon alone: recall {sum(map(by_lexicon, crisis)) / len(crisis):.3f}, "
          f"false alarms {sum(map(by_lexicon, everyday))}/{len(everyday)}")
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
    parser.add_argument("--folds", type=int, default=0,
                        help="writer groups instead of one writer at a time (e.g. 4)")
    parser.add_argument("--c", type=float, nargs="+", default=[classifier.REGULARISATION_C],
                        help="regularisation values to compare in the same run")
    parser.add_argument("--train-only", nargs="+", default=[], metavar="WRITER",
                        help="writers (e.g. aa ab) always trained on and never scored")
    args = parser.parse_args()
    if args.load:
        report(json.loads(Path(args.load).read_text(encoding="utf-8")))
        return
    for c in args.c:
        print(f"\n== C={c:g}, {'one writer' if args.folds <= 0 else f'{args.folds} groups'}"
              " left out at a time")
        rows = scored(args.folds, c, tuple(args.train_only))
        if args.dump:
            Path(args.dump).with_suffix(f".c{c:g}.json").write_text(
                json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        report(rows)


if __name__ == "__main__":
    main()
