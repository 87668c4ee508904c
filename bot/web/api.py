"""JSON endpoints of the chat page: start, message, language. The browser talks only to
these; they forward to Rasa on loopback."""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.web import session as s
from bot.web.chat import ChatService, Outcome
from bot.web.chat_input import Refusal, client_message_id, read_chat_input
from bot.web.proxy import client_address
from bot.web.texts import text

log = logging.getLogger(__name__)


def error(request: Request, code: str, status: int, key: str,
          headers: dict[str, str] | None = None, **values: Any) -> JSONResponse:
    easy = s.is_easy(request.session)
    return JSONResponse({"error": code, "message": text(key, easy, **values), "easy": easy},
                        status_code=status, headers=headers)


async def json_body(request: Request) -> dict[str, Any] | None:
    """The request body as a JSON object, or None (not UTF-8, not JSON, not an object)."""
    try:
        body = json.loads((await request.body()).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return body if isinstance(body, dict) else None


def is_offered_click(session: dict, body: dict[str, Any] | None) -> bool:
    """A click on one of the buttons of the bot's last reply ("Ja, stimmt", "Entfernen"):
    an answer to the bot's own question."""
    payload = body.get("payload") if body else None
    offered = session.get(s.OFFERED)
    if not isinstance(payload, str) or not payload.startswith("/"):
        return False
    return isinstance(offered, list) and payload[1:] in offered


async def _guard(request: Request) -> tuple[dict[str, Any] | None, JSONResponse | None]:
    """CSRF token, rate limit and a JSON object body, in that order.

    The rule for the rate limit: typed messages (and anything else) count against
    `messages_per_minute`; a click on a button the bot has just offered counts against
    its own, larger `button_clicks_per_minute`. A person answers each reply once, so
    clicking through a long read-back is never refused, while a script that sends
    payloads in a loop still is."""
    session = request.session
    if not s.csrf_ok(session, request.headers.get("x-csrf-token")):
        return None, error(request, "session", 403, "error_session")
    body = await json_body(request)
    state = request.app.state
    limiter = state.click_limiter if is_offered_click(session, body) else state.message_limiter
    sender = s.conversation_id(session)
    if not limiter.allow(sender):
        retry = str(limiter.retry_after(sender))
        return None, error(request, "rate_limited", 429, "error_rate",
                           headers={"Retry-After": retry})
    if body is None:
        return None, error(request, "bad_request", 400, "error_bad_request")
    return body, None


def _reply(request: Request, outcome: Outcome) -> JSONResponse:
    data = outcome.as_json(request.session)
    if outcome.error is None:
        return JSONResponse(data)
    log.warning("rasa unavailable: %s", outcome.error.reason)
    status = 504 if outcome.error.reason == "timeout" else 503
    data.update(error="rasa_unavailable",
                message=text("error_unavailable", s.is_easy(request.session)))
    return JSONResponse(data, status_code=status)


def _service(request: Request) -> ChatService:
    return request.app.state.chat


async def start(request: Request) -> JSONResponse:
    body, refused = await _guard(request)
    if refused:
        return refused
    outcome = await _service(request).start(request.session, bool(body.get("history")),
                                            client_address(request))
    return _reply(request, outcome)


async def message(request: Request) -> JSONResponse:
    body, refused = await _guard(request)
    if refused:
        return refused
    checked = read_chat_input(body, request.app.state.config.max_message_chars)
    if isinstance(checked, Refusal):
        return error(request, checked.code, checked.status, checked.key, **checked.values)
    address = None if checked.button else client_address(request)
    outcome = await _service(request).say(request.session, checked.text, checked.shown,
                                          address, client_message_id(body),
                                          body.get("again") is True)
    return _reply(request, outcome)


async def language(request: Request) -> JSONResponse:
    body, refused = await _guard(request)
    if refused:
        return refused
    if not isinstance(body.get("easy"), bool):
        return error(request, "bad_request", 400, "error_bad_request")
    outcome = await _service(request).set_language(request.session, body["easy"])
    return _reply(request, outcome)


routes = [
    Route("/api/start", start, methods=["POST"]),
    Route("/api/message", message, methods=["POST"]),
    Route("/api/language", language, methods=["POST"]),
]
