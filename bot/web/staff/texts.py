"""Copy of the staff console (standard German only), from texts.yml beside this module."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

TEXTS_FILE = Path(__file__).with_name("texts.yml")


@lru_cache(maxsize=1)
def staff_texts(path: Path = TEXTS_FILE) -> dict[str, str]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    texts = {}
    for key, value in raw.items():
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{path.name}: {key!r} needs a text")
        texts[key] = " ".join(value.split())
    return texts


def st(key: str, **values: object) -> str:
    wording = staff_texts()[key]
    return wording.format(**values) if values else wording
