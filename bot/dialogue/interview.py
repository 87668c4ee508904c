"""The six guiding questions: what happens with each value the interview form receives.

Slot values besides free text come from intent mappings in the domain:
``__more__`` (affirm), ``__done__`` (deny), ``__skip__``, ``__back__``, ``__dontknow__``,
``__remove__`` (remove_item). A question's slot ends as ``answered``, ``skipped`` or
``none``.

`ask_mode` says how the open question is asked: ``first``, ``more`` ("Gibt es noch
mehr?"), ``what_else``, ``again`` (a skipped question offered once more before the
read-back), ``back:<answer id>`` ("zurück" showed that answer: keep, change or remove?) and
``fix:<answer id>`` (the new words for that answer are awaited). Nothing the person said is
deleted unless they choose it (issue 13).

Who is writing (issue 16, bot/dialogue/authorship.py): when someone writes for the person,
the questions name the person, the answers are the writer's (`voice` writer), and after
the first answer to each question ``person`` asks once "Was sagt … selbst dazu?" (the
person's own words are stored apart, `voice` person). ``authorship_check`` waits for the
answer to "Schreiben Sie für eine andere Person?" after a hint in an answer.
"""

from __future__ import annotations

from bot import texts
from bot.catalogue import QUESTION_IDS, previous_question, question_payload
from bot.dialogue import Incoming, Reply, Turn, authorship, callback, quote, words
from bot.dialogue.slots import Slot, answer_slot
from bot.storage.repository import AnswerView, AuthorshipView, Store

MORE = "__more__"
DONE = "__done__"
SKIP = "__skip__"
BACK = "__back__"
DONT_KNOW = "__dontknow__"
REMOVE = "__remove__"
MARKERS = (MORE, DONE, SKIP, BACK, DONT_KNOW, REMOVE)
FINAL_STATES = ("answered", "skipped", "none")

ASK_FIRST = "first"
ASK_MORE = "more"
ASK_WHAT_ELSE = "what_else"
ASK_AGAIN = "again"
BACK_MENU = "back"
FIX = "fix"
PERSON = "person"                   # "Was sagt … selbst dazu?" waits for its answer
AUTHORSHIP_CHECK = "authorship_check"   # "Schreiben Sie für eine andere Person?"
AUTHORSHIP_DETAIL = "authorship_detail"  # "Für wen schreiben Sie …?" / "Wer unterstützt Sie?"

BACK_BUTTONS = "utter_go_back_menu"


def is_final(value: object) -> bool:
    """A question's end state: what validation leaves in its answer slot when it is done."""
    return value in FINAL_STATES


def _mode(ask_mode: str | None) -> tuple[str | None, int | None]:
    """("back", 12) for "back:12"; (ask_mode, None) otherwise."""
    name, _, ident = (ask_mode or "").partition(":")
    if ident.isdigit():
        return name, int(ident)
    return ask_mode, None


def ask(question_id: str, ask_mode: str | None, store: Store | None = None,
        sender_id: str | None = None, authorship_offered: bool = False) -> Turn:
    """The message that asks (or asks again) a guiding question, with the payload contract.

    Texts are generated domain responses (from texts/questions.yml) so that Rasa picks the
    register by the `easy_language` slot. After "zurück" it is the choice for the answer
    shown, or the request for its new words (each said once: here, not by validation).
    `authorship_offered`: the buttons for who is writing were shown already in this
    conversation (once is enough: asked again after crisis help or examples, the first
    question comes without them).
    """
    mode, answer_id = _mode(ask_mode)
    if mode in (BACK_MENU, FIX) and store is not None and sender_id and answer_id:
        answer = store.answer_text(sender_id, answer_id)
        if answer is not None:
            name = BACK_BUTTONS if mode == BACK_MENU else "utter_ask_answer_correction"
            return Turn().say(name, answer=quote(answer.text))
    writing = store.authorship(sender_id) if store is not None and sender_id else None
    about = writing is not None and writing.mode == authorship.ON_BEHALF
    person = authorship.person_name(writing)
    if mode == PERSON and about:
        return Turn().say("utter_ask_person_words", name=person,
                          Name=authorship.capitalized(person))
    if mode == AUTHORSHIP_CHECK:
        return Turn().say("utter_authorship_check")
    if mode == AUTHORSHIP_DETAIL and writing is not None:
        return Turn().say("utter_ask_authorship_detail_support"
                          if writing.mode == authorship.WITH_SUPPORT
                          else "utter_ask_authorship_detail_for")
    turn = Turn()
    if writing is not None and not writing.chosen and not authorship_offered \
            and mode in (None, ASK_FIRST) \
            and question_id == QUESTION_IDS[0] and not store.active_answers(sender_id):
        # who writes, asked with buttons right before the first question (module
        # docstring of bot/dialogue/authorship.py)
        turn.say("utter_offer_authorship")
    variables: dict = {"name": person} if about else {}
    suffix = "_about" if about else ""
    if mode in (ASK_MORE, PERSON):
        name = f"utter_more_{question_id}{suffix}"
    elif mode == ASK_WHAT_ELSE:
        name = "utter_what_else"
    else:
        if mode == ASK_AGAIN:
            turn.say("utter_offer_skipped")
        name = f"utter_question_{question_id}{suffix}"
    turn.replies.append(Reply(response=name, variables=variables,
                              custom=question_payload(question_id)))
    return turn


def handle_value(store: Store, sender_id: str, question_id: str, value: str,
                 ask_mode: str | None, consent: bool, message: Incoming | None = None,
                 easy: bool = False, states: dict | None = None,
                 reoffered: list | None = None, person_asked: list | None = None,
                 cue: dict | None = None) -> Turn:
    """What a value of the question's slot does. `message`: the person's message as the
    NLU saw it; `states`: the answer slots of all questions (to offer a skipped question
    once more at the end); `reoffered`: the questions already offered once more;
    `person_asked`: the questions after which "Was sagt … selbst dazu?" was asked;
    `cue`: who writes, as read from an answer, while the check question waits."""
    slot = answer_slot(question_id)
    if value in FINAL_STATES:
        return Turn(slots={slot: value})
    message = message or Incoming(text=value if value not in MARKERS else "")
    mode, answer_id = _mode(ask_mode)
    answers = store.active_answers(sender_id, question_id) if consent else []
    writing = _Writing(store.authorship(sender_id) if consent else AuthorshipView(),
                       list(person_asked or []))
    if mode == PERSON:
        return _person_words(store, sender_id, question_id, value, message, consent,
                             writing)
    if mode == AUTHORSHIP_CHECK:
        return _authorship_check(store, sender_id, question_id, value, message, consent,
                                 answers, cue, easy, writing)
    if mode == AUTHORSHIP_DETAIL:
        return _authorship_detail(store, sender_id, question_id, value, message, consent,
                                  answers, writing)
    if mode == BACK_MENU and answer_id:
        return _back_choice(store, sender_id, question_id, value, message, answer_id, answers,
                            easy, writing)
    if mode == FIX and answer_id:
        return _fix(store, sender_id, question_id, value, message, answer_id, answers)
    if value == DONT_KNOW:
        return _dont_know(store, sender_id, question_id, message, consent, easy, writing)
    if value in (MORE, DONE) and message.text and words.is_non_answer(message.text):
        # "ka" or "hm" that the NLU took for "ja" or "nein": typed words, read as such
        return _free_text(store, sender_id, question_id, message.text, message, consent, easy,
                          writing)
    if message.callback_offered and (value == MORE or message.intent == "affirm"):
        # "ja" to "Das Teilhabeteam kann Sie zurückrufen …": that offer, not the question
        return _callback_button(Turn(slots={slot: None}), "callback_press_the_button", easy)
    if value == MORE:
        return Turn(slots={slot: None, Slot.ASK_MODE: ASK_WHAT_ELSE})
    finish = _Finish(store, sender_id, question_id, consent, states, reoffered)
    if value == DONE:
        return finish("answered" if answers else "none")
    if value == SKIP:
        return finish("answered" if answers else "skipped")
    if value in (BACK, REMOVE):
        return _go_back(store, sender_id, question_id, answers, consent)
    return _free_text(store, sender_id, question_id, value, message, consent, easy, writing)


class _Writing:
    """Who writes, for this turn: the stored authorship and the questions after which the
    person's own words were already asked for."""

    def __init__(self, view: AuthorshipView, person_asked: list[str]) -> None:
        self.view, self.person_asked = view, person_asked

    @property
    def on_behalf(self) -> bool:
        return self.view.mode == authorship.ON_BEHALF

    @property
    def voice(self) -> str:
        return "writer" if self.on_behalf else "person"

    @property
    def name(self) -> str:
        return authorship.person_name(self.view)


def _person_words(store: Store, sender_id: str, question_id: str, value: str,
                  message: Incoming, consent: bool, writing: _Writing) -> Turn:
    """The reply to "Was sagt … selbst dazu?": the person's own words, stored apart
    (`voice` person), or a button ("… ist nicht dabei", "Überspringen"); then the
    question goes on with "Gibt es noch mehr?"."""
    from bot.dialogue import mixed

    slot = answer_slot(question_id)
    goes_on = {slot: None, Slot.ASK_MODE: ASK_MORE}
    if message.intent in mixed.DELETE_INTENTS and words.asks_to_delete_all(message.text):
        return Turn(reject=True)
    text = (message.text or "").strip()
    if value in MARKERS or not words.is_typed(text) or words.is_non_answer(text):
        return Turn(slots=goes_on).say("utter_person_absent")
    if consent:
        store.add_answer_once(sender_id, question_id, text, voice="person")
    return Turn(slots=goes_on).say("utter_person_words_noted", name=writing.name,
                                   answer=quote(text))


def _authorship_check(store: Store, sender_id: str, question_id: str, value: str,
                      message: Incoming, consent: bool, answers: list, cue: dict | None,
                      easy: bool, writing: _Writing) -> Turn:
    """The reply to "Schreiben Sie für eine andere Person?": a yes switches to writing
    for the person (the answers so far are the writer's), a no keeps everything; other
    words are an answer to the open question."""
    slot = answer_slot(question_id)
    typed = words.choice(message.text) if message.text else None
    yes = value == MORE or typed == words.CONFIRM
    no = value in (DONE, SKIP) or typed in (words.CHANGE, words.KEEP, words.SKIP)
    resume = {slot: None, Slot.ASK_MODE: _resume_mode(answers), Slot.AUTHORSHIP_CUE: None}
    if yes:
        cue = cue or {}
        if consent:
            store.set_authorship(sender_id, authorship.ON_BEHALF,
                                 relation=cue.get("relation"), name=cue.get("name"),
                                 words=cue.get("words"), asked=True)
            store.set_answers_voice(sender_id, "writer")
        if not cue.get("name"):
            # no name in the words: "Für wen schreiben Sie …?" first
            resume[Slot.ASK_MODE] = AUTHORSHIP_DETAIL
            return Turn(slots=resume)
        return Turn(slots=resume).say("utter_authorship_switched", name=cue["name"])
    if no or value in MARKERS:
        return Turn(slots=resume).say("utter_authorship_kept")
    turn = _free_text(store, sender_id, question_id, value, message, consent, easy, writing)
    turn.slots.setdefault(Slot.AUTHORSHIP_CUE, None)
    return turn


def _authorship_detail(store: Store, sender_id: str, question_id: str, value: str,
                       message: Incoming, consent: bool, answers: list,
                       writing: _Writing) -> Turn:
    """The reply to "Für wen schreiben Sie …?" or "Wer unterstützt Sie?" asked in the
    interview; then the open question is asked (about the person, when someone writes
    for them)."""
    from bot.dialogue import mixed

    if message.intent in mixed.DELETE_INTENTS and words.asks_to_delete_all(message.text):
        return Turn(reject=True)
    said = message.text if value in MARKERS else value
    turn = authorship.detail(store, sender_id, writing.view.mode, said,
                             Incoming(said, message.intent), consent)
    if turn.reject:
        return Turn(reject=True)       # a request of its own: the rules answer, then ask
    turn.slots.pop(Slot.AUTHORSHIP_DETAIL, None)
    turn.slots.update({answer_slot(question_id): None, Slot.ASK_MODE: _resume_mode(answers)})
    return turn


def _chosen(store: Store, sender_id: str, question_id: str, mode: str,
            answers: list) -> Turn:
    """A button (or its words) said who writes during the interview: for someone else or
    with support, ask for whom or who supports; then the open question again."""
    store.set_authorship(sender_id, mode, asked=True)
    if mode != authorship.SELF and answers:
        store.set_answers_voice(sender_id, "writer" if mode == authorship.ON_BEHALF
                                else "person")
    slots = {answer_slot(question_id): None,
             Slot.ASK_MODE: _resume_mode(answers) if mode == authorship.SELF
             else AUTHORSHIP_DETAIL}
    return Turn(slots=slots)


def _typed_choice(store: Store, sender_id: str, question_id: str, text: str) -> Turn:
    """ "Ich schreibe für meinen Sohn Emil" before any answer: someone writes for the
    person; without a name, "Für wen schreiben Sie …?" follows."""
    said = authorship.read_detail(text)
    store.set_authorship(sender_id, authorship.ON_BEHALF, relation=said.relation,
                         name=said.name, words=" ".join(text.split()), asked=True)
    if said.name is None:
        return Turn(slots={answer_slot(question_id): None, Slot.ASK_MODE: AUTHORSHIP_DETAIL})
    return Turn(slots={answer_slot(question_id): None, Slot.ASK_MODE: ASK_FIRST}).then(
        authorship.on_behalf_noted(said))


def _callback_button(turn: Turn, key: str, easy: bool) -> Turn:
    """`turn` with the text `key` (texts/ui.yml) and the "Rückruf wünschen" button."""
    turn.replies.append(Reply(text=texts.text("ui", key, easy),
                              buttons=texts.pick("ui", "callback_button",
                                                 "easy" if easy else "standard")))
    return turn


def _free_text(store: Store, sender_id: str, question_id: str, text: str,
               message: Incoming, consent: bool, easy: bool,
               writing: _Writing | None = None) -> Turn:
    from bot.dialogue import mixed

    writing = writing or _Writing(AuthorshipView(), [])
    slot = answer_slot(question_id)
    if message.intent in mixed.DELETE_INTENTS:
        return Turn(reject=True)           # "alle meine Daten löschen": the rules ask
    chosen = authorship.button_choice(text, message.intent) if consent else None
    if chosen is not None:
        # who writes (the buttons before the first question, or their words)
        return _chosen(store, sender_id, question_id, chosen,
                       store.active_answers(sender_id, question_id))
    if text.startswith("/"):
        # a button of an earlier message ("Doch mitmachen"), never an answer
        reply = "utter_consent_already" if message.intent == "give_consent" else "utter_default"
        return Turn(slots={slot: None}).say(reply)
    if words.is_non_answer(text):
        # "?" or "k.a." is no question about a topic, whatever the NLU made of it
        return Turn(slots={slot: None}).say(f"utter_examples_{question_id}")
    if callback.only_contact(text):
        # a phone number or e-mail address alone would reach the export as an answer
        return _callback_button(Turn(slots={slot: None}), "contact_not_an_answer", easy)
    if message.intent in (*mixed.QUESTION_INTENTS, *mixed.GREETING_INTENTS):
        part = mixed.answer_part(message)
        if part is None:
            return Turn(reject=True)       # a plain question or greeting: the rules answer
        return _answer(store, sender_id, question_id, part, consent, writing).then(
            mixed.other_part(message, easy))
    if consent and not writing.view.chosen and authorship.answer_beside_cue(text) is None \
            and authorship.cue(text) is not None and not store.active_answers(sender_id):
        # the typed answer to "Wer schreibt hier?" before the first question: taken as
        # the button would be, with the relation and name it gives
        return _typed_choice(store, sender_id, question_id, text)
    hint = authorship.cue(text) if consent and not writing.on_behalf \
        and not writing.view.asked else None
    if hint is not None:
        return _hint(store, sender_id, question_id, text, hint, writing)
    # "Hallo! Ich möchte …": the greeting is no part of the answer; otherwise every
    # character is kept as written
    said = words.strip_greeting(text)
    if said == text.strip() or not words.content_words(said):
        said = text
    turn = _answer(store, sender_id, question_id, said, consent, writing)
    if words.says_dont_know(text):
        turn.say(f"utter_examples_{question_id}")
    if message.intent is not None:
        # a question inside the answer about a topic we know: answered too (the answer
        # itself is stored whole, question and all)
        for topic in words.asked_topics(text)[:1]:
            turn.then(mixed.other_part(Incoming(text, "faq", topic), easy))
    return turn


def _hint(store: Store, sender_id: str, question_id: str, text: str,
          hint: authorship.Detail, writing: _Writing) -> Turn:
    """An answer says someone else writes ("ich schreibe für meinen Sohn"): what else it
    says is stored, and "Schreiben Sie für eine andere Person?" is asked, once."""
    view = writing.view
    store.set_authorship(sender_id, view.mode, relation=view.relation, name=view.name,
                         words=view.words, asked=True)
    turn = Turn()
    answer = authorship.answer_beside_cue(text)
    if answer is not None:
        turn = _answer(store, sender_id, question_id, answer, True, writing)
    turn.slots.update({answer_slot(question_id): None, Slot.ASK_MODE: AUTHORSHIP_CHECK,
                       Slot.AUTHORSHIP_CUE: {"relation": hint.relation, "name": hint.name,
                                          "words": " ".join(text.split())[:300]}})
    return turn


def _dont_know(store: Store, sender_id: str, question_id: str, message: Incoming,
               consent: bool, easy: bool, writing: _Writing | None = None) -> Turn:
    """ "weiß nicht": the examples; an answer in the same message is stored first."""
    from bot.dialogue import mixed

    part = mixed.answer_part(Incoming(message.text, "dont_know", entities=message.entities))
    if part is None or words.is_non_answer(part):
        return Turn(slots={answer_slot(question_id): None}).say(
            f"utter_examples_{question_id}")
    return _answer(store, sender_id, question_id, part, consent, writing).say(
        f"utter_examples_{question_id}")


class _Finish:
    """The question ends in `state`; before the read-back, a skipped question is offered
    once more (each skipped question once, in the order of the questions)."""

    def __init__(self, store: Store, sender_id: str, question_id: str, consent: bool,
                 states: dict | None, reoffered: list | None) -> None:
        self.store, self.sender_id, self.question_id = store, sender_id, question_id
        self.consent, self.states = consent, dict(states or {})
        self.reoffered = list(reoffered or [])

    def __call__(self, state: str) -> Turn:
        if self.consent:
            self.store.set_question_state(self.sender_id, self.question_id, state)
        turn = Turn(slots={answer_slot(self.question_id): state, Slot.ASK_MODE: ASK_FIRST})
        if state == "skipped":
            turn.say("utter_skipped")
        elif state == "none":
            turn.say("utter_question_none")
        if self.states:
            self.states[answer_slot(self.question_id)] = state
            again = self._offer_again()
            if again is not None:
                turn.slots.update({answer_slot(again): None, Slot.ASK_MODE: ASK_AGAIN,
                                   Slot.REOFFERED: [*self.reoffered, again]})
        return turn

    def _offer_again(self) -> str | None:
        states = [self.states.get(answer_slot(q)) for q in QUESTION_IDS]
        if not all(state in FINAL_STATES for state in states) or "answered" not in states:
            # someone who answered nothing at all is not asked everything again
            return None
        return next((q for q in QUESTION_IDS if self.states.get(answer_slot(q)) == "skipped"
                     and q not in self.reoffered), None)


def _answer(store: Store, sender_id: str, question_id: str, text: str, consent: bool,
            writing: _Writing | None = None) -> Turn:
    if not text or not text.strip():
        return Turn(slots={answer_slot(question_id): None}).say("utter_default")
    voice = writing.voice if writing is not None else "person"
    if consent and store.add_answer_once(sender_id, question_id, text, voice=voice) is None:
        return Turn(slots={answer_slot(question_id): None, Slot.ASK_MODE: ASK_MORE}).say(
            "utter_answer_already_noted", answer=quote(text)
        )
    turn = Turn(slots={answer_slot(question_id): None, Slot.ASK_MODE: ASK_MORE}).say(
        "utter_answer_noted", answer=quote(text)
    )
    if writing is not None and writing.on_behalf and question_id not in writing.person_asked:
        # once per question: what does the person say themself?
        writing.person_asked.append(question_id)
        turn.slots.update({Slot.ASK_MODE: PERSON, Slot.PERSON_ASKED: list(writing.person_asked)})
    return turn


def _latest_answer(store: Store, sender_id: str, question_id: str,
                   before: int | None = None) -> AnswerView | None:
    """The person's most recent answer to this question or one before it (by the time it
    was given), optionally only those given before answer `before`."""
    upto = QUESTION_IDS[: QUESTION_IDS.index(question_id) + 1]
    candidates = [a for a in store.active_answers(sender_id) if a.question_id in upto
                  and (before is None or a.id < before)]
    return max(candidates, key=lambda a: a.id, default=None)


def _resume_mode(answers: list) -> str:
    return ASK_MORE if answers else ASK_FIRST


def _go_back(store: Store, sender_id: str, question_id: str, answers: list,
             consent: bool) -> Turn:
    """ "zurück": the most recent answer is shown with a choice (keep, change, remove);
    nothing changes until the person chooses. Without any answer to show, the previous
    question is asked again (it had none)."""
    slot = answer_slot(question_id)
    latest = _latest_answer(store, sender_id, question_id) if consent else None
    if latest is not None:
        return Turn(slots={slot: None, Slot.ASK_MODE: f"{BACK_MENU}:{latest.id}"})
    previous = previous_question(question_id)
    if previous is None:
        return Turn(slots={slot: None}).say("utter_go_back_first")
    if consent:
        store.set_question_state(sender_id, previous.id, None)
    return Turn(slots={slot: None, previous.slot: None, Slot.ASK_MODE: ASK_FIRST}).say(
        "utter_go_back_previous_empty")


def _choice(value: str, message: Incoming) -> str | None:
    """The person's choice for an answer shown after "zurück": typed words first (they
    mean what the buttons mean), then the button's intent."""
    typed = words.choice(message.text)
    if typed is not None:
        return typed
    return {MORE: words.CONFIRM, DONE: words.CHANGE, REMOVE: words.REMOVE, SKIP: words.KEEP,
            BACK: BACK, DONT_KNOW: words.KEEP}.get(value)


def _back_choice(store: Store, sender_id: str, question_id: str, value: str,
                 message: Incoming, answer_id: int, answers: list, easy: bool,
                 writing: _Writing | None = None) -> Turn:
    slot = answer_slot(question_id)
    shown = store.answer_text(sender_id, answer_id)
    chosen = _choice(value, message)
    if message.intent in ("delete_data", "confirm_delete", "cancel_delete") and (
            chosen is None or words.asks_to_delete_all(message.text)):
        return Turn(reject=True)
    if shown is None:
        return Turn(slots={slot: None, Slot.ASK_MODE: _resume_mode(answers)})
    if chosen in (words.CONFIRM, words.KEEP, words.CONFIRM_ALL, words.SKIP):
        return Turn(slots={slot: None, Slot.ASK_MODE: _resume_mode(answers)}).say(
            "utter_go_back_kept")
    if chosen == words.CHANGE:
        return Turn(slots={slot: None, Slot.ASK_MODE: f"{FIX}:{answer_id}"})
    if chosen == words.REMOVE:
        return _remove(store, sender_id, question_id, shown)
    if chosen == BACK:
        earlier = _latest_answer(store, sender_id, question_id, before=answer_id)
        if earlier is None:
            return Turn(slots={slot: None}).say("utter_go_back_nothing_before")
        return Turn(slots={slot: None, Slot.ASK_MODE: f"{BACK_MENU}:{earlier.id}"})
    # new words instead of a choice: a further answer to the open question (the one
    # shown stays; the read-back lets the person remove it)
    return _free_text(store, sender_id, question_id, message.text or value, message, True,
                      easy, writing)


def _remove(store: Store, sender_id: str, question_id: str, shown: AnswerView) -> Turn:
    """The person chose to remove the answer shown. If that leaves an earlier question
    without any answer, that question is asked again."""
    store.supersede_answers(sender_id, [shown.id], status="removed")
    turn = Turn(slots={answer_slot(question_id): None}).say("utter_go_back_removed",
                                                           answer=quote(shown.text))
    if shown.question_id != question_id and not store.active_answers(sender_id,
                                                                     shown.question_id):
        store.set_question_state(sender_id, shown.question_id, None)
        turn.slots.update({answer_slot(shown.question_id): None, Slot.ASK_MODE: ASK_FIRST})
    else:
        turn.slots[Slot.ASK_MODE] = _resume_mode(store.active_answers(sender_id, question_id))
    return turn


def _fix(store: Store, sender_id: str, question_id: str, value: str, message: Incoming,
         answer_id: int, answers: list) -> Turn:
    """The new words for an answer shown after "zurück": "stimmt doch" keeps it, a remove
    word removes it, anything else replaces it (the old words stay in the history)."""
    slot = answer_slot(question_id)
    shown = store.answer_text(sender_id, answer_id)
    if message.intent in ("delete_data", "confirm_delete", "cancel_delete") and (
            words.choice(message.text) is None or words.asks_to_delete_all(message.text)):
        return Turn(reject=True)
    if shown is None:
        return Turn(slots={slot: None, Slot.ASK_MODE: _resume_mode(answers)})
    chosen = _choice(value, message)
    text = (message.text or "").strip()
    if chosen == words.REMOVE:
        return _remove(store, sender_id, question_id, shown)
    if chosen is not None or value in MARKERS or words.is_non_answer(text) \
            or not words.is_typed(text):
        return Turn(slots={slot: None, Slot.ASK_MODE: _resume_mode(answers)}).say(
            "utter_go_back_kept")
    new_id = store.correct_answer(sender_id, shown.id, text)
    store.record_correction(sender_id, shown.text, text, answer_id=new_id,
                            item_key=f"answer:{shown.id}", source=message.source)
    now = store.active_answers(sender_id, question_id)
    return Turn(slots={slot: None, Slot.ASK_MODE: _resume_mode(now)}).say(
        "utter_item_corrected", item=quote(text))


def resume_slots(store: Store, sender_id: str) -> dict[str, str | None]:
    """Slot values that put a resumed conversation back where it left off.

    Finished questions get their state, open ones None (the form asks the first open one;
    the form's validator ignores None). If that question already has answers, it is
    continued with "Gibt es noch mehr?".
    """
    states = store.question_states(sender_id)
    answered = {a.question_id for a in store.active_answers(sender_id)}
    slots: dict[str, str | None] = {answer_slot(qid): states.get(qid) for qid in QUESTION_IDS}
    open_questions = [qid for qid in QUESTION_IDS if states.get(qid) is None]
    continues = bool(open_questions) and open_questions[0] in answered
    slots[Slot.ASK_MODE] = ASK_MORE if continues else ASK_FIRST
    return slots
