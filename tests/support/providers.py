"""The Leistungserbringer the assistant must never name (DESIGN.md § 2.4), and how a text is
searched for them (tests/test_provider_neutral.py and the next-step tests)."""

from __future__ import annotations

import re
import unicodedata

PROVIDERS = [
    "BHH Sozialkontor", "Sozialkontor", "Elbe-Werkstätten", "Evangelische Stiftung Alsterdorf",
    "Stiftung Alsterdorf", "Fördern & Wohnen", "Leben mit Behinderung Hamburg", "Das Rauhe Haus",
    "Rauhe Haus", "Rauhen Haus", "Rauhes Haus", "auxiliar", "Lebenshilfe",
]
UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def squash(text: str) -> str:
    """Case, spacing, hyphens, "&" vs "und" and umlaut spellings folded away."""
    text = unicodedata.normalize("NFKC", text).lower().replace("&", " und ")
    text = text.translate(UMLAUTS)
    return re.sub(r"[^a-z0-9]+", "", text)


SQUASHED = {name: squash(name) for name in PROVIDERS}


def providers_in(text: str) -> list[str]:
    flat = squash(text)
    return [name for name, needle in SQUASHED.items() if needle in flat]


def without_quotes(text: str) -> str:
    """The bot's own text: the person's words quoted in „…“ taken out."""
    return re.sub(r"„[^“]*“", " ", text)
