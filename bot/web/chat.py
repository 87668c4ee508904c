"""One browser's conversation with the bot: the steps at the start, each exchange, and what
the web app does after a reply (pending deletions, language, resume code)."""

from __future__ import annotations

import contextlib
import hmac
import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager as AsyncContextManager
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool

from bot.resume_codes import address_key, code_hash, find_code
from bot.storage.repository import CLIENT_MESSAGE_KEY, Store
from bot.web import session as s
from bot.web.config import WebConfig
from bot.web.rasa import BotMessage, RasaClient, RasaUnavailable
from bot.web.texts import text

EASY_ON = "/easy_language_on"
EASY_OFF = "/easy_language_off"
GREET = "/greet"
CONSENT_PAYLOADS = {"yes": "/affirm", "no": "/deny"}
CONSENT_LABELS = {"yes": "consent_yes", "no": "consent_no"}


@dataclass
class Exchange:
    """What the person sent (as shown in the chat; None for setup steps) and the replies."""

    user: str | None
    messages: list[BotMessage]

    def as_json(self) -> dict[str, Any]:
        return {"user": self.user, "messages": [m.as_json() for m in self.messages]}


@dataclass
class Outcome:
    exchanges: list[Exchange] = field(default_factory=list)
    resume_code: str | None = None
    cleared: bool = False
    error: RasaUnavailable | None = None

    def as_json(self, session: dict) -> dict[str, Any]:
        return {
            "turns": [e.as_json() for e in self.exchanges],
            "easy": s.is_easy(session),
            "resume_code": self.resume_code,
            "cleared": self.cleared,
        }


def resume_payload(code: str | bool) -> str:
    """The resume intent with the code; for True (the staff console opening a conversation
    under its own id) the bare intent, which continues the sender's own conversation."""
    if code is True:
        return "/resume"
    return "/resume" + json.dumps({"resume_code": code})


def message_metadata(message: str, client: str | None,
                     client_message: str | None = None) -> dict[str, str] | None:
    """What goes to Rasa beside a message: for a message holding a resume code, the client
    address's key, so that failed codes count per address on the chat path as on the form
    (only then: the tracker keeps metadata with the message); the browser's id of the
    message (Store.has_client_message)."""
    metadata = {}
    if client and find_code(message):
        metadata["resume_client"] = address_key(client)
    if client_message:
        metadata[CLIENT_MESSAGE_KEY] = client_message
    return metadata or None


class ChatService:
    def __init__(self, rasa: RasaClient, store: Store) -> None:
        self.rasa = rasa
        self.store = store

    async def exchange(self, session: dict, outcome: Outcome, message: str,
                       shown_as: str | None, visible: bool = True,
                       client: str | None = None, client_message: str | None = None) -> None:
        """Send one message to the bot and do the web app's part after the reply.
        `client`: the browser's address (bot.web.proxy.client_address), if known;
        `client_message`: the browser's id of the message."""
        sender = s.conversation_id(session)
        replies = await self.rasa.send(sender, message,
                                       message_metadata(message, client, client_message))
        await run_in_threadpool(self._after_reply, session, sender, replies, outcome)
        if visible:
            outcome.exchanges.append(Exchange(shown_as, replies))

    def _after_reply(self, session: dict, sender: str, replies: list[BotMessage],
                     outcome: Outcome) -> None:
        # the buttons the person may click next: a click on one of them is an answer to
        # the bot's own question, counted apart from typed messages (bot/web/api.py)
        session[s.OFFERED] = sorted({
            button["payload"][1:] for message in replies for button in message.buttons
            if isinstance(button.get("payload"), str) and button["payload"].startswith("/")})
        if self.store.has_pending_tracker_deletion(sender):
            # the person confirmed deletion in the chat: Rasa has saved the turn by now,
            # so the tracker events can go at once (not only at the next `lwiw purge`)
            self.store.process_pending_tracker_deletions()
            outcome.cleared = True
        conversation = self.store.get_conversation(sender)
        if conversation is not None and conversation.consent_given:
            session[s.EASY] = conversation.language_mode == "easy"
            stored = conversation.resume_code_hash
            for reply in replies if stored else ():
                # only a hash is stored: the code the browser shows is the one in the reply
                code = find_code(reply.text or "")
                if code and hmac.compare_digest(code_hash(code), stored):
                    outcome.resume_code = code

    async def start(self, session: dict, has_history: bool,
                    client: str | None = None) -> Outcome:
        """Bring the conversation to where the browser needs it: greeting and the consent
        choice from the start page, a resume code, a language change made elsewhere, or
        (for an empty chat window) a greeting that repeats the open question."""
        outcome = Outcome()
        try:
            if session.get(s.PHASE) is None:
                if s.is_easy(session):
                    await self.exchange(session, outcome, EASY_ON, None, visible=False)
                await self.exchange(session, outcome, GREET, None)
                session[s.PHASE] = "greeted"
            if session.get(s.PHASE) == "greeted":
                choice = session.get(s.CONSENT)
                if choice in CONSENT_PAYLOADS:
                    label = text(CONSENT_LABELS[choice], s.is_easy(session))
                    await self.exchange(session, outcome, CONSENT_PAYLOADS[choice], label)
                session[s.PHASE] = "started"
                return outcome
            if session.get(s.RESUME):
                await self.exchange(session, outcome, resume_payload(session[s.RESUME]), None,
                                    client=client)
                session.pop(s.RESUME)
                session.pop(s.LANGUAGE_PENDING, None)
            elif session.get(s.LANGUAGE_PENDING):
                await self.exchange(session, outcome, session[s.LANGUAGE_PENDING], None)
                session.pop(s.LANGUAGE_PENDING)
            elif not has_history:
                await self.exchange(session, outcome, GREET, None)
        except RasaUnavailable as error:
            outcome.error = error
        return outcome

    async def say(self, session: dict, message: str, shown_as: str,
                  client: str | None = None, client_message: str | None = None,
                  sent_again: bool = False) -> Outcome:
        """One message of the person. `client_message`: the browser's id of it; with
        `sent_again` ("Erneut senden" after a failed request) a message the assistant had
        received already — only its answer got lost on the way — is not taken twice (a
        "nein" sent twice would pass over a question): the person is told, and the open
        question comes again."""
        outcome = Outcome()
        session[s.PHASE] = "started"
        try:
            if sent_again and client_message and await run_in_threadpool(
                    self.store.has_client_message, s.conversation_id(session), client_message):
                notice = BotMessage(text("message_already_received", s.is_easy(session)))
                outcome.exchanges.append(Exchange(shown_as, [notice]))
                await self.exchange(session, outcome, GREET, None)
            else:
                await self.exchange(session, outcome, message, shown_as, client=client,
                                    client_message=client_message)
        except RasaUnavailable as error:
            outcome.error = error
        return outcome

    async def set_language(self, session: dict, easy: bool) -> Outcome:
        """The page's Leichte Sprache switch: page copy at once, the bot by its intent."""
        session[s.EASY] = easy
        outcome = Outcome()
        if session.get(s.PHASE) is None:
            return outcome            # no conversation yet: the start sends it first
        intent = EASY_ON if easy else EASY_OFF
        session[s.LANGUAGE_PENDING] = intent
        try:
            await self.exchange(session, outcome, intent, None)
            session.pop(s.LANGUAGE_PENDING)
        except RasaUnavailable as error:
            outcome.error = error
        return outcome


def chat_service_for(config: WebConfig, store: Store) -> ChatService:
    """The chat service with its own Rasa client (close it with `closing_lifespan`)."""
    return ChatService(RasaClient(config.rasa_url, config.rasa_timeout, config.internal_secret),
                       store)


def closing_lifespan(chat: ChatService | None) -> Callable[[Any], AsyncContextManager[None]]:
    """A Starlette lifespan that closes `chat`'s Rasa client when the app stops (None: an
    app that uses a client another app owns)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if chat is not None:
                await chat.rasa.aclose()

    return lifespan
