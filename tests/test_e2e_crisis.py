"""End to end: the crisis layer in every state of the conversation, through Rasa's REST
channel with the trained model, the real action server and SQLite (DESIGN.md § 3).

In each state a crisis message brings the help numbers, is not stored, read back or
exported as an answer, and the conversation gets a crisis marker; the caring question of
the concern level escalates on a yes; the dialogue goes on where it was.
"""

from __future__ import annotations

import json

import pytest

from bot.catalogue import QUESTION_IDS
from bot.export import export_conversation
from bot.resume_codes import find_code
from tests.support.chat import Chat

pytestmark = pytest.mark.slow

NUMBER = "0800 111 0 111"
ACUTE = "ich hab schon tabletten gesammelt, am wochenende mach ich schluss"
CONCERN = ("Familie ist mir wichtig, aber ich bin allen nur eine Last. "
           "Die wären ohne mich besser dran.")
QUESTION = "Denken Sie manchmal daran, sich das Leben zu nehmen?"
ESCALATED = "Danke, dass Sie mir das sagen."
ANSWER = "Ich möchte gern in einem Chor singen."


def question_ids(messages: list[dict]) -> list[str]:
    return [p["question_id"] for p in Chat.payloads(messages) if "question_id" in p]


def no_crisis_answer(assistant, chat: Chat, *texts: str) -> None:
    stored = [a.text for a in assistant.store.active_answers(chat.sender)]
    assert not any(text in stored for text in texts), stored
    assert not any(u.text in texts for u in assistant.store.urgent_needs(chat.sender))


def to_consent(chat: Chat) -> None:
    chat.send("hallo")


def to_language(chat: Chat) -> None:
    to_consent(chat)
    chat.send("/affirm")


def to_urgent_check(chat: Chat) -> None:
    to_language(chat)
    chat.send("/deny")


def to_urgent_text(chat: Chat) -> None:
    to_urgent_check(chat)
    chat.send("/affirm")


def to_question(chat: Chat, question_id: str) -> None:
    to_urgent_check(chat)
    chat.send("/deny")
    for qid in QUESTION_IDS[: QUESTION_IDS.index(question_id)]:
        chat.send(f"Antwort zu {qid}: ich gehe gern spazieren")
        chat.send("/deny")


def to_more(chat: Chat, question_id: str) -> None:
    to_question(chat, question_id)
    chat.send(ANSWER)


def to_examples(chat: Chat, question_id: str) -> None:
    to_question(chat, question_id)
    chat.send("/dont_know")


def to_readback(chat: Chat) -> None:
    to_question(chat, "contribution")
    chat.send("Ich helfe meiner Nachbarin beim Einkaufen.")
    chat.send("/deny")


def to_correction(chat: Chat) -> None:
    to_readback(chat)
    chat.send("/deny")                 # "stimmt nicht": how should it read?


def to_done(chat: Chat) -> None:
    to_readback(chat)
    chat.send("/confirm_all")          # the remaining items shown together
    chat.send("/affirm")               # all confirmed


STATES = {
    "first message": lambda chat: None,
    "consent": to_consent,
    "language": to_language,
    "urgent check": to_urgent_check,
    "urgent text": to_urgent_text,
    **{f"question {q}": (lambda chat, q=q: to_question(chat, q)) for q in QUESTION_IDS},
    "more answers": lambda chat: to_more(chat, "people"),
    "examples": lambda chat: to_examples(chat, "self"),
    "read-back": to_readback,
    "read-back correction": to_correction,
    "summary done": to_done,
}


@pytest.mark.parametrize("state", list(STATES))
def test_acute_message_in_every_state_brings_help_and_is_not_stored(assistant, chat, state):
    STATES[state](chat)
    reply = chat.send(ACUTE)
    assert NUMBER in Chat.texts(reply) and "112" in Chat.texts(reply)
    no_crisis_answer(assistant, chat, ACUTE)
    # the dialogue goes on: an ordinary message afterwards works as before
    chat.send("hallo")
    no_crisis_answer(assistant, chat, ACUTE)


# messages the crisis layer is unsure about (its classifier between the two thresholds):
# the test takes those the trained classifier puts into that band
MAYBE = ["ich hab keine Kraft mehr für gar nichts",
         "am liebsten würde ich mich unter der Decke verkriechen und nie wieder rauskommen",
         "mein leben ist grad echt ein scherbenhaufen",
         "Wohnen möchte ich allein, aber ehrlich gesagt weiß ich nicht, ob ich das noch erlebe"]


def unsure_messages() -> list[str]:
    from bot.crisis import assess

    unsure = [text for text in MAYBE if (found := assess(text)) and not found.certain]
    assert unsure, "none of the examples is in the unsure band any more: choose others"
    return unsure


@pytest.mark.parametrize("state", ["question living", "more answers"])
def test_unsure_asks_and_a_no_keeps_the_answer(assistant, chat, state):
    text = unsure_messages()[0]
    STATES[state](chat)
    asked = chat.send(text)
    assert NUMBER in Chat.texts(asked) and QUESTION in Chat.texts(asked)
    no_crisis_answer(assistant, chat, text)
    no = chat.send("/deny")
    assert "Danke für Ihre Antwort" in Chat.texts(no)
    stored = [a.text for a in assistant.store.active_answers(chat.sender)]
    assert text in stored and "/deny" not in stored and "nein" not in stored
    # the conversation goes on with the question's "anything else?"
    assert chat.send("/deny")


@pytest.mark.parametrize("state", ["question living", "read-back correction"])
def test_unsure_then_yes_escalates_and_keeps_nothing(assistant, chat, state):
    text = unsure_messages()[-1]
    STATES[state](chat)
    chat.send(text)
    yes = chat.send("/affirm")
    assert ESCALATED in Chat.texts(yes) and NUMBER in Chat.texts(yes)
    no_crisis_answer(assistant, chat, text)


@pytest.mark.parametrize("state", ["first message", "consent", "question living",
                                   "more answers", "read-back", "summary done"])
def test_concern_asks_once_and_a_yes_escalates(assistant, chat, state):
    STATES[state](chat)
    concern = chat.send(CONCERN)
    said = Chat.texts(concern)
    assert NUMBER in said and QUESTION in said
    assert said.count("?") <= 3          # one caring question, the form does not ask too
    yes = chat.send("/affirm")
    assert ESCALATED in Chat.texts(yes) and NUMBER in Chat.texts(yes)
    no_crisis_answer(assistant, chat, CONCERN, "ja")


def test_concern_then_no_goes_back_to_the_question_and_answers_are_kept(assistant, chat):
    to_question(chat, "living")
    concern = chat.send(CONCERN)
    assert QUESTION in Chat.texts(concern) and question_ids(concern) == []
    no = chat.send("nein")
    assert "Danke für Ihre Antwort" in Chat.texts(no)
    assert question_ids(no) == ["living"]             # the question again, nothing lost
    noted = chat.send(ANSWER)
    assert f"„{ANSWER}“" in Chat.texts(noted)
    assert [a.text for a in assistant.store.active_answers(chat.sender)] == [ANSWER]


def test_after_a_no_the_rest_of_a_long_concern_message_is_kept_without_the_crisis(assistant,
                                                                                  chat):
    """A long answer with one sentence of concern: after a "nein" to the caring question
    the sentences without any sign of a crisis are the answer (the person need not type them
    again); the sentence of concern is never stored, read back or exported."""
    wish = ("Ich möchte in meiner Wohnung in Eimsbüttel bleiben, mit meinem Hund Bruno. "
            "Meine Schwester hilft mir beim Einkaufen.")
    concern = "Manchmal denke ich, es wäre besser, wenn ich einfach nicht mehr aufwache."
    to_question(chat, "living")
    asked = chat.send(f"{wish} {concern}")
    assert QUESTION in Chat.texts(asked)
    no = chat.send("nein")
    assert "Danke für Ihre Antwort" in Chat.texts(no) and f"„{wish}“" in Chat.texts(no)
    assert [a.text for a in assistant.store.active_answers(chat.sender)] == [wish]
    profile = export_conversation(assistant.store, chat.sender, "json")[0]
    assert concern not in profile.decode() and "Eimsbüttel" in profile.decode()
    assert [m.level for m in assistant.store.crisis_markers(chat.sender)] == ["concern"]


def test_a_no_with_a_reason_is_a_no_and_a_held_answer_is_kept(assistant, chat):
    """People rarely answer the caring question with a bare "nein"; the words after it
    ("ich bin nur müde") must not count as the crisis repeated."""
    text = unsure_messages()[0]
    to_question(chat, "living")
    asked = chat.send(text)
    assert QUESTION in Chat.texts(asked)
    no = chat.send("nein so mein ich das nicht, ich bin nur müde")
    assert "Danke für Ihre Antwort" in Chat.texts(no) and ESCALATED not in Chat.texts(no)
    assert [a.text for a in assistant.store.active_answers(chat.sender)] == [text]
    assert [m.level for m in assistant.store.crisis_markers(chat.sender)] == ["concern"]


def test_a_yes_right_after_acute_help_brings_it_again_then_the_question_goes_on(assistant,
                                                                                 chat):
    to_question(chat, "living")
    chat.send("mein freund schlägt mich. er ist jetzt in der küche. ich hab angst")
    yes = chat.send("ja")                       # to "Sind Sie in Gefahr?" in the help text
    assert ESCALATED in Chat.texts(yes) and "112" in Chat.texts(yes)
    assert "Was noch" not in Chat.texts(yes)
    noted = chat.send(ANSWER)
    assert f"„{ANSWER}“" in Chat.texts(noted)
    assert [a.text for a in assistant.store.active_answers(chat.sender)] == [ANSWER]


def test_a_no_right_after_acute_help_does_not_close_the_open_question(assistant, chat):
    """A relative writes; the help for a person in danger comes; the "nein" after it is no
    "nothing to note" for the open question, which is asked again."""
    to_question(chat, "living")
    chat.send("Sie will in ihrer Wohnung bleiben. Sie sagt, sie bringt sich um, wenn sie "
              "ins Heim muss.")
    no = chat.send("nein")
    assert "Danke für Ihre Antwort" in Chat.texts(no) and question_ids(no) == ["living"]
    assert "living" not in assistant.store.question_states(chat.sender)
    noted = chat.send(ANSWER)
    assert f"„{ANSWER}“" in Chat.texts(noted)


@pytest.mark.parametrize("unsure", ["weiß nicht", "vielleicht"])
def test_an_unsure_answer_to_the_caring_question_escalates_and_keeps_nothing(
        assistant, chat, unsure):
    """"weiß nicht" to "Denken Sie manchmal daran, sich das Leben zu nehmen?" is no "don't
    know" for the guiding question (examples) and no "no": a possible yes."""
    to_question(chat, "living")
    asked = chat.send(CONCERN)
    assert QUESTION in Chat.texts(asked)
    answered = chat.send(unsure)
    said = Chat.texts(answered)
    assert "nehme ich es ernst" in said and NUMBER in said
    assert "zum Beispiel so geantwortet" not in said          # not the examples
    assert question_ids(answered) == ["living"]               # the question goes on
    no_crisis_answer(assistant, chat, CONCERN, unsure)
    markers = assistant.store.crisis_markers(chat.sender)
    assert markers[-1].level == "acute" and "unsure_answer" in markers[-1].categories


def test_help_not_reached_brings_the_numbers_again_and_is_no_answer(assistant, chat):
    """Right after the help: "da war besetzt" is about the help, not the person's will."""
    to_question(chat, "living")
    chat.send(CONCERN)
    chat.send("manchmal")                                     # escalated: the help again
    busy = "ich hab schon bei der telefonseelsorge angerufen aber da war besetzt"
    again = chat.send(busy)
    said = Chat.texts(again)
    assert "nicht geklappt" in said and NUMBER in said
    assert "notiert" not in said and "aufgeschrieben" not in said
    no_crisis_answer(assistant, chat, busy)
    assert question_ids(again) == ["living"]
    markers = assistant.store.crisis_markers(chat.sender)
    assert "help_not_reached" in markers[-1].categories
    noted = chat.send(ANSWER)                                 # the interview goes on
    assert f"„{ANSWER}“" in Chat.texts(noted)
    assert [a.text for a in assistant.store.active_answers(chat.sender)] == [ANSWER]


def test_after_violence_help_at_the_urgent_step_more_words_get_no_unrelated_help(assistant,
                                                                               chat):
    """"Ist etwas dringend?" – "ja" – "mein Mann schlägt mich …" brings the violence help;
    "ich bin jetzt bei einer Freundin" then tells more about it and does not bring the help
    texts for housing and money that a message without any kind of need gets."""
    to_urgent_text(chat)
    helped = chat.send("mein mann schlägt mich und ich trau mich nicht nach hause")
    assert "110" in Chat.texts(helped) and NUMBER in Chat.texts(helped)
    more = Chat.texts(chat.send("ich bin jetzt bei einer freundin"))
    assert "Wohnungsnotfälle" not in more and "Jobcenter" not in more, more
    assert "Das Dringende geht jetzt vor" in more


def test_a_repetition_escalates_and_the_staff_sees_markers(assistant, chat):
    to_question(chat, "self")
    first = chat.send("alles ist so sinnlos geworden")
    assert QUESTION in Chat.texts(first)
    again = chat.send("ich mein das ernst")
    assert ESCALATED in Chat.texts(again)
    third = chat.send("ich will mich umbringen")
    assert ESCALATED in Chat.texts(third) and NUMBER in Chat.texts(third)
    markers = assistant.store.crisis_markers(chat.sender)
    assert [m.level for m in markers] == ["concern", "acute", "acute"]
    assert all(m.source == "chat" for m in markers)
    no_crisis_answer(assistant, chat, "alles ist so sinnlos geworden", "ich mein das ernst")


def test_markers_before_consent_are_written_with_consent_and_without_words(assistant, chat):
    chat.send(ACUTE)                                  # before anything: no consent yet
    assert assistant.store.get_conversation(chat.sender) is None
    chat.send("hallo")
    chat.send("/affirm")                              # consent
    markers = assistant.store.crisis_markers(chat.sender)
    assert [(m.level, m.words) for m in markers] == [("acute", None)]


def test_third_person_and_danger_from_others(assistant, chat):
    to_question(chat, "people")
    third = chat.send("mein sohn hat gesagt er will sich das leben nehmen")
    assert "112" in Chat.texts(third) and "Angehörige" in Chat.texts(third)
    danger = chat.send("mein freund schlägt mich gerade und droht mir")
    assert "110" in Chat.texts(danger)
    no_crisis_answer(assistant, chat, "mein sohn hat gesagt er will sich das leben nehmen")


def test_a_crisis_in_another_language_brings_a_sentence_in_it_and_the_numbers(assistant,
                                                                             chat):
    to_question(chat, "living")
    text = "I don't want to live anymore"
    reply = Chat.texts(chat.send(text))
    assert reply.index("You are not alone.") < reply.index(NUMBER) and "112" in reply
    no_crisis_answer(assistant, chat, text)
    marker = assistant.store.crisis_markers(chat.sender)[0]
    assert marker.level == "acute"
    assert {"active_ideation", "language_en"} <= set(marker.categories)
    # an insistence in English escalates like „ich meine das ernst“
    serious = Chat.texts(chat.send("I mean it"))
    assert ESCALATED in serious and NUMBER in serious
    no_crisis_answer(assistant, chat, "I mean it")
    # the dialogue goes on: the next message is no crisis and the question is asked again
    after = chat.send("ok")
    assert NUMBER not in Chat.texts(after) and question_ids(after) == ["living"]


def test_hard_negatives_are_stored_as_answers(assistant, chat):
    to_question(chat, "living")
    for text in ("ich will nicht mehr alleine wohnen",
                 "ich will meinen Eltern nicht mehr zur Last fallen und lerne deshalb kochen",
                 "meine Mutter ist vor zwei Jahren gestorben"):
        reply = chat.send(text)
        assert NUMBER not in Chat.texts(reply), text
        assert f"„{text}“" in Chat.texts(reply)


def test_after_pause_and_resume_the_crisis_layer_still_answers(assistant, chat):
    to_more(chat, "living")
    paused = chat.send("ich mach später weiter")
    code = find_code(Chat.texts(paused))
    later = Chat(assistant.rasa_url)
    later.send(code)
    reply = later.send(ACUTE)
    assert NUMBER in Chat.texts(reply)
    no_crisis_answer(assistant, chat, ACUTE)


def test_export_holds_no_crisis_text(assistant, chat):
    to_question(chat, "living")
    chat.send(ANSWER)
    chat.send(CONCERN)
    chat.send("/deny")
    profile = json.loads(export_conversation(assistant.store, chat.sender, "json")[0])
    html = export_conversation(assistant.store, chat.sender, "html")[0].decode()
    for document in (json.dumps(profile, ensure_ascii=False), html):
        assert "Last" not in document and "besser dran" not in document
        assert "Krisenhinweis" not in document
    assert ANSWER in html


def test_only_the_next_message_answers_the_crisis_question(assistant, chat):
    """After the caring question, "hallo" and the welcome come between: the "ja" that follows
    is the consent, not a yes to the crisis question."""
    concern = chat.send(CONCERN)
    assert QUESTION in Chat.texts(concern)
    welcome = chat.send("hallo")
    assert NUMBER not in Chat.texts(welcome)
    consent = chat.send("/affirm")
    assert ESCALATED not in Chat.texts(consent)
    conversation = assistant.store.get_conversation(chat.sender)
    assert conversation is not None and conversation.consent_given is True
    assert [m.level for m in assistant.store.crisis_markers(chat.sender)] == ["concern"]
