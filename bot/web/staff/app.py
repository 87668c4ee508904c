"""The staff console as a Starlette sub-app; bot/web/app.py mounts it at /staff."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response

from bot.staff import Clock, system_clock
from bot.staff.accounts import Accounts
from bot.staff.audit import AuditLog
from bot.staff.conversations import Conversations
from bot.staff.notes import Notes
from bot.staff.sessions import Sessions
from bot.storage.repository import Store
from bot.web.chat import ChatService, chat_service_for, closing_lifespan
from bot.web.config import WebConfig, check_secret, config_from_env
from bot.web.limits import make_limiter
from bot.web.security import SecurityHeadersMiddleware
from bot.web.staff import account, admin, callbacks, chat, conversation, pages
from bot.web.staff.auth import load_ctx
from bot.web.staff.services import Services
from bot.web.staff.templating import make_templates, message_page

ROUTES = [*pages.routes, *account.routes, *conversation.routes, *chat.routes,
          *callbacks.routes, *admin.routes]


async def not_found(request: Request, exc: Exception) -> Response:
    ctx = await load_ctx(request)
    return message_page(request, ctx, "not_found_title", "not_found_text", 404)


def create_staff_app(config: WebConfig | None = None, clock: Clock = system_clock,
                     store: Store | None = None, chat: ChatService | None = None) -> Starlette:
    """The console. bot/web/app.py hands in the public app's store and chat service (one
    Rasa client, closed by that app); alone (tests), it makes and closes its own."""
    config = config or config_from_env()
    check_secret(config.secret_key, "WebConfig.secret_key")
    store = store or Store(config.database_url, resume_policy=config.resume)
    own_chat = chat_service_for(config, store) if chat is None else None
    chat = chat or own_chat

    audit = AuditLog(config.database_url)
    app = Starlette(
        routes=list(ROUTES),
        middleware=[Middleware(SecurityHeadersMiddleware, hsts=config.hsts)],
        exception_handlers={404: not_found},
        lifespan=closing_lifespan(own_chat),
    )
    app.state.services = Services(
        config=config,
        store=store,
        accounts=Accounts(config.database_url, audit),
        sessions=Sessions(config.database_url),
        audit=audit,
        notes=Notes(config.database_url),
        conversations=Conversations(config.database_url, store),
        chat=chat,
        templates=make_templates(),
        message_limiter=make_limiter(config.redis_url, "staff-message",
                                     config.messages_per_minute, 60),
        clock=clock,
        pdf_limiter=make_limiter(config.redis_url, "staff-pdf", config.pdf_exports_per_client,
                                 config.pdf_window_seconds),
        click_limiter=make_limiter(config.redis_url, "staff-click",
                                   config.button_clicks_per_minute, 60),
    )
    return app
