"""A callback or appointment request to the Teilhabeteam (issue 16, point 2): the person
leaves a phone number or e-mail address and a good time, voluntarily and only with consent;
the request waits in the staff console's queue ("Rückrufwünsche").

The callback form asks for the contact, then the time; "abbrechen" or "doch nicht" ends it
without storing anything. Without consent the form asks nothing: the end says why.
"""

from __future__ import annotations

import re

from bot.dialogue import Incoming, Turn, words
from bot.dialogue.slots import Slot
from bot.storage.repository import Store

CANCELLED = "__cancelled__"
NO_TIME = "__any_time__"
MAX_CONTACT = 200
MAX_TIME = 300

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# a phone number: digits with spaces, slashes, dashes, dots, brackets, a leading + or 0
PHONE = re.compile(r"(\+|00|0)[\d\s/().-]{5,25}\d")
CANCEL = re.compile(
    r"^\s*(nein|ne|nö|abbrechen|abbruch|stopp?|doch nicht|lieber nicht|nicht mehr|"
    r"möchte ich (doch )?nicht|will ich (doch )?nicht|kein(en)? rückruf|vergiss es|"
    r"lass (mal|es)|doch keinen? (rückruf|anruf))\b", re.IGNORECASE)
ANY_TIME = re.compile(r"^\s*(egal|immer|jederzeit|ganz egal|ist egal|wann (ihr|sie) wollt|"
                      r"wann (es )?passt|keine ahnung|weiß nicht|weiss nicht)\W*$",
                      re.IGNORECASE)
# global intents that are a request of their own even inside the form: the rules answer
OWN_REQUESTS = frozenset({"delete_data", "confirm_delete", "cancel_delete", "pause", "help",
                          "faq", "show_profile", "easy_language_on", "easy_language_off",
                          "goodbye", "human_handoff", "bot_challenge", "urgent_need",
                          "budget_calculation", "resume"})


def contact_of(text: str) -> str | None:
    """The phone number or e-mail address in `text`, as typed; None if there is none."""
    found = EMAIL.search(text or "")
    if found:
        return found.group(0)[:MAX_CONTACT]
    phone = PHONE.search(text or "")
    if phone and len(re.sub(r"\D", "", phone.group(0))) >= 6:
        return " ".join(phone.group(0).split())[:MAX_CONTACT]
    return None


def only_contact(text: str) -> bool:
    """`text` is a phone number or e-mail address and nothing else that says something
    ("0176 1234567", "meine Nummer ist …"): a contact, no answer about the person's life."""
    contact = contact_of(text)
    if contact is None:
        return False
    rest = EMAIL.sub(" ", text)
    rest = PHONE.sub(" ", rest)
    return words.says_only_contact_words(rest)


def start() -> Turn:
    """Before the form: nothing left over from an earlier request."""
    return Turn(slots={Slot.CALLBACK_CONTACT: None, Slot.CALLBACK_TIME: None})


def contact(value: str, message: Incoming) -> Turn:
    """The person's reply to "Unter welcher Telefonnummer oder E-Mail-Adresse …?"."""
    found = contact_of(value)
    if found is not None:
        return Turn(slots={Slot.CALLBACK_CONTACT: found})
    if message.intent == "deny" or CANCEL.search(value or ""):
        return Turn(slots={Slot.CALLBACK_CONTACT: CANCELLED, Slot.CALLBACK_TIME: CANCELLED})
    if message.intent in OWN_REQUESTS:
        return Turn(slots={Slot.CALLBACK_CONTACT: None}, reject=True)
    return Turn(slots={Slot.CALLBACK_CONTACT: None}).say("utter_callback_contact_invalid")


def good_time(value: str, message: Incoming) -> Turn:
    """The person's reply to "Wann passt es Ihnen am besten?"; any words are a time."""
    if CANCEL.search(value or "") and contact_of(value) is None and len(value.split()) <= 4:
        return Turn(slots={Slot.CALLBACK_TIME: CANCELLED})
    if message.intent in OWN_REQUESTS - {"resume"}:
        return Turn(slots={Slot.CALLBACK_TIME: None}, reject=True)
    if not words.is_typed(value) or ANY_TIME.search(value or "") or message.intent in (
            "dont_know", "skip"):
        return Turn(slots={Slot.CALLBACK_TIME: NO_TIME})
    return Turn(slots={Slot.CALLBACK_TIME: " ".join(value.split())[:MAX_TIME]})


def finish(store: Store, sender_id: str, consent: bool | None, contact_value: str | None,
           time_value: str | None, easy: bool) -> Turn:
    """After the form: store the request (only with consent) and say what happens now."""
    turn = Turn(slots={Slot.CALLBACK_CONTACT: None, Slot.CALLBACK_TIME: None})
    if not consent:
        return turn.say("utter_callback_needs_consent")
    if contact_value in (None, CANCELLED) or time_value in (None, CANCELLED):
        return turn.say("utter_callback_cancelled")
    when = "" if time_value == NO_TIME else time_value
    if store.add_callback_request(sender_id, contact_value, when, easy=easy) is None:
        return turn.say("utter_callback_needs_consent")
    if not when:
        return turn.say("utter_callback_saved_any_time", contact=contact_value)
    return turn.say("utter_callback_saved", contact=contact_value, time=when)
