"""Steps of a conversation with the real assistant (the end-to-end tests): start it, answer
the questions up to one of them, and read the bot's replies."""

from __future__ import annotations

from bot.catalogue import QUESTION_IDS
from tests.support.chat import Chat

# one plain answer per question
SIMPLE = {
    "living": "Ich möchte alleine wohnen, mit meinem Hund.",
    "self": "Mit meinem Tablet lasse ich mir Briefe vorlesen.",
    "people": "Meine Schwester hilft mir beim Einkaufen.",
    "neighbourhood": "Ich wohne in Barmbek-Nord und gehe gern in die Bücherhalle.",
    "professional": "Jemand, der mir bei Briefen vom Amt hilft.",
    "contribution": "Ich kann gut zuhören und helfe meiner Nachbarin.",
}


def question_ids(messages: list[dict]) -> list[str]:
    return [p["question_id"] for p in Chat.payloads(messages) if "question_id" in p]


def button_payloads(messages: list[dict]) -> list[str]:
    return [b["payload"] for m in messages for b in m.get("buttons", [])]


def start(chat: Chat, easy: bool) -> list[dict]:
    welcome = chat.send("Moin")
    assert "/affirm" in button_payloads(welcome) and "/deny" in button_payloads(welcome)
    asked_language = chat.send("/affirm")
    assert "/affirm" in button_payloads(asked_language)
    asked_urgent = chat.send("/affirm" if easy else "/deny")
    assert "/affirm" in button_payloads(asked_urgent)
    first = chat.send("nein")
    assert question_ids(first) == ["living"]
    return first


def to_question(chat: Chat, question_id: str, answers: dict[str, str] | None = None) -> None:
    start(chat, easy=False)
    for qid in QUESTION_IDS[: QUESTION_IDS.index(question_id)]:
        chat.send((answers or SIMPLE)[qid])
        assert question_ids(chat.send("nein")) != [qid]
