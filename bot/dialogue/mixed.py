"""A message that holds an answer and something else (issue 13): the answer is stored, and
the other part — an FAQ question, a budget question, a greeting, "weiß nicht" — is
answered as if it had come on its own."""

from __future__ import annotations

from datetime import date

from bot.dialogue import Incoming, Turn, budget_request, conversation, words

QUESTION_INTENTS = ("faq", "budget_calculation", "out_of_scope")
GREETING_INTENTS = ("greet", "thank")
DELETE_INTENTS = ("delete_data", "confirm_delete", "cancel_delete")


def answer_part(message: Incoming) -> str | None:
    """The answer inside a message the NLU took for something else, or None."""
    if message.intent in QUESTION_INTENTS:
        return words.answer_beside(message.text, "question")
    if message.intent in GREETING_INTENTS:
        return words.answer_beside(message.text, "greeting")
    if message.intent == "dont_know":
        return words.answer_beside(message.text, "dont_know", message.entities)
    return None


def other_part(message: Incoming, easy: bool, today: date | None = None) -> Turn:
    """The reply to what the message asked or said besides its answer."""
    if message.intent == "faq":
        # the words name the topic ("Assistenz gekürzt, muss ich da was machen?"): a topic
        # the FAQ selector guessed from the rest of a long answer does not outweigh them
        named = words.asked_topics(message.text)
        topic = message.faq_topic if not named or message.faq_topic in named else named[0]
        return conversation.faq(topic, easy, today)
    if message.intent == "budget_calculation":
        return budget_request.answer(message.text, easy, message.budget, today)
    if message.intent == "out_of_scope":
        return Turn().say("utter_out_of_scope")
    if message.intent == "greet":
        return Turn().say("utter_greet_again")
    if message.intent == "thank":
        return Turn().say("utter_you_are_welcome")
    return Turn()
