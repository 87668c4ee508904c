"""Talking to the test session's Rasa server as the web app does."""

from __future__ import annotations

import secrets
import uuid

import httpx

from bot import internal_auth

# what the test session's Rasa and action server require of every caller (bot/internal_auth.py)
INTERNAL_SECRET = secrets.token_urlsafe(48)


class Chat:
    """One person talking to Rasa's REST channel (as the web app does: with the internal
    secret of the test session's assistant)."""

    def __init__(self, rasa_url: str, sender: str | None = None,
                 secret: str = INTERNAL_SECRET) -> None:
        self.url = f"{rasa_url}/webhooks/rest/webhook"
        self.sender = sender or f"test-{uuid.uuid4().hex[:12]}"
        self.headers = internal_auth.headers(secret)
        self.history: list[tuple[str, list[dict]]] = []

    def send(self, text: str) -> list[dict]:
        reply = httpx.post(self.url, json={"sender": self.sender, "message": text},
                           headers=self.headers, timeout=120)
        reply.raise_for_status()
        messages = reply.json()
        self.history.append((text, messages))
        return messages

    @staticmethod
    def texts(messages: list[dict]) -> str:
        return "\n".join(m.get("text", "") for m in messages if m.get("text"))

    @staticmethod
    def payloads(messages: list[dict]) -> list[dict]:
        return [m["custom"] for m in messages if "custom" in m]
