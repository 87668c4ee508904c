"""Decisions that do not belong to one question: routing, consent, language, urgent needs,
crisis, FAQ, pause and resume, showing and deleting the person's data."""

from __future__ import annotations

from datetime import date

from bot import knowledge, urgent
from bot.catalogue import QUESTION_IDS, load_questions
from bot.dialogue import Turn, quote
from bot.dialogue.interview import FINAL_STATES, resume_slots
from bot.resume_codes import find_code, make_code
from bot.storage.repository import Store
from bot.ui_texts import label


def knowledge_text(entry_id: str, easy: bool, today: date | None = None,
                   with_source: bool = True) -> str:
    """A knowledge entry as a chat message: its text and where it comes from."""
    text = knowledge.current_text(entry_id, easy, today)
    if text is None:
        return label("outdated", easy)
    if not with_source:
        return text
    item = knowledge.entry(entry_id)
    source = label("source_line", easy, source=item.source,
                   checked=item.checked.strftime("%d.%m.%Y"))
    return f"{text}\n\n{source}"


def stage_after_resume(slots: dict, summary_done: bool) -> str:
    """The stage a resumed conversation continues in (rules branch on it)."""
    if summary_done:
        return "done"
    if all(slots.get(f"answer_{qid}") in FINAL_STATES for qid in QUESTION_IDS):
        return "summary"
    return "interview"


def reconsider_consent() -> Turn:
    """The person said yes after having said no: ask for consent again."""
    return Turn(slots={"consent": None, "stage": "new"})


def record_consent(store: Store, sender_id: str, given: bool, easy: bool) -> Turn:
    if given:
        store.record_consent(sender_id, True)
        store.set_language_mode(sender_id, easy)
        return Turn(slots={"consent": True, "stage": "interview"}).say("utter_consent_thanks")
    # Nothing is stored without consent; a row from an earlier "yes" is withdrawn too.
    if store.get_conversation(sender_id) is not None:
        store.delete_conversation(sender_id)
    return Turn(slots={"consent": False, "stage": "no_consent"})


def language_recorded(store: Store, sender_id: str, easy: bool) -> bool:
    """Whether the stored language matches `easy` (always true without a stored
    conversation: nothing is stored without consent)."""
    conversation = store.get_conversation(sender_id)
    return conversation is None or (conversation.language_mode == "easy") == easy


def set_language(store: Store, sender_id: str, easy: bool, consent: bool | None) -> Turn:
    if consent:
        store.set_language_mode(sender_id, easy)
    return Turn().say("utter_easy_language_on" if easy else "utter_easy_language_off")


def urgent_need(store: Store, sender_id: str, text: str, easy: bool, consent: bool | None,
                today: date | None = None) -> Turn:
    categories = urgent.categorize(text)
    if consent and text.strip():
        store.record_urgent(sender_id, text, categories)
    turn = Turn(slots={"urgent_check": True, "urgent_text": text or "-"})
    for entry_id in urgent.pointers(categories):
        turn.say_text(knowledge_text(entry_id, easy, today))
    return turn.say("utter_urgent_later")


def faq(topic: str | None, easy: bool, today: date | None = None) -> Turn:
    if topic is None:
        return Turn().say("utter_default")
    return Turn().say_text(knowledge_text(knowledge.faq_entry(topic).id, easy, today))


def human_handoff(easy: bool, today: date | None = None) -> Turn:
    return Turn().say("utter_human_handoff").say_text(
        knowledge_text(knowledge.faq_entry("eutb").id, easy, today)
    )


def pause(store: Store, sender_id: str, consent: bool | None) -> Turn:
    if not consent:
        return Turn().say("utter_pause_no_consent")
    code = store.get_or_create_resume_code(sender_id, make_code)
    return Turn(slots={"resume_code": code}).say("utter_pause", resume_code=code)


def goodbye(store: Store, sender_id: str, slots: dict) -> Turn:
    if slots.get("consent") and not slots.get("summary_done"):
        code = store.get_or_create_resume_code(sender_id, make_code)
        return Turn(slots={"resume_code": code}).say("utter_goodbye_with_code", resume_code=code)
    return Turn().say("utter_goodbye")


def resume(store: Store, sender_id: str, code_entity: str | None, text: str) -> Turn:
    """Continue an earlier conversation by its code.

    The slots are set so that whichever form is active simply asks the next open question;
    the rules continue by `stage`.
    """
    code = find_code(code_entity or "") or find_code(text)
    if code is None:
        return Turn().say("utter_resume_ask_code")
    canonical = store.find_by_resume_code(code)
    if canonical is None:
        return Turn().say("utter_resume_unknown")
    if canonical != store.canonical_id(sender_id):
        store.link_sender(sender_id, canonical)
    conversation = store.get_conversation(canonical)
    summary_done = conversation.summary_confirmed_at is not None
    slots: dict = {
        "consent": True,
        "easy_language": conversation.language_mode == "easy",
        "urgent_check": False,
        "resume_code": code,
        "summary_done": summary_done,
    }
    slots.update(resume_slots(store, canonical))
    slots["stage"] = stage_after_resume(slots, summary_done)
    turn = Turn(slots=slots).say("utter_resumed")
    if summary_done:
        turn.say("utter_done_help")
    return turn


def show_profile(store: Store, sender_id: str, consent: bool | None, easy: bool) -> Turn:
    if not consent:
        return Turn().say("utter_profile_no_consent")
    answers = store.active_answers(sender_id)
    if not answers:
        return Turn().say("utter_profile_empty")
    bullet = label("bullet", easy)
    blocks = []
    for item in load_questions():
        own = [a for a in answers if a.question_id == item.id]
        if own:
            lines = "\n".join(f"{bullet}„{quote(a.text)}“" for a in own)
            blocks.append(f"{item.title.get(easy)}:\n{lines}")
    return Turn().say("utter_profile_intro").say_text("\n\n".join(blocks))


def request_delete(store: Store, sender_id: str, consent: bool | None) -> Turn:
    if store.get_conversation(sender_id) is None and not consent:
        return Turn().say("utter_nothing_to_delete")
    return Turn().say("utter_ask_delete_confirm")


def confirm_delete(store: Store, sender_id: str) -> Turn:
    store.delete_conversation(sender_id)
    return Turn(deactivate_loop=True, restart=True).say("utter_deleted")


def summary_start() -> Turn:
    return Turn(slots={"stage": "summary"}).say("utter_summary_intro")
