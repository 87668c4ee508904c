"""The public web app (DESIGN.md § 6): pages, the chat proxy to Rasa, the person's data.

Started by uvicorn as a factory: `uvicorn bot.web.serve:create_app --factory
--no-proxy-headers` (bot/services.py). `--no-proxy-headers` matters: uvicorn would otherwise
take any loopback caller's X-Forwarded-For as the client address; the app believes it only
from LWIW_TRUSTED_PROXIES (bot/web/proxy.py).
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from bot.settings import ROOT
from bot.storage.repository import Store
from bot.web import api, mydata, pages
from bot.web.chat import chat_service_for, closing_lifespan
from bot.web.config import WebConfig, check_secret, config_from_env
from bot.web.limits import make_limiter
from bot.web.proxy import TrustedProxyMiddleware
from bot.web.security import BodyLimitMiddleware, SecurityHeadersMiddleware
from bot.web.session import SessionMiddleware
from bot.web.staff.app import create_staff_app
from bot.web.templating import make_templates, render

STATIC_DIR = ROOT / "static"


async def not_found(request: Request, exc: Exception) -> Response:
    return render(request, "message.html", status_code=404,
                  title_key="not_found_title", message_key="not_found_text")


def create_app(config: WebConfig | None = None) -> Starlette:
    """The public pages, the chat API and the staff console (mounted at /staff), sharing
    one store and one Rasa client, which the app closes when it stops."""
    config = config or config_from_env()
    check_secret(config.secret_key, "WebConfig.secret_key")
    store = Store(config.database_url, resume_policy=config.resume)
    chat = chat_service_for(config, store)

    app = Starlette(
        routes=[
            *pages.routes, *api.routes, *mydata.routes,
            Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
            Mount("/staff", app=create_staff_app(config, store=store, chat=chat)),
        ],
        middleware=[
            Middleware(TrustedProxyMiddleware, trusted=config.trusted_proxies),
            Middleware(SecurityHeadersMiddleware, hsts=config.hsts),
            Middleware(SessionMiddleware, secret_key=config.secret_key,
                       max_idle=config.session_idle_seconds, secure=config.secure_cookie),
            Middleware(BodyLimitMiddleware, max_bytes=config.max_body_bytes),
        ],
        exception_handlers={404: not_found},
        lifespan=closing_lifespan(chat),
    )
    app.state.config = config
    app.state.store = store
    app.state.chat = chat
    app.state.templates = make_templates()
    app.state.message_limiter = make_limiter(config.redis_url, "message",
                                             config.messages_per_minute, 60)
    app.state.click_limiter = make_limiter(config.redis_url, "click",
                                           config.button_clicks_per_minute, 60)
    app.state.pdf_limiter = make_limiter(config.redis_url, "pdf", config.pdf_exports,
                                         config.pdf_window_seconds)
    app.state.pdf_client_limiter = make_limiter(config.redis_url, "pdf-client",
                                                config.pdf_exports_per_client,
                                                config.pdf_window_seconds)
    return app
