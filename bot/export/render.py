"""HTML from the Jinja2 template (autoescaping on: a person's text is never HTML), and
PDF from the same HTML with WeasyPrint."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.export.document import TEMPLATE_DIR, context, german_date

SENTENCE_END = re.compile(r"(?<=[.!?:])\s+(?=[A-ZÄÖÜ0-9„])")


def sentence_lines(text: str) -> list[str]:
    """Leichte Sprache: one sentence per line."""
    return [part.strip() for line in (text or "").splitlines()
            for part in SENTENCE_END.split(line) if part.strip()]


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["date_de"] = german_date
    env.filters["lines"] = sentence_lines
    return env


def render_html(profile: dict, easy: bool = False, today: date | None = None) -> str:
    template = environment().get_template("profile.html.j2")
    return template.render(**context(profile, easy, today or date.today()))


def render_pdf(html: str) -> bytes:
    # imported here: WeasyPrint loads Pango and fonts, which the HTML and JSON paths do not need
    # (a FontConfiguration reused across documents made rendering slower here, not faster)
    from weasyprint import HTML

    return HTML(string=html, base_url=str(TEMPLATE_DIR)).write_pdf()
