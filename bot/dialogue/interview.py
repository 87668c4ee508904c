"""The six guiding questions: what happens with each value the interview form receives.

Slot values besides free text come from intent mappings in the domain:
``__more__`` (affirm), ``__done__`` (deny), ``__skip__``, ``__back__``, ``__dontknow__``.
A question's slot ends as ``answered``, ``skipped`` or ``none``.
"""

from __future__ import annotations

from bot.catalogue import QUESTION_IDS, previous_question, question_payload
from bot.dialogue import Turn, quote
from bot.storage.repository import Store

MORE = "__more__"
DONE = "__done__"
SKIP = "__skip__"
BACK = "__back__"
DONT_KNOW = "__dontknow__"
MARKERS = (MORE, DONE, SKIP, BACK, DONT_KNOW)
FINAL_STATES = ("answered", "skipped", "none")

ASK_FIRST = "first"
ASK_MORE = "more"
ASK_WHAT_ELSE = "what_else"


def is_final(value: object) -> bool:
    """A question's end state: what validation leaves in its answer slot when it is done."""
    return value in FINAL_STATES


def ask(question_id: str, ask_mode: str | None) -> Turn:
    """The message that asks (or asks again) a guiding question, with the payload contract.

    Texts are generated domain responses (from data/questions.yml) so that Rasa picks the
    register by the `easy_language` slot.
    """
    if ask_mode == ASK_MORE:
        name = f"utter_more_{question_id}"
    elif ask_mode == ASK_WHAT_ELSE:
        name = "utter_what_else"
    else:
        name = f"utter_question_{question_id}"
    turn = Turn().say(name)
    turn.replies[-1].custom = question_payload(question_id)
    return turn


def handle_value(store: Store, sender_id: str, question_id: str, value: str,
                 ask_mode: str | None, consent: bool) -> Turn:
    slot = f"answer_{question_id}"
    if value in FINAL_STATES:
        return Turn(slots={slot: value})
    if value == DONT_KNOW:
        return Turn(slots={slot: None}).say(f"utter_examples_{question_id}")
    if value == MORE:
        return Turn(slots={slot: None, "ask_mode": ASK_WHAT_ELSE})
    answers = store.active_answers(sender_id, question_id) if consent else []
    if value == DONE:
        return _finish(store, sender_id, question_id, "answered" if answers else "none", consent)
    if value == SKIP:
        if answers:
            return _finish(store, sender_id, question_id, "answered", consent)
        return _finish(store, sender_id, question_id, "skipped", consent)
    if value == BACK:
        return _go_back(store, sender_id, question_id, answers, ask_mode)
    return _answer(store, sender_id, question_id, value, consent)


def _finish(store: Store, sender_id: str, question_id: str, state: str, consent: bool) -> Turn:
    if consent:
        store.set_question_state(sender_id, question_id, state)
    turn = Turn(slots={f"answer_{question_id}": state, "ask_mode": ASK_FIRST})
    if state == "skipped":
        turn.say("utter_skipped")
    elif state == "none":
        turn.say("utter_question_none")
    return turn


def _answer(store: Store, sender_id: str, question_id: str, text: str, consent: bool) -> Turn:
    if not text or not text.strip():
        return Turn(slots={f"answer_{question_id}": None}).say("utter_default")
    if consent and store.add_answer_once(sender_id, question_id, text) is None:
        return Turn(slots={f"answer_{question_id}": None, "ask_mode": ASK_MORE}).say(
            "utter_answer_already_noted", answer=quote(text)
        )
    return Turn(slots={f"answer_{question_id}": None, "ask_mode": ASK_MORE}).say(
        "utter_answer_noted", answer=quote(text)
    )


def _go_back(store: Store, sender_id: str, question_id: str, answers, ask_mode) -> Turn:
    slot = f"answer_{question_id}"
    if ask_mode in (ASK_MORE, ASK_WHAT_ELSE) and answers:
        last = answers[-1]
        store.supersede_answers(sender_id, [last.id])
        mode = ASK_MORE if len(answers) > 1 else ASK_FIRST
        return Turn(slots={slot: None, "ask_mode": mode}).say(
            "utter_go_back_last_removed", answer=quote(last.text)
        )
    previous = previous_question(question_id)
    if previous is None:
        return Turn(slots={slot: None}).say("utter_go_back_first")
    previous_answers = store.active_answers(sender_id, previous.id)
    store.supersede_answers(sender_id, [a.id for a in previous_answers])
    store.set_question_state(sender_id, previous.id, None)
    turn = Turn(slots={slot: None, previous.slot: None, "ask_mode": ASK_FIRST})
    if previous_answers:
        said = " / ".join(quote(a.text, 150) for a in previous_answers)
        return turn.say("utter_go_back_previous", answer=said)
    return turn.say("utter_go_back_previous_empty")


def resume_slots(store: Store, sender_id: str) -> dict[str, str | None]:
    """Slot values that put a resumed conversation back where it left off.

    Finished questions get their state, open ones None (the form asks the first open one;
    the form's validator ignores None). If that question already has answers, it is
    continued with "Gibt es noch mehr?".
    """
    states = store.question_states(sender_id)
    answered = {a.question_id for a in store.active_answers(sender_id)}
    slots: dict[str, str | None] = {f"answer_{qid}": states.get(qid) for qid in QUESTION_IDS}
    open_questions = [qid for qid in QUESTION_IDS if states.get(qid) is None]
    continues = bool(open_questions) and open_questions[0] in answered
    slots["ask_mode"] = ASK_MORE if continues else ASK_FIRST
    return slots
