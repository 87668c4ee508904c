"""Dialogue decisions, free of Rasa: each function returns a Turn (what to say, which slots
to set) and does the storage work. actions/ translates Turns into Rasa SDK events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Reply:
    """One bot message: a domain response by name (with template variables), or ready text.

    `text` is only used for text composed from data (knowledge, the person's own words),
    already in the right register.
    """

    response: str | None = None
    text: str | None = None
    variables: dict[str, Any] = field(default_factory=dict)
    custom: dict[str, Any] | None = None
    buttons: list[dict[str, str]] | None = None


@dataclass
class Turn:
    replies: list[Reply] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)
    deactivate_loop: bool = False
    restart: bool = False
    # the message is not for the active form: the form steps back and the rules answer
    # it (a global intent such as a plain FAQ question or "alle Daten löschen")
    reject: bool = False

    def say(self, response: str, **variables: Any) -> Turn:
        self.replies.append(Reply(response=response, variables=variables))
        return self

    def say_text(self, text: str, custom: dict | None = None) -> Turn:
        self.replies.append(Reply(text=text, custom=custom))
        return self

    def then(self, other: Turn) -> Turn:
        """This turn followed by `other`: its replies after ours, its slots over ours."""
        self.replies += other.replies
        self.slots.update(other.slots)
        return self


@dataclass(frozen=True)
class Incoming:
    """The person's message as the NLU saw it: for a message that holds an answer and
    something else (a question, "weiß nicht", a greeting), and for typed choices."""

    text: str = ""
    intent: str | None = None
    faq_topic: str | None = None
    entities: tuple[str, ...] = ()
    source: str = "chat"  # "staff_chat" when a counsellor sits beside the person
    # the figures of the person's last budget calculation (slot budget_figures), so that a
    # follow-up like "wie viel ist das im Jahr?" can be answered
    budget: dict | None = None
    # the bot's reply to the previous message offered "Rückruf wünschen": a typed "ja" means
    # that button, not "yes, there is more" for the open question
    callback_offered: bool = False


def quote(text: str, limit: int = 300) -> str:
    """The person's words for a read-back: whitespace folded, long answers shortened
    for display only (storage always keeps every character)."""
    folded = " ".join((text or "").split())
    return folded if len(folded) <= limit else folded[: limit - 1].rstrip() + "…"
