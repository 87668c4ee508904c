"""What a chat message sent to the web app may be: one check for the person's chat
(bot/web/api.py) and the counsellor's chat together (bot/web/staff/chat.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.web.limits import button_intent, clean_text
from bot.web.rasa import domain_intents

LABEL_CHARS = 200


@dataclass(frozen=True)
class ChatInput:
    text: str                        # what Rasa gets: the cleaned text, or "/intent"
    shown: str                       # what the history shows
    button: str | None = None        # the button's intent; None for typed text


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str                        # machine-readable, for the page's script
    key: str                         # the text explaining it (texts/web.yml)
    values: dict[str, Any] = field(default_factory=dict)


def read_chat_input(body: dict[str, Any], max_chars: int) -> ChatInput | Refusal:
    """A button (a payload naming an intent of the domain, shown with its cleaned label) or
    typed text (cleaned: control and invisible characters, slash commands; not empty, not
    longer than `max_chars`)."""
    payload, typed = body.get("payload"), body.get("text")
    if isinstance(payload, str) and payload:
        intent = button_intent(payload, domain_intents())
        if intent is None:
            return Refusal(400, "bad_request", "error_bad_request")
        label = body.get("label") if isinstance(body.get("label"), str) else payload
        return ChatInput(f"/{intent}", clean_text(label)[:LABEL_CHARS] or payload, intent)
    if not isinstance(typed, str):
        return Refusal(400, "bad_request", "error_bad_request")
    cleaned = clean_text(typed)
    if not cleaned:
        return Refusal(400, "empty", "error_empty")
    if len(cleaned) > max_chars:
        return Refusal(400, "too_long", "error_too_long", {"limit": max_chars})
    return ChatInput(cleaned, cleaned)


# the browser's own id of a message, the same when it is sent again ("Erneut senden"):
# letters, digits and dashes only (it is looked up in the stored events by pattern)
_CLIENT_MESSAGE_ID = re.compile(r"[A-Za-z0-9-]{8,64}")


def client_message_id(body: dict[str, Any]) -> str | None:
    """The message's id from the browser, if it sent a well-formed one."""
    raw = body.get("id")
    return raw if isinstance(raw, str) and _CLIENT_MESSAGE_ID.fullmatch(raw) else None
