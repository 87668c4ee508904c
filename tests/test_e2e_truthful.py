"""End to end (issue 13): a truthful profile. Nothing the person said is lost, nothing is
twisted: mixed messages, non-answers, "zurück", corrections, the read-back words, "alles
stimmt", pronouns and negation in the read-back, and urgent needs by what was said.

Each case was seen in user tests; each test talks through Rasa's REST channel with the
trained model, the real action server and SQLite.
"""

from __future__ import annotations

import json

import pytest

from bot.catalogue import QUESTION_IDS, load_questions
from bot.dialogue import summary
from bot.export import export_conversation
from bot.knowledge import FAQ_TOPICS, entry, faq_entry
from tests.support.chat import Chat
from tests.support.e2e import SIMPLE, button_payloads, question_ids, start, to_question

pytestmark = pytest.mark.slow

DELETE_ALL = "wirklich alles löschen"
CORRECTION_PROMPT = "richtig heißen"


def texts(messages: list[dict]) -> str:
    return Chat.texts(messages)


def examples(question_id: str) -> str:
    """The first line of a question's "weiß nicht" examples (standard register)."""
    item = next(q for q in load_questions() if q.id == question_id)
    return item.examples.standard.splitlines()[0]


def to_readback(chat: Chat, answers: dict[str, str] | None = None) -> list[dict]:
    to_question(chat, "contribution", answers)
    chat.send((answers or SIMPLE)["contribution"])
    first = chat.send("nein")
    assert "/remove_item" in button_payloads(first)
    return first


def active(assistant, chat: Chat, question_id: str | None = None) -> list[str]:
    return [a.text for a in assistant.store.active_answers(chat.sender, question_id)]


# ---------------------------------------------------------------- 2. nothing dropped


def test_an_answer_with_a_question_is_stored_and_the_question_answered(assistant, chat):
    to_question(chat, "professional")
    said = "Ich habe Bescheid bekommen, Assistenz gekürzt."
    reply = chat.send(f"{said} Muss ich was machen?")
    assert active(assistant, chat, "professional") == [said]
    assert f"„{said}“" in texts(reply)
    faq_texts = [faq_entry(topic).text.standard[:50] for topic in FAQ_TOPICS]
    assert any(part in texts(reply) for part in faq_texts), texts(reply)
    assert question_ids(reply) == ["professional"]          # "Gibt es noch mehr?"


def test_a_question_what_to_do_about_the_answer_is_answered_too(assistant, chat):
    """The question names no topic ("muss ich da was machen?"); the sentence before does.
    Whatever the NLU makes of the message, the answer is kept and the question answered."""
    to_question(chat, "living")
    reply = chat.send("Ich möchte weiter in meiner Wohnung in Harburg bleiben. Meine Assistenz "
                      "wurde gekürzt, muss ich da was machen?")
    stored = active(assistant, chat, "living")
    assert len(stored) == 1 and "Wohnung in Harburg bleiben" in stored[0]
    assert faq_entry("widerspruch").text.standard[:50] in texts(reply), texts(reply)


def test_an_answer_with_dont_know_keeps_the_stadtteil(assistant, chat):
    to_question(chat, "neighbourhood")
    said = "ich weiß nicht, was es in Barmbek-Nord gibt"
    reply = chat.send(said)
    assert active(assistant, chat, "neighbourhood") == [said]
    assert examples("neighbourhood") in texts(reply)        # and the examples
    assert question_ids(reply) == ["neighbourhood"]


def test_an_answer_with_a_budget_question_is_stored_and_calculated(assistant, chat):
    to_question(chat, "professional")
    said = "Ich möchte meine Assistenz selbst organisieren."
    reply = chat.send(f"{said} Wie viel wäre das bei 20 Stunden pro Woche, 52 Wochen "
                      "und 30 Euro?")
    assert active(assistant, chat, "professional") == [said]
    assert "31.200,00" in texts(reply)                      # 20 × 52 × 30 €


def test_an_answer_with_a_greeting_is_stored(assistant, chat):
    start(chat, easy=False)
    reply = chat.send("Hallo! Ich möchte in einer WG wohnen.")
    assert active(assistant, chat, "living") == ["Ich möchte in einer WG wohnen."]
    assert question_ids(reply) == ["living"]


@pytest.mark.parametrize("said", ["k.a.", "ka", "keine ahnung", "weiß nich", "?", "isch weiß nisch",
                                  "ik weet dat nich", "Ich habe keine Vorstellung."])
def test_short_non_answers_are_not_stored(assistant, chat, said):
    start(chat, easy=False)
    reply = chat.send(said)
    assert active(assistant, chat) == []
    assert examples("living") in texts(reply)
    assert question_ids(reply) == ["living"]


def test_a_skipped_question_is_offered_once_more_before_the_read_back(assistant, chat):
    start(chat, easy=False)
    chat.send(SIMPLE["living"])
    chat.send("nein")
    chat.send("überspringen")                                # self
    for qid in QUESTION_IDS[2:]:
        chat.send(SIMPLE[qid])
        last = chat.send("nein")
    assert question_ids(last) == ["self"]                     # offered once more
    assert "/remove_item" not in button_payloads(last)
    again = chat.send("überspringen")                        # no: on to the read-back
    assert "/remove_item" in button_payloads(again)
    assert assistant.store.question_states(chat.sender)["self"] == "skipped"


# ---------------------------------------------------------------- 3. corrections are safe


def test_back_shows_the_previous_answer_and_deletes_nothing(assistant, chat):
    start(chat, easy=False)
    first, second = "Ich möchte alleine wohnen.", "Mehr tanzen gehen."
    chat.send(first)
    chat.send("ja")
    chat.send(second)
    chat.send("nein")                                        # now at "self"
    back = chat.send("zurück")
    assert f"„{second}“" in texts(back)
    assert {"/affirm", "/deny", "/remove_item"} <= set(button_payloads(back))
    assert active(assistant, chat, "living") == [first, second]
    kept = chat.send("/affirm")                              # "So lassen"
    assert active(assistant, chat, "living") == [first, second]
    assert question_ids(kept) == ["self"]
    chat.send("zurück")
    prompt = chat.send("ändern")
    assert texts(prompt).count(CORRECTION_PROMPT) == 1
    fixed = chat.send("Ich möchte mit Freunden tanzen gehen.")
    assert active(assistant, chat, "living") == [first, "Ich möchte mit Freunden tanzen gehen."]
    assert question_ids(fixed) == ["self"]
    history = assistant.store.answer_history(chat.sender)
    old = next(a for a in history if a.text == second)
    new = next(a for a in history if a.text == "Ich möchte mit Freunden tanzen gehen.")
    assert old.status == "superseded" and new.corrects_id == old.id
    chat.send("zurück")
    removed = chat.send("entfernen")
    assert DELETE_ALL not in texts(removed)
    assert active(assistant, chat, "living") == [first]
    assert assistant.store.get_conversation(chat.sender) is not None


def test_stimmt_doch_keeps_the_item_and_the_prompt_comes_once(assistant, chat):
    to_readback(chat)
    item = summary.pending_items(assistant.store, chat.sender)[0]
    prompt = chat.send("/deny")                              # "Ändern"
    assert texts(prompt).count(CORRECTION_PROMPT) == 1
    chat.send("doch, stimmt schon")
    assert item.text in active(assistant, chat)
    decisions = assistant.store.item_decisions(chat.sender)
    assert all(d.status != "corrected" for d in decisions.values())
    assert item.key not in [i.key for i in summary.pending_items(assistant.store, chat.sender)]


def test_a_correction_is_kept_in_the_history_and_exported_in_final_words(assistant, chat):
    to_readback(chat)
    item = summary.pending_items(assistant.store, chat.sender)[0]
    chat.send("stimmt nicht")
    chat.send("Ich möchte mit meinem Hund in einer eigenen Wohnung leben.")
    history = assistant.store.correction_history(chat.sender)
    assert [(h.item_key, h.old_text, h.new_text, h.source) for h in history] == [
        (item.key, item.text, "Ich möchte mit meinem Hund in einer eigenen Wohnung leben.",
         "chat")]
    assert history[0].at is not None
    new = "Ich möchte mit meinem Hund in einer eigenen Wohnung leben."
    profile = json.loads(export_conversation(assistant.store, chat.sender, "json")[0])
    html = export_conversation(assistant.store, chat.sender, "html")[0].decode()
    assert new in [a["text"] for a in profile["answers"]]
    assert item.text not in [a["text"] for a in profile["answers"]]
    assert new in html


# ---------------------------------------------------------------- 4. the read-back


@pytest.mark.parametrize("word", ["entfernen", "löschen", "ja, löschen"])
def test_read_back_removal_words_act_on_the_item_never_on_all_data(assistant, chat, word):
    to_readback(chat)
    before = summary.pending_items(assistant.store, chat.sender)
    reply = chat.send(word)
    assert DELETE_ALL not in texts(reply)
    assert assistant.store.get_conversation(chat.sender) is not None
    assert assistant.store.item_decisions(chat.sender)[before[0].key].status == "removed"
    assert "/remove_item" in button_payloads(reply)          # the next item


def test_a_typed_remove_naming_another_item_removes_that_item_not_the_one_shown(
        assistant, chat):
    """Found trying it: "Streichen Sie den Treff bitte" while the wish to stay in Barmbek
    was shown removed the wish and kept the Treff."""
    wish = "Ich will in meiner Wohnung in Barmbek bleiben."
    treff = "Im Stadtteil gibt es einen Treff, da war ich mal."
    to_readback(chat, {**SIMPLE, "living": wish, "neighbourhood": treff})
    before = summary.pending_items(assistant.store, chat.sender)
    shown = before[0]
    assert shown.text == wish
    named = [i for i in before if "Treff" in i.text]
    assert len(named) == 1
    reply = chat.send("Streichen Sie den Treff bitte.")
    assert named[0].text in texts(reply) and "entfernt" in texts(reply)
    assert assistant.store.item_decisions(chat.sender)[named[0].key].status == "removed"
    assert wish in active(assistant, chat)
    pending = summary.pending_items(assistant.store, chat.sender)
    assert pending[0].key == shown.key                      # the wish comes again
    assert wish in texts(reply) and "/remove_item" in button_payloads(reply)


def test_own_words_at_the_read_back_remove_or_correct_the_item_they_name(assistant, chat):
    """Found trying it: "die oma bitte raus, die ist letztes jahr gestorben" and "Das mit
    dem Sportverein stimmt nicht, da war ich nie" got the hint for the item shown, and both
    items were confirmed with the rest."""
    to_readback(chat, {**SIMPLE, "people": "Mein Freund Kai und meine Oma.",
                       "neighbourhood": "Es gibt einen Sportverein und die Bücherhalle."})
    before = summary.pending_items(assistant.store, chat.sender)
    shown = before[0]
    grandmother = [i for i in before if "Oma" in i.text]
    club = next(i for i in before if "Sportverein" in i.text)
    chat.send("die oma bitte raus, die ist letztes jahr gestorben")
    decisions = assistant.store.item_decisions(chat.sender)
    assert grandmother and all(decisions[i.key].status == "removed" for i in grandmother)
    asked = chat.send("Das mit dem Sportverein stimmt nicht, da war ich nie")
    assert CORRECTION_PROMPT in texts(asked) and club.text in texts(asked)
    chat.send("Ich gehe manchmal in die Bücherhalle.")
    assert "Ich gehe manchmal in die Bücherhalle." in active(assistant, chat)
    assert club.text not in active(assistant, chat)
    assert summary.pending_items(assistant.store, chat.sender)[0].key == shown.key


@pytest.mark.parametrize(("word", "status"), [("passt", "confirmed"), ("stimmt", "confirmed")])
def test_read_back_confirm_words(assistant, chat, word, status):
    to_readback(chat)
    first = summary.pending_items(assistant.store, chat.sender)[0]
    chat.send(word)
    pending = [i.key for i in summary.pending_items(assistant.store, chat.sender)]
    assert first.key not in pending


def test_read_back_change_word_asks_for_the_correction_once(assistant, chat):
    to_readback(chat)
    reply = chat.send("ändern")
    assert texts(reply).count(CORRECTION_PROMPT) == 1


def test_deleting_all_data_is_a_separate_request(assistant, chat):
    to_readback(chat)
    stray = chat.send("ja, alles löschen")                   # no question was asked
    assert assistant.store.get_conversation(chat.sender) is not None
    assert DELETE_ALL in texts(stray)
    kept = chat.send("/cancel_delete")
    assert assistant.store.get_conversation(chat.sender) is not None
    assert texts(kept)
    asked = chat.send("ich möchte alle meine daten löschen")
    assert button_payloads(asked) == ["/confirm_delete", "/cancel_delete"]
    chat.send("/confirm_delete")
    assert assistant.store.get_conversation(chat.sender) is None


def test_confirm_all_first_shows_the_remaining_items(assistant, chat):
    to_readback(chat)
    chat.send("/affirm")
    pending = summary.pending_items(assistant.store, chat.sender)
    assert len(pending) >= 3
    shown = chat.send("alles stimmt")
    for item in pending:
        assert item.sentence(False).rstrip(".") in texts(shown) or item.text in texts(shown)
    assert len(summary.pending_items(assistant.store, chat.sender)) == len(pending)
    assert assistant.store.get_conversation(chat.sender).summary_confirmed_at is None
    chat.send("/affirm")
    assert summary.pending_items(assistant.store, chat.sender) == []
    assert assistant.store.get_conversation(chat.sender).summary_confirmed_at is not None


def test_read_back_quotes_words_whose_rephrasing_would_twist_them(assistant, chat):
    answers = dict(SIMPLE)
    # "Ich will mehr raus." alone makes the crisis layer unsure since 2026-12-01 (asked, the
    # answer kept on "nein"; docs/figures.md): this test is about the read-back
    answers["living"] = ("Ich möchte öfter nach draußen. "
                         "Ich wünsche mir jemand der mit mir rausgeht.")
    answers["people"] = "Ich hätte gern einen Freund der mit mir rausgeht"
    answers["self"] = "Ich kann nicht mehr alleine einkaufen, aber ich kann kochen."
    said = [texts(to_readback(chat, answers))]
    for _ in range(30):
        if not summary.pending_items(assistant.store, chat.sender):
            break
        said.append(texts(chat.send("/affirm")))
    everything = "\n".join(said)
    assert "mit sich" not in everything
    assert "Das können Sie selbst: Sie können nicht mehr" not in everything
    assert "„Ich wünsche mir jemand der mit mir rausgeht“" in everything
    assert "„Ich kann nicht mehr alleine einkaufen“" in everything


# ---------------------------------------------------------------- 5. urgent needs


def to_urgent_text(chat: Chat) -> None:
    chat.send("Moin")
    chat.send("/affirm")                                     # consent
    chat.send("/deny")                                       # standard language
    chat.send("/affirm")                                     # something is urgent


def test_urgent_help_follows_what_the_person_said(assistant, chat):
    to_urgent_text(chat)
    reply = chat.send("Mein Konto ist leer, ich habe seit Tagen nichts gegessen")
    shown = texts(reply)
    assert entry("notfall.geld").text.standard[:40] in shown
    assert entry("notfall.essen").text.standard[:40] in shown
    assert entry("notfall.wohnung").text.standard[:40] not in shown
    assert entry("notfall.gewalt").text.standard[:40] not in shown
    needs = assistant.store.urgent_needs(chat.sender)
    assert [n.categories for n in needs] == ["money,food"]
    assert question_ids(reply) == ["living"]
    chat.send(SIMPLE["living"])
    profile = texts(chat.send("zeig mir meine antworten"))
    assert profile.index("Mein Konto ist leer") < profile.index(SIMPLE["living"])
    assert "Geld" in profile[:profile.index(SIMPLE["living"])]     # its kind, first


def test_no_to_what_is_urgent_ends_the_urgent_step(assistant, chat):
    to_urgent_text(chat)
    reply = chat.send("nein")
    shown = texts(reply)
    for pointer in ("notfall.wohnung", "notfall.geld", "notfall.gewalt"):
        assert entry(pointer).text.standard[:40] not in shown
    assert assistant.store.urgent_needs(chat.sender) == []
    assert question_ids(reply) == ["living"]
