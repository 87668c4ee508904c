"""Counselling together: the chat component (static/chat.js) against console endpoints
that proxy to Rasa with the conversation's id as sender.

A new conversation gets a fresh id; an existing one is continued under its own id: the bot
is sent the bare resume intent, which restores the conversation's place without a code (the
sender id is the conversation's own; the person's code is neither needed, nor shown, nor
replaced). Once
someone has spoken in it here (and the person has consented), the conversation is marked
"gemeinsam mit Fachkraft". The chat state lives in the console session (database), per
conversation, in the shape bot.web.chat.ChatService keeps for a browser.

The session only says which chats are open; whether the conversation still exists is
asked of the database on every request. One that was stored when it was opened (or since)
and is gone now — the person deleted it, or withdrew consent — answers 410 and nothing is
sent to Rasa, so no new events are written under its id. Every request that reaches Rasa
is in the audit log (without the words).
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

from bot.storage.repository import Store
from bot.web import session as s
from bot.web.api import is_offered_click, json_body
from bot.web.chat import EASY_OFF, EASY_ON, Outcome
from bot.web.chat_input import Refusal, read_chat_input
from bot.web.staff.auth import STAFF, Ctx, api, api_error, audit, page, save_session_data
from bot.web.staff.services import href, services
from bot.web.staff.templating import message_page, render
from bot.web.texts import load_texts

log = logging.getLogger(__name__)
MAX_OPEN_CHATS = 20
CHAT_TEXT_PREFIXES = ("chat_", "error_", "easy_switch")
NEEDS_CODE = "needs_code"  # the bot still has to be told to continue (the first request)
STORED = "stored"  # the conversation was in the database (with consent) in this chat
OK, UNKNOWN, GONE = "ok", "unknown", "gone"


def open_chat(ctx: Ctx, conversation_id: str, existing: bool, easy: bool) -> None:
    """Remember in the console session that this chat is open, in the state ChatService
    keeps for a browser (bot/web/session.py keys). An existing conversation is continued
    by the first POST, not by the page."""
    chats: dict[str, Any] = ctx.console.data.setdefault("chats", {})
    state: dict[str, Any] = {s.CONVERSATION: conversation_id, s.EASY: easy}
    if existing:
        state.update({s.PHASE: "started", s.CONSENT: "yes", NEEDS_CODE: True, STORED: True})
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


def deleted_since_opened(store: Store, conversation_id: str, state: dict[str, Any]) -> bool:
    """The database's answer: is a conversation that is open in this chat deleted (or its
    consent withdrawn)? A new conversation before consent has nothing stored to check."""
    if store.has_pending_tracker_deletion(conversation_id):
        return True
    was_stored = state.get(STORED) is True or state.get(s.CONSENT) == "yes"
    return was_stored and not store.has_consent(conversation_id)


async def _ensure_open(request: Request, ctx: Ctx, conversation_id: str) -> str:
    """Open an existing conversation (with consent) in this console session, or check in
    the database that the open one still exists: OK, UNKNOWN or GONE (then the chat is
    closed in this session)."""
    svc = services(request)
    state = chat_state(ctx, conversation_id)
    if state is not None:
        if not await run_in_threadpool(deleted_since_opened, svc.store, conversation_id,
                                       state):
            return OK
        ctx.console.data.get("chats", {}).pop(conversation_id, None)
        await save_session_data(request, ctx)
        return GONE
    row = await run_in_threadpool(svc.conversations.row, conversation_id)
    if row is None:
        return UNKNOWN
    open_chat(ctx, conversation_id, existing=True, easy=row.language_mode == "easy")
    await save_session_data(request, ctx)
    return OK


def _closed_page(request: Request, ctx: Ctx, status: str) -> Response:
    if status == GONE:
        return message_page(request, ctx, "chat_gone_title", "chat_gone_text", 410)
    return message_page(request, ctx, "not_found_title", "not_found_text", 404)


@page(STAFF)
async def chat_page(request: Request, ctx: Ctx) -> Response:
    conversation_id = request.path_params["cid"]
    opened = await _ensure_open(request, ctx, conversation_id)
    if opened != OK:
        return _closed_page(request, ctx, opened)
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
    opened = await _ensure_open(request, ctx, conversation_id)
    if opened != OK:
        return _closed_page(request, ctx, opened)
    state = chat_state(ctx, conversation_id)
    easy = ctx.field("easy") == "1"
    state[s.EASY] = easy
    if state.get(s.PHASE) is not None:
        state[s.LANGUAGE_PENDING] = EASY_ON if easy else EASY_OFF
    await save_session_data(request, ctx)
    await audit(request, ctx, "chat_language", conversation_id, detail=_language(easy))
    return RedirectResponse(href(request, f"/gespraech/{conversation_id}/chat"),
                            status_code=303)


# --- JSON endpoints (static/chat.js) ------------------------------------------------------


Guarded = tuple[tuple[str, dict[str, Any], dict[str, Any]] | None, Response | None]


async def _guarded(request: Request, ctx: Ctx) -> Guarded:
    """(conversation id, chat state, JSON body) or an error response."""
    conversation_id = request.path_params["cid"]
    before = dict(chat_state(ctx, conversation_id) or {})
    opened = await _ensure_open(request, ctx, conversation_id)
    if opened == GONE:  # nothing is sent to Rasa, nothing is written
        return None, _error(before, 410, "gone", "error_gone")
    if opened != OK:
        return None, api_error(404, "not_found", "api_not_found")
    state = chat_state(ctx, conversation_id)
    if state.pop(NEEDS_CODE, False):
        state[s.RESUME] = True      # bot.web.chat.resume_payload: the bare resume intent
    body = await json_body(request)
    # as in the public chat: clicking through the read-back never hits the message limit
    svc = services(request)
    limiter = (svc.click_limiter if svc.click_limiter is not None
               and is_offered_click(state, body) else svc.message_limiter)
    if not limiter.allow(conversation_id):
        response = _error(state, 429, "rate_limited", "error_rate")
        response.headers["Retry-After"] = str(limiter.retry_after(conversation_id))
        return None, response
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
    if not state.get(STORED) and await run_in_threadpool(svc.store.has_consent,
                                                         conversation_id):
        state[STORED] = True  # from now on its deletion closes this chat
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


def _language(easy: bool) -> str:
    return "Leichte Sprache an" if easy else "Leichte Sprache aus"


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
    await audit(request, ctx, "chat_opened", conversation_id)
    outcome = await services(request).chat.start(state, bool(body.get("history")))
    return await _reply(request, ctx, conversation_id, state, outcome)


@api(STAFF)
async def api_message(request: Request, ctx: Ctx) -> Response:
    checked, refused = await _guarded(request, ctx)
    if refused:
        return refused
    conversation_id, state, body = checked
    svc = services(request)
    checked = read_chat_input(body, svc.config.max_message_chars)
    if isinstance(checked, Refusal):
        return _error(state, checked.status, checked.code, checked.key, **checked.values)
    await audit(request, ctx, "chat_message", conversation_id,
                detail=f"Schaltfläche /{checked.button}" if checked.button else "Textnachricht")
    outcome = await svc.chat.say(state, checked.text, checked.shown)
    return await _reply(request, ctx, conversation_id, state, outcome, spoken=True)


@api(STAFF)
async def api_language(request: Request, ctx: Ctx) -> Response:
    checked, refused = await _guarded(request, ctx)
    if refused:
        return refused
    conversation_id, state, body = checked
    if not isinstance(body.get("easy"), bool):
        return _error(state, 400, "bad_request", "error_bad_request")
    await audit(request, ctx, "chat_language", conversation_id,
                detail=_language(body["easy"]))
    outcome = await services(request).chat.set_language(state, body["easy"])
    return await _reply(request, ctx, conversation_id, state, outcome)


routes = [
    Route("/gespraech/{cid}/chat", chat_page, methods=["GET"]),
    Route("/gespraech/{cid}/sprache", chat_language, methods=["POST"]),
    Route("/api/chat/{cid}/start", api_start, methods=["POST"]),
    Route("/api/chat/{cid}/message", api_message, methods=["POST"]),
    Route("/api/chat/{cid}/language", api_language, methods=["POST"]),
]
