"""Statements in the person's words, sorted by the question they answer: will
(important / change / goal), abilities, professional help wished or received, being there
for others."""

from __future__ import annotations

import re
from datetime import date

from spacy.tokens import Doc

from bot.extraction.clauses import NEGATION, span_text, statement_spans
from bot.extraction.results import AidMention, Statement
from bot.extraction.starts import parse_start

START_FILLERS = {"am", "liebsten", "gern", "gerne", "und", "schon", "bitte", "also", "möglichst",
                 "dann", "aber", "ja", "das", "wäre", "gut", "schön", "toll"}
CHANGE_CUES = re.compile(
    r"\b(ändern|änderung|nicht mehr|raus aus|weg (von|aus)|weniger|endlich|anders|aufhören|"
    r"keine lust mehr|stört|satt|statt|halte es .{0,30}nicht)\b")
GOAL_CUES = re.compile(
    r"\b(will|wollen|möchte|möchten|würde (ich )?gerne?|wünsche (ich )?mir|hätte (ich )?gerne?|"
    r"mein ziel|ziel ist|plane|träume|traum|anfangen|beginnen|vor,)\b")
ABILITY_CUES = re.compile(
    r"\b(kann|könnte|klappt|schaffe|allein|alleine|selbst|selber|gut|gern|gerne|mache|"
    r"erledige|geht)\b(?!\s+(\w+\s+)?(nicht|kaum|nie|schlecht))")
RECEIVED_CUES = re.compile(
    r"\b(bekomme|bekommen|kriege|krieg|erhalte|habe|hab|nutze|gehe|besuche|kommt|kommen)\b"
    r"[^.]*\b(schon|bereits|seit|zurzeit|derzeit|momentan|regelmäßig|einmal|zweimal|jeden)\b|"
    r"\b(schon|bereits) (eine?n?|meine?n?)\b|\bbekomme\b")
PROFESSIONAL_WISH_CUES = re.compile(
    r"\b(wünsche|wünschen|möchte|möchten|hätte gerne?|bräuchte|brauche|will|wollen|"
    r"würde gerne?|wäre (gut|schön|toll|hilfreich|super)|fehlt|suche)\b")
UNSURE = re.compile(r"\b(wei(ß|ss) (ich )?(nicht|nich)|keine ahnung|unsicher)\b")


def _only_start(text: str, start: str) -> bool:
    rest = text.lower().replace(start.lower(), " ")
    return all(w in START_FILLERS for w in re.findall(r"\w+", rest))


def _living_kind(lowered: str, has_start: bool) -> str:
    if has_start:
        return "goal"
    if CHANGE_CUES.search(lowered):
        return "change"
    if GOAL_CUES.search(lowered):
        return "goal"
    return "important"


def extract_statements(doc: Doc, question_id: str, today: date,
                       aids: list[AidMention]) -> list[Statement]:
    result: list[Statement] = []
    wished_aid_words = {a.words.lower() for a in aids if a.status == "wished"}
    for span in statement_spans(doc):
        text = span_text(doc, span)
        lowered = text.lower()
        if not text:
            continue
        if question_id == "living":
            start = parse_start(text, today)
            if start and _only_start(text, start[0]) and result:
                # "Am liebsten ab Sommer." belongs to the wish before it
                previous = result[-1]
                result[-1] = Statement("goal", previous.text, start[0], start[1])
                continue
            kind = _living_kind(lowered, start is not None)
            result.append(Statement(kind, text, *(start or (None, None))) if kind == "goal"
                          else Statement(kind, text))
        elif question_id == "self":
            if any(w in lowered for w in wished_aid_words):
                continue  # the aid item says it; nothing else to read back
            positive = ABILITY_CUES.search(lowered)
            negative = NEGATION.search(lowered) or re.search(r"\b(schwer|schlecht|kaum)\b",
                                                             lowered)
            result.append(Statement("limitation" if negative and not positive else "ability",
                                    text))
        elif question_id == "professional":
            if UNSURE.search(lowered) and not PROFESSIONAL_WISH_CUES.search(lowered):
                continue
            received = RECEIVED_CUES.search(lowered) and not PROFESSIONAL_WISH_CUES.search(
                lowered)
            result.append(Statement("received" if received else "wished", text))
        elif question_id == "contribution":
            result.append(Statement("contribution", text))
    return result
