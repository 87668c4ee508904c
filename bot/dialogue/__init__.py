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

    def say(self, response: str, **variables: Any) -> Turn:
        self.replies.append(Reply(response=response, variables=variables))
        return self

    def say_text(self, text: str, custom: dict | None = None) -> Turn:
        self.replies.append(Reply(text=text, custom=custom))
        return self


def quote(text: str, limit: int = 300) -> str:
    """The person's words for a read-back: whitespace folded, long answers shortened
    for display only (storage always keeps every character)."""
    folded = " ".join((text or "").split())
    return folded if len(folded) <= limit else folded[: limit - 1].rstrip() + "…"
