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
from bot.crisis import ACUTE, CONCERN
from bot.crisis.followup import NO, UNSURE, YES
from bot.dialogue import Turn
from bot.dialogue.conversation import knowledge_text
from bot.dialogue.slots import Slot
from bot.storage.models import utcnow
from bot.storage.repository import Store

THIRD_PERSON = "third_person"
DANGER_FROM_OTHERS = "danger_from_others"


def _numbers(turn: Turn, categories: list[str], easy: bool, today: date | None) -> Turn:
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
    level = ACUTE if previous_level or assessment.get("level") != CONCERN else CONCERN
    turn = Turn()
    if previous_level:
        turn.say("utter_crisis_escalated")
    _numbers(turn, categories, easy, today)
    if level == CONCERN:
        turn.say("utter_crisis_concern_question")
    else:
        turn.say("utter_crisis_followup")
    unsure = assessment.get("certain") is False and level == CONCERN
    turn.slots = {
        Slot.CRISIS_LEVEL: level,
        Slot.CRISIS_FOLLOWUP: level,
        Slot.CRISIS_HELD: held if unsure else None,
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


def held_answer(answer: str | None, held: str | None) -> str | None:
    """The form slot whose waiting answer a reply releases: a "no" to the question asked
    because the layer was unsure."""
    return held if answer == NO and held else None


def record_pending(store: Store, sender_id: str, pending: list | None) -> Turn:
    """Consent was given: markers of crisis messages before it are written (no words)."""
    for mark in pending or []:
        store.add_crisis_marker(sender_id, mark["level"], mark["categories"],
                                source=mark.get("source", "chat"),
                                at=datetime.fromisoformat(mark["at"]))
    return Turn(slots={Slot.CRISIS_PENDING: []})
