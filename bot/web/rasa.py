"""Talking to Rasa's REST channel on loopback, and the shape of its replies for the browser."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import httpx

from bot.settings import ROOT
from bot.yaml_file import load_yaml

DOMAIN_DIR = ROOT / "domain"


class RasaUnavailable(Exception):
    """Rasa did not answer in time, could not be reached, or answered with an error."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class BotMessage:
    text: str | None = None
    buttons: list[dict[str, str]] = field(default_factory=list)
    custom: dict[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.text is not None:
            data["text"] = self.text
        if self.buttons:
            data["buttons"] = self.buttons
        if self.custom is not None:
            data["custom"] = self.custom
        return data


LINK_PREFIX = "/meine-daten/"


def _links(raw: Any) -> list[dict[str, str]]:
    """Download links of the summary: only this app's own /meine-daten/ pages."""
    if not isinstance(raw, list):
        return []
    return [
        {"title": link["title"][:120], "href": link["href"]}
        for link in raw[:5]
        if isinstance(link, dict) and isinstance(link.get("title"), str)
        and isinstance(link.get("href"), str) and link["href"].startswith(LINK_PREFIX)
        and "//" not in link["href"]
    ]


def _progress(custom: Any) -> dict[str, Any] | None:
    """Only the payload contract of DESIGN.md § 3 (and our own download links) goes to the
    browser."""
    if not isinstance(custom, dict):
        return None
    links = _links(custom.get("links"))
    if not isinstance(custom.get("question_id"), str):
        return {"links": links} if links else None
    result: dict[str, Any] = {"question_id": custom["question_id"][:64]}
    progress = custom.get("progress")
    if isinstance(progress, dict):
        current, total = progress.get("current"), progress.get("total")
        if isinstance(current, int) and isinstance(total, int) and 0 < current <= total <= 50:
            result["progress"] = {"current": current, "total": total}
    return result


def parse_reply(raw: Any) -> list[BotMessage]:
    if not isinstance(raw, list):
        raise RasaUnavailable("bad_reply")
    messages = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        text = item.get("text") if isinstance(item.get("text"), str) else None
        buttons = [
            {"title": b["title"], "payload": b["payload"]}
            for b in item.get("buttons") or []
            if isinstance(b, dict) and isinstance(b.get("title"), str)
            and isinstance(b.get("payload"), str)
        ]
        custom = _progress(item.get("custom"))
        if text is not None or buttons or custom is not None:
            messages.append(BotMessage(text, buttons, custom))
    return messages


class RasaClient:
    def __init__(self, base_url: str, timeout: float, secret: str = "") -> None:
        from bot.internal_auth import headers

        self.url = f"{base_url.rstrip('/')}/webhooks/rest/webhook"
        # Rasa answers only our own processes (bot/internal_auth.py)
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=5.0),
                                         headers=headers(secret))

    async def send(self, sender: str, message: str,
                   metadata: dict[str, Any] | None = None) -> list[BotMessage]:
        body: dict[str, Any] = {"sender": sender, "message": message}
        if metadata:
            body["metadata"] = metadata      # the actions read it (actions/conversation.py)
        try:
            response = await self._client.post(self.url, json=body)
        except httpx.TimeoutException as error:
            raise RasaUnavailable("timeout") from error
        except httpx.HTTPError as error:
            raise RasaUnavailable("unreachable") from error
        if response.status_code != 200:
            raise RasaUnavailable(f"status_{response.status_code}")
        try:
            messages = parse_reply(response.json())
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise RasaUnavailable("bad_reply") from error
        if not messages:
            # every message gets an answer from this bot; none means an action failed
            # (e.g. the action server is restarting): the person sends it again, which the
            # forms take safely (actions/forms.py, _RepairingValidation)
            raise RasaUnavailable("no_reply")
        return messages

    async def aclose(self) -> None:
        await self._client.aclose()


@lru_cache(maxsize=2)
def domain_intents(directory: Path = DOMAIN_DIR) -> frozenset[str]:
    """Intent names of the Rasa domain: the only payloads a button may send."""
    names: set[str] = set()
    for path in sorted(directory.rglob("*.yml")):
        data = load_yaml(path) or {}
        for item in data.get("intents") or []:
            names.update(item if isinstance(item, dict) else [item])
    return frozenset(str(name) for name in names)


# the chat page's own controls that send an intent (static/chat.js: the pause button)
PAGE_PAYLOADS = frozenset({"/pause"})


@lru_cache(maxsize=2)
def button_intents(directory: Path = DOMAIN_DIR) -> frozenset[str]:
    """The intents a button may send: those of the buttons in the domain's responses and
    of the chat page's own controls. Typed text never becomes an intent (clean_text);
    a payload from the browser does only if it is one of these (not any domain intent:
    "/crisis" or "/delete_data" are for the words a person writes)."""
    payloads = set(PAGE_PAYLOADS)

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            for button in node.get("buttons") or []:
                if isinstance(button, dict) and isinstance(button.get("payload"), str):
                    payloads.add(button["payload"])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    for path in sorted(directory.rglob("*.yml")):
        collect((load_yaml(path) or {}).get("responses"))
    intents = domain_intents(directory)
    return frozenset(p[1:] for p in payloads
                     if p.startswith("/") and p[1:] in intents)
