"""The form of a message that crisis patterns are written against.

People in a crisis write fast, on a phone, in dialect, without capitals or umlauts. The
patterns of data/crisis/signals.yml see one form of all that: lower case, umlauts and ß
folded (ä/ae → a, ö/oe → o, ü/ue → u, ß → ss), chat and dialect spellings mapped to the
standard word, spaces single. Patterns are folded with the same function when loaded.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "’": "'", "`": "'",
                       "´": "'", "“": '"', "„": '"', "”": '"'})
_DIGRAPHS = re.compile(r"(?<=[a-z])(ae|oe|ue)|^(ae|oe|ue)")
_REPEATED = re.compile(r"([a-z])\1{2,}")


def fold(text: str) -> str:
    """Lower case with umlauts, ß and their digraphs folded; other accents dropped."""
    return fold_letters(unicodedata.normalize("NFC", text or "").lower())


def fold_letters(text: str) -> str:
    """Umlauts, ß and their digraphs folded without changing case (for patterns, where
    lower-casing would turn \\W into \\w)."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text.translate(_FOLD))
                     if not unicodedata.combining(c))
    return _DIGRAPHS.sub(lambda m: (m.group(1) or m.group(2))[0], folded)


def normalise(text: str, spellings: Mapping[str, str]) -> str:
    """The message as the patterns see it: folded, stretched letters shortened ("neeein"),
    dialect and typo spellings replaced word by word, words and punctuation separated by
    single spaces only where the original had space (punctuation stays attached)."""
    folded = _REPEATED.sub(r"\1\1", fold(text))
    out: list[str] = []
    for token in folded.split():
        word = token.strip(".,!?;:…\"'()[]")
        if word and word in spellings:
            token = token.replace(word, spellings[word], 1)
        out.append(token)
    return " ".join(out)
