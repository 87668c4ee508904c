"""The public web app (DESIGN.md § 6): pages, the chat proxy to Rasa, the person's data.

Started by uvicorn as a factory: `uvicorn bot.web.app:create_app --factory`.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from bot.settings import ROOT
from bot.storage.repository import Store
from bot.web import api, mydata, pages
from bot.web.chat import ChatService
from bot.web.config import WebConfig, config_from_env
from bot.web.limits import make_limiter
from bot.web.rasa import RasaClient
from bot.web.security import BodyLimitMiddleware, SecurityHeadersMiddleware
from bot.web.session import SessionMiddleware
from bot.web.templating import make_templates, render

STATIC_DIR = ROOT / "static"
STAFF_MODULE = "bot.web.staff"


async def not_found(request: Request, exc: Exception) -> Response:
    return render(request, "message.html", status_code=404,
                  title_key="not_found_title", message_key="not_found_text")


def staff_routes() -> list[Mount]:
    """The staff console, if its module exists (built separately)."""
    if importlib.util.find_spec(STAFF_MODULE) is None:
        return []
    staff = importlib.import_module(STAFF_MODULE)
    return [Mount("/staff", app=staff.create_staff_app())]


def create_app(config: WebConfig | None = None) -> Starlette:
    config = config or config_from_env()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.chat = ChatService(RasaClient(config.rasa_url, config.rasa_timeout),
                                     app.state.store)
        try:
            yield
        finally:
            await app.state.chat.rasa.aclose()

    app = Starlette(
        routes=[
            *pages.routes, *api.routes, *mydata.routes,
            Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
            *staff_routes(),
        ],
        middleware=[
            Middleware(SecurityHeadersMiddleware),
            Middleware(SessionMiddleware, secret_key=config.secret_key,
                       max_idle=config.session_idle_seconds, secure=config.secure_cookie),
            Middleware(BodyLimitMiddleware, max_bytes=config.max_body_bytes),
        ],
        exception_handlers={404: not_found},
        lifespan=lifespan,
    )
    app.state.config = config
    app.state.store = Store(config.database_url)
    app.state.templates = make_templates()
    app.state.message_limiter = make_limiter(config.redis_url, "message",
                                             config.messages_per_minute, 60)
    app.state.resume_limiter = make_limiter(config.redis_url, "resume", config.resume_attempts,
                                            config.resume_window_seconds)
    return app
