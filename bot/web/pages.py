"""The HTML pages around the chat: start (what this is, consent, resume), chat, help in an
emergency, and the language switch for pages without JavaScript."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.resume_codes import address_key, find_code, sender_key
from bot.storage.repository import EXPIRED, RESUMED, TOO_MANY
from bot.web import session as s
from bot.web.chat import EASY_OFF, EASY_ON
from bot.web.emergency import crisis_help
from bot.web.proxy import client_address
from bot.web.templating import render
from bot.web.texts import page_texts, text

LOCAL_PAGES = ("/", "/chat", "/hilfe-in-not", "/meine-daten", "/meine-daten/loeschen")


async def health(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


def forbidden(request: Request) -> Response:
    return render(request, "message.html", status_code=403,
                  title_key="error_title", message_key="error_session")


async def start_page(request: Request, resume_error: str | None = None,
                     code: str = "", status: int = 200) -> Response:
    policy = request.app.state.store.resume_policy
    message = text(resume_error, s.is_easy(request.session), minutes=policy.window_minutes,
                   days=policy.idle_days) if resume_error else None
    return render(request, "start.html", status_code=status,
                  started=request.session.get(s.PHASE) is not None,
                  resume_error=resume_error, resume_message=message, code=code)


async def start(request: Request) -> Response:
    return await start_page(request)


async def consent(request: Request) -> Response:
    form = await request.form()
    session = request.session
    if not s.csrf_ok(session, form.get("csrf")):
        return forbidden(request)
    choice = form.get("choice")
    if choice not in ("yes", "no"):
        return RedirectResponse("/", status_code=303)
    if session.get(s.PHASE) is None:
        session[s.CONSENT] = choice
    return RedirectResponse("/chat", status_code=303)


async def resume(request: Request) -> Response:
    form = await request.form()
    session = request.session
    if not s.csrf_ok(session, form.get("csrf")):
        return forbidden(request)
    raw = str(form.get("code") or "")[:100]
    if not raw.strip():
        return await start_page(request, "resume_unknown", raw, status=400)
    store = request.app.state.store
    # the failure count is the chat's too (same sender id, same address, same total)
    checked = await run_in_threadpool(store.check_resume_code, raw,
                                      sender_key(s.conversation_id(session)),
                                      address_key(client_address(request)))
    if checked.status == TOO_MANY:
        return await start_page(request, "resume_too_many", raw, status=429)
    if checked.status != RESUMED:
        error = "resume_expired" if checked.status == EXPIRED else "resume_unknown"
        return await start_page(request, error, raw, status=400)
    canonical, code = checked.conversation_id, find_code(raw)
    conversation = await run_in_threadpool(store.get_conversation, canonical)
    s.start_over(session, canonical)
    session[s.EASY] = conversation is not None and conversation.language_mode == "easy"
    session[s.CONSENT] = "yes"
    session[s.PHASE] = "started"
    session[s.RESUME] = code
    return RedirectResponse("/chat", status_code=303)


async def chat(request: Request) -> Response:
    session = request.session
    if session.get(s.PHASE) is None and session.get(s.CONSENT) not in ("yes", "no"):
        return RedirectResponse("/", status_code=303)
    config = request.app.state.config
    return render(request, "chat.html", max_chars=config.max_message_chars,
                  all_texts={"standard": page_texts(False), "easy": page_texts(True)})


async def emergency(request: Request) -> Response:
    return render(request, "help.html", help=crisis_help(s.is_easy(request.session)))


def safe_next(target: object) -> str:
    """Only our own pages are redirect targets (no open redirect)."""
    path = urlsplit(str(target or "/")).path
    return path if path in LOCAL_PAGES else "/"


async def language(request: Request) -> Response:
    form = await request.form()
    session = request.session
    if not s.csrf_ok(session, form.get("csrf")):
        return forbidden(request)
    easy = form.get("easy") == "1"
    session[s.EASY] = easy
    if session.get(s.PHASE) is not None:
        # the bot hears it when the chat is open again, so that its answer is seen
        session[s.LANGUAGE_PENDING] = EASY_ON if easy else EASY_OFF
    return RedirectResponse(safe_next(form.get("next")), status_code=303)


routes = [
    Route("/health", health),
    Route("/", start),
    Route("/einwilligung", consent, methods=["POST"]),
    Route("/weitermachen", resume, methods=["POST"]),
    Route("/chat", chat),
    Route("/hilfe-in-not", emergency),
    Route("/sprache", language, methods=["POST"]),
]
