"""The conversation's state as Rasa keeps it: the dialogue stages and the slots' names.

One place for both. bot/domain_gen.py generates the `stage` slot's values from `Stage`, and
bot/dialogue/* set slots by the names below; tests/test_dialogue_slots.py checks that every
name is a slot of the domain and that every slot a Turn sets is one.
"""

from __future__ import annotations

from enum import Enum


class Stage(str, Enum):
    """Where the conversation is: the value of the slot `stage`, the one slot the rules
    look at outside the forms (bot/domain_gen.py, data/dialogue.yml's `*_by_stage`)."""

    NEW = "new"                  # before (or again after) the consent question
    NO_CONSENT = "no_consent"    # the person said no: only general help
    INTERVIEW = "interview"      # the six questions
    SUMMARY = "summary"          # the read-back of what was understood
    DONE = "done"                # the read-back confirmed

    def __str__(self) -> str:
        return self.value


class Slot:
    """The names of the domain's slots (plain strings; a typo here fails
    tests/test_dialogue_slots.py). The answer slots are `answer_slot(question_id)`."""

    STAGE = "stage"
    CONSENT = "consent"
    EASY_LANGUAGE = "easy_language"
    URGENT_CHECK = "urgent_check"
    URGENT_TEXT = "urgent_text"
    ASK_MODE = "ask_mode"
    REOFFERED = "reoffered"
    PERSON_ASKED = "person_asked"
    AUTHORSHIP = "authorship"
    AUTHORSHIP_DETAIL = "authorship_detail"
    AUTHORSHIP_CUE = "authorship_cue"
    SUMMARY_DONE = "summary_done"
    CURRENT_ITEM = "current_item"
    AWAITING_CORRECTION = "awaiting_correction"
    ITEM_DECISION = "item_decision"
    ITEM_CORRECTION = "item_correction"
    CALLBACK_CONTACT = "callback_contact"
    CALLBACK_TIME = "callback_time"
    CRISIS_LEVEL = "crisis_level"
    CRISIS_FOLLOWUP = "crisis_followup"
    CRISIS_HELD = "crisis_held"
    CRISIS_PENDING = "crisis_pending"
    RESUME_CODE = "resume_code"
    BUDGET_FIGURES = "budget_figures"


ANSWER_SLOT_PREFIX = "answer_"


def answer_slot(question_id: str) -> str:
    """The interview form's slot of a question: answer_living, …"""
    return f"{ANSWER_SLOT_PREFIX}{question_id}"


def slot_names() -> frozenset[str]:
    """Every name in `Slot`."""
    return frozenset(value for key, value in vars(Slot).items() if key.isupper())
