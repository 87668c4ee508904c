"""Jinja2 templates of the console (templates/staff/, autoescaped: the person's words are
always text), the context every page gets, and German date formats."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from bot.settings import ROOT
from bot.web.staff.services import href, services
from bot.web.staff.texts import staff_texts
from bot.web.templating import template_environment

if TYPE_CHECKING:  # auth renders pages with these helpers
    from bot.web.staff.auth import Ctx

TEMPLATE_DIR = ROOT / "templates" / "staff"
LOCAL_TIME = ZoneInfo("Europe/Berlin")


def local(value: datetime | str | None) -> datetime | None:
    """Stored times are naive UTC (profile times ISO strings); shown in Hamburg time."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(LOCAL_TIME)


def date_de(value: datetime | str | None) -> str:
    moment = local(value)
    return moment.strftime("%d.%m.%Y") if moment else ""


def datetime_de(value: datetime | str | None) -> str:
    moment = local(value)
    return moment.strftime("%d.%m.%Y, %H:%M Uhr") if moment else ""


def iso_local(value: datetime | str | None) -> str:
    moment = local(value)
    return moment.isoformat(timespec="minutes") if moment else ""


def make_templates() -> Jinja2Templates:
    env = template_environment(TEMPLATE_DIR)
    env.filters.update(date_de=date_de, datetime_de=datetime_de, iso_local=iso_local)
    return Jinja2Templates(env=env)


def render(request: Request, ctx: Ctx, template: str, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    root = href(request, "")
    account = ctx.console.account if ctx.console else None
    base = {
        "t": staff_texts(),
        "root": root,
        "user": account,
        "csrf": ctx.csrf,
        "current_path": request.url.path,
        "open_callbacks": ctx.open_callbacks,
        "flash": context.pop("flash", None),
        "errors": [],
        "body_class": "",
    }
    base.update(context)
    return services(request).templates.TemplateResponse(request, template, base,
                                                        status_code=status_code)


def message_page(request: Request, ctx: Ctx, title_key: str, text_key: str,
                 status_code: int) -> HTMLResponse:
    return render(request, ctx, "message.html", status_code=status_code,
                  title_key=title_key, text_key=text_key)
