"""One browser's conversation with the bot: the steps at the start, each exchange, and what
the web app does after a reply (pending deletions, language, resume code)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool

from bot.resume_codes import find_code
from bot.storage.repository import Store
from bot.web import session as s
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


def resume_payload(code: str) -> str:
    return "/resume" + json.dumps({"resume_code": code})


class ChatService:
    def __init__(self, rasa: RasaClient, store: Store) -> None:
        self.rasa = rasa
        self.store = store

    async def exchange(self, session: dict, outcome: Outcome, message: str,
                       shown_as: str | None, visible: bool = True) -> None:
        """Send one message to the bot and do the web app's part after the reply."""
        sender = s.conversation_id(session)
        replies = await self.rasa.send(sender, message)
        await run_in_threadpool(self._after_reply, session, sender, replies, outcome)
        if visible:
            outcome.exchanges.append(Exchange(shown_as, replies))

    def _after_reply(self, session: dict, sender: str, replies: list[BotMessage],
                     outcome: Outcome) -> None:
        if self.store.has_pending_tracker_deletion(sender):
            # the person confirmed deletion in the chat: Rasa has saved the turn by now,
            # so the tracker events can go at once (not only at the next `lwiw purge`)
            self.store.process_pending_tracker_deletions()
            outcome.cleared = True
        conversation = self.store.get_conversation(sender)
        if conversation is not None and conversation.consent_given:
            session[s.EASY] = conversation.language_mode == "easy"
            code = conversation.resume_code
            if code and any(find_code(m.text or "") == code for m in replies):
                outcome.resume_code = code

    async def start(self, session: dict, has_history: bool) -> Outcome:
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
                await self.exchange(session, outcome, resume_payload(session[s.RESUME]), None)
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

    async def say(self, session: dict, message: str, shown_as: str) -> Outcome:
        outcome = Outcome()
        session[s.PHASE] = "started"
        try:
            await self.exchange(session, outcome, message, shown_as)
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
