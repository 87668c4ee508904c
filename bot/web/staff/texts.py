"""Copy of the staff console (standard German only): texts/staff.yml, through bot.texts."""

from __future__ import annotations

from functools import lru_cache

from bot import texts


@lru_cache(maxsize=1)
def staff_texts() -> dict[str, str]:
    """Every text of the console, each on one line; fails loudly on an empty one."""
    shaped = {}
    for key in texts.load("staff"):
        value = texts.pick("staff", key, "standard")
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"texts/staff.yml: {key!r} needs a text")
        shaped[key] = " ".join(value.split())
    return shaped


def st(key: str, **values: object) -> str:
    wording = staff_texts()[key]
    return wording.format(**values) if values else wording
