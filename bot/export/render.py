"""HTML from the Jinja2 template (autoescaping on: a person's text is never HTML), and
PDF from the same HTML with WeasyPrint."""

from __future__ import annotations

import mimetypes
import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context

from bot.easy_format import date_text
from bot.export.document import TEMPLATE_DIR, context
from bot.settings import ROOT

STATIC_DIR = ROOT / "static"

SENTENCE_END = re.compile(r"(?<=[.!?:])\s+(?=[A-ZÄÖÜ0-9„])")


def sentence_lines(text: str) -> list[str]:
    """Leichte Sprache: one sentence per line."""
    return [part.strip() for line in (text or "").splitlines()
            for part in SENTENCE_END.split(line) if part.strip()]


@pass_context
def register_date(ctx: Context, value) -> str:
    """A date in the document's register: Leichte Sprache writes it out."""
    return date_text(value, bool(ctx.get("easy")))


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["date_de"] = register_date
    env.filters["lines"] = sentence_lines
    return env


def render_html(profile: dict, easy: bool = False, today: date | None = None) -> str:
    template = environment().get_template("profile.html.j2")
    return template.render(**context(profile, easy, today or date.today()))


def static_file(url: str, static_dir: Path = STATIC_DIR) -> Path | None:
    """The file a file: URL names, if it is one of our own static files (symlinks and
    ".." resolved first); None for anything else."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    root = static_dir.resolve()
    path = Path(unquote(parts.path)).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def static_fetcher() -> Any:
    """WeasyPrint's URL fetcher for the export: our own static files and data: URLs, and
    nothing else: no other file (file:///etc/passwd, the database, var/), no http(s), no
    ftp, no redirects. The document needs no resource today (its CSS is inline); this
    keeps it so even if a person's words ever reached the HTML unescaped."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFetcher(URLFetcher):
        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            if url[:5].lower() == "data:":
                return super().fetch(url, headers)
            path = static_file(url)
            if path is None:
                raise ValueError(f"not one of our static files: {url[:200]}")
            media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(),
                                      {"Content-Type": media_type})

    return StaticFetcher(allowed_protocols=("file", "data"), allow_redirects=False)


def render_pdf(html: str) -> bytes:
    # imported here: WeasyPrint loads Pango and fonts, which the HTML and JSON paths do not need
    # (a FontConfiguration reused across documents made rendering slower here, not faster)
    from weasyprint import HTML

    # relative URLs resolve in static/, the only place the fetcher reads from
    return HTML(string=html, base_url=STATIC_DIR.as_uri() + "/",
                url_fetcher=static_fetcher()).write_pdf()
