"""5-fold cross-validated NLU evaluation: intent macro-F1, crisis recall, false alarms.

Usage: .venv/bin/python bench/nlu_eval.py [--folds 5]   (or `make nlu-eval`)
       .venv/bin/python bench/nlu_eval.py --quick      (one 80/20 split: for iterating on data)
Targets (issue 2): macro-F1 >= 0.95, crisis recall 1.0, no hard negative taken as crisis.
The full reports are kept in results/nlu-eval/ (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.build import prepare, rasa_command, rasa_env  # noqa: E402


def run_cross_validation(folds: int, out: Path) -> None:
    subprocess.run(
        rasa_command("test", "nlu", "--nlu", "data/nlu", "--config", "config.yml",
                     "--cross-validation", "--folds", str(folds), "--out", str(out),
                     "--no-plot", "--successes"),
        cwd=ROOT, env=rasa_env(), check=True, stdout=subprocess.DEVNULL,
    )


def run_split(out: Path, seed: int = 7) -> None:
    """Train on 80 % of the examples and test on the other 20 % (quick, one training)."""
    split = out / "split"
    env = rasa_env()
    subprocess.run(rasa_command("data", "split", "nlu", "--nlu", "data/nlu", "--training-fraction",
                                "0.8", "--random-seed", str(seed), "--out", str(split)),
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(rasa_command("train", "nlu", "--config", "config.yml", "--nlu",
                                str(split / "training_data.yml"), "--out", str(split),
                                "--fixed-model-name", "split"),
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(rasa_command("test", "nlu", "--model", str(split / "split.tar.gz"), "--nlu",
                                str(split / "test_data.yml"), "--out", str(out), "--no-plot",
                                "--successes"),
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="one 80/20 split instead")
    args = parser.parse_args()
    prepare()
    started = time.monotonic()
    out = ROOT / "results" / "nlu-eval"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    if args.quick:
        run_split(out)
    else:
        run_cross_validation(args.folds, out)
    report = json.loads((out / "intent_report.json").read_text())
    errors = json.loads((out / "intent_errors.json").read_text())
    macro_f1 = report["macro avg"]["f1-score"]
    crisis = report["crisis"]
    false_alarms = [e for e in errors
                    if e["intent_prediction"]["name"] == "crisis" and e["intent"] != "crisis"]
    hard_negative_alarms = [e for e in false_alarms if e["intent"] == "inform"]
    missed = [e for e in errors if e["intent"] == "crisis"]
    method = "one 80/20 split" if args.quick else f"{args.folds}-fold cross-validation"
    print(f"{method} over data/nlu ({time.monotonic() - started:.0f} s)")
    print(f"intent macro-F1:            {macro_f1:.4f}   (target >= 0.95)")
    print(f"intent weighted F1:         {report['weighted avg']['f1-score']:.4f}")
    print(f"crisis recall:              {crisis['recall']:.4f}   (target 1.0; "
          f"support {crisis['support']})")
    print(f"crisis precision:           {crisis['precision']:.4f}")
    print(f"false crisis alarms:        {len(false_alarms)} "
          f"(of them inform answers / hard negatives: {len(hard_negative_alarms)})")
    for item in missed:
        print(f"  missed crisis: {item['text']!r} -> {item['intent_prediction']['name']}")
    for item in false_alarms:
        print(f"  false alarm: {item['text']!r} ({item['intent']})")
    worst = sorted(
        ((name, values["f1-score"]) for name, values in report.items()
         if isinstance(values, dict) and "f1-score" in values and " avg" not in name
         and name != "accuracy"),
        key=lambda pair: pair[1],
    )[:5]
    print("lowest F1: " + ", ".join(f"{name} {f1:.3f}" for name, f1 in worst))
    met = macro_f1 >= 0.95 and crisis["recall"] == 1.0 and not hard_negative_alarms
    print("targets met" if met else "targets NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
