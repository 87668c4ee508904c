"""What the person's next message says to the crisis layer's question ("Denken Sie manchmal
daran, sich das Leben zu nehmen?") or after the help numbers: a yes or an insistence
("ich meine das ernst") escalates to acute; so does "weiß nicht" or "vielleicht" (UNSURE:
a counsellor takes an unsure answer to that question as a possible yes); a no is thanked;
anything else is a normal message. A message right after the help that says it did not
reach anybody ("da war besetzt", "ich kann nicht telefonieren") is about the help, never an
answer to a guiding question (`about_unreached_help`).

People rarely answer with a bare "nein": "nein, so mein ich das nicht, ich bin nur müde".
Such a message still says no, unless what follows the "nein" is itself a crisis message
("nein, aber manchmal wünsche ich mir, nicht mehr aufzuwachen"); the caller's check of the
rest decides.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.crisis.normalize import fold
from bot.dialogue.words import is_non_answer

YES = "yes"
NO = "no"
UNSURE = "unsure"

_INSIST = re.compile(
    r"\b(meine? (das|es|dat) (\w+ )?ernst|ist (\w+ )?ernst( gemeint)?|ernst gemeint|"
    r"ernsthaft|kein (witz|scherz|spass)|nicht (aus )?(spass|witz)|wirklich so|"
    # after help in English (data/crisis/other_languages.yml) the insistence comes in English
    r"i mean it|i'?m serious|i am serious|seriously|not (a )?joke|no joke)\b")
_YES = re.compile(
    r"^\W*(ja+|jo|jep|jup|yes|jaein|schon|manchmal|oft|ofter|taglich|standig|leider|"
    r"immer wieder|ab und (zu|an)|stimmt|genau|doch|wirklich|ja doch|sehr oft|"
    r"ich denke (schon |oft |manchmal |standig |jeden tag )?(daran|dran|druber))\b")
_NO = re.compile(
    r"^\W*(nein+|nee+|ne|no+|nicht wirklich|eher nicht|nie|niemals|auf keinen fall|"
    r"gar nicht|nein danke|ne danke|keineswegs)\W*(,? ?(danke|alles (gut|ok|okay))\W*)?$")
# not knowing, or neither yes nor no, also at the start of a longer answer ("ich weiß es
# nicht genau"); a bare "weiß nicht" in any other spelling is is_non_answer's
_UNSURE = re.compile(
    r"^\W*(vielleicht|kann sein|mag sein|jein|schwer zu sagen|weiss (ich )?(es )?nicht|"
    r"ich weiss (es )?nicht|keine ahnung|unsicher|ich bin (mir )?(nicht sicher|unsicher)|"
    r"kommt (drauf|darauf) an|mal so,? mal so|manchmal ja,? manchmal nein|eventuell|"
    r"ich glaube nicht,? aber|nicht so richtig)\b")
# a typed yes on its own (a button's "/affirm" is none: after acute help there is no button)
_BARE_YES = re.compile(r"^\W*(ja+|jo|jep|jup|yes|ja doch|doch|ja ja)\W*$")
# a no followed by more words, whose rest is then checked on its own: "nein" and its forms
# anywhere, the others only before a comma or full stop ("ne ganze Menge …" is no "nee",
# "gar nicht so selten" no "gar nicht")
_NO_FIRST = re.compile(
    r"^\W*((nein+|nee+|noe+|no+|no+pe)\b|(ne|nicht wirklich|eher nicht|auf keinen fall|"
    r"keineswegs|gar nicht|nie|niemals)\s*[,.!;:\u2013-])\W*")


# the help itself: a number, a call, the line ...
_HELP_CHANNEL = re.compile(
    r"\b(telefon ?seelsorge|seelsorge|notruf|112|116 ?117|0800|hotline|nummer\w*|leitung|"
    r"anruf\w*|angerufen|anzurufen|telefonier\w*|telefon|handy|durchgekommen|erreich\w*|"
    r"ruf(e|t)? (da|dort|die|den)? ?(nicht )?an|ran ?gegangen|abgenommen|anrufe?)\b")
# "da geht keiner ran", "keiner nimmt ab"
_NOBODY_ANSWERS = re.compile(
    r"\b((geht|nimmt|ging|nahm) (da |dort |denn )?(keiner|niemand|keener) (ran|ab|dran)|"
    r"(keiner|niemand|keener) (geht|nimmt|ging|nahm) (da |dort )?(ran|ab|dran))\b")
# ... that did not work, or cannot be used
_NOT_REACHED = re.compile(
    r"\b(besetzt|warteschleife|keiner|niemand|nicht|nich|kein|keine|nie|klappt|geht nicht|"
    r"funktioniert|kaputt|leer|akku|guthaben|angst|trau\w*|schaff\w*|stumm|gehorlos|taub|"
    r"kann ich nicht|will ich nicht)\b")


def about_unreached_help(text: str) -> bool:
    """Whether the message says the help was not reached or cannot be used ("bei der
    Telefonseelsorge war besetzt", "da geht keiner ran", "ich kann nicht telefonieren"):
    asked only right after the help was given."""
    folded = fold(text)
    return bool(_NOBODY_ANSWERS.search(folded)
                or _HELP_CHANNEL.search(folded) and _NOT_REACHED.search(folded))


def reply(text: str, intent: str | None, question_asked: bool,
          is_crisis: Callable[[str], bool] | None = None,
          open_question: bool = False) -> str | None:
    """YES, NO, UNSURE or None. Without the question (after acute help), only an insistence, a
    bare typed "ja" and — when the question asked again is an open one — a bare "nein" count;
    a "nein" to a yes/no question asked again ("Gibt es noch mehr?") answers that one.
    `is_crisis`: the crisis check for the words after a leading "nein" (without it, only a
    bare no counts)."""
    folded = fold(text).strip()
    if _INSIST.search(folded):
        return YES
    if not question_asked:
        # the help text asks "Sind Sie in Gefahr?": a typed "ja" right after it may be the
        # answer to that, so the help comes once more (the safe side; the guiding question
        # follows again). A "nein" is no answer to "Wie wollen Sie leben?": it answers the
        # help too, and the open question must not be closed with nothing noted
        if _BARE_YES.match(folded):
            return YES
        return NO if open_question and _NO.match(folded) else None
    if intent == "affirm" or _YES.match(folded):
        return YES
    if intent == "deny" or _NO.match(folded):
        return NO
    if _UNSURE.match(folded) or is_non_answer(text):
        return UNSURE
    first = _NO_FIRST.match(folded)
    if first and is_crisis is not None:
        rest = folded[first.end():]
        if _YES.match(rest):
            return YES           # "nein … doch, manchmal schon": the safe side
        if not is_crisis(rest):
            return NO
    return None
