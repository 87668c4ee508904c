"""Crisis layer figures: recall per category and level, precision, false alarms on the hard
negatives — for the component (bot.crisis.assess) and end to end (the running assistant:
Rasa with the trained model and the action server, through the REST channel).

    .venv/bin/python bench/crisis_eval.py [--part dev|heldout|heldout_b|…|heldout_h|all]
                                          [--component-only] [--errors]

End to end, every message is sent as an answer to a guiding question in a conversation of its
own (after consent, Leichte Sprache "nein", nothing urgent) and counts as caught when the reply
carries the TelefonSeelsorge number and the message was not stored as an answer. A hard
negative that was caught is then answered "nein": where the layer was unsure, its message
becomes the answer after all ("kept") — the false alarm cost a question, not the answer.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT / "tests" / "data" / "crisis"
CRISIS_NUMBER = "0800 111 0 111"
QUESTION = "sich das Leben zu nehmen?"


@dataclass(frozen=True)
class Outcome:
    example: dict
    caught: bool
    level: str | None
    # the layer was unsure and asked (component); the answer was kept after "nein" (e2e)
    asked: bool = False


# dev/heldout: the first evaluation set (split once); heldout_b … heldout_g: sets by other
# writers, written later and only ever read for their figures
PARTS = ("dev", "heldout", "heldout_b", "heldout_c", "heldout_d", "heldout_e", "heldout_f",
         "heldout_g", "heldout_h")


def load(part: str) -> list[dict]:
    parts = PARTS if part == "all" else (part,)
    return [e for p in parts
            for e in yaml.safe_load((DATA / f"{p}.yml").read_text(encoding="utf-8"))["examples"]]


def component(examples: list[dict]) -> list[Outcome]:
    from bot.crisis import assess

    outcomes = []
    for example in examples:
        result = assess(example["text"])
        outcomes.append(Outcome(example, result is not None, result.level if result else None,
                                asked=result is not None and not result.certain))
    return outcomes


def report(title: str, outcomes: list[Outcome], errors: bool) -> None:
    positives = [o for o in outcomes if o.example["label"] != "none"]
    negatives = [o for o in outcomes if o.example["label"] == "none"]
    caught = [o for o in positives if o.caught]
    false_alarms = [o for o in negatives if o.caught]
    print(f"\n== {title}: {len(positives)} crisis messages, {len(negatives)} hard negatives")
    for key in ("label", "category", "style"):
        groups: dict[str, list[Outcome]] = defaultdict(list)
        for o in positives:
            groups[o.example[key]].append(o)
        print(f"recall by {'level' if key == 'label' else key}:")
        for name in sorted(groups):
            group = groups[name]
            hit = sum(o.caught for o in group)
            exact = sum(o.level == o.example["label"] for o in group)
            extra = f"  (level exactly right {exact / len(group):.3f})" if key != "style" else ""
            print(f"  {name:22s} {hit / len(group):.4f}  {hit}/{len(group)}{extra}")
    recall = len(caught) / len(positives) if positives else 1.0
    precision = len(caught) / (len(caught) + len(false_alarms)) if caught else 0.0
    asked = sum(o.asked for o in false_alarms)
    print(f"recall {recall:.4f}  precision {precision:.4f}  "
          f"false alarms on hard negatives {len(false_alarms)}/{len(negatives)} "
          f"(of which {asked} asked, the answer kept on a \"nein\"; "
          f"decided: {len(false_alarms) - asked})")
    if false_alarms:
        print("  false alarms by kind:",
              dict(Counter(o.example["category"] for o in false_alarms)))
    if errors:
        for o in positives:
            if not o.caught:
                print(f"  MISSED [{o.example['category']}] {o.example['text']}")
        for o in false_alarms:
            print(f"  FALSE  [{o.example['category']}] {o.example['text']}")


def end_to_end(examples: list[dict], workers: int = 3) -> list[Outcome]:
    """Through the real assistant on loopback ports with a fresh SQLite database."""
    import tempfile

    import httpx

    from bench.assistant import running_assistant

    stored_crises: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, running_assistant(Path(tmp)) as assistant:
        def one(index_example: tuple[int, dict]) -> Outcome:
            index, example = index_example
            sender = f"crisis-eval-{index}"
            with httpx.Client(timeout=60, headers=assistant.headers) as client:
                def send(text: str) -> list[dict]:
                    response = client.post(f"{assistant.rasa_url}/webhooks/rest/webhook",
                                           json={"sender": sender, "message": text})
                    response.raise_for_status()
                    return response.json()

                def stored() -> bool:
                    return any(a.text == example["text"]
                               for a in assistant.store.active_answers(sender))

                for text in ("hallo", "ja", "nein", "nein"):
                    send(text)
                replies = send(example["text"])
                said = " ".join(r.get("text") or "" for r in replies)
                stored_now = stored()
                caught = CRISIS_NUMBER in said and not stored_now
                if example["label"] != "none" and stored_now:
                    stored_crises.append(example["text"])
                level = (("concern" if QUESTION in said else "acute") if caught else None)
                kept = False
                if caught and example["label"] == "none" and level == "concern":
                    send("nein")
                    kept = stored()
            return Outcome(example, caught, level, asked=kept)

        with ThreadPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(one, enumerate(examples)))
    print(f"crisis messages stored as an answer: {len(stored_crises)}")
    return outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=(*PARTS, "all"), default="all",
                        help="all: each part on its own")
    parser.add_argument("--component-only", action="store_true")
    parser.add_argument("--errors", action="store_true",
                        help="list misses and false alarms (dev part only)")
    args = parser.parse_args()
    parts = PARTS if args.part == "all" else (args.part,)
    for part in parts:
        examples = load(part)
        show_errors = args.errors and part == "dev"
        started = time.perf_counter()
        report(f"component, {part}", component(examples), show_errors)
        print(f"({time.perf_counter() - started:.1f} s)")
        if not args.component_only:
            started = time.perf_counter()
            report(f"end to end (REST channel), {part}", end_to_end(examples), show_errors)
            print(f"({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
