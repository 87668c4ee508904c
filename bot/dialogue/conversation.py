"""Decisions that do not belong to one question: routing, consent, language, urgent needs,
crisis, FAQ, pause and resume, showing and deleting the person's data."""

from __future__ import annotations

from datetime import date, datetime

from bot import knowledge, texts, urgent
from bot.catalogue import QUESTION_IDS, load_questions
from bot.dialogue import Turn, authorship, quote
from bot.dialogue.interview import FINAL_STATES, resume_slots
from bot.dialogue.slots import Slot, Stage, answer_slot
from bot.easy_format import date_text
from bot.resume_codes import date_de, find_code
from bot.storage.repository import EXPIRED, RESUMED, TOO_MANY, Store


def knowledge_text(entry_id: str, easy: bool, today: date | None = None,
                   with_source: bool = True) -> str:
    """A knowledge entry as a chat message: its text, where it comes from and, for an
    entry nobody here has checked at its source yet (`verify`), "Bitte prüfen" - in the
    chat as in the export. The crisis layer asks for the bare text (`with_source=False`)."""
    text = knowledge.current_text(entry_id, easy, today)
    if text is None:
        return texts.text("ui", "outdated", easy)
    if not with_source:
        return text
    item = knowledge.entry(entry_id)
    source = texts.text("ui", "source_line", easy, source=" ".join(item.source.split()),
                   checked=date_text(item.checked, easy))
    if item.verify:
        source = f"{source}\n{texts.text('ui', 'verify_note', easy)}"
    return f"{text}\n\n{source}"


def stage_after_resume(slots: dict, summary_done: bool) -> Stage:
    """The stage a resumed conversation continues in (rules branch on it)."""
    if summary_done:
        return Stage.DONE
    if all(slots.get(answer_slot(qid)) in FINAL_STATES for qid in QUESTION_IDS):
        return Stage.SUMMARY
    return Stage.INTERVIEW


def reconsider_consent() -> Turn:
    """The person said yes after having said no: ask for consent again, and then what
    onboarding asks after it (language, anything urgent), as the first time."""
    return Turn(slots={Slot.CONSENT: None, Slot.STAGE: Stage.NEW, Slot.URGENT_CHECK: None,
                       Slot.URGENT_TEXT: None})


def record_consent(store: Store, sender_id: str, given: bool, easy: bool) -> Turn:
    if given:
        store.record_consent(sender_id, True)
        store.set_language_mode(sender_id, easy)
        return Turn(slots={Slot.CONSENT: True, Slot.STAGE: Stage.INTERVIEW}).say(
            "utter_consent_thanks")
    # Nothing is stored without consent; a row from an earlier "yes" is withdrawn too.
    if store.get_conversation(sender_id) is not None:
        store.delete_conversation(sender_id)
    return Turn(slots={Slot.CONSENT: False, Slot.STAGE: Stage.NO_CONSENT})


def language_recorded(store: Store, sender_id: str, easy: bool) -> bool:
    """Whether the stored language matches `easy` (always true without a stored
    conversation: nothing is stored without consent)."""
    conversation = store.get_conversation(sender_id)
    return conversation is None or (conversation.language_mode == "easy") == easy


def set_language(store: Store, sender_id: str, easy: bool, consent: bool | None) -> Turn:
    if consent:
        store.set_language_mode(sender_id, easy)
    return Turn().say("utter_easy_language_on" if easy else "utter_easy_language_off")


def no_urgent_need() -> Turn:
    """ "nein" to "Was ist dringend?": the urgent step ends, without any pointers."""
    return Turn(slots={Slot.URGENT_CHECK: True, Slot.URGENT_TEXT: "-"}).say("utter_urgent_none")


def urgent_kinds(categories: list[str] | tuple[str, ...], easy: bool) -> str:
    """The kinds of an urgent need in words ("Geld, Essen")."""
    names = texts.entry("ui", "urgent_kinds")
    said = [names[c]["easy" if easy else "standard"] for c in categories if c in names]
    return ", ".join(said) or texts.text("ui", "urgent_unknown", easy)


def urgent_need(store: Store, sender_id: str, text: str, easy: bool, consent: bool | None,
                today: date | None = None, help_just_given: bool = False) -> Turn:
    """The urgent need in the person's words, with the help for its kinds. A message that
    names no kind gets the help for the most frequent ones (urgent.DEFAULT_CATEGORIES) —
    unless the crisis help was given a moment ago (`help_just_given`): then it tells more
    about that ("ich bin jetzt bei einer Freundin"), and three more help texts would only
    bury it."""
    categories = urgent.categorize(text)
    if consent and text.strip():
        store.record_urgent(sender_id, text, categories)
    turn = Turn(slots={Slot.URGENT_CHECK: True, Slot.URGENT_TEXT: text or "-"})
    for entry_id in (urgent.pointers(categories) if categories or not help_just_given
                     else []):
        turn.say_text(knowledge_text(entry_id, easy, today))
    return turn.say("utter_urgent_later")


# FAQ topics after which the person is offered to act at once (a button)
FAQ_FOLLOW_UPS = {"daten_widerruf": "utter_offer_withdraw"}


def faq(topic: str | None, easy: bool, today: date | None = None) -> Turn:
    if topic is None:
        return Turn().say("utter_default")
    turn = Turn().say_text(knowledge_text(knowledge.faq_entry(topic).id, easy, today))
    if topic in FAQ_FOLLOW_UPS:
        turn.say(FAQ_FOLLOW_UPS[topic])
    return turn


# neutral places where a person answers (issue 16, point 2b): the EUTB directory and the
# Hamburg administration's service number
HUMAN_CONTACTS = ("eutb.finden", "hamburg_zugang.servicestelle")


def human_handoff(easy: bool, consent: bool | None = None, today: date | None = None) -> Turn:
    """A way to a person: with consent a callback request (button), and the neutral
    contacts to reach oneself."""
    turn = Turn().say("utter_human_handoff" if consent else "utter_human_handoff_no_consent")
    for entry_id in HUMAN_CONTACTS:
        turn.say_text(knowledge_text(entry_id, easy, today))
    return turn


OWN_RESUME = "/resume"   # the bare intent: continue this sender's own conversation


def pause(store: Store, sender_id: str, consent: bool | None,
          known_code: str | None = None) -> Turn:
    """The code to come back with. `known_code`: the code this conversation showed before
    (its `resume_code` slot), shown again while it is valid."""
    if not consent:
        return Turn().say("utter_pause_no_consent")
    code = store.issue_resume_code(sender_id, known_code)
    return Turn(slots={Slot.RESUME_CODE: code}).say("utter_pause", resume_code=code)


def goodbye(store: Store, sender_id: str, slots: dict) -> Turn:
    if slots.get(Slot.CONSENT) and not slots.get(Slot.SUMMARY_DONE):
        code = store.issue_resume_code(sender_id, slots.get(Slot.RESUME_CODE))
        return Turn(slots={Slot.RESUME_CODE: code}).say("utter_goodbye_with_code", resume_code=code)
    return Turn().say("utter_goodbye")


def resume(store: Store, sender_id: str, code_entity: str | None, text: str,
           address_key: str | None = None) -> Turn:
    """Continue an earlier conversation by its code.

    Every attempt passes the failure limits (Store.resume_with_code: per sender id, per
    client address when the web app sent one, and all attempts together); a good code is
    used up and a new one is shown, with the date the old one was last used. The bare
    intent without a code (the staff console opening a conversation under its own id)
    continues the sender's own conversation, which needs no code.

    The slots are set so that whichever form is active simply asks the next open question;
    the rules continue by `stage`.
    """
    code = find_code(code_entity or "") or find_code(text)
    if code is None:
        own = store.get_conversation(sender_id)
        if text.strip() == OWN_RESUME and own is not None and own.consent_given:
            return _welcome_back(_continue(store, own.id))
        return Turn().say("utter_resume_ask_code")
    outcome = store.resume_with_code(sender_id, code, address_key)
    if outcome.status == TOO_MANY:
        return Turn().say("utter_resume_too_many",
                          minutes=str(store.resume_policy.window_minutes))
    if outcome.status == EXPIRED:
        return Turn().say("utter_resume_expired", days=str(store.resume_policy.idle_days))
    if outcome.status != RESUMED:
        return Turn().say("utter_resume_unknown")
    return _welcome_back(_continue(store, outcome.conversation_id, outcome.new_code),
                         outcome.new_code, outcome.last_used_at)


def _welcome_back(turn: Turn, new_code: str | None = None,
                  last_used_at: datetime | None = None) -> Turn:
    easy = turn.slots[Slot.EASY_LANGUAGE] is True
    _say_in_register(turn, "utter_resumed", easy)
    if new_code is not None:
        # "zuletzt weitergemacht am …": when the code was last issued (a pause) or used
        _say_in_register(turn, "utter_resume_new_code", easy, resume_code=new_code,
                         last_date=date_de(last_used_at) if last_used_at else "–")
    if turn.slots[Slot.SUMMARY_DONE]:
        _say_in_register(turn, "utter_done_help", easy)
    return turn


def _say_in_register(turn: Turn, response: str, easy: bool, **values: str) -> None:
    """Say a domain response in the register of the resumed conversation.

    Rasa picks a response's variant by the slots as they were before this action's events:
    after a code typed in a new browser that is the new browser's register, so a person
    who reads Leichte Sprache would get the welcome and the new code in standard German.
    The text is the domain's own (texts/chat.yml, generated into the domain), chosen here."""
    turn.say_text(texts.pick("chat", response, "easy" if easy else "standard").format(**values))


def _continue(store: Store, canonical: str, code: str | None = None) -> Turn:
    """The slots that put the conversation `canonical` back where it left off."""
    conversation = store.get_conversation(canonical)
    summary_done = conversation.summary_confirmed_at is not None
    slots: dict = {
        Slot.CONSENT: True,
        Slot.EASY_LANGUAGE: conversation.language_mode == "easy",
        Slot.URGENT_CHECK: False,
        Slot.SUMMARY_DONE: summary_done,
    }
    if code is not None:
        slots[Slot.RESUME_CODE] = code
    # who is writing was asked before: the onboarding does not ask it again
    slots.update({Slot.AUTHORSHIP: store.authorship(canonical).mode,
                  Slot.AUTHORSHIP_DETAIL: authorship.DETAIL_DONE})
    slots.update(resume_slots(store, canonical))
    slots[Slot.STAGE] = stage_after_resume(slots, summary_done)
    return Turn(slots=slots)


def show_profile(store: Store, sender_id: str, consent: bool | None, easy: bool) -> Turn:
    if not consent:
        return Turn().say("utter_profile_no_consent")
    answers = store.active_answers(sender_id)
    needs = store.urgent_needs(sender_id)
    if not answers and not needs:
        return Turn().say("utter_profile_empty")
    bullet = texts.text("ui", "bullet", easy)
    blocks = []
    for need in needs:
        # an urgent need comes first, with its kind
        kinds = urgent_kinds([c for c in (need.categories or "").split(",") if c], easy)
        blocks.append(f"{texts.text('ui', 'urgent_heading', easy, kinds=kinds)}\n"
                      f"{bullet}„{quote(need.text)}“")
    writing = store.authorship(sender_id)
    for item in load_questions():
        own = [a for a in answers if a.question_id == item.id]
        if own:
            blocks.append(f"{item.title.get(easy)}:\n{_answer_lines(own, writing, easy)}")
    return Turn().say("utter_profile_intro").say_text("\n\n".join(blocks))


def _answer_lines(answers: list, writing, easy: bool) -> str:
    """The answers to one question as bullet lines; when someone writes for the person,
    the person's own words first, each group under whose words they are."""
    bullet = texts.text("ui", "bullet", easy)
    if writing.mode != authorship.ON_BEHALF:
        return "\n".join(f"{bullet}„{quote(a.text)}“" for a in answers)
    parts = []
    for voice in ("person", "writer"):
        said = [a for a in answers if a.voice == voice]
        if said:
            lines = "\n".join(f"{bullet}„{quote(a.text)}“" for a in said)
            parts.append(f"{authorship.voice_label(writing, voice, easy)}:\n{lines}")
    return "\n".join(parts)


def request_delete(store: Store, sender_id: str, consent: bool | None) -> Turn:
    if store.get_conversation(sender_id) is None and not consent:
        return Turn().say("utter_nothing_to_delete")
    return Turn().say("utter_ask_delete_confirm")


def confirm_delete(store: Store, sender_id: str, asked: bool = True,
                   consent: bool | None = None) -> Turn:
    """Delete everything, but only as the answer to the delete question: a "ja, alles
    löschen" typed out of the blue (or a read-back word taken for it) gets the question
    first, with its own confirmation."""
    if not asked:
        return Turn(deactivate_loop=True).then(request_delete(store, sender_id, consent))
    store.delete_conversation(sender_id)
    return Turn(deactivate_loop=True, restart=True).say("utter_deleted")


def summary_start() -> Turn:
    return Turn(slots={Slot.STAGE: Stage.SUMMARY}).say("utter_summary_intro")
