"""The staff member's own account: changing the password, setting up the second factor
(TOTP, bot/staff/totp.py), and the login's second step that asks for the code.

Between the two steps of a login nothing is logged in: the console cookie carries only the
login form's CSRF token and, signed, which account gave the right password and when
(`p`). The code must follow within PENDING_SECONDS; a wrong code counts as a failed login.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timezone
from typing import Any

from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.staff import totp
from bot.staff.accounts import Account, AccountError
from bot.web.staff.auth import (
    MAX_ACCOUNT_ID,
    PUBLIC,
    STAFF,
    TOTP_SETUP_PATH,
    Ctx,
    cookie_header,
    page,
    pop_flash,
    read_cookie,
    set_flash,
)
from bot.web.staff.services import client_ip, href, services
from bot.web.staff.templating import render
from bot.web.staff.texts import st

PENDING_KEY = "p"
PENDING_SECONDS = 5 * 60
CODE_PATH = "/anmelden/code"


def _epoch(moment: datetime) -> float:
    return moment.replace(tzinfo=timezone.utc).timestamp()


# --- the login's second step -------------------------------------------------------------


async def ask_for_code(request: Request, ctx: Ctx, account: Account,
                       target: str) -> Response:
    """The password was right and the account has a second factor: remember that (signed,
    for PENDING_SECONDS) and ask for the code. `target` is already a safe console URL."""
    svc = services(request)
    if ctx.console is not None:  # logging in again ends the old session
        await run_in_threadpool(svc.sessions.end, ctx.console.key)
    csrf = ctx.csrf if ctx.console is None else secrets.token_urlsafe(32)
    ctx.new_cookie = None
    pending = {"a": account.id, "at": _epoch(svc.clock()), "w": target}
    response = RedirectResponse(href(request, CODE_PATH), status_code=303)
    response.headers.append("set-cookie", cookie_header(request, {"c": csrf,
                                                                  PENDING_KEY: pending}))
    return response


async def finish_login(request: Request, ctx: Ctx, account: Account,
                       target: str) -> Response:
    """A new console session (never the old one: no session fixation). An admin without
    a second factor goes to its set-up first."""
    svc = services(request)
    if ctx.console is not None:
        await run_in_threadpool(svc.sessions.end, ctx.console.key)
    ctx.new_cookie = None
    token, _ = await run_in_threadpool(svc.sessions.create, account, svc.clock())
    destination = href(request, TOTP_SETUP_PATH) if account.needs_totp_enrolment else target
    response = RedirectResponse(destination, status_code=303)
    response.headers.append("set-cookie", cookie_header(request, {"t": token}))
    return response


def _pending(request: Request) -> dict[str, Any] | None:
    """The half-finished login of this browser, if it is still fresh."""
    pending = read_cookie(request).get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    account_id, at, target = pending.get("a"), pending.get("at"), pending.get("w")
    # an id beyond the integer column would reach the database as an error (a 500)
    if not (isinstance(account_id, int) and not isinstance(account_id, bool)
            and 0 < account_id <= MAX_ACCOUNT_ID and isinstance(at, (int, float))
            and isinstance(target, str)):
        return None
    age = _epoch(services(request).clock()) - at
    return pending if 0 <= age <= PENDING_SECONDS else None


def _back_to_login(request: Request, ctx: Ctx) -> Response:
    response = RedirectResponse(href(request, "/anmelden"), status_code=303)
    if read_cookie(request).get(PENDING_KEY) is not None:
        response.headers.append("set-cookie", cookie_header(request, {"c": ctx.csrf}))
        ctx.new_cookie = None
    return response


def _code_page(request: Request, ctx: Ctx, error: str | None = None,
               status: int = 200) -> Response:
    return render(request, ctx, "login_code.html", status_code=status, error=error,
                  body_class="login-page")


@page(PUBLIC)
async def code_form(request: Request, ctx: Ctx) -> Response:
    if ctx.console is not None or _pending(request) is None:
        return _back_to_login(request, ctx)
    return _code_page(request, ctx)


@page(PUBLIC)
async def code_check(request: Request, ctx: Ctx) -> Response:
    pending = _pending(request)
    if pending is None:
        return _back_to_login(request, ctx)
    svc = services(request)
    result = await run_in_threadpool(svc.accounts.verify_totp, pending["a"],
                                     ctx.field("code", 20), client_ip(request), svc.clock())
    if result.status == "ok":
        return await finish_login(request, ctx, result.account, pending["w"])
    if result.status in ("locked", "blocked"):
        response = render(request, ctx, "login.html", status_code=429, notice=None,
                           error=st("code_locked" if result.status == "locked"
                                    else "code_blocked"),
                           name="", target="", body_class="login-page")
        response.headers.append("set-cookie", cookie_header(request, {"c": ctx.csrf}))
        return response
    return _code_page(request, ctx, st("code_invalid"), 400)


# --- the own account: password -----------------------------------------------------------


async def account_view(request: Request, ctx: Ctx, error: str | None = None,
                       status: int = 200) -> Response:
    return render(request, ctx, "account.html", status_code=status, error=error,
                  flash=await pop_flash(request, ctx))


@page(STAFF, before_enrolment=True)
async def account_page(request: Request, ctx: Ctx) -> Response:
    return await account_view(request, ctx)


@page(STAFF, before_enrolment=True)
async def password_change(request: Request, ctx: Ctx) -> Response:
    """The current password once more and the new one twice (the rules of
    bot.staff.accounts.check_password); the other sessions of the account end."""
    svc = services(request)
    me = ctx.console.account
    try:
        await run_in_threadpool(lambda: svc.accounts.change_password(
            me.id, ctx.field("current", 1024), ctx.field("password", 1024),
            ctx.field("password2", 1024), ip=client_ip(request), now=svc.clock()))
    except AccountError as error:
        return await account_view(request, ctx, str(error), 400)
    await run_in_threadpool(svc.sessions.end_others, me.id, ctx.console.key)
    await set_flash(request, ctx, st("password_changed"))
    return RedirectResponse(href(request, "/konto"), status_code=303)


# --- the own account: second factor ------------------------------------------------------


async def totp_view(request: Request, ctx: Ctx, error: str | None = None,
                    status: int = 200) -> Response:
    svc = services(request)
    me = ctx.console.account
    context: dict[str, Any] = {"enabled": me.totp_enabled, "required": me.is_admin,
                               "error": error}
    if not me.totp_enabled:
        secret = await run_in_threadpool(svc.accounts.totp_secret_for_enrolment, me.id)
        context.update(
            secret=totp.grouped(secret),
            qr=Markup(totp.qr_svg(totp.provisioning_uri(secret, me.name),
                                  st("totp_qr_label"))))
    return render(request, ctx, "totp.html", status_code=status,
                  flash=await pop_flash(request, ctx), **context)


@page(STAFF, before_enrolment=True)
async def totp_page(request: Request, ctx: Ctx) -> Response:
    return await totp_view(request, ctx)


@page(STAFF, before_enrolment=True)
async def totp_enrol(request: Request, ctx: Ctx) -> Response:
    svc = services(request)
    me = ctx.console.account
    if me.totp_enabled:
        return await totp_view(request, ctx, st("totp_already"), 400)
    done = await run_in_threadpool(svc.accounts.enable_totp, me.id, ctx.field("code", 20),
                                   client_ip(request), svc.clock())
    if not done:
        return await totp_view(request, ctx, st("code_invalid"), 400)
    await set_flash(request, ctx, st("totp_enabled"))
    return RedirectResponse(href(request, "/gespraeche"), status_code=303)


routes = [
    Route(CODE_PATH, code_form, methods=["GET"]),
    Route(CODE_PATH, code_check, methods=["POST"]),
    Route("/konto", account_page, methods=["GET"]),
    Route("/konto/passwort", password_change, methods=["POST"]),
    Route(TOTP_SETUP_PATH, totp_page, methods=["GET"]),
    Route(TOTP_SETUP_PATH, totp_enrol, methods=["POST"]),
]
