"""Everything a console request needs, built once per app: repositories, the chat proxy,
templates, the clock (injectable for tests)."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.templating import Jinja2Templates

from bot.staff import Clock
from bot.staff.accounts import Accounts
from bot.staff.audit import AuditLog
from bot.staff.conversations import Conversations
from bot.staff.notes import Notes
from bot.staff.sessions import Sessions
from bot.storage.repository import Store
from bot.web.chat import ChatService
from bot.web.config import WebConfig
from bot.web.limits import Limiter
from bot.web.proxy import client_address


@dataclass
class Services:
    config: WebConfig
    store: Store
    accounts: Accounts
    sessions: Sessions
    audit: AuditLog
    notes: Notes
    conversations: Conversations
    chat: ChatService
    templates: Jinja2Templates
    message_limiter: Limiter
    clock: Clock
    # PDF exports per staff account (WeasyPrint takes about a second each)
    pdf_limiter: Limiter | None = None
    # clicks on a button of the bot's last reply, counted apart (bot/web/api.py _guard)
    click_limiter: Limiter | None = None


def services(request: Request) -> Services:
    return request.app.state.services


def client_ip(request: Request) -> str:
    """The client's address, behind trusted proxies only (bot/web/proxy.py)."""
    return client_address(request)


def href(request: Request, path: str = "/") -> str:
    """A console URL: the mount point (/staff) + the path inside the console."""
    return request.scope.get("root_path", "").rstrip("/") + path
