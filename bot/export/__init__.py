"""Export of the profile for the Gesamtplankonferenz: HTML, PDF (same template) and JSON
(the schema'd profile), in standard German or Leichte Sprache."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date

from bot.export.render import render_html, render_pdf
from bot.profile import build_profile
from bot.storage.repository import Store

FORMATS = ("pdf", "html", "json")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
}


class NoConsentError(PermissionError):
    """The conversation has no consent to storage: there is nothing that may be exported."""


def export_conversation(store: Store, conversation_id: str, fmt: str, easy: bool = False,
                        staff_notes: Iterable[dict] | None = None,
                        today: date | None = None) -> tuple[bytes, str]:
    """The profile of a conversation (Rasa sender id) as (content, media type).

    fmt: pdf | html | json. `easy` gives the Leichte-Sprache document for the person
    (the JSON carries both registers anyway). Raises NoConsentError without consent and
    ValueError for an unknown format.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}, use one of {FORMATS}")
    canonical = store.canonical_id(conversation_id)
    conversation = store.get_conversation(canonical)
    if conversation is None or not conversation.consent_given:
        raise NoConsentError(conversation_id)
    profile = build_profile(store, canonical, today=today, staff_notes=staff_notes)
    if fmt == "json":
        content = json.dumps(profile, ensure_ascii=False, indent=2).encode("utf-8")
        return content, MEDIA_TYPES["json"]
    html = render_html(profile, easy=easy, today=today)
    if fmt == "html":
        return html.encode("utf-8"), MEDIA_TYPES["html"]
    return render_pdf(html), MEDIA_TYPES["pdf"]


__all__ = ["FORMATS", "MEDIA_TYPES", "NoConsentError", "export_conversation"]
