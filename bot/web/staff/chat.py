"""Counselling together: the chat component (static/chat.js) against console endpoints
that proxy to Rasa with the conversation's id as sender.

A new conversation gets a fresh id; an existing one is continued under its own id with its
resume code (created if it has none yet), exactly as the person would resume it. Once
someone has spoken in it here (and the person has consented), the conversation is marked
"gemeinsam mit Fachkraft". The chat state lives in the console session (database), per
conversation, in the shape bot.web.chat.ChatService keeps for a browser.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.resume_codes import make_code
from bot.web import session as s
from bot.web.api import json_body
from bot.web.chat import EASY_OFF, EASY_ON, Outcome
from bot.web.limits import button_intent, clean_text
from bot.web.rasa import domain_intents
from bot.web.staff.auth import STAFF, Ctx, api, api_error, audit, page, save_session_data
from bot.web.staff.services import href, services
from bot.web.staff.templating import message_page, render
from bot.web.texts import load_texts

log = logging.getLogger(__name__)
MAX_OPEN_CHATS = 20
CHAT_TEXT_PREFIXES = ("chat_", "error_", "easy_switch")
NEEDS_CODE = "needs_code"


def open_chat(ctx: Ctx, conversation_id: str, existing: bool, easy: bool) -> None:
    """Remember in the console session that this chat is open, in the state ChatService
    keeps for a browser (bot/web/session.py keys). An existing conversation is resumed
    with its code; the code is looked up (or made) by the first POST, not by the page."""
    chats: dict[str, Any] = ctx.console.data.setdefault("chats", {})
    state: dict[str, Any] = {s.CONVERSATION: conversation_id, s.EASY: easy}
    if existing:
        state.update({s.PHASE: "started", s.CONSENT: "yes", NEEDS_CODE: True})
    chats.pop(conversation_id, None)
    chats[conversation_id] = state
    while len(chats) > MAX_OPEN_CHATS:
        chats.pop(next(iter(chats)))


def chat_state(ctx: Ctx, conversation_id: str) -> dict[str, Any] | None:
    state = ctx.console.data.get("chats", {}).get(conversation_id)
    return state if isinstance(state, dict) else None


def chat_texts() -> dict[str, dict[str, str]]:
    """The chat component's own texts in both registers (the person may read Leichte
    Sprache); the rest of the console is standard German."""
    texts = load_texts()
    return {register: {k: v[register] for k, v in texts.items()
                       if k.startswith(CHAT_TEXT_PREFIXES)}
            for register in ("standard", "easy")}


def history_key(secret: str, conversation_id: str) -> str:
    digest = hmac.new(secret.encode(), f"staff-history:{conversation_id}".encode(),
                      hashlib.sha256)
    return "staff-" + digest.hexdigest()[:24]


async def _ensure_open(request: Request, ctx: Ctx, conversation_id: str) -> bool:
    """Open an existing conversation (with consent) in this console session."""
    if chat_state(ctx, conversation_id) is not None:
        return True
    svc = services(request)
    row = await run_in_threadpool(svc.conversations.row, conversation_id)
    if row is None:
        return False
    open_chat(ctx, conversation_id, existing=True, easy=row.language_mode == "easy")
    await save_session_data(request, ctx)
    return True


@page(STAFF)
async def chat_page(request: Request, ctx: Ctx) -> Response:
    conversation_id = request.path_params["cid"]
    if not await _ensure_open(request, ctx, conversation_id):
        return message_page(request, ctx, "not_found_title", "not_found_text", 404)
    svc = services(request)
    row = await run_in_threadpool(svc.conversations.row, conversation_id)
    await audit(request, ctx, "view_chat", conversation_id)
    state = chat_state(ctx, conversation_id)
    return render(request, ctx, "chat.html", conversation_id=conversation_id, row=row,
                  easy=s.is_easy(state), chat=chat_texts(),
                  history_key=history_key(svc.config.secret_key, conversation_id),
                  max_chars=svc.config.max_message_chars, body_class="chat-page")


@page(STAFF)
async def chat_language(request: Request, ctx: Ctx) -> Response:
    """Without JavaScript: the Leichte-Sprache switch of the chat page."""
    conversation_id = request.path_params["cid"]
    if not await _ensure_open(request, ctx, conversation_id):
        return message_page(request, ctx, "not_found_title", "not_found_text", 404)
    state = chat_state(ctx, conversation_id)
    easy = ctx.field("easy") == "1"
    state[s.EASY] = easy
    if state.get(s.PHASE) is not None:
        state[s.LANGUAGE_PENDING] = EASY_ON if easy else EASY_OFF
    await save_session_data(request, ctx)
    return RedirectResponse(href(request, f"/gespraech/{conversation_id}/chat"),
                            status_code=303)


# --- JSON endpoints (static/chat.js) ------------------------------------------------------


Guarded = tuple[tuple[str, dict[str, Any], dict[str, Any]] | None, Response | None]


async def _guarded(request: Request, ctx: Ctx) -> Guarded:
    """(conversation id, chat state, JSON body) or an error response."""
    conversation_id = request.path_params["cid"]
    if not await _ensure_open(request, ctx, conversation_id):
        return None, api_error(404, "not_found", "api_not_found")
    state = chat_state(ctx, conversation_id)
    if state.pop(NEEDS_CODE, False):
        state[s.RESUME] = await run_in_threadpool(
            services(request).store.get_or_create_resume_code, conversation_id, make_code)
    limiter = services(request).message_limiter
    if not limiter.allow(conversation_id):
        response = _error(state, 429, "rate_limited", "error_rate")
        response.headers["Retry-After"] = str(limiter.retry_after(conversation_id))
        return None, response
    body = await json_body(request)
    if body is None:
        return None, _error(state, 400, "bad_request", "error_bad_request")
    return (conversation_id, state, body), None


async def _reply(request: Request, ctx: Ctx, conversation_id: str, state: dict,
                 outcome: Outcome, spoken: bool = False) -> JSONResponse:
    """After an exchange: a conversation in which someone spoke here (with consent) is
    marked "gemeinsam mit Fachkraft"; opening or switching language alone does not."""
    svc = services(request)
    if spoken and outcome.error is None:
        await run_in_threadpool(svc.conversations.mark_with_staff, conversation_id)
    if outcome.cleared:
        await audit(request, ctx, "delete", conversation_id,
                    detail="von der Person im Chat gelöscht")
    ctx.console.data.setdefault("chats", {})[conversation_id] = state
    await save_session_data(request, ctx)
    data = outcome.as_json(state)
    if outcome.error is None:
        return JSONResponse(data)
    log.warning("rasa unavailable: %s", outcome.error.reason)
    data.update(error="rasa_unavailable",
                message=load_texts()["error_unavailable"]["easy" if s.is_easy(state)
                                                         else "standard"])
    return JSONResponse(data, status_code=504 if outcome.error.reason == "timeout" else 503)


def _error(state: dict, status: int, code: str, key: str, **values: object) -> JSONResponse:
    wording = load_texts()[key]["easy" if s.is_easy(state) else "standard"]
    return JSONResponse({"error": code, "message": wording.format(**values) if values
                         else wording, "easy": s.is_easy(state)}, status_code=status)


@api(STAFF)
async def api_start(request: Request, ctx: Ctx) -> Response:
    checked, refused = await _guarded(request, ctx)
    if refused:
        return refused
    conversation_id, state, body = checked
    outcome = await services(request).chat.start(state, bool(body.get("history")))
    return await _reply(request, ctx, conversation_id, state, outcome)


@api(STAFF)
async def api_message(request: Request, ctx: Ctx) -> Response:
    checked, refused = await _guarded(request, ctx)
    if refused:
        return refused
    conversation_id, state, body = checked
    svc = services(request)
    payload, typed = body.get("payload"), body.get("text")
    if isinstance(payload, str) and payload:
        intent = button_intent(payload, domain_intents())
        if intent is None:
            return _error(state, 400, "bad_request", "error_bad_request")
        label = body.get("label") if isinstance(body.get("label"), str) else payload
        outcome = await svc.chat.say(state, f"/{intent}", clean_text(label)[:200] or payload)
        return await _reply(request, ctx, conversation_id, state, outcome, spoken=True)
    if not isinstance(typed, str):
        return _error(state, 400, "bad_request", "error_bad_request")
    cleaned = clean_text(typed)
    if not cleaned:
        return _error(state, 400, "empty", "error_empty")
    if len(cleaned) > svc.config.max_message_chars:
        return _error(state, 400, "too_long", "error_too_long",
                      limit=svc.config.max_message_chars)
    outcome = await svc.chat.say(state, cleaned, cleaned)
    return await _reply(request, ctx, conversation_id, state, outcome, spoken=True)


@api(STAFF)
async def api_language(request: Request, ctx: Ctx) -> Response:
    checked, refused = await _guarded(request, ctx)
    if refused:
        return refused
    conversation_id, state, body = checked
    if not isinstance(body.get("easy"), bool):
        return _error(state, 400, "bad_request", "error_bad_request")
    outcome = await services(request).chat.set_language(state, body["easy"])
    return await _reply(request, ctx, conversation_id, state, outcome)


routes = [
    Route("/gespraech/{cid}/chat", chat_page, methods=["GET"]),
    Route("/gespraech/{cid}/sprache", chat_language, methods=["POST"]),
    Route("/api/chat/{cid}/start", api_start, methods=["POST"]),
    Route("/api/chat/{cid}/message", api_message, methods=["POST"]),
    Route("/api/chat/{cid}/language", api_language, methods=["POST"]),
]
