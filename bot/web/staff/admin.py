"""Admins only: the audit log (newest first, filter by staff member) and the accounts
(list, add, deactivate/activate, reset a lockout)."""

from __future__ import annotations

import math
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.staff.accounts import AccountError
from bot.web.staff.auth import ADMIN, Ctx, audit, page, pop_flash, set_flash
from bot.web.staff.services import client_ip, href, services
from bot.web.staff.templating import message_page, render
from bot.web.staff.texts import st

AUDIT_PAGE_SIZE = 100


@page(ADMIN)
async def audit_page(request: Request, ctx: Ctx) -> Response:
    svc = services(request)
    actor = request.query_params.get("konto", "")[:64] or None
    await audit(request, ctx, "view_audit", detail=f"Filter: {actor}" if actor else "")
    total = await run_in_threadpool(svc.audit.count, actor)
    pages = max(1, math.ceil(total / AUDIT_PAGE_SIZE))
    try:
        number = min(max(int(request.query_params.get("seite", "1")), 1), pages)
    except ValueError:
        number = 1
    entries = await run_in_threadpool(lambda: svc.audit.entries(
        actor=actor, limit=AUDIT_PAGE_SIZE, offset=(number - 1) * AUDIT_PAGE_SIZE))
    actors = await run_in_threadpool(svc.audit.actors)

    def link(n: int) -> str:
        params = {"konto": actor} if actor else {}
        if n > 1:
            params["seite"] = str(n)
        return href(request, "/protokoll") + ("?" + urlencode(params) if params else "")

    return render(request, ctx, "audit.html", entries=entries, actors=actors, actor=actor,
                  total=total, page=number, pages=pages,
                  prev_link=link(number - 1) if number > 1 else None,
                  next_link=link(number + 1) if number < pages else None)


async def accounts_view(request: Request, ctx: Ctx, error: str | None = None,
                        form: dict[str, str] | None = None, status: int = 200) -> Response:
    svc = services(request)
    accounts = await run_in_threadpool(svc.accounts.all)
    return render(request, ctx, "accounts.html", status_code=status, accounts=accounts,
                  now=svc.clock(), error=error, form=form or {"name": "", "role": "counsellor"},
                  flash=await pop_flash(request, ctx))


@page(ADMIN)
async def accounts_page(request: Request, ctx: Ctx) -> Response:
    await audit(request, ctx, "view_accounts")
    return await accounts_view(request, ctx)


@page(ADMIN)
async def account_create(request: Request, ctx: Ctx) -> Response:
    svc = services(request)
    name, role = ctx.field("name", 64).strip(), ctx.field("role", 16)
    password, repeated = ctx.field("password", 1024), ctx.field("password2", 1024)
    form = {"name": name, "role": role}
    if password != repeated:
        return await accounts_view(request, ctx, st("account_passwords_differ"), form, 400)
    try:
        account = await run_in_threadpool(
            lambda: svc.accounts.create(name, role, password, by=ctx.console.account,
                                        ip=client_ip(request), now=svc.clock()))
    except AccountError as error:
        return await accounts_view(request, ctx, str(error), form, 400)
    await set_flash(request, ctx, st("account_created", name=account.name))
    return RedirectResponse(href(request, "/konten"), status_code=303)


def _account_id(request: Request) -> int | None:
    try:
        return int(request.path_params["account_id"])
    except ValueError:
        return None


async def _change(request: Request, ctx: Ctx, change: str) -> Response:
    svc = services(request)
    account_id = _account_id(request)
    target = await run_in_threadpool(svc.accounts.get, account_id) if account_id else None
    if target is None:
        return message_page(request, ctx, "not_found_title", "not_found_text", 404)
    me, ip = ctx.console.account, client_ip(request)
    if change == "deactivate":
        if target.id == me.id:
            await set_flash(request, ctx, st("account_not_self"), "error")
            return RedirectResponse(href(request, "/konten"), status_code=303)
        await run_in_threadpool(svc.accounts.set_active, target.id, False, me, ip)
        await run_in_threadpool(svc.sessions.end_all, target.id)
        text = st("account_deactivated", name=target.name)
    elif change == "activate":
        await run_in_threadpool(svc.accounts.set_active, target.id, True, me, ip)
        text = st("account_activated", name=target.name)
    else:
        await run_in_threadpool(svc.accounts.reset_lockout, target.id, me, ip)
        text = st("account_unlocked", name=target.name)
    await set_flash(request, ctx, text)
    return RedirectResponse(href(request, "/konten"), status_code=303)


@page(ADMIN)
async def account_deactivate(request: Request, ctx: Ctx) -> Response:
    return await _change(request, ctx, "deactivate")


@page(ADMIN)
async def account_activate(request: Request, ctx: Ctx) -> Response:
    return await _change(request, ctx, "activate")


@page(ADMIN)
async def account_unlock(request: Request, ctx: Ctx) -> Response:
    return await _change(request, ctx, "unlock")


routes = [
    Route("/protokoll", audit_page, methods=["GET"]),
    Route("/konten", accounts_page, methods=["GET"]),
    Route("/konten", account_create, methods=["POST"]),
    Route("/konten/{account_id:int}/deaktivieren", account_deactivate, methods=["POST"]),
    Route("/konten/{account_id:int}/aktivieren", account_activate, methods=["POST"]),
    Route("/konten/{account_id:int}/entsperren", account_unlock, methods=["POST"]),
]
