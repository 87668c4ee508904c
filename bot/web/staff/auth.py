"""Who is asking: the console cookie, the CSRF check, and the access rule of every route.

The cookie `lwiw_staff` (signed, HttpOnly, SameSite=Strict, Path=/staff) is separate from
the person's chat cookie. Before login it carries only a CSRF token for the login form;
after login a random token whose hash names the session row in the database.

Every endpoint is wrapped by `page(access)` or `api(access)`; `access` is one of
PUBLIC (only the login), STAFF (counsellors and admins) and ADMIN. An admin without a
second factor (TOTP) is sent to set it up first; only the pages marked
`before_enrolment=True` (that one, the own account, logout) are open until then.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from itsdangerous import BadData, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from bot.staff.sessions import MAX_HOURS, ConsoleSession
from bot.web.staff.services import client_ip, href, services
from bot.web.staff.templating import message_page
from bot.web.staff.texts import st

COOKIE_NAME = "lwiw_staff"
SALT = "lwiw-staff-console"
PUBLIC, STAFF, ADMIN = "public", "staff", "admin"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
MAX_FORM_FIELDS = 20
MAX_ID_CHARS = 128               # conversations.id
MAX_ACCOUNT_ID = 2**31 - 1       # staff_accounts.id, callback_requests.id (integer columns)
TOTP_SETUP_PATH = "/konto/zwei-faktor"


@dataclass
class Ctx:
    """The request's console session (None before login), its CSRF token, the form."""

    console: ConsoleSession | None
    csrf: str
    form: FormData | None = None
    new_cookie: str | None = None  # a CSRF token for the login form, to be set
    open_callbacks: int | None = None  # for the navigation (pages of logged-in staff)

    def field(self, name: str, limit: int = 10_000) -> str:
        value = self.form.get(name) if self.form is not None else None
        return value[:limit] if isinstance(value, str) else ""


Handler = Callable[[Request, Ctx], Awaitable[Response]]


def _serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(services(request).config.secret_key, salt=SALT)


def read_cookie(request: Request) -> dict[str, Any]:
    raw = request.cookies.get(COOKIE_NAME)
    if not raw:
        return {}
    try:
        data = _serializer(request).loads(raw, max_age=MAX_HOURS * 3600)
    except BadData:
        return {}
    return data if isinstance(data, dict) else {}


def cookie_header(request: Request, payload: dict[str, str] | None) -> str:
    config = services(request).config
    flags = f"Path={href(request, '') or '/'}; HttpOnly; SameSite=Strict"
    if config.secure_cookie:
        flags += "; Secure"
    if payload is None:
        return f"{COOKIE_NAME}=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; {flags}"
    return f"{COOKIE_NAME}={_serializer(request).dumps(payload)}; {flags}"


async def load_ctx(request: Request) -> Ctx:
    cookie = read_cookie(request)
    token = cookie.get("t")
    if isinstance(token, str):
        svc = services(request)
        console = await run_in_threadpool(svc.sessions.load, token, svc.clock())
        if console is not None:
            return Ctx(console, console.csrf)
    csrf = cookie.get("c")
    if isinstance(csrf, str) and len(csrf) >= 32:
        return Ctx(None, csrf)
    fresh = secrets.token_urlsafe(32)
    return Ctx(None, fresh, new_cookie=fresh)


def csrf_ok(expected: str, given: object) -> bool:
    return (isinstance(given, str) and bool(given)
            and hmac.compare_digest(expected.encode(), given.encode()))


def with_cookie(request: Request, response: Response, ctx: Ctx) -> Response:
    if ctx.new_cookie is not None:
        response.headers.append("set-cookie", cookie_header(request, {"c": ctx.new_cookie}))
    return response


def _login_redirect(request: Request) -> RedirectResponse:
    target = href(request, "/anmelden")
    if request.method == "GET":
        target += "?" + urlencode({"weiter": request.url.path})
    return RedirectResponse(target, status_code=303)


async def _denied(request: Request, ctx: Ctx) -> None:
    svc = services(request)
    account = ctx.console.account
    await run_in_threadpool(svc.audit.record, "access_denied", account.name, account.id,
                            detail=f"{request.method} {request.url.path}"[:500],
                            ip=client_ip(request), now=svc.clock())


def _impossible_id(request: Request) -> bool:
    """An id in the URL that cannot name anything: longer than its database column, with
    control characters, an account or callback request number beyond the integer column.
    Answered 404 before it reaches the database (where PostgreSQL would refuse it with an
    error, a 500)."""
    cid = request.path_params.get("cid")
    if isinstance(cid, str) and (len(cid) > MAX_ID_CHARS
                                 or any(ord(char) < 32 or char == "\x7f" for char in cid)):
        return True
    return any(isinstance(number, int) and not 0 < number <= MAX_ACCOUNT_ID
               for number in (request.path_params.get("account_id"),
                              request.path_params.get("request_id")))


def _enrol_first(ctx: Ctx, before_enrolment: bool) -> bool:
    return (ctx.console is not None and not before_enrolment
            and ctx.console.account.needs_totp_enrolment)


def page(access: str, before_enrolment: bool = False
         ) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """An HTML page or form target: anonymous → login, admin without second factor → its
    set-up, wrong role → 403, POST → CSRF."""

    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            ctx = await load_ctx(request)
            if access != PUBLIC and ctx.console is None:
                return with_cookie(request, _login_redirect(request), ctx)
            if access != PUBLIC and _enrol_first(ctx, before_enrolment):
                return RedirectResponse(href(request, TOTP_SETUP_PATH), status_code=303)
            if ctx.console is not None:
                ctx.open_callbacks = await run_in_threadpool(
                    services(request).store.open_callback_count)
            if access == ADMIN and not ctx.console.account.is_admin:
                await _denied(request, ctx)
                return message_page(request, ctx, "forbidden_title", "forbidden_text", 403)
            if _impossible_id(request):
                return with_cookie(request, message_page(
                    request, ctx, "not_found_title", "not_found_text", 404), ctx)
            if request.method == "POST":
                ctx.form = await request.form(max_fields=MAX_FORM_FIELDS, max_files=0)
                if not csrf_ok(ctx.csrf, ctx.form.get(CSRF_FIELD)):
                    return with_cookie(request, message_page(
                        request, ctx, "csrf_title", "csrf_text", 403), ctx)
            return with_cookie(request, await handler(request, ctx), ctx)

        endpoint.__name__ = handler.__name__
        endpoint.__doc__ = handler.__doc__
        endpoint.access = access  # type: ignore[attr-defined]
        return endpoint

    return wrap


def api_error(status: int, code: str, key: str) -> JSONResponse:
    return JSONResponse({"error": code, "message": st(key)}, status_code=status)


def api(access: str) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """A JSON endpoint of the console chat: anonymous → 401, wrong role → 403,
    missing or wrong X-CSRF-Token → 403."""

    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            ctx = await load_ctx(request)
            if ctx.console is None:
                return api_error(401, "login", "api_login")
            if _enrol_first(ctx, False):
                return api_error(403, "totp_required", "api_totp_required")
            if access == ADMIN and not ctx.console.account.is_admin:
                await _denied(request, ctx)
                return api_error(403, "forbidden", "forbidden_text")
            if _impossible_id(request):
                return api_error(404, "not_found", "not_found_text")
            if not csrf_ok(ctx.csrf, request.headers.get(CSRF_HEADER)):
                return api_error(403, "session", "api_forbidden")
            return await handler(request, ctx)

        endpoint.__name__ = handler.__name__
        endpoint.__doc__ = handler.__doc__
        endpoint.access = access  # type: ignore[attr-defined]
        return endpoint

    return wrap


async def audit(request: Request, ctx: Ctx, action: str, conversation_id: str | None = None,
                detail: str = "") -> None:
    """Write an audit entry for the logged-in staff member."""
    svc = services(request)
    account = ctx.console.account
    await run_in_threadpool(svc.audit.record, action, account.name, account.id,
                            conversation_id=conversation_id, detail=detail,
                            ip=client_ip(request), now=svc.clock())


async def save_session_data(request: Request, ctx: Ctx) -> None:
    await run_in_threadpool(services(request).sessions.save_data, ctx.console)


async def set_flash(request: Request, ctx: Ctx, text: str, kind: str = "ok") -> None:
    """A one-time message shown on the next page (after a redirect)."""
    ctx.console.data["flash"] = {"kind": kind, "text": text}
    await save_session_data(request, ctx)


async def pop_flash(request: Request, ctx: Ctx) -> dict[str, str] | None:
    if ctx.console is None or "flash" not in ctx.console.data:
        return None
    flash = ctx.console.data.pop("flash")
    await save_session_data(request, ctx)
    return flash if isinstance(flash, dict) else None
