"""The profile built from the database, its schema, and the read-back of structured items."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime

import pytest
from jsonschema import Draft202012Validator

from bot.dialogue import summary
from bot.profile import SCHEMA_PATH, build_profile, validation_errors
from bot.profile.readback import to_second_person

TODAY = date(2026, 11, 21)

ANSWERS = [
    ("living", "Ich will alleine wohnen, mit Hund. Am liebsten ab Sommer."),
    ("living", "Sport, Gesundheit und Familie."),
    ("self", "Ich kann gut kochen und mit dem Rollator gehe ich allein einkaufen. "
             "Ich hätte gern ein Tablet."),
    ("people", "Meine Schwester hilft mir beim Einkaufen."),
    ("people", "Meine Eltern und meine Geschwister helfen mir beim Umzug."),
    ("neighbourhood", "Ich wohne in Barmbek-Nord und gehe gern in die Bücherhalle."),
    ("professional", "Ich bekomme schon Ergotherapie. Ich möchte meine Assistenz selbst "
                     "aussuchen."),
    ("contribution", "Ich gieße die Blumen meiner Nachbarin."),
]


@pytest.fixture()
def store(dated_store):
    """Stored times on TODAY, the day the fixed dates here were written for."""
    return dated_store


def fill(store, sender="p1", answers=ANSWERS, consent=True) -> dict[str, int]:
    store.record_consent(sender, consent)
    ids = {}
    for question_id, text in answers:
        ids[text] = store.add_answer(sender, question_id, text)
        store.set_question_state(sender, question_id, "answered")
    return ids


def test_schema_file_is_a_valid_draft_2020_12_schema():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["properties"]["schema_version"] == {"const": "2"}


def test_built_profile_validates_and_keeps_the_words(store):
    fill(store)
    profile = build_profile(store, "p1", today=TODAY)
    assert validation_errors(profile) == []
    assert [a["text"] for a in profile["answers"]] == [text for _, text in ANSWERS]
    assert [w["text"] for w in profile["will"]["own_words"]] == [ANSWERS[0][1], ANSWERS[1][1]]
    goal = profile["will"]["goals"][0]
    assert (goal["text"], goal["start"], goal["start_date"]) == (
        "Ich will alleine wohnen, mit Hund", "ab Sommer", "2027-06-01")
    assert profile["will"]["important"][0]["text"] == "Sport, Gesundheit und Familie"
    social = {p["who"]: p for p in profile["resources"]["social"]}
    assert (social["Schwester"]["relation"], social["Schwester"]["sector"],
            social["Schwester"]["helps_with"]) == ("sister", "family", "Einkaufen")
    assert social["Eltern"]["helps_with"] == social["Geschwister"]["helps_with"] == "Umzug"
    assert {(a["aid"], a["status"]) for a in profile["resources"]["aids"]} == {
        ("rollator", "used"), ("tablet", "wished")}
    assert profile["person"]["quarter"]["value"] == "Barmbek-Nord"
    assert profile["person"]["district"]["value"] == "Hamburg-Nord"
    assert [p["label"] for p in profile["resources"]["neighbourhood"]] == ["Bücherhalle"]
    professional = profile["resources"]["professional"]
    assert [i["text"] for i in professional["received"]] == ["Ich bekomme schon Ergotherapie"]
    assert [i["text"] for i in professional["wished"]] == [
        "Ich möchte meine Assistenz selbst aussuchen"]
    assert profile["contribution"][0]["text"] == "Ich gieße die Blumen meiner Nachbarin"
    assert {a["code"] for a in profile["life_areas"]} >= {"d4", "d6", "d7", "d9"}
    assert profile["consent"]["given"] is True and profile["consent"]["version"]
    assert profile["question_states"]["living"] == "answered"


def test_every_item_points_to_its_answer_and_is_unconfirmed_at_first(store):
    ids = fill(store)
    profile = build_profile(store, "p1", today=TODAY)
    items = [*profile["will"]["goals"], *profile["will"]["important"],
             *profile["resources"]["social"], *profile["resources"]["aids"],
             *profile["resources"]["personal"], *profile["contribution"]]
    answers = {a["id"]: a["text"] for a in profile["answers"]}
    for item in items:
        assert item["answer_id"] in ids.values()
        assert item["text"] in answers[item["answer_id"]]
        assert item["confirmed"] is False and item["decision"] == "open"
        category, answer_id, _ = item["key"].split(":")
        assert int(answer_id) == item["answer_id"]


def test_invalid_profiles_are_rejected(store):
    fill(store)
    profile = build_profile(store, "p1", today=TODAY)
    broken = copy.deepcopy(profile)
    broken["resources"]["social"][0]["sector"] = "church"
    del broken["will"]["goals"][0]["answer_id"]
    broken["surprise"] = 1
    errors = " ".join(validation_errors(broken))
    assert "sector" in errors and "answer_id" in errors and "surprise" in errors


def test_staff_notes_are_a_separate_layer(store):
    fill(store)
    notes = [{"section": "resources", "author": "Frau Berg (Teilhabeteam)",
              "created_at": datetime(2026, 11, 20, 14, 30), "text": "Schwester einladen?"}]
    profile = build_profile(store, "p1", today=TODAY, staff_notes=notes)
    assert profile["staff_notes"] == [{"section": "resources", "author": "Frau Berg (Teilhabeteam)",
                                       "created_at": "2026-11-20T14:30:00+00:00",
                                       "text": "Schwester einladen?"}]
    person_words = json.dumps([profile["answers"], profile["will"], profile["resources"]],
                              ensure_ascii=False)
    assert "Schwester einladen" not in person_words
    assert build_profile(store, "p1", today=TODAY)["staff_notes"] == []


def test_unknown_conversation_raises(store):
    with pytest.raises(KeyError):
        build_profile(store, "nobody")


def test_resumed_sender_builds_the_canonical_profile(store):
    fill(store, "old")
    store.link_sender("new", "old")
    assert build_profile(store, "new", today=TODAY)["conversation_id"] == "old"


# --- read-back --------------------------------------------------------------------------

def test_second_person_turns_the_words_around():
    assert to_second_person("Meine Schwester hilft mir beim Einkaufen") == (
        "Ihre Schwester hilft Ihnen beim Einkaufen")
    assert to_second_person("Ich wünsche mir einen Hausnotruf, weil ich oft allein bin.") == (
        "Sie wünschen sich einen Hausnotruf, weil Sie oft allein sind.")
    assert to_second_person("Mir ist wichtig, dass ich selbst entscheide.") == (
        "Ihnen ist wichtig, dass Sie selbst entscheiden.")


def test_second_person_also_turns_a_verb_whose_ich_is_left_out():
    """Found trying it: "… vorlesen lassen und koche selbst" was read back as "Sie können
    … und koche selbst"."""
    assert to_second_person("Ich kann mit dem Tablet vorlesen lassen und koche selbst.") == (
        "Sie können mit dem Tablet vorlesen lassen und kochen selbst.")
    assert to_second_person("ich spiele fußball und gehe schwimmen") == (
        "Sie spielen fußball und gehen schwimmen")
    assert to_second_person("Ich koche und habe einen Garten.") == (
        "Sie kochen und haben einen Garten.")
    # a noun typed in lower case, a pronoun, and a verb with its own subject stay
    assert to_second_person("Ich wohne mit Mama und katze") == "Sie wohnen mit Mama und katze"
    assert to_second_person("Ich gehe einkaufen und meine Schwester hilft mir.") == (
        "Sie gehen einkaufen und Ihre Schwester hilft Ihnen.")
    assert to_second_person("Meine Mutter kocht und putze") == "Ihre Mutter kocht und putze"


def test_structured_items_are_read_back_as_short_sentences(store):
    fill(store)
    items = summary.pending_items(store, "p1")
    by_key = {i.key.split(":")[0]: i for i in reversed(items)}
    sister = next(i for i in items if i.item and i.item.data.get("who") == "Schwester")
    assert sister.sentence(easy=False) == "Ihre Schwester hilft Ihnen beim Einkaufen."
    assert sister.sentence(easy=True) == "Ihre Schwester hilft Ihnen beim Einkaufen."
    goal = by_key["goal"]
    assert goal.sentence(easy=False) == (
        "Ihr Ziel: Sie wollen alleine wohnen, mit Hund. Anfangen möchten Sie ab Sommer.")
    assert goal.sentence(easy=True) == (
        "Das ist Ihr Ziel:\nSie wollen alleine wohnen, mit Hund.\nSie wollen anfangen: ab Sommer.")
    assert by_key["home"].sentence(easy=False) == (
        "Sie wohnen in Barmbek-Nord (Bezirk Hamburg-Nord).")
    tablet = next(i for i in items if i.item and i.item.data.get("aid") == "tablet")
    assert tablet.sentence(easy=True) == "Sie wünschen sich dieses Hilfs-Mittel: Tablet."
    parents = next(i for i in items if i.item and i.item.data.get("who") == "Eltern")
    assert parents.sentence(easy=False) == (
        "Eltern: Ihre Eltern und Ihre Geschwister helfen Ihnen beim Umzug.")
    # "Sport, Gesundheit und Familie." has nothing to add: read back in the person's words
    whole = next(i for i in items if i.text == "Sport, Gesundheit und Familie.")
    assert whole.key.startswith("answer:") and whole.sentence() == whole.text


def test_keys_are_stable_across_runs(store):
    fill(store)
    first = [i.key for i in summary.pending_items(store, "p1")]
    second = [i.key for i in summary.pending_items(store, "p1")]
    assert first == second and len(set(first)) == len(first)
    assert any(k.startswith("social:") for k in first)


def test_ask_next_uses_the_register(store):
    fill(store, answers=[("people", "Meine Schwester hilft mir beim Einkaufen.")])
    easy = summary.ask_next(store, "p1", easy=True)
    assert easy.replies[0].response == "utter_ask_item_check"
    assert easy.replies[0].variables["item"] == "Ihre Schwester hilft Ihnen beim Einkaufen."


def _decide_all(store, sender, choose):
    """Go through the read-back like the form does: choose(item) -> (decision, correction)."""
    while True:
        turn = summary.ask_next(store, sender)
        key = turn.slots["current_item"]
        if key is None:
            return
        item = summary._current(store, sender, key)
        decision, correction = choose(item)
        result = summary.decide(store, sender, key, decision)
        if decision == summary.CHANGE:
            assert result.slots["awaiting_correction"] is True
            summary.correct(store, sender, key, correction)


def test_confirm_correct_remove_show_up_in_the_profile(store):
    fill(store)

    def choose(item):
        data = item.item.data if item.item else {}
        if data.get("who") == "Geschwister":
            return summary.REMOVE, None
        if data.get("who") == "Schwester":
            return summary.CHANGE, "Meine Schwester hilft mir beim Kochen"
        if data.get("aid") == "tablet":
            return summary.SKIP, None
        return summary.CONFIRM, None

    _decide_all(store, "p1", choose)
    assert summary.pending_items(store, "p1") == []
    profile = build_profile(store, "p1", today=TODAY)
    social = {p["who"]: p for p in profile["resources"]["social"]}
    assert "Geschwister" not in social
    sister = social["Schwester"]
    assert (sister["decision"], sister["confirmed"], sister["helps_with"]) == (
        "corrected", True, "Kochen")
    assert sister["correction"] == "Meine Schwester hilft mir beim Kochen"
    tablet = next(a for a in profile["resources"]["aids"] if a["aid"] == "tablet")
    assert (tablet["decision"], tablet["confirmed"]) == ("skipped", False)
    assert social["Eltern"]["confirmed"] is True
    # the words stay as given: nothing was removed from or added to the answers
    assert [a["text"] for a in profile["answers"]] == [text for _, text in ANSWERS]
    # an answer whose items were gone through counts as confirmed
    confirmed = {a["text"]: a["confirmed"] for a in profile["answers"]}
    assert confirmed["Meine Schwester hilft mir beim Einkaufen."] is True
    assert confirmed["Ich gieße die Blumen meiner Nachbarin."] is True
    assert confirmed["Sport, Gesundheit und Familie."] is True


def test_confirm_all_confirms_every_item(store):
    fill(store)
    summary.ask_next(store, "p1")
    shown = summary.decide(store, "p1", None, summary.CONFIRM_ALL)
    assert shown.slots["current_item"] == summary.ALL      # first shown together
    assert summary.pending_items(store, "p1") != []
    summary.decide(store, "p1", summary.ALL, summary.CONFIRM)
    profile = build_profile(store, "p1", today=TODAY)
    assert summary.pending_items(store, "p1") == []
    assert all(a["confirmed"] for a in profile["answers"])
    assert all(p["confirmed"] for p in profile["resources"]["social"])
    assert profile["person"]["quarter"]["confirmed"] is True
