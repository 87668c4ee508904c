"""What the assistant does when the crisis layer fires (DESIGN.md § 3): help numbers at
once in every state, one caring question at the concern level, escalation on a yes or a
repetition, and a crisis marker (time and level) for the staff — never an answer.

Slots: `crisis_level` (the highest level this conversation reached), `crisis_followup`
("concern": the question waits for its answer; "acute": the numbers were just given),
`crisis_pending` (markers of a conversation without consent yet, written when consent is
given; nothing is stored without consent), `crisis_held` (the form slot whose answer waits:
the crisis layer was unsure, and a "no" to its question makes the message that answer).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from bot import texts
from bot.crisis import ACUTE, CONCERN, other_languages
from bot.crisis.followup import NO, UNSURE, YES
from bot.dialogue import Turn
from bot.dialogue.conversation import knowledge_text
from bot.dialogue.slots import ANSWER_SLOT_PREFIX, Slot
from bot.storage.models import utcnow
from bot.storage.repository import Store

THIRD_PERSON = "third_person"
DANGER_FROM_OTHERS = "danger_from_others"


def _numbers(turn: Turn, categories: list[str], easy: bool, today: date | None) -> Turn:
    in_their_language = other_languages.reply_for(categories)
    if in_their_language:
        # written in another language: first one sentence the person can read
        turn.say_text(in_their_language)
    if THIRD_PERSON in categories:
        turn.say_text(knowledge_text("notfall.krise_andere", easy, today, with_source=False))
    if DANGER_FROM_OTHERS in categories:
        turn.say_text(knowledge_text("notfall.gewalt", easy, today, with_source=False))
    return turn.say_text(knowledge_text("notfall.krise", easy, today, with_source=False))


def _mark(store: Store, sender_id: str, level: str, categories: list[str], consent: bool,
          words: str, pending: list | None, source: str,
          clock: Callable[[], datetime]) -> list:
    """Writes the marker with consent (the words too: the person agreed to storage);
    without consent keeps time, level and categories in the tracker until consent."""
    at = clock()
    if consent and store.add_crisis_marker(sender_id, level, categories, source=source,
                                           words=words[:2000] or None, at=at):
        return list(pending or [])
    return [*(pending or []), {"at": at.isoformat(), "level": level,
                               "categories": list(categories), "source": source}]


def respond(store: Store, sender_id: str, assessment: dict | None, previous_level: str | None,
            easy: bool, consent: bool, text: str, pending: list | None = None,
            source: str = "chat", today: date | None = None,
            clock: Callable[[], datetime] = utcnow, held: str | None = None) -> Turn:
    """The answer to a message the crisis layer assessed; a repetition escalates. `held`:
    the form slot the message may answer, kept while the layer is unsure (the question
    asked decides)."""
    assessment = assessment or {"level": ACUTE, "categories": []}
    categories = list(assessment.get("categories") or [])
    unsure = assessment.get("certain") is False
    # a message the layer is unsure about is no repetition of an earlier crisis: it is asked
    # about as the first time ("ich wohne bei meiner Mama" after the help must not be lost)
    repeated = bool(previous_level) and not unsure
    level = ACUTE if repeated or assessment.get("level") != CONCERN else CONCERN
    turn = Turn()
    if repeated:
        turn.say("utter_crisis_escalated")
    _numbers(turn, categories, easy, today)
    if level == CONCERN:
        turn.say("utter_crisis_concern_question")
    else:
        turn.say("utter_crisis_followup")
    turn.slots = {
        # the highest level the conversation reached
        Slot.CRISIS_LEVEL: ACUTE if ACUTE in (level, previous_level) else level,
        Slot.CRISIS_FOLLOWUP: level,
        Slot.CRISIS_HELD: hold(held, whole=unsure) if level == CONCERN else None,
        Slot.CRISIS_PENDING: _mark(store, sender_id, level, categories, consent, text, pending,
                                source, clock),
    }
    return turn


def follow_up(store: Store, sender_id: str, answer: str, easy: bool, consent: bool,
              text: str, pending: list | None = None, source: str = "chat",
              today: date | None = None, clock: Callable[[], datetime] = utcnow) -> Turn:
    """The person's answer to the caring question, or an insistence after the numbers. An
    unsure answer is taken as a possible yes, in its own words; the message the question was
    about is not kept as an answer then either."""
    if answer == YES:
        return _help_again(Turn().say("utter_crisis_escalated"), ACUTE, ["escalated"],
                           store, sender_id, easy, consent, text, pending, source, today, clock)
    if answer == UNSURE:
        return _help_again(Turn().say_text(texts.text("ui", "crisis_unsure_answer", easy)),
                           ACUTE, ["escalated", "unsure_answer"],
                           store, sender_id, easy, consent, text, pending, source, today, clock)
    assert answer == NO
    return Turn(slots={Slot.CRISIS_FOLLOWUP: None, Slot.CRISIS_HELD: None}).say(
        "utter_crisis_concern_no")


def help_not_reached(store: Store, sender_id: str, level: str | None, easy: bool,
                     consent: bool, text: str, pending: list | None = None,
                     source: str = "chat", today: date | None = None,
                     clock: Callable[[], datetime] = utcnow) -> Turn:
    """Right after the help: the person did not reach anybody or cannot phone. The numbers
    again with what to try, a marker for the staff (someone should follow up), no answer."""
    return _help_again(Turn().say_text(texts.text("ui", "crisis_help_not_reached", easy)),
                       level or ACUTE, ["help_not_reached"],
                       store, sender_id, easy, consent, text, pending, source, today, clock)


def _help_again(opening: Turn, level: str, categories: list[str], store: Store, sender_id: str,
                easy: bool, consent: bool, text: str, pending: list | None, source: str,
                today: date | None, clock: Callable[[], datetime]) -> Turn:
    """After the help was given: `opening`, the numbers once more and the offer to go on;
    the question settled, nothing held, a marker for the staff."""
    turn = _numbers(opening, [], easy, today).say("utter_crisis_followup")
    turn.slots = {Slot.CRISIS_LEVEL: level, Slot.CRISIS_FOLLOWUP: None, Slot.CRISIS_HELD: None,
                  Slot.CRISIS_PENDING: _mark(store, sender_id, level, categories, consent,
                                          text, pending, source, clock)}
    return turn


# `crisis_held` of a message the layer was sure about: only its sentences without any sign of
# a crisis may become the answer ("Ich möchte in Eimsbüttel bleiben, mit meinem Hund. Manchmal
# denke ich, es wäre besser, nicht mehr aufzuwachen." and a "nein" to the question: the first
# sentence is kept, so the person need not type it again; the second never is)
PART_ONLY = "#part"


def hold(slot: str | None, whole: bool) -> str | None:
    """The `crisis_held` value for the form slot a concern message may answer: the whole
    message when the layer was unsure, otherwise only its sentences without a crisis — for
    the answer to a guiding question (a read-back decision or a callback's time is no place
    for part of a message)."""
    if not slot:
        return None
    if whole:
        return slot
    return slot + PART_ONLY if slot.startswith(ANSWER_SLOT_PREFIX) else None


def held_answer(answer: str | None, held: str | None) -> tuple[str, bool] | None:
    """(the form slot whose waiting answer a "no" to the caring question releases, whether
    the whole message is that answer), or None."""
    if answer != NO or not held:
        return None
    if held.endswith(PART_ONLY):
        return held[: -len(PART_ONLY)], False
    return held, True


def record_pending(store: Store, sender_id: str, pending: list | None) -> Turn:
    """Consent was given: markers of crisis messages before it are written (no words)."""
    for mark in pending or []:
        store.add_crisis_marker(sender_id, mark["level"], mark["categories"],
                                source=mark.get("source", "chat"),
                                at=datetime.fromisoformat(mark["at"]))
    return Turn(slots={Slot.CRISIS_PENDING: []})
