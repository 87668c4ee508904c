"""Jinja2 templates (templates/web/, autoescaped) and the context every page gets."""

from __future__ import annotations

from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from bot.settings import ROOT
from bot.web import session as s
from bot.web.texts import page_texts

TEMPLATE_DIR = ROOT / "templates" / "web"


def make_templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,                 # every page: the person's text is never HTML
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return Jinja2Templates(env=env)


def render(request: Request, name: str, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    session = request.session
    easy = s.is_easy(session)
    config = request.app.state.config
    cid = s.conversation_id(session)
    base = {
        "t": page_texts(easy),
        "easy": easy,
        "csrf": s.csrf_token(session),
        "history_key": s.history_key(config.secret_key, cid),
        "current_path": request.url.path,
        "flash": None,
    }
    flash = session.pop(s.FLASH, None)
    if isinstance(flash, str) and flash in base["t"]:
        base["flash"] = base["t"][flash]
    base.update(context)
    return request.app.state.templates.TemplateResponse(request, name, base,
                                                        status_code=status_code)
