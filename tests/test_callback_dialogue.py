"""The callback request's words (bot/dialogue/callback.py): a phone number or e-mail
address as typed, cancelling, a good time in any words, and nothing stored without consent."""

from __future__ import annotations

import pytest

from bot.dialogue import Incoming, callback


@pytest.mark.parametrize(("text", "contact"), [
    ("040 123456", "040 123456"),
    ("Meine Nummer ist 040 / 123 456 78", "040 / 123 456 78"),
    ("+49 176 12345678 bitte nach 17 uhr", "+49 176 12345678"),
    ("0176-1234567", "0176-1234567"),
    ("schreibt mir an lea.meier+lwiw@example.org", "lea.meier+lwiw@example.org"),
    ("Mail: ali@mail.de", "ali@mail.de"),
])
def test_contact_as_typed(text, contact):
    assert callback.contact_of(text) == contact
    assert callback.contact(text, Incoming(text=text)).slots["callback_contact"] == contact


@pytest.mark.parametrize("text", ["weiß nicht", "123", "ruf mich an", "Dienstag 14 Uhr", ""])
def test_no_contact_asks_again(text):
    turn = callback.contact(text, Incoming(text=text, intent="inform"))
    assert turn.slots["callback_contact"] is None and not turn.reject
    assert [r.response for r in turn.replies] == ["utter_callback_contact_invalid"]


@pytest.mark.parametrize(("text", "intent"), [("abbrechen", "inform"), ("/deny", "deny"),
                                              ("doch nicht", "inform"),
                                              ("nein lieber nicht", "deny")])
def test_cancelling(text, intent):
    turn = callback.contact(text, Incoming(text=text, intent=intent))
    assert turn.slots == {"callback_contact": callback.CANCELLED,
                          "callback_time": callback.CANCELLED}


def test_a_request_of_its_own_goes_to_the_rules():
    turn = callback.contact("ich will meine daten löschen",
                            Incoming(text="ich will meine daten löschen", intent="delete_data"))
    assert turn.reject


@pytest.mark.parametrize(("text", "intent", "when"), [
    ("dienstags vormittags", "inform", "dienstags vormittags"),
    ("egal", "inform", callback.NO_TIME),
    ("/dont_know", "dont_know", callback.NO_TIME),
    ("nach 17   Uhr, vorher Arbeit", "out_of_scope", "nach 17 Uhr, vorher Arbeit"),
])
def test_good_time_in_any_words(text, intent, when):
    assert callback.good_time(text, Incoming(text=text, intent=intent)).slots == {
        "callback_time": when}


def test_finish_stores_only_with_consent(store):
    assert callback.finish(store, "c1", False, "040 123456", "morgens", False).replies[
        0].response == "utter_callback_needs_consent"
    assert store.callback_requests() == []
    store.record_consent("c1", True)
    cancelled = callback.finish(store, "c1", True, callback.CANCELLED, callback.CANCELLED, False)
    assert cancelled.replies[0].response == "utter_callback_cancelled"
    assert store.callback_requests() == []
    saved = callback.finish(store, "c1", True, "040 123456", "morgens", False)
    assert saved.replies[0].response == "utter_callback_saved"
    assert saved.slots == {"callback_contact": None, "callback_time": None}
    any_time = callback.finish(store, "c1", True, "a@b.de", callback.NO_TIME, True)
    assert any_time.replies[0].response == "utter_callback_saved_any_time"
    assert [(r.contact, r.good_time) for r in store.callback_requests()] == [
        ("a@b.de", ""), ("040 123456", "morgens")]          # newest first
