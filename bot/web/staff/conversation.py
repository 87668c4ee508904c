"""One conversation in the console: the profile page (crisis markers to follow up, the
person's own words, the structured items with their confirmation, next steps, and the
counsellors' notes per section), adding notes and a short name, export, and deletion with
a confirmation step.

No route here changes an answer of the person.
"""

from __future__ import annotations

import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot import texts
from bot.catalogue import load_questions
from bot.dialogue.authorship import authorship_line, voice_label
from bot.staff.conversations import ConversationRow
from bot.staff.notes import SECTIONS, NoteError, by_section
from bot.storage.repository import AnswerView, AuthorshipView
from bot.web.staff.auth import STAFF, Ctx, audit, page, pop_flash, set_flash
from bot.web.staff.services import Services, href, services
from bot.web.staff.templating import message_page, render
from bot.web.staff.texts import st

EXPORT_FORMATS = {"pdf": "application/pdf", "html": "text/html; charset=utf-8",
                  "json": "application/json"}
FORMAT_NAMES = {"pdf": "PDF", "html": "HTML", "json": "JSON"}


def _not_found(request: Request, ctx: Ctx) -> Response:
    return message_page(request, ctx, "not_found_title", "not_found_text", 404)


def _profile_url(request: Request, conversation_id: str, anchor: str = "") -> str:
    return href(request, f"/gespraech/{conversation_id}") + (f"#{anchor}" if anchor else "")


def answer_groups(answers: list[AnswerView], states: dict[str, str],
                  writing: AuthorshipView | None = None) -> list[dict]:
    """The verbatim answers under the six questions (every question, answered or not).
    When someone wrote for the person (issue 16), the person's own words come first and
    each answer says whose words it is (`whose`: answer id → "Angaben der Mutter")."""
    groups = []
    for q in load_questions():
        own = sorted((a for a in answers if a.question_id == q.id),
                     key=lambda a: a.voice != "person")
        whose = {a.id: label for a in own
                 if (label := voice_label(writing, a.voice, False)) is not None}
        groups.append({"id": q.id, "number": q.number, "title": q.title.standard,
                       "answers": own, "whose": whose, "state": states.get(q.id)})
    return groups


def _load(svc: Services, conversation_id: str) -> dict | None:
    row = svc.conversations.row(conversation_id)
    if row is None:
        return None
    notes = svc.notes.for_conversation(conversation_id)
    profile = svc.conversations.profile(
        conversation_id, staff_notes=[n.as_profile_note() for n in notes])
    return {
        "row": row, "notes": by_section(notes), "profile": profile,
        "groups": answer_groups(svc.store.active_answers(conversation_id),
                                svc.store.question_states(conversation_id),
                                svc.store.authorship(conversation_id)),
        "writing": authorship_line(svc.store.authorship(conversation_id)),
        "voices": {voice: voice_label(svc.store.authorship(conversation_id), voice, False)
                   for voice in ("person", "writer")},
        "urgent": svc.store.urgent_needs(conversation_id),
        "urgent_kinds": {key: value["standard"]
                         for key, value in texts.entry("ui", "urgent_kinds").items()},
        "crisis_markers": svc.store.crisis_markers(conversation_id),
        "callbacks": svc.store.callback_requests_of(conversation_id),
    }


@page(STAFF)
async def profile_page(request: Request, ctx: Ctx) -> Response:
    conversation_id = request.path_params["cid"]
    data = await run_in_threadpool(_load, services(request), conversation_id)
    if data is None:
        return _not_found(request, ctx)
    await audit(request, ctx, "view_profile", conversation_id)
    return render(request, ctx, "profile.html", conversation_id=conversation_id,
                  sections=SECTIONS, flash=await pop_flash(request, ctx), **data)


async def _known(request: Request, conversation_id: str) -> bool:
    return await run_in_threadpool(services(request).conversations.row,
                                   conversation_id) is not None


@page(STAFF)
async def add_note(request: Request, ctx: Ctx) -> Response:
    conversation_id = request.path_params["cid"]
    if not await _known(request, conversation_id):
        return _not_found(request, ctx)
    section = ctx.field("section", 32)
    if section not in SECTIONS:
        return message_page(request, ctx, "not_found_title", "not_found_text", 400)
    try:
        await run_in_threadpool(services(request).notes.add, conversation_id, section,
                                ctx.console.account.id, ctx.field("text", 20_000),
                                services(request).clock())
    except NoteError as error:
        key = "note_too_long" if str(error) == "too_long" else "note_empty"
        await set_flash(request, ctx, st(key), "error")
        return RedirectResponse(_profile_url(request, conversation_id, f"notes-{section}"),
                                status_code=303)
    await audit(request, ctx, "note_added", conversation_id, detail=f"Abschnitt {section}")
    await set_flash(request, ctx, st("note_saved"))
    return RedirectResponse(_profile_url(request, conversation_id, f"notes-{section}"),
                            status_code=303)


@page(STAFF)
async def set_pseudonym(request: Request, ctx: Ctx) -> Response:
    conversation_id = request.path_params["cid"]
    if not await _known(request, conversation_id):
        return _not_found(request, ctx)
    await run_in_threadpool(services(request).conversations.set_pseudonym, conversation_id,
                            ctx.field("pseudonym", 200))
    await audit(request, ctx, "pseudonym_set", conversation_id)
    await set_flash(request, ctx, st("pseudonym_saved"))
    return RedirectResponse(_profile_url(request, conversation_id), status_code=303)


def download_name(row: ConversationRow, fmt: str, easy: bool) -> str:
    """Named after the short name, else the id (ASCII only; the resume code is a secret
    and not stored)."""
    label = row.pseudonym or row.id
    base = re.sub(r"[^A-Za-z0-9_-]+", "-", label).strip("-")[:40]
    return f"lwiw-profil-{base or 'gespraech'}{'-leichte-sprache' if easy else ''}.{fmt}"


@page(STAFF)
async def export(request: Request, ctx: Ctx) -> Response:
    conversation_id = request.path_params["cid"]
    fmt = request.query_params.get("format", "pdf")
    easy = request.query_params.get("leicht") == "1"
    svc = services(request)
    row = await run_in_threadpool(svc.conversations.row, conversation_id)
    if row is None or fmt not in EXPORT_FORMATS:
        return _not_found(request, ctx)
    if (fmt == "pdf" and svc.pdf_limiter is not None
            and not svc.pdf_limiter.allow(str(ctx.console.account.id))):
        return message_page(request, ctx, "export_title", "export_too_many", 429)
    from bot import export as exporter  # here: WeasyPrint loads only when someone exports
    notes = await run_in_threadpool(svc.notes.for_conversation, conversation_id)
    try:
        content, kind = await run_in_threadpool(
            lambda: exporter.export_conversation(
                svc.store, conversation_id, fmt, easy=easy,
                staff_notes=[n.as_profile_note() for n in notes]))
    except exporter.NoConsentError:
        return _not_found(request, ctx)
    language = "Leichte Sprache" if easy else "Standardsprache"
    await audit(request, ctx, "export", conversation_id,
                detail=f"{FORMAT_NAMES[fmt]}, {language}, mit {len(notes)} Notiz(en)")
    media_type = kind if "/" in str(kind) else EXPORT_FORMATS[fmt]
    name = download_name(row, fmt, easy)
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@page(STAFF)
async def delete_confirm(request: Request, ctx: Ctx) -> Response:
    conversation_id = request.path_params["cid"]
    svc = services(request)
    row = await run_in_threadpool(svc.conversations.row, conversation_id)
    if row is None:
        return _not_found(request, ctx)
    notes = await run_in_threadpool(svc.notes.count, conversation_id)
    await audit(request, ctx, "view_delete", conversation_id)
    return render(request, ctx, "delete.html", row=row, notes=notes,
                  conversation_id=conversation_id, error=None)


@page(STAFF)
async def delete(request: Request, ctx: Ctx) -> Response:
    conversation_id = request.path_params["cid"]
    svc = services(request)
    row = await run_in_threadpool(svc.conversations.row, conversation_id)
    if row is None:
        return _not_found(request, ctx)
    notes = await run_in_threadpool(svc.notes.count, conversation_id)
    if ctx.field("confirm") != "yes":
        await audit(request, ctx, "view_delete", conversation_id,
                    detail="Löschen nicht bestätigt")
        return render(request, ctx, "delete.html", status_code=400, row=row, notes=notes,
                      conversation_id=conversation_id, error=st("delete_unchecked"))
    senders = await run_in_threadpool(svc.store.delete_conversation, conversation_id,
                                      tracker_now=True)
    await audit(request, ctx, "delete", conversation_id,
                detail=f"Profil, {notes} Notiz(en), Verlauf von {len(senders)} Kennung(en)")
    ctx.console.data.get("chats", {}).pop(conversation_id, None)
    await set_flash(request, ctx, st("deleted"))
    return RedirectResponse(href(request, "/gespraeche"), status_code=303)


routes = [
    Route("/gespraech/{cid}", profile_page, methods=["GET"]),
    Route("/gespraech/{cid}/notizen", add_note, methods=["POST"]),
    Route("/gespraech/{cid}/kurzname", set_pseudonym, methods=["POST"]),
    Route("/gespraech/{cid}/export", export, methods=["GET"]),
    Route("/gespraech/{cid}/loeschen", delete_confirm, methods=["GET"]),
    Route("/gespraech/{cid}/loeschen", delete, methods=["POST"]),
]
