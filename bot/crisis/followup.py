"""What the person's next message says to the crisis layer's question ("Denken Sie manchmal
daran, sich das Leben zu nehmen?") or after the help numbers: a yes or an insistence
("ich meine das ernst") escalates to acute; a no is thanked; anything else is a normal
message."""

from __future__ import annotations

import re

from bot.crisis.normalize import fold

YES = "yes"
NO = "no"

_INSIST = re.compile(
    r"\b(meine? (das|es|dat) (\w+ )?ernst|ist (\w+ )?ernst( gemeint)?|ernst gemeint|"
    r"ernsthaft|kein (witz|scherz|spass)|nicht (aus )?(spass|witz)|wirklich so)\b")
_YES = re.compile(
    r"^\W*(ja+|jo|jep|jup|yes|jaein|schon|manchmal|oft|ofter|taglich|standig|leider|"
    r"immer wieder|ab und (zu|an)|stimmt|genau|doch|wirklich|ja doch|sehr oft|"
    r"ich denke (schon |oft |manchmal |standig |jeden tag )?(daran|dran|druber))\b")
_NO = re.compile(
    r"^\W*(nein+|nee+|ne|no+|nicht wirklich|eher nicht|nie|niemals|auf keinen fall|"
    r"gar nicht|nein danke|ne danke|keineswegs)\W*(,? ?(danke|alles (gut|ok|okay))\W*)?$")


def reply(text: str, intent: str | None, question_asked: bool) -> str | None:
    """YES, NO or None. Without the question (after acute help), only an insistence counts:
    a plain "ja" or "nein" then answers the guiding question asked again."""
    folded = fold(text).strip()
    if _INSIST.search(folded):
        return YES
    if not question_asked:
        return None
    if intent == "affirm" or _YES.match(folded):
        return YES
    if intent == "deny" or _NO.match(folded):
        return NO
    return None
