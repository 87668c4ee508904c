"""The read-back: the bot says in short sentences what it understood from the person's
answers (the structured items of bot/profile/items.py), and the person confirms, corrects
or removes each one.

An answer with nothing structured in it, or whose only item would repeat it, is read back
in the person's own words ("answer:<id>"); correcting it stores the correction as a new
answer, removing it removes the answer. A structured item ("social:<id>:<n>") is decided
on its own: a correction is kept beside it as the person's words, and removing it drops
the item from the profile while the verbatim answer stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from bot import texts
from bot.dialogue import Incoming, Turn, quote, words
from bot.dialogue.slots import Slot, Stage
from bot.profile import build_profile, readback
from bot.profile.items import AnswerItems, Item, derive
from bot.storage.repository import Store

CONFIRM = "confirm"
CHANGE = "change"
REMOVE = "remove"
CONFIRM_ALL = "confirm_all"
SKIP = "skip"
DECISIONS = (CONFIRM, CHANGE, REMOVE, CONFIRM_ALL, SKIP)
# `current_item` while the remaining items are shown together ("Alle bestätigen")
ALL = "__all__"
DELETE_INTENTS = ("delete_data", "confirm_delete", "cancel_delete")

ANSWER_PREFIX = "answer:"


@dataclass(frozen=True)
class ReadBackItem:
    key: str
    answer_id: int
    text: str  # the person's words the item stands for
    item: Item | None = None
    shared: bool = False  # the words name other people of the network too
    # items of the same words decided together with this one: they would be read back
    # with the same sentence, or say the same thing in another part of the profile (a
    # Pflegedienst as help received and in the network; "ich kann gut zuhören" asked
    # about being there for others is no second ability)
    linked: tuple[str, ...] = ()
    # someone writes for the person (issue 16): the person's name, so that the sentence
    # speaks about them; the person's own words are always read back as they are
    about: str | None = None
    own_words: bool = False

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key, *self.linked)

    @property
    def quoted(self) -> bool:
        """Read back as the person's own words: an answer as a whole, or an item whose
        rephrasing could change what it says (a negation, an unclear "mir") or cannot say
        it (a verb whose "ich" is in the sentence before)."""
        return self.item is None or self.own_words or readback.needs_quote(self.text) or (
            self.item.category not in readback.NAMED_ONLY
            and readback.starts_with_verb(self.text))

    def sentence(self, easy: bool = False) -> str:
        """What the bot says back for this item, in the chosen register."""
        if self.quoted:
            return quote(self.text)
        return readback.sentence(self.item, easy, self.shared, self.about)

    def line(self, easy: bool = False) -> str:
        """The item in a list: quoted words in quotation marks."""
        said = self.sentence(easy)
        return f"„{said}“" if self.quoted else said


def _derived(store: Store, sender_id: str, today: date | None = None) -> list[AnswerItems]:
    from bot.dialogue.authorship import writer_side

    return derive(store.active_answers(sender_id), today,
                  writer_side(store.authorship(sender_id)))


def _readback_items(entry: AnswerItems, about: str | None = None) -> list[ReadBackItem]:
    """The items of one answer to read back; `about`: the person's name when someone
    writes for them."""
    answer = entry.answer
    own_words = about is not None and answer.voice == "person"
    if entry.whole:
        return [ReadBackItem(f"{ANSWER_PREFIX}{answer.id}", answer.id, answer.text)]
    people = [i for i in entry.items if i.category == "social"]

    def shared(item: Item) -> bool:
        return item.category == "social" and any(
            other is not item and other.data["who"].lower() in item.text.lower()
            for other in people)

    professional_words = {(i.data.get("words") or "").lower(): i for i in entry.items
                          if i.category == "professional"}
    contributions = {i.text: i for i in entry.items if i.category == "contribution"}

    def same_as(item: Item) -> Item | None:
        """The item that already says what `item` says, or None."""
        if item.category == "social" and item.data.get("sector") == "professional":
            return professional_words.get((item.data.get("who") or "").lower())
        if item.category == "personal" and item.data.get("kind") == "ability":
            return contributions.get(item.text)
        return None

    reads = {item.key: ReadBackItem(item.key, answer.id, item.text, item, shared(item),
                                    about=about, own_words=own_words)
             for item in entry.items}
    host: dict[str, str] = {}
    first_saying: dict[str, str] = {}
    twins = {item.key: same_as(item) for item in entry.items}
    for item in entry.items:
        if twins[item.key] is None:
            host[item.key] = first_saying.setdefault(reads[item.key].sentence(), item.key)
    for item in entry.items:
        twin = twins[item.key]
        if twin is not None:
            host[item.key] = host[twin.key]
    return [ReadBackItem(read.key, read.answer_id, read.text, read.item, read.shared,
                         tuple(item.key for item in entry.items
                               if host[item.key] == read.key and item.key != read.key),
                         about=about, own_words=own_words)
            for read in reads.values() if host[read.key] == read.key]


def _all_items(store: Store, sender_id: str) -> list[tuple[ReadBackItem, AnswerItems]]:
    """Every item of the read-back, decided or not, with the answer it comes from."""
    from bot.dialogue.authorship import ON_BEHALF, person_name

    writing = store.authorship(sender_id)
    about = person_name(writing) if writing.mode == ON_BEHALF else None
    return [(item, entry) for entry in _derived(store, sender_id)
            for item in _readback_items(entry, about)]


def pending_items(store: Store, sender_id: str) -> list[ReadBackItem]:
    decided = store.item_decisions(sender_id)
    return [item for item, entry in _all_items(store, sender_id)
            if item.key not in decided and not (item.item is None and entry.answer.confirmed)]


def ask_next(store: Store, sender_id: str, easy: bool = False,
             current: str | None = None) -> Turn:
    """The next item to decide on; with `current` == ALL, all remaining items together
    ("Stimmen alle diese Punkte?")."""
    items = pending_items(store, sender_id)
    if not items:
        return Turn(slots={Slot.CURRENT_ITEM: None})
    if current == ALL:
        bullet = texts.text("ui", "bullet", easy)
        listed = "\n".join(f"{bullet}{item.line(easy)}" for item in items)
        return Turn(slots={Slot.CURRENT_ITEM: ALL}).say("utter_confirm_all_list", items=listed)
    item = items[0]
    # the person's own words are quoted; a structured item is the bot's own short sentence
    response = "utter_ask_item_decision" if item.quoted else "utter_ask_item_check"
    return Turn(slots={Slot.CURRENT_ITEM: item.key}).say(response, item=item.sentence(easy))


def _decide_item(store: Store, sender_id: str, item: ReadBackItem, status: str,
                 text: str | None = None) -> None:
    """The decision for the item and the items read back with it."""
    for key in item.keys:
        store.decide_item(sender_id, key, status, text)


def _current(store: Store, sender_id: str, key: str | None) -> ReadBackItem | None:
    """The item `key`: one still open, or one decided before that the person named to
    correct it ("Das mit dem Sportverein stimmt nicht")."""
    for item in _kept_items(store, sender_id):      # the open items are among them
        if item.key == key:
            return item
    return None


def _kept_items(store: Store, sender_id: str) -> list[ReadBackItem]:
    """Every item of the read-back not removed: pending and already decided ones."""
    decided = store.item_decisions(sender_id)
    return [item for item, _ in _all_items(store, sender_id)
            if item.key not in decided or decided[item.key].status != "removed"]


# _named_item's answer when the words name several other items equally
UNCLEAR = "unclear"


def _named_item(store: Store, sender_id: str, current: ReadBackItem,
                text: str) -> ReadBackItem | str | None:
    """The item a request names ("Streichen Sie den Treff" while the item shown is the
    wish to stay in Barmbek): the other item whose words it shares more of than the
    current item's; UNCLEAR when several share as many; `current` when it shares words
    with the current item at least as much; None when it names no item."""
    said = words.naming_stems(text)
    if not said:
        return None
    here = len(said & words.naming_stems(current.text))
    scored = [(len(said & words.naming_stems(item.text)), item)
              for item in _kept_items(store, sender_id) if item.key != current.key]
    best = max((score for score, _ in scored), default=0)
    if best <= here:
        return current if here else None
    named = [item for score, item in scored if score == best]
    return named[0] if len(named) == 1 else UNCLEAR


def _remove_other(store: Store, sender_id: str, named: ReadBackItem | str,
                  turn: Turn) -> Turn:
    """Remove `named`, another item than the one shown (what its "Entfernen" button
    does), and say which; or say that it is unclear which one (UNCLEAR). The item shown
    stays open either way."""
    if named == UNCLEAR:
        return turn.say("utter_readback_which_item")
    assert isinstance(named, ReadBackItem)
    decide(store, sender_id, named.key, REMOVE)
    return turn.say("utter_item_removed_named", item=quote(named.text))


def _confirm_decided_answers(store: Store, sender_id: str) -> None:
    """An answer whose items the person has all gone through, keeping at least one,
    counts as confirmed: the person saw what was made of their words and agreed."""
    decisions = store.item_decisions(sender_id)
    done = []
    for entry in _derived(store, sender_id):
        if entry.whole or entry.answer.confirmed:
            continue
        statuses = [decisions[i.key].status for i in entry.items if i.key in decisions]
        if len(statuses) == len(entry.items) and {"confirmed", "corrected"} & set(statuses):
            done.append(entry.answer.id)
    store.confirm_answers(sender_id, done)


@lru_cache(maxsize=1)
def global_intents() -> frozenset[str]:
    """Intents every state understands (data/dialogue.yml)."""
    from bot.domain_gen import dialogue_spec

    return frozenset(dialogue_spec()["global_intents"])


def decide_message(store: Store, sender_id: str, key: str | None, value: str,
                   message: Incoming) -> Turn:
    """The person's reply to a read-back item. Typed words mean what the buttons mean,
    for this item only ("entfernen", "löschen" remove it; "ändern", "stimmt nicht" ask
    for the right words; "passt" confirms it); deleting all data is never one of them."""
    typed = words.choice(message.text)
    if typed == words.KEEP:
        typed = CONFIRM
    if (message.intent in DELETE_INTENTS and words.asks_to_delete_all(message.text)) or (
            typed is None and message.intent in global_intents()):
        # a request of its own ("alle meine Daten löschen", an FAQ question): the rules
        return Turn(slots={Slot.ITEM_DECISION: None}, reject=True)
    decision = typed or (value if value in DECISIONS else None)
    current = _current(store, sender_id, key) if typed is None and decision in (None, REMOVE) \
        and words.is_typed(message.text) else None
    if current is not None:
        named = _named_in_words(store, sender_id, current, message.text, decision)
        if named is not None:
            return named
    if decision is None:
        # anything else: a hint with the words that work, and the item again
        return Turn(slots={Slot.ITEM_DECISION: None}).say("utter_readback_choose")
    return decide(store, sender_id, key, decision)


def _named_in_words(store: Store, sender_id: str, current: ReadBackItem, text: str,
                    decision: str | None) -> Turn | None:
    """A reply in the person's own words that names an item: "Streichen Sie den Treff"
    removes the Treff, never the item shown instead; "die oma bitte raus" removes the
    item about the grandmother; "Das mit dem Sportverein stimmt nicht" asks for the right
    words of that item. None: the words decide nothing of their own."""
    removing = decision == REMOVE or words.says_remove(text)
    if not removing and not (decision is None and words.says_change(text)):
        return None
    named = _named_item(store, sender_id, current, text)
    if named is None:
        return None
    if named is current:
        # the item shown, named in own words: what its button does
        return decide(store, sender_id, current.key, REMOVE if removing else CHANGE)
    if removing:
        return _remove_other(store, sender_id, named, Turn(slots={Slot.ITEM_DECISION: None}))
    if isinstance(named, ReadBackItem):
        # the right words for that item first; the item shown comes again afterwards
        return Turn(slots={Slot.ITEM_DECISION: None, Slot.CURRENT_ITEM: named.key,
                           Slot.AWAITING_CORRECTION: True})
    return None


def decide(store: Store, sender_id: str, key: str | None, decision: str) -> Turn:
    turn = Turn(slots={Slot.ITEM_DECISION: None})
    if key == ALL:
        # the remaining items were shown together: a yes confirms them, anything else
        # goes through them one by one
        turn.slots[Slot.CURRENT_ITEM] = None
        if decision in (CONFIRM, CONFIRM_ALL):
            items = pending_items(store, sender_id)
            store.confirm_answers(sender_id, [i.answer_id for i in items if i.item is None])
            for item in items:
                _decide_item(store, sender_id, item, "confirmed")
            _confirm_decided_answers(store, sender_id)
        return turn
    if decision == CONFIRM_ALL:
        # first shown together (the ask action), confirmed only after a yes
        turn.slots[Slot.CURRENT_ITEM] = ALL
        return turn
    item = _current(store, sender_id, key)
    if item is None:
        return turn
    whole = item.item is None
    if decision == CONFIRM:
        if whole:
            store.confirm_answers(sender_id, [item.answer_id])
        _decide_item(store, sender_id, item, "confirmed")
    elif decision == REMOVE:
        if whole:
            store.supersede_answers(sender_id, [item.answer_id], status="removed")
        _decide_item(store, sender_id, item, "removed")
        turn.say("utter_item_removed")
    elif decision == SKIP:
        _decide_item(store, sender_id, item, "skipped")
    elif decision == CHANGE:
        # the prompt for the right words comes from the form's ask action, once
        turn.slots[Slot.AWAITING_CORRECTION] = True
    if not whole and decision in (CONFIRM, REMOVE, SKIP):
        _confirm_decided_answers(store, sender_id)
    return turn


def correct(store: Store, sender_id: str, key: str | None, text: str,
            message: Incoming | None = None) -> Turn:
    """The right words for the item being corrected. Only that item changes; "stimmt
    doch" keeps it (confirmed), a remove word removes it, "doch nicht" or "weiß nicht"
    leaves it open. The old words stay in the correction history."""
    message = message or Incoming(text=text)
    turn = Turn(slots={Slot.ITEM_CORRECTION: None, Slot.AWAITING_CORRECTION: False})
    typed = words.choice(message.text)
    if message.intent in DELETE_INTENTS and (typed is None
                                             or words.asks_to_delete_all(message.text)):
        return Turn(slots={Slot.ITEM_CORRECTION: None}, reject=True)
    item = _current(store, sender_id, key)
    if item is None:
        return turn
    if typed in (words.CONFIRM, words.CONFIRM_ALL):
        return decide(store, sender_id, key, CONFIRM).then(turn).say("utter_item_kept")
    if typed == words.REMOVE:
        return decide(store, sender_id, key, REMOVE).then(turn)
    if typed is None and words.is_typed(text) and words.says_remove(text):
        # "Streichen Sie den Treff" while the right words for another item are asked for:
        # that item goes, and this one is no correction of it
        named = _named_item(store, sender_id, item, text)
        if named is not None and named is not item:
            return _remove_other(store, sender_id, named, turn)
    if typed is not None or not words.is_typed(text) or words.is_non_answer(text) \
            or message.intent == "dont_know":
        return turn.say("utter_item_unchanged")
    if item.item is None:
        new_id = store.correct_answer(sender_id, item.answer_id, text)
        store.decide_item(sender_id, item.key, "corrected", text)
        store.decide_item(sender_id, f"{ANSWER_PREFIX}{new_id}", "confirmed")
    else:
        new_id = None
        _decide_item(store, sender_id, item, "corrected", text)
        _confirm_decided_answers(store, sender_id)
    store.record_correction(sender_id, item.text, text, item_key=item.key,
                            answer_id=new_id or item.answer_id, source=message.source)
    return turn.say("utter_item_corrected", item=quote(text))


def next_step_texts(profile: dict, easy: bool) -> list[str]:
    """The profile's next steps as chat messages in the chosen register; a step resting on
    a source not yet checked (`verify`) says "Bitte prüfen" and names it, as the export does."""
    lines = []
    for step in profile.get("next_steps", []):
        words = step.get("easy", step) if easy else step
        text = texts.text("ui", "next_step", easy, what=words["what"], who=words["who"],
                          by_when=words["by_when"])
        unchecked = [source["title"] for source in step.get("sources", [])
                     if source.get("verify")]
        if unchecked:
            titles = "; ".join(f"„{title}“" for title in unchecked)
            text = f"{text}\n{texts.text('ui', 'verify_step', easy, titles=titles)}"
        lines.append(text)
    return lines


def finish(store: Store, sender_id: str, *, consent: bool, easy: bool = False,
           today: date | None = None) -> Turn:
    """Close the read-back: mark it confirmed, show the next steps and the download links.
    Without consent nothing was stored and nothing is (marking would create the row)."""
    if not consent:
        return Turn(slots={Slot.SUMMARY_DONE: True, Slot.STAGE: Stage.DONE}).say(
            "utter_profile_no_consent")
    store.mark_summary_confirmed(sender_id)
    if not store.active_answers(sender_id):
        turn = Turn().say("utter_summary_no_items")
    else:
        turn = Turn().say("utter_summary_done")
    steps = next_step_texts(build_profile(store, sender_id, today), easy)
    if steps:
        turn.say("utter_next_steps_intro")
        for text in steps:
            turn.say_text(text)
    turn.say("utter_download_hint")
    register = "easy" if easy else "standard"
    turn.replies[-1].custom = {"links": list(texts.pick("ui", "download_links", register))}
    turn.slots.update({Slot.SUMMARY_DONE: True, Slot.STAGE: Stage.DONE})
    return turn
