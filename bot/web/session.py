"""The browser's session: a signed, HttpOnly, SameSite=Lax cookie holding the conversation id.

The cookie lives as long as the browser session (no Max-Age), and the signature is only
accepted for `max_idle` seconds after it was last written. A cookie with a bad signature is
ignored: the browser simply gets a new, empty conversation.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import uuid
from typing import Any

from itsdangerous import BadData, URLSafeTimedSerializer
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE_NAME = "lwiw_chat"
SALT = "lwiw-web-session"
REFRESH_AFTER_SECONDS = 3600

CONVERSATION = "cid"
CSRF = "csrf"
EASY = "easy"
CONSENT = "consent"          # the choice on the start page: "yes" | "no"
PHASE = "phase"              # None (not started) | "greeted" | "started"
RESUME = "resume"            # a resume code still to be sent to the bot (True: none needed)
LANGUAGE_PENDING = "lang"    # "/easy_language_on|off" still to be sent to the bot
FLASH = "flash"              # a text key shown once on the next page
OFFERED = "offered"          # intents of the buttons in the bot's last reply (bot/web/api.py)


class Session(dict):
    """A dict that remembers whether it was changed."""

    modified = False

    def __setitem__(self, key: str, value: Any) -> None:
        self.modified = True
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self.modified = True
        super().__delitem__(key)

    def pop(self, key: str, *default: Any) -> Any:
        if key in self:
            self.modified = True
        return super().pop(key, *default)

    def clear(self) -> None:
        self.modified = True
        super().clear()


class SessionMiddleware:
    def __init__(self, app: ASGIApp, secret_key: str, max_idle: int,
                 secure: bool = False, cookie_name: str = COOKIE_NAME) -> None:
        self.app = app
        self.serializer = URLSafeTimedSerializer(secret_key, salt=SALT)
        self.max_idle = max_idle
        self.cookie_name = cookie_name
        self.flags = "Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if secure else "")

    def load(self, raw: str | None) -> Session:
        if not raw:
            return Session()
        try:
            data, signed_at = self.serializer.loads(raw, max_age=self.max_idle,
                                                    return_timestamp=True)
        except (BadData, json.JSONDecodeError, UnicodeDecodeError):
            return Session()
        if not isinstance(data, dict):
            return Session()
        session = Session(data)
        if time.time() - signed_at.timestamp() > REFRESH_AFTER_SECONDS:
            session.modified = True          # re-sign: keeps an active session alive
        return session

    def dump(self, session: Session) -> str:
        return self.serializer.dumps(dict(session))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = HTTPConnection(scope).cookies.get(self.cookie_name)
        session = self.load(raw)
        scope["session"] = session

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and session.modified:
                headers = MutableHeaders(scope=message)
                if session:
                    value = f"{self.cookie_name}={self.dump(session)}; {self.flags}"
                else:
                    value = (f"{self.cookie_name}=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; "
                             f"{self.flags}")
                headers.append("Set-Cookie", value)
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def new_conversation_id() -> str:
    return f"web-{uuid.uuid4().hex}"


def conversation_id(session: dict) -> str:
    """This browser's conversation id (created on first use) and its CSRF token."""
    if not isinstance(session.get(CONVERSATION), str):
        session[CONVERSATION] = new_conversation_id()
    if not isinstance(session.get(CSRF), str):
        session[CSRF] = secrets.token_urlsafe(32)
    return session[CONVERSATION]


def csrf_token(session: dict) -> str:
    conversation_id(session)
    return session[CSRF]


def csrf_ok(session: dict, token: object) -> bool:
    """`token` (a form field or header: anything a client sends, an uploaded file too) is
    this session's CSRF token."""
    expected = session.get(CSRF)
    return bool(isinstance(token, str) and token and isinstance(expected, str)
                and hmac.compare_digest(expected.encode(), token.encode()))


def is_easy(session: dict) -> bool:
    return session.get(EASY) is True


def start_over(session: dict, conversation: str | None = None) -> str:
    """A new conversation in this browser (after deletion) or a resumed one (after a code).

    The language choice stays; everything about the old conversation goes.
    """
    easy = is_easy(session)
    session.clear()
    session[EASY] = easy
    session[CONVERSATION] = conversation or new_conversation_id()
    session[CSRF] = secrets.token_urlsafe(32)
    return session[CONVERSATION]


def history_key(secret_key: str, conversation: str) -> str:
    """A name for the browser's copy of the chat history that does not reveal the id."""
    digest = hmac.new(secret_key.encode(), f"history:{conversation}".encode(), hashlib.sha256)
    return digest.hexdigest()[:24]
