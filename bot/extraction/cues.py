"""Which status the person's words give a mention: negation, past tense, modality (wishes),
barriers, and whether someone else does it. Everything here reads lower-cased text of one
clause (or the part of it around a mention); no parser is involved.

The order of the checks matters and lives in the callers (aids_places.py, professional.py,
personal.py); this module only knows the cue words. Every pattern has examples in
tests/test_extraction_status.py.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.settings import DATA_DIR
from bot.yaml_file import load_yaml

CUES_FILE = DATA_DIR / "extraction" / "cues.yml"


@lru_cache(maxsize=1)
def cue_data() -> dict:
    """The cue word lists of data/extraction/cues.yml."""
    return load_yaml(CUES_FILE)


def cue_pattern(*keys: str) -> re.Pattern:
    """One pattern of alternatives from a list in cues.yml (`keys` is the path to it; a
    mapping of lists is joined as a whole). Entries are regular expressions over
    lower-case text."""
    node = cue_data()
    for key in keys:
        node = node[key]
    items = [i for v in node.values() for i in v] if isinstance(node, dict) else list(node)
    return re.compile(r"\b(" + "|".join(f"(?:{i})" for i in items) + r")(?!\w)")

# "früher", "damals", "als Kind", "vor zwei Jahren", "war ich", "hatte ich", "bin … gegangen"
PAST = re.compile(
    r"\b(früher|frueher|fruher|damals|ehemals|einst|"
    r"(als|wo) (ich )?(noch )?(kind|jung|jugendlich\w*|schüler\w*|student\w*)|"
    r"vor (\w+ )?(jahren|jahrzehnten|monaten|langer zeit)|bis vor|"
    r"bis (letztes|letzten|zum letzten)|letzte[ns]? jahr|"
    r"(ich|wir) (war|waren|hatte|hatten|ging|gingen|spielte|machte|nutzte|benutzte|besuchte|"
    r"wohnte|lebte|konnte)\b|\b(war|waren|hatte|hatten|ging|gingen|spielte|machte|nutzte|"
    r"benutzte|besuchte|wohnte|lebte|konnte) (ich|wir)|"
    r"(bin|war|sind) (\w+ ){0,4}(gegangen|gewesen|geschwommen|gelaufen|gefahren)|"
    r"(habe|hab|hatte) (\w+ ){0,5}(gemacht|besucht|gespielt|genutzt|benutzt|gehabt|getanzt|"
    r"gesungen|trainiert|gewohnt|gelebt|bekommen|gekriegt)|"
    # a relative writes: "Im Chor hat er lange gesungen", "früher war sie jeden Tag dort"
    r"(er|sie) (war|hatte|ging|spielte|machte|besuchte|konnte)|"
    r"(war|hatte|ging|spielte|machte|besuchte|konnte) (er|sie) (\w+ ){0,4}(früher|damals|"
    r"lange|jahrelang|immer|oft|jeden)|"
    r"(hat|hatte|haben|hatten) (\w+ ){0,5}(gemacht|besucht|gespielt|getanzt|gesungen|"
    r"trainiert)|"
    # chat style drops the subject: "hatte mal ne Betreuung", "war mal im Verein"
    r"(hatte|hatten|war|waren) (\w+ )?mal)\b")
# "nicht mehr", "keinen … mehr", "seit dem Umzug nicht", "aufgehört"
NO_LONGER = re.compile(
    r"\b(nicht mehr|nich mehr|nimmer|nie mehr|nichts mehr|kein\w* (\w+ ){0,3}mehr|"
    r"seit\b[^.]{0,60}\b(nicht|nie|kein\w*)\b|aufgehört|abgebrochen|ausgetreten|gekündigt|"
    r"rausgeworfen|rausgeschmissen|rausgeflogen|hingeschmissen|"
    r"abgegeben|zurückgegeben|abgeschafft|liegt (nur )?(noch )?(rum|herum|im schrank|in der ecke)|"
    r"steht (nur )?(noch )?(rum|herum|im keller|in der ecke))\b")
# wishes: "würde gern", "hätte gern", "wäre gut", "möchte", "wünsche mir", "bräuchte"
WISH = re.compile(
    r"\b(möchte|möchten|möcht|moechte|mochte ich|würde (\w+ ){0,3}gerne?|würd (\w+ ){0,3}gerne?|"
    r"würden (\w+ ){0,3}gerne?|hätte (\w+ ){0,3}gerne?|hätt (\w+ ){0,3}gerne?|"
    r"hätten (\w+ ){0,3}gerne?|(wäre[n]?|wär|wärs|wär's) (\w+ ){0,3}(gut|schön|schoen|toll|super|"
    r"prima|hilfreich|praktisch|klasse|cool|nett|nice|wichtig|nötig|notwendig|eine hilfe|"
    r"eine erleichterung|ein traum)|"
    r"wünsche|wünsch|wünschen|wünscht|wuensche|wunsch|gewünscht|bräuchte|bräuchten|braeuchte|bräucht|"
    r"(gern|gerne) (hätte|hätten|würde|würden|möchte)|(hätte|hätt) (\w+ ){0,2}lust|"
    r"will|wollen|wollte (gern|gerne|mal)|hab (\w+ )?lust|habe (\w+ )?lust|"
    r"fehlt|fehlen|suche|suchen|beantrag\w*|träume|traum|hoffe|hoffentlich|"
    r"(gern|gerne) (mal|wieder|einmal)|könnte ich|würde mir helfen|"
    r"wär (\w+ )?(gut|schön|toll|super)|"
    r"(fände|fänd|fänden) (\w+ ){0,3}(gut|schön|sinnvoll|toll|super|hilfreich|klasse|prima)|"
    # "Eine Robotik-AG würde ihn glücklich machen", "das würde mich freuen"
    r"(würde|würd|würden) (mich|ihn|sie|uns) (\w+ ){0,2}(glücklich|froh|freuen|reizen|"
    r"interessieren)|"
    + "|".join(map(re.escape, cue_data()["wish_verbs"])) + r")\b")
# a wish that is no wish: "will ich nicht", "möchte keinen"
REFUSAL = re.compile(
    r"\b(will|möchte|möcht|mag|brauche|brauch)( (ich|wir|ick|er|sie))? (das |den |die |es )?"
    r"((grad|gerade|jetzt|im moment|momentan|eigentlich|auch|noch) )?(nicht|nich|net|kein\w*|"
    r"keen\w*|nie|auf keinen fall|auf gar keinen fall)\b|"
    # "Pflegedienst nein, meine Frau macht": a bare no after the thing named
    r"§ (nein|nee|nö)\b|"
    # "Kirche, Vereine, Treffs ist nichts für mich" (in the present: "war nichts für mich"
    # is something tried before)
    r"\b(ist|sind|is) (alles |das )?nichts für (mich|uns|ihn|sie)\b")
NEGATION = re.compile(r"\b(nicht|nich|net|nie|niemals|kein|keine|keinen|keinem|keiner|keines|"
                      r"keen|keene|keenen|"
                      r"nichts|nirgends|nirgendwo|ohne)\b")
# negations that say something positive: "kein Problem", "keine Hilfe (nötig)", "nicht schwer"
POSITIVE_NEGATION = re.compile(
    r"\b(kein (problem|thema|ding)|keine (probleme|schwierigkeiten|hilfe|unterstützung)|"
    r"nicht (schwer|schwierig|schlecht|so schwer|so schlimm|nur)|ohne (hilfe|probleme|"
    r"unterstützung|dass mir jemand hilft)|niemanden? (brauche|brauch)|"
    r"brauche? (dafür |da |dabei )?(keine|niemanden?)|"
    # "kann Excel wie keine Zweite", "umgehen wie kein anderer": better than anyone
    r"wie (kein|keine|keiner) (\w+ )?(zweite[rn]?|andere[rn]?))\b")
# places: why the person cannot go there ("kein Aufzug", "komme nicht rein", "zu weit")
BARRIER = re.compile(
    r"\b((komme?|kommen|kann|können|schaffe|traue?) (\w+ ){0,4}(nicht|nich|kaum|nie|schlecht)"
    r"( mehr)? (\w+ ){0,2}(rein|hin|hinein|hoch|rauf|hinauf|runter|dahin|dort hin|dorthin|"
    r"mehr hin|mit dem rolli|mit dem rollstuhl|nutzen|benutzen|besuchen|hingehen)|"
    r"kein\w* (aufzug|fahrstuhl|lift|rampe|behindertentoilette|gebärdendolmetscher\w*|"
    r"induktionsschleife|platz für (den|meinen) roll\w*)|"
    r"nicht (barrierefrei|rollstuhlgerecht|rollstuhlgängig|erreichbar|zugänglich|"
    r"behindertengerecht)|zu (viele|hohe|steile) (stufen|treppen)|nur (über )?(stufen|treppen)|"
    r"(stufen|treppen|treppe) (vor|am|im|zum)|zu (weit|teuer|laut|voll|eng|steil|dunkel)|"
    r"ist mir zu (weit|teuer|laut|voll|eng)|kann ich mir nicht leisten|(habe|hab|hätte) angst|"
    r"traue mich nicht|trau mich nicht|nicht alleine? (hin|dahin))\b")
# the person does something (places, professional help received)
PRESENT_USE = re.compile(
    r"\b(gehe|geh|gehen wir|bin (\w+ ){0,3}(im|in der|beim|bei der|dort|da)|nutze|benutze|"
    r"besuche|mache (\w+ ){0,3}mit|spiele|trainiere|treffe|singe|tanze|schwimme|"
    r"jeden|jede woche|jeden tag|regelmäßig|oft|manchmal|immer|ab und zu|einmal|zweimal|"
    r"dienstags|montags|mittwochs|donnerstags|freitags|samstags|sonntags|am wochenende)\b")
