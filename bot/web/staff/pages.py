"""Login and logout, the list of conversations with search, starting a conversation
together and opening one by its resume code."""

from __future__ import annotations

import math
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.staff.conversations import new_conversation_id
from bot.web.staff.account import ask_for_code, finish_login
from bot.web.staff.auth import (
    PUBLIC,
    STAFF,
    Ctx,
    audit,
    cookie_header,
    page,
    pop_flash,
    save_session_data,
)
from bot.web.staff.chat import open_chat
from bot.web.staff.services import client_ip, href, services
from bot.web.staff.templating import render
from bot.web.staff.texts import st

PAGE_SIZE = 50
MAX_QUERY_CHARS = 100


def safe_target(request: Request, target: str) -> str:
    """Only console pages are targets after login (no open redirect)."""
    root = href(request, "")
    if target.startswith(root + "/") and "//" not in target and "\\" not in target:
        return target
    return href(request, "/gespraeche")


@page(PUBLIC)
async def login_form(request: Request, ctx: Ctx) -> Response:
    if ctx.console is not None:
        return RedirectResponse(href(request, "/gespraeche"), status_code=303)
    notice = None
    if request.query_params.get("abgemeldet"):
        notice = st("login_logged_out")
    elif request.query_params.get("weiter"):
        notice = st("login_expired")
    return render(request, ctx, "login.html", notice=notice, error=None, name="",
                  target=request.query_params.get("weiter", "")[:300],
                  body_class="login-page")


@page(PUBLIC)
async def login(request: Request, ctx: Ctx) -> Response:
    svc = services(request)
    name = ctx.field("name", 64).strip()
    password = ctx.field("password", 1024)
    target = ctx.field("weiter", 300)
    result = await run_in_threadpool(svc.accounts.authenticate, name, password,
                                     client_ip(request), svc.clock())
    if result.status == "totp":  # the password was right; the code follows
        return await ask_for_code(request, ctx, result.account, safe_target(request, target))
    if result.status != "ok":
        key = {"locked": "login_locked", "blocked": "login_blocked"}.get(result.status,
                                                                         "login_invalid")
        status = 429 if result.status in ("locked", "blocked") else 400
        return render(request, ctx, "login.html", status_code=status, notice=None,
                      error=st(key), name=name, target=target, body_class="login-page")
    # a new session on every login (no session fixation)
    return await finish_login(request, ctx, result.account, safe_target(request, target))


@page(STAFF, before_enrolment=True)
async def logout(request: Request, ctx: Ctx) -> Response:
    await audit(request, ctx, "logout")
    await run_in_threadpool(services(request).sessions.end, ctx.console.key)
    response = RedirectResponse(href(request, "/anmelden?abgemeldet=1"), status_code=303)
    response.headers.append("set-cookie", cookie_header(request, None))
    return response


@page(STAFF)
async def index(request: Request, ctx: Ctx) -> Response:
    return RedirectResponse(href(request, "/gespraeche"), status_code=303)


def _page_number(raw: str | None, pages: int) -> int:
    try:
        number = int(raw or "1")
    except ValueError:
        number = 1
    return min(max(number, 1), max(pages, 1))


async def conversation_list(request: Request, ctx: Ctx, resume_error: str | None = None,
                            code: str = "", status: int = 200) -> Response:
    svc = services(request)
    query = " ".join(request.query_params.get("q", "").split())[:MAX_QUERY_CHARS]
    crisis_only = request.query_params.get("krise") == "1"
    found = await run_in_threadpool(svc.conversations.rows, query)
    callback_ids = {r.conversation_id for r in
                    await run_in_threadpool(svc.store.callback_requests)}
    crisis_total = sum(1 for row in found if row.crisis is not None)
    rows = [row for row in found if row.crisis is not None] if crisis_only else found
    pages = max(1, math.ceil(len(rows) / PAGE_SIZE))
    number = _page_number(request.query_params.get("seite"), pages)
    shown = rows[(number - 1) * PAGE_SIZE:number * PAGE_SIZE]
    count = f"{len(rows)} Gespräch" + ("" if len(rows) == 1 else "e")
    if query or crisis_only:
        detail = ", ".join(part for part in ("Suche" if query else "",
                                             "nur Krisenhinweise" if crisis_only else "",
                                             f"{len(rows)} Treffer") if part)
    else:
        detail = count
    await audit(request, ctx, "view_list", detail=detail)

    def list_link(n: int = 1, crisis: bool = crisis_only) -> str:
        params = {"q": query} if query else {}
        if crisis:
            params["krise"] = "1"
        if n > 1:
            params["seite"] = str(n)
        return href(request, "/gespraeche") + ("?" + urlencode(params) if params else "")

    return render(request, ctx, "list.html", status_code=status, rows=shown,
                  total=len(rows), query=query, page=number, pages=pages,
                  prev_link=list_link(number - 1) if number > 1 else None,
                  next_link=list_link(number + 1) if number < pages else None,
                  crisis_only=crisis_only, crisis_total=crisis_total,
                  crisis_link=list_link(crisis=True), all_link=list_link(crisis=False),
                  resume_error=resume_error, code=code, callback_ids=callback_ids,
                  flash=await pop_flash(request, ctx))


@page(STAFF)
async def list_page(request: Request, ctx: Ctx) -> Response:
    return await conversation_list(request, ctx)


@page(STAFF)
async def new_conversation(request: Request, ctx: Ctx) -> Response:
    """A new conversation held together; marked "gemeinsam mit Fachkraft" once the
    person consents (before that nothing about it is stored)."""
    conversation_id = new_conversation_id()
    open_chat(ctx, conversation_id, existing=False, easy=False)
    await save_session_data(request, ctx)
    await audit(request, ctx, "chat_started", conversation_id)
    return RedirectResponse(href(request, f"/gespraech/{conversation_id}/chat"),
                            status_code=303)


@page(STAFF)
async def resume_by_code(request: Request, ctx: Ctx) -> Response:
    raw = ctx.field("code", 100)
    svc = services(request)
    found = await run_in_threadpool(svc.conversations.by_resume_code, raw) if raw else None
    if found is None:
        return await conversation_list(request, ctx, resume_error=st("resume_unknown"),
                                       code=raw, status=400)
    await audit(request, ctx, "open_by_code", found)
    return RedirectResponse(href(request, f"/gespraech/{found}/chat"), status_code=303)


routes = [
    Route("/", index, methods=["GET"]),
    Route("/anmelden", login_form, methods=["GET"]),
    Route("/anmelden", login, methods=["POST"]),
    Route("/abmelden", logout, methods=["POST"]),
    Route("/gespraeche", list_page, methods=["GET"]),
    Route("/gespraeche/neu", new_conversation, methods=["POST"]),
    Route("/gespraeche/fortsetzen", resume_by_code, methods=["POST"]),
]
