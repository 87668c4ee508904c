"""Checks of the assistant's wording shared by several test modules."""

from __future__ import annotations

import re

# an amount in Euro without the thousands dot ("29250 Euro"): Leichte Sprache groups digits
UNGROUPED = re.compile(r"\b\d{4,}\s*Euro")

DOUBLED = re.compile(r"\b(\w+)\s+\1\b(?!-)", re.IGNORECASE)
# German allows these twice in a row ("…, die die Hilfe bekommen")
ALLOWED_TWICE = {"die", "das", "der", "sie"}


def doubled_words(text: str) -> list[str]:
    return [m.group(0) for m in DOUBLED.finditer(text) if m.group(1).lower() not in ALLOWED_TWICE]
