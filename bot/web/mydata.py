"""The person's own data: see the answers, download them, delete everything."""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.catalogue import load_questions
from bot.storage.repository import AnswerView, Store
from bot.web import session as s
from bot.web.pages import forbidden
from bot.web.templating import render

log = logging.getLogger(__name__)
EXPORT_MEDIA_TYPES = {"pdf": "application/pdf", "json": "application/json",
                      "html": "text/html; charset=utf-8"}


@dataclass(frozen=True)
class AnswerGroup:
    question_id: str
    title: str
    answers: tuple[AnswerView, ...]


def group_answers(answers: list[AnswerView], easy: bool) -> list[AnswerGroup]:
    """Answers in the order of the guiding questions, under each question's title."""
    return [
        AnswerGroup(q.id, q.title.get(easy), tuple(a for a in answers if a.question_id == q.id))
        for q in load_questions()
        if any(a.question_id == q.id for a in answers)
    ]


def _profile(store: Store, sender: str) -> tuple[bool, str | None, list[AnswerView]]:
    conversation = store.get_conversation(sender)
    if conversation is None or not conversation.consent_given:
        return False, None, []
    since = conversation.consent_at.strftime("%d.%m.%Y") if conversation.consent_at else None
    return True, since, store.active_answers(sender)


async def profile(request: Request) -> Response:
    sender = s.conversation_id(request.session)
    consent, since, answers = await run_in_threadpool(_profile, request.app.state.store, sender)
    return render(request, "profile.html", consent=consent, consent_since=since,
                  groups=group_answers(answers, s.is_easy(request.session)))


async def delete_confirm(request: Request) -> Response:
    return render(request, "delete.html")


async def delete(request: Request) -> Response:
    form = await request.form()
    session = request.session
    if not s.csrf_ok(session, form.get("csrf")):
        return forbidden(request)
    sender = s.conversation_id(session)
    await run_in_threadpool(request.app.state.store.delete_conversation, sender,
                            tracker_now=True)
    s.start_over(session)
    session[s.FLASH] = "deleted_notice"
    return RedirectResponse("/", status_code=303)


def _message(request: Request, status: int, key: str) -> Response:
    return render(request, "message.html", status_code=status, title_key="download_title",
                  message_key=key, back_to_profile=True)


async def export(request: Request) -> Response:
    fmt = request.path_params["fmt"]
    if fmt not in EXPORT_MEDIA_TYPES:
        return render(request, "message.html", status_code=404,
                      title_key="not_found_title", message_key="not_found_text")
    store: Store = request.app.state.store
    sender = s.conversation_id(request.session)
    # ?leicht=1 asks for the Leichte-Sprache document whatever the page's register is
    easy = s.is_easy(request.session) or request.query_params.get("leicht") == "1"
    if not await run_in_threadpool(store.has_consent, sender):
        return _message(request, 403, "export_no_consent")
    try:
        exporter = importlib.import_module("bot.export")
    except ImportError:
        log.exception("bot.export is not available")
        return _message(request, 503, "export_unavailable")
    no_consent = getattr(exporter, "NoConsentError", LookupError)
    try:
        data, kind = await run_in_threadpool(exporter.export_conversation, store, sender, fmt,
                                             easy=easy)
    except no_consent:
        return _message(request, 403, "export_no_consent")
    media_type = kind if "/" in str(kind) else EXPORT_MEDIA_TYPES[fmt]
    return Response(data, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="lwiw-uebersicht.{fmt}"',
    })


routes = [
    Route("/meine-daten", profile),
    Route("/meine-daten/loeschen", delete_confirm),
    Route("/meine-daten/loeschen", delete, methods=["POST"]),
    Route("/meine-daten/export.{fmt}", export),
]
