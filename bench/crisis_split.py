"""Split the crisis evaluation data once into a development and a held-out part.

Run once, before any tuning (2026-11-30): reads the four files the writers produced
(tests/data/crisis/raw_*.yml), gives every example to the held-out part when the SHA-256 of
its text falls in the lowest 30 %, and writes dev.yml and heldout.yml. Kept for the record;
running it again on the same input gives the same split.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "crisis"
HELDOUT_SHARE = 0.3


def heldout(text: str) -> bool:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < HELDOUT_SHARE


def main() -> None:
    parts: dict[str, list] = {"dev": [], "heldout": []}
    for path in sorted(DIR.glob("raw_*.yml")):
        for example in yaml.safe_load(path.read_text(encoding="utf-8"))["examples"]:
            example["writer"] = path.stem.removeprefix("raw_")
            parts["heldout" if heldout(example["text"]) else "dev"].append(example)
    for name, examples in parts.items():
        header = (f"# Crisis evaluation data, {name} part (bench/crisis_split.py); "
                  "see README.md beside this file.\n")
        (DIR / f"{name}.yml").write_text(
            header + yaml.safe_dump({"examples": examples}, allow_unicode=True,
                                    sort_keys=False, width=100), encoding="utf-8")
        print(name, len(examples))


if __name__ == "__main__":
    main()
