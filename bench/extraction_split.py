"""Split the extraction gold set ONCE into a development and a held-out part.

    .venv/bin/python bench/extraction_split.py

Reads tests/data/extraction/answers_a.yml and answers_b.yml (330 annotated answers, see
tests/data/extraction/README.md), puts each answer by the SHA-256 of its exact `text` into

    tests/data/extraction/dev.yml      (the extractor is tuned on this part only)
    tests/data/extraction/heldout.yml  (read only to report the final figures)

and deletes the two source files afterwards, so that nobody tunes on the whole set by
accident. Rule: the first two bytes of sha256(text.encode("utf-8")) as a number below
0.30 × 65536 mean held out (about 30 %). The rule does not depend on the order of the
answers, so the split is stable; the texts are unique (checked).

The script refuses to run when dev.yml or heldout.yml exist: the split is made once. What
it did is written at the top of both output files and into SPLIT.md beside them.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "extraction"
SOURCES = ("answers_a.yml", "answers_b.yml")
HELD_OUT_SHARE = 0.30
THRESHOLD = int(HELD_OUT_SHARE * 65536)


def held_out(text: str) -> bool:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return int.from_bytes(digest[:2], "big") < THRESHOLD


def _header(path: Path) -> list[str]:
    """The leading comment lines of a source file (who wrote it and how)."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return lines


def _dump(path: Path, header: list[str], answers: list[dict]) -> None:
    body = yaml.safe_dump({"answers": answers}, allow_unicode=True, sort_keys=False, width=100,
                          default_style=None)
    path.write_text("\n".join(header) + "\n" + body, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--keep-sources", action="store_true",
                        help="do not delete the source files (tests only)")
    parser.add_argument("--sources", nargs="+", default=list(SOURCES),
                        help="source files in --data (default: the first gold set)")
    parser.add_argument("--suffix", default="",
                        help="name of a further set: dev<suffix>.yml, heldout<suffix>.yml")
    args = parser.parse_args(argv)
    data: Path = args.data
    suffix: str = args.suffix
    dev_path, heldout_path = data / f"dev{suffix}.yml", data / f"heldout{suffix}.yml"
    if dev_path.exists() or heldout_path.exists():
        print(f"{dev_path.name} / {heldout_path.name} exist: the split is made once, "
              "nothing done.", file=sys.stderr)
        return 1
    sources = [data / name for name in args.sources]
    missing = [p.name for p in sources if not p.exists()]
    if missing:
        print(f"missing {missing}", file=sys.stderr)
        return 1
    answers: list[dict] = []
    digests = []
    for path in sources:
        answers += yaml.safe_load(path.read_text(encoding="utf-8"))["answers"]
        digests.append(f"{path.name} sha256 {hashlib.sha256(path.read_bytes()).hexdigest()}")
    texts = Counter(a["text"] for a in answers)
    duplicates = [t for t, n in texts.items() if n > 1]
    if duplicates:
        print(f"texts are not unique: {duplicates[:3]}", file=sys.stderr)
        return 1
    dev = [a for a in answers if not held_out(a["text"])]
    heldout = [a for a in answers if held_out(a["text"])]
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    per_question = {name: Counter(a["question"] for a in part)
                    for name, part in (("dev", dev), ("heldout", heldout))}
    report = [
        f"# Split made once by bench/extraction_split.py on {when}.",
        f"# Rule: held out when the first two bytes of sha256(text) < {THRESHOLD}/65536 "
        f"({HELD_OUT_SHARE:.0%}).",
        f"# {len(answers)} answers from {', '.join(p.name for p in sources)} -> dev {len(dev)}, "
        f"held out {len(heldout)}; the source files were deleted afterwards.",
        *[f"# {d}" for d in digests],
        "# Per question: " + "; ".join(
            f"{name} " + ", ".join(f"{q} {n}" for q, n in sorted(counts.items()))
            for name, counts in per_question.items()),
    ]
    header = _header(sources[0])
    _dump(dev_path, header + ["#", *report, "# This file: the development part (tune on it)."],
          dev)
    _dump(heldout_path, header + ["#", *report,
                                  "# This file: the held-out part. Do not tune on it; read its "
                                  "figures only at the end (make extraction-eval)."], heldout)
    (data / f"SPLIT{suffix}.md").write_text(
        "# Development / held-out split\n\n" + "\n".join(
            line.removeprefix("# ") for line in report) + "\n", encoding="utf-8")
    if not args.keep_sources:
        for path in sources:
            path.unlink()
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
