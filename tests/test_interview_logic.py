"""The dialogue decisions of bot/dialogue against a real SQLite database."""

from __future__ import annotations

from bot.catalogue import QUESTION_IDS, question_payload
from bot.dialogue import Incoming, conversation, interview, summary


def test_payload_contract():
    assert question_payload("living") == {"question_id": "living",
                                          "progress": {"current": 1, "total": 6}}
    assert question_payload("contribution")["progress"] == {"current": 6, "total": 6}


def test_answer_is_stored_verbatim_and_asks_for_more(store):
    answer = "  Ich will <b>allein</b> wohnen 🐕\nmit Hund  "
    turn = interview.handle_value(store, "s1", "living", answer, "first", consent=True)
    assert turn.slots == {"answer_living": None, "ask_mode": "more"}
    assert [a.text for a in store.active_answers("s1")] == [answer]
    assert turn.replies[0].variables["answer"] == "Ich will <b>allein</b> wohnen 🐕 mit Hund"


def test_without_consent_nothing_is_written(store):
    interview.handle_value(store, "s1", "living", "allein wohnen", "first", consent=False)
    assert store.get_conversation("s1") is None


def test_more_done_skip_none(store):
    assert interview.handle_value(store, "s", "living", "__more__", "more", True).slots == {
        "answer_living": None, "ask_mode": "what_else"}
    none = interview.handle_value(store, "s", "living", "__done__", "first", True)
    assert none.slots["answer_living"] == "none"
    assert none.replies[0].response == "utter_question_none"
    skip = interview.handle_value(store, "s", "self", "__skip__", "first", True)
    assert skip.slots["answer_self"] == "skipped"
    assert store.question_states("s") == {"living": "none", "self": "skipped"}
    interview.handle_value(store, "s", "people", "Meine Mutter", "first", True)
    done = interview.handle_value(store, "s", "people", "__skip__", "more", True)
    assert done.slots["answer_people"] == "answered"


def test_go_back_shows_the_last_answer_and_changes_nothing_until_chosen(store):
    interview.handle_value(store, "s", "living", "allein wohnen", "first", True)
    interview.handle_value(store, "s", "living", "__done__", "more", True)
    interview.handle_value(store, "s", "self", "kochen", "first", True)
    back = interview.handle_value(store, "s", "self", "__back__", "more", True)
    kochen = store.active_answers("s", "self")[0]
    assert back.slots == {"answer_self": None, "ask_mode": f"back:{kochen.id}"}
    assert back.replies == []                     # the ask action shows the choice, once
    menu = interview.ask("self", back.slots["ask_mode"], store, "s")
    assert menu.replies[0].response == "utter_go_back_menu"
    assert menu.replies[0].variables["answer"] == "kochen"
    assert [a.text for a in store.active_answers("s")] == ["allein wohnen", "kochen"]
    # "zurück" again: the answer before it, still nothing changed
    earlier = interview.handle_value(store, "s", "self", "__back__", f"back:{kochen.id}", True)
    wohnen = store.active_answers("s", "living")[0]
    assert earlier.slots["ask_mode"] == f"back:{wohnen.id}"
    kept = interview.handle_value(store, "s", "self", "__more__", f"back:{wohnen.id}", True)
    assert kept.slots == {"answer_self": None, "ask_mode": "more"}
    assert [a.text for a in store.active_answers("s")] == ["allein wohnen", "kochen"]
    # removing is a choice; an earlier question left without answers is asked again
    removed = interview.handle_value(store, "s", "self", "__remove__", f"back:{wohnen.id}",
                                     True)
    assert removed.slots == {"answer_self": None, "answer_living": None, "ask_mode": "first"}
    assert [(a.text, a.status) for a in store.answer_history("s")] == [
        ("allein wohnen", "removed"), ("kochen", "active")]
    first = interview.handle_value(store, "s", "living", "__back__", "first", True)
    assert first.replies[0].response == "utter_go_back_first"


def test_a_correction_after_go_back_replaces_only_that_answer(store):
    interview.handle_value(store, "s", "living", "allein wohnen", "first", True)
    interview.handle_value(store, "s", "living", "mit Hund", "more", True)
    hund = store.active_answers("s", "living")[1]
    change = interview.handle_value(store, "s", "living", "__done__", f"back:{hund.id}", True)
    assert change.slots["ask_mode"] == f"fix:{hund.id}"
    prompt = interview.ask("living", change.slots["ask_mode"], store, "s")
    assert prompt.replies[0].response == "utter_ask_answer_correction"
    # "stimmt doch" keeps it
    kept = interview.handle_value(store, "s", "living", "stimmt doch", f"fix:{hund.id}", True)
    assert kept.replies[0].response == "utter_go_back_kept"
    assert [a.text for a in store.active_answers("s")] == ["allein wohnen", "mit Hund"]
    interview.handle_value(store, "s", "living", "mit zwei Hunden", f"fix:{hund.id}", True)
    assert [a.text for a in store.active_answers("s")] == ["allein wohnen", "mit zwei Hunden"]
    [correction] = store.correction_history("s")
    assert (correction.old_text, correction.new_text, correction.source) == (
        "mit Hund", "mit zwei Hunden", "chat")


def test_mixed_messages_and_non_answers(store):
    from bot.dialogue import Incoming

    said = "Ich habe Bescheid bekommen, Assistenz gekürzt. Muss ich was machen?"
    turn = interview.handle_value(store, "s", "living", said, "first", True,
                                  Incoming(said, "faq", "widerspruch"))
    assert [a.text for a in store.active_answers("s")] == [
        "Ich habe Bescheid bekommen, Assistenz gekürzt."]
    assert turn.replies[0].response == "utter_answer_noted" and turn.replies[1].text
    plain = "was ist ein persönliches budget"
    assert interview.handle_value(store, "s", "living", plain, "more", True,
                                  Incoming(plain, "faq", "persoenliches_budget")).reject
    dont_know = interview.handle_value(
        store, "s", "neighbourhood", "__dontknow__", "first", True,
        Incoming("ich weiß nicht, was es in Barmbek-Nord gibt", "dont_know"))
    assert [r.response for r in dont_know.replies] == ["utter_answer_noted",
                                                       "utter_examples_neighbourhood"]
    for non_answer in ("k.a.", "ka", "?", "weiß nich"):
        turn = interview.handle_value(store, "s", "self", non_answer, "first", True)
        assert turn.replies[0].response == "utter_examples_self"
    # the NLU took "ka" for "ja" (or "hm" for "nein"): still a non-answer, not "Was noch?"
    for non_answer, marker in (("ka", interview.MORE), ("hm", interview.DONE)):
        turn = interview.handle_value(store, "s", "self", marker, "first", True,
                                      Incoming(non_answer, "affirm"))
        assert turn.replies[0].response == "utter_examples_self"
        assert turn.slots.get(interview.Slot.ASK_MODE) is None
    said_yes = interview.handle_value(store, "s", "self", interview.MORE, "first", True,
                                      Incoming("ja", "affirm"))
    assert said_yes.slots[interview.Slot.ASK_MODE] == interview.ASK_WHAT_ELSE
    assert store.active_answers("s", "self") == []


def test_a_question_inside_an_answer_is_answered_and_the_answer_kept_whole(store):
    from bot.dialogue import Incoming

    said = "Ich möchte alleine wohnen. Muss ich dafür einen Antrag stellen?"
    turn = interview.handle_value(store, "s", "living", said, "first", True,
                                  Incoming(said, "inform"))
    assert [a.text for a in store.active_answers("s")] == [said]
    assert turn.replies[0].response == "utter_answer_noted"
    assert turn.replies[1].text and "Antrag" in turn.replies[1].text


def test_a_skipped_question_is_offered_once_more(store):
    states = {f"answer_{q}": "answered" for q in QUESTION_IDS}
    states["answer_self"] = "skipped"
    states["answer_contribution"] = None
    last = interview.handle_value(store, "s", "contribution", "__done__", "more", True,
                                  states=states, reoffered=[])
    assert last.slots["answer_self"] is None and last.slots["ask_mode"] == "again"
    assert last.slots["reoffered"] == ["self"]
    states.update(answer_contribution="answered", answer_self=None)
    again = interview.handle_value(store, "s", "self", "__skip__", "again", True,
                                   states=states, reoffered=["self"])
    assert again.slots["answer_self"] == "skipped" and "reoffered" not in again.slots
    assert [r.response for r in interview.ask("self", "again").replies] == [
        "utter_offer_skipped", "utter_question_self"]
    # someone who answered nothing is not asked everything again
    nothing = {f"answer_{q}": "skipped" for q in QUESTION_IDS}
    nothing["answer_contribution"] = None
    end = interview.handle_value(store, "t", "contribution", "__skip__", "first", True,
                                 states=nothing, reoffered=[])
    assert end.slots["ask_mode"] == "first" and "reoffered" not in end.slots


def test_ask_uses_generated_responses_with_payload():
    turn = interview.ask("people", "more")
    assert turn.replies[0].response == "utter_more_people"
    assert turn.replies[0].custom == question_payload("people")
    assert interview.ask("people", None).replies[0].response == "utter_question_people"


def test_pause_and_resume_restore_the_place(store):
    store.record_consent("old", True)
    store.set_language_mode("old", True)
    interview.handle_value(store, "old", "living", "allein wohnen", "first", True)
    interview.handle_value(store, "old", "living", "__done__", "more", True)
    interview.handle_value(store, "old", "self", "kochen", "first", True)
    pause = conversation.pause(store, "old", consent=True)
    code = pause.slots["resume_code"]
    turn = conversation.resume(store, "new", None, f"hier: {code.lower()} danke")
    assert turn.slots["answer_living"] == "answered"
    assert turn.slots["answer_self"] is None and turn.slots["ask_mode"] == "more"
    assert turn.slots["easy_language"] is True and turn.slots["stage"] == "interview"
    interview.handle_value(store, "new", "self", "putzen", "more", True)
    assert [a.text for a in store.active_answers("old")] == [
        "allein wohnen", "kochen", "putzen"]
    assert conversation.resume(store, "x", None, "HAFEN-KRAN-MOND-TEE-99").replies[0].response == (
        "utter_resume_unknown")
    assert conversation.resume(store, "x", None, "weiter").replies[0].response == (
        "utter_resume_ask_code")


def test_summary_confirm_correct_remove(store):
    for qid, text in zip(QUESTION_IDS[:3], ["a", "b", "c"], strict=True):
        interview.handle_value(store, "s", qid, text, "first", True)
    ask = summary.ask_next(store, "s")
    first_key = ask.slots["current_item"]
    summary.decide(store, "s", first_key, "confirm")
    second = summary.ask_next(store, "s").slots["current_item"]
    change = summary.decide(store, "s", second, "change")
    assert change.slots["awaiting_correction"] is True
    summary.correct(store, "s", second, "b, aber richtig")
    third = summary.ask_next(store, "s").slots["current_item"]
    summary.decide(store, "s", third, "remove")
    assert summary.pending_items(store, "s") == []
    assert [(a.text, a.confirmed) for a in store.active_answers("s")] == [
        ("a", True), ("b, aber richtig", True)]
    finish = summary.finish(store, "s", consent=True)
    assert finish.slots == {"summary_done": True, "stage": "done"}


def test_consent_no_withdraws_everything(store):
    store.record_consent("s", True)
    store.add_answer("s", "living", "x")
    turn = conversation.record_consent(store, "s", False, easy=False)
    assert turn.slots == {"consent": False, "stage": "no_consent"}
    assert store.get_conversation("s") is None


def test_finish_shows_next_steps_and_download_links(store):
    store.record_consent("s", True)
    interview.handle_value(store, "s", "professional",
                           "Ich möchte meine Assistenz selbst organisieren", "first", True)
    turn = summary.finish(store, "s", consent=True, easy=False)
    assert [r.response for r in turn.replies][:2] == ["utter_summary_done",
                                                      "utter_next_steps_intro"]
    steps = [r.text for r in turn.replies if r.text]
    assert any("Gesamtplankonferenz" in t for t in steps)
    assert all("Wer:" in t and "Bis wann:" in t for t in steps)
    assert turn.replies[-1].response == "utter_download_hint"
    assert turn.replies[-1].custom["links"][0]["href"] == "/meine-daten/export.pdf"
    easy = summary.finish(store, "s", consent=True, easy=True)
    assert [r.text for r in easy.replies if r.text] != steps


def test_the_same_answer_sent_again_is_stored_once(store):
    """A retried request (server died before the reply) or a person who retypes because
    no reply came: the words are noted once, the person is told they are already noted."""
    first = interview.handle_value(store, "s", "self", "Ich kann gut kochen.", "first", True)
    again = interview.handle_value(store, "s", "self", "ich kann  gut Kochen", "more", True)
    assert first.replies[0].response == "utter_answer_noted"
    assert again.replies[0].response == "utter_answer_already_noted"
    assert again.slots == {"answer_self": None, "ask_mode": "more"}
    assert [a.text for a in store.active_answers("s")] == ["Ich kann gut kochen."]
    # other words, or the same words for another question, are new answers
    interview.handle_value(store, "s", "self", "Ich kann gut backen.", "more", True)
    interview.handle_value(store, "s", "people", "Ich kann gut kochen.", "first", True)
    assert [(a.question_id, a.text) for a in store.active_answers("s")] == [
        ("self", "Ich kann gut kochen."), ("self", "Ich kann gut backen."),
        ("people", "Ich kann gut kochen.")]


def test_words_removed_after_go_back_may_be_given_again(store):
    interview.handle_value(store, "s", "self", "kochen", "first", True)
    kochen = store.active_answers("s", "self")[0]
    interview.handle_value(store, "s", "self", "__remove__", f"back:{kochen.id}", True)
    turn = interview.handle_value(store, "s", "self", "kochen", "first", True)
    assert turn.replies[0].response == "utter_answer_noted"
    assert [a.text for a in store.active_answers("s")] == ["kochen"]


def test_words_that_give_two_items_are_read_back_once_and_decided_together(store):
    """Two helps in one clause, a Pflegedienst that is both help received and a person of
    the network, "ich kann gut zuhören" asked about being there for others: the person is
    asked once, and the answer decides every item made of those words."""
    store.record_consent("t", True)
    store.add_answer("t", "professional", "Ich bekomme ambulante Hilfe und einen "
                                          "Pflegedienst, hätte aber gern noch eine Haushaltshilfe.")
    store.add_answer("t", "contribution", "Ich kann gut zuhören, das sagen alle.")
    pending = summary.pending_items(store, "t")
    sentences = [item.sentence() for item in pending]
    assert len(sentences) == len(set(sentences)), sentences
    linked = {key for item in pending for key in item.linked}
    assert any(key.startswith("social:") for key in linked)       # Pflegedienst, network
    assert any(key.startswith("personal_v2:") for key in linked)  # zuhören, an ability
    everything = {key for item in pending for key in item.keys}
    for item in pending:
        summary.decide(store, "t", item.key, "confirm")
    decisions = store.item_decisions("t")
    assert everything <= set(decisions) and {decisions[k].status for k in everything} == {
        "confirmed"}
    assert summary.pending_items(store, "t") == []
    # removing a read-back removes the items read with it
    store.add_answer("t", "people", "Der Pflegedienst kommt morgens und abends.")
    item = next(i for i in summary.pending_items(store, "t") if i.linked)
    summary.decide(store, "t", item.key, "remove")
    assert {store.item_decisions("t")[k].status for k in item.keys} == {"removed"}


def test_a_phone_number_or_email_alone_is_no_answer_and_the_callback_is_offered(store):
    for contact in ("0176 12345678", "meine Nummer ist 040 / 123 456", "max@example.org"):
        turn = interview.handle_value(store, "c", "living", contact, "first", True,
                                      message=Incoming(contact, "inform"))
        assert turn.slots == {"answer_living": None}
        assert "Telefonnummer" in turn.replies[0].text
        assert turn.replies[0].buttons == [{"title": "Rückruf wünschen",
                                            "payload": "/request_callback"}]
    assert store.active_answers("c") == []
    # a number inside an answer stays part of the person's words
    inside = "Ich wohne in Barmbek und bin über mein Handy 0176 1234567 erreichbar"
    interview.handle_value(store, "c", "living", inside, "first", True,
                           message=Incoming(inside, "inform"))
    assert [a.text for a in store.active_answers("c")] == [inside]


def test_yes_right_after_the_callback_offer_points_to_its_button(store):
    offered = Incoming("ja", "affirm", callback_offered=True)
    turn = interview.handle_value(store, "y", "living", "__more__", "first", True,
                                  message=offered, easy=True)
    assert turn.slots == {"answer_living": None}          # the question is asked again
    assert turn.replies[0].text.startswith("Gern.\nDrücken Sie bitte auf: Rückruf wünschen.")
    assert turn.replies[0].buttons[0]["payload"] == "/request_callback"
    # without the offer a "ja" is "yes, there is more" as before
    plain = interview.handle_value(store, "y", "living", "__more__", "more", True,
                                   message=Incoming("ja", "affirm"))
    assert plain.slots == {"answer_living": None, "ask_mode": "what_else"}


def test_a_topic_named_by_the_words_outweighs_the_faq_selectors_guess():
    """„… Assistenz gekürzt, muss ich da was machen?“: the words name the objection, whatever
    topic the selector guessed from the rest of the long answer; its own guess stays when
    the words name it too or name nothing."""
    from bot.dialogue import mixed
    from bot.knowledge import faq_entry

    text = ("Ich möchte in meiner Wohnung bleiben. Meine Assistenz wurde gekürzt, muss ich da "
            "was machen?")
    turn = mixed.other_part(Incoming(text, "faq", "kosten"), easy=False)
    assert faq_entry("widerspruch").text.standard[:50] in turn.replies[0].text
    plain = mixed.other_part(Incoming("Was kostet das?", "faq", "kosten"), easy=False)
    assert faq_entry("kosten").text.standard[:50] in plain.replies[0].text


def _read_back_of(store, answers: list[tuple[str, str]]) -> str:
    """Answers given, the read-back begun: the key of the item shown first."""
    for qid, text in answers:
        interview.handle_value(store, "s", qid, text, "first", True)
    return summary.ask_next(store, "s").slots["current_item"]


def _shown(store, key: str) -> str:
    return next(i.text for i in summary.pending_items(store, "s") if i.key == key)


ANSWERS = [("living", "Ich will in meiner Wohnung in Barmbek bleiben."),
           ("neighbourhood", "Im Stadtteil gibt es einen Treff, da war ich mal."),
           ("contribution", "Ich gieße die Blumen im Hof für alle.")]


def test_a_remove_request_naming_another_item_removes_that_one_not_the_one_shown(store):
    """Found trying it: "Streichen Sie den Treff bitte" while the wish to stay in Barmbek
    was shown removed the wish."""
    first = _read_back_of(store, ANSWERS)
    assert "Barmbek" in _shown(store, first)
    turn = summary.decide_message(store, "s", first, "remove",
                                  Incoming(text="Streichen Sie den Treff bitte.",
                                           intent="remove_item"))
    assert [r.response for r in turn.replies] == ["utter_item_removed_named"]
    assert "Treff" in turn.replies[0].variables["item"]
    pending = [i.text for i in summary.pending_items(store, "s")]
    assert any("Barmbek" in t for t in pending)          # still shown, still open
    assert not any("Treff" in t for t in pending)
    assert not any("Treff" in a.text for a in store.active_answers("s"))
    assert summary.ask_next(store, "s").slots["current_item"] == first


def test_a_remove_request_naming_the_item_shown_or_nothing_removes_the_item_shown(store):
    first = _read_back_of(store, ANSWERS)
    summary.decide_message(store, "s", first, "remove",
                           Incoming(text="Barmbek bitte rausnehmen", intent="remove_item"))
    assert not any("Barmbek" in a.text for a in store.active_answers("s"))
    second = summary.ask_next(store, "s").slots["current_item"]
    summary.decide_message(store, "s", second, "remove",
                           Incoming(text="Das brauche ich nicht mehr, weg damit",
                                    intent="remove_item"))
    assert [a.text for a in store.active_answers("s")] == [ANSWERS[2][1]]


def test_a_remove_request_naming_several_other_items_removes_nothing(store):
    first = _read_back_of(store, [ANSWERS[0],
                                  ("people", "Meine Nachbarin hilft beim Einkaufen."),
                                  ("contribution", "Ich helfe meiner Nachbarin im Garten.")])
    before = summary.pending_items(store, "s")
    turn = summary.decide_message(store, "s", first, "remove",
                                  Incoming(text="Die Nachbarin bitte streichen",
                                           intent="remove_item"))
    assert [r.response for r in turn.replies] == ["utter_readback_which_item"]
    assert len(store.active_answers("s")) == 3
    assert summary.pending_items(store, "s") == before


def test_a_remove_request_typed_as_the_correction_removes_the_item_it_names(store):
    first = _read_back_of(store, ANSWERS)
    summary.decide(store, "s", first, "change")
    turn = summary.correct(store, "s", first, "Streichen Sie den Treff bitte.",
                           Incoming(text="Streichen Sie den Treff bitte."))
    assert [r.response for r in turn.replies] == ["utter_item_removed_named"]
    assert turn.slots["awaiting_correction"] is False
    # the wish is not "corrected" into the remove request and comes again
    assert [a.text for a in store.active_answers("s")] == [ANSWERS[0][1], ANSWERS[2][1]]
    assert store.correction_history("s") == []
    assert "Barmbek" in _shown(store, summary.ask_next(store, "s").slots["current_item"])


def test_a_correction_with_other_words_and_no_remove_word_stays_a_correction(store):
    """"Nein, das war mein Bruder" names no remove: it corrects the item shown."""
    first = _read_back_of(store, [("people", "Meine Schwester hilft mir."),
                                  ("contribution", "Ich fahre meinen Bruder zum Sport.")])
    summary.decide(store, "s", first, "change")
    others = [i.key for i in summary.pending_items(store, "s") if i.key != first]
    turn = summary.correct(store, "s", first, "Mein Bruder hilft mir.",
                           Incoming(text="Mein Bruder hilft mir."))
    assert [r.response for r in turn.replies] == ["utter_item_corrected"]
    decision = store.item_decisions("s")[first]
    assert (decision.status, decision.corrected_text) == ("corrected", "Mein Bruder hilft mir.")
    assert [i.key for i in summary.pending_items(store, "s")] == others


TRIED = [("living", "Ich möchte in Wilhelmsburg wohnen bleiben und wieder arbeiten gehen."),
         ("people", "Mein Freund Kai und meine Oma."),
         ("neighbourhood", "Es gibt einen Sportverein und die Bücherhalle.")]


def test_own_words_that_name_an_item_and_a_remove_word_remove_it(store):
    """Found trying it: "die oma bitte raus, die ist letztes jahr gestorben" (the NLU saw
    no remove request) got "Bitte sagen Sie mir zu diesem Punkt …", and the grandmother
    was confirmed with the rest."""
    first = _read_back_of(store, TRIED)
    grandmother = [i for i in summary.pending_items(store, "s") if "Oma" in i.text]
    turn = summary.decide_message(store, "s", first, "",
                                  Incoming(text="die oma bitte raus, die ist letztes jahr "
                                                "gestorben", intent="inform"))
    assert [r.response for r in turn.replies] == ["utter_item_removed_named"]
    decisions = store.item_decisions("s")
    assert grandmother and all(decisions[i.key].status == "removed" for i in grandmother)
    assert summary.ask_next(store, "s").slots["current_item"] == first
    # naming the item shown with a remove word removes it
    summary.decide_message(store, "s", first, "",
                           Incoming(text="wilhelmsburg raus bitte", intent="inform"))
    assert first not in [i.key for i in summary.pending_items(store, "s")]


def test_own_words_that_say_another_item_is_wrong_ask_for_its_right_words(store):
    """Found trying it: "Das mit dem Sportverein stimmt nicht, da war ich nie" got the hint
    for the item shown, and the Sportverein was confirmed later."""
    first = _read_back_of(store, TRIED)
    club = next(i for i in summary.pending_items(store, "s") if "Sportverein" in i.text)
    turn = summary.decide_message(store, "s", first, "",
                                  Incoming(text="Das mit dem Sportverein stimmt nicht, da "
                                                "war ich nie", intent="inform"))
    assert turn.slots == {"item_decision": None, "current_item": club.key,
                          "awaiting_correction": True}
    summary.correct(store, "s", club.key, "Ich gehe manchmal in die Bücherhalle.",
                    Incoming(text="Ich gehe manchmal in die Bücherhalle."))
    assert store.correction_history("s")[0].old_text == club.text
    assert summary.ask_next(store, "s").slots["current_item"] == first   # shown again
    # "nicht" alone calls nothing wrong: "ja aber nicht ohne meine oma" at the wish (tried
    # live with a cat) is no correction of the item about the grandmother
    other = summary.decide_message(store, "s", first, "",
                                   Incoming(text="ja aber nicht ohne meine oma",
                                            intent="inform"))
    assert [r.response for r in other.replies] == ["utter_readback_choose"]
    assert "current_item" not in other.slots
    # words that name nothing and no choice: the hint, nothing decided
    hint = summary.decide_message(store, "s", first, "",
                                  Incoming(text="hmm weiß nicht", intent="inform"))
    assert [r.response for r in hint.replies] == ["utter_readback_choose"]
