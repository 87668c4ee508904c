"""Jinja2 templates (templates/web/, autoescaped) and the context every page gets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from bot.settings import ROOT
from bot.web import session as s
from bot.web.texts import page_texts

TEMPLATE_DIR = ROOT / "templates" / "web"
# parts the public pages and the staff console share (the chat's composer)
SHARED_TEMPLATE_DIR = ROOT / "templates" / "shared"


def template_environment(directory: Path) -> jinja2.Environment:
    """The Jinja2 environment of a set of pages: its own folder, then the shared parts;
    autoescaped (the person's text is never HTML), strict about undefined names."""
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(directory),
                                    jinja2.FileSystemLoader(SHARED_TEMPLATE_DIR)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def make_templates() -> Jinja2Templates:
    return Jinja2Templates(env=template_environment(TEMPLATE_DIR))


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
