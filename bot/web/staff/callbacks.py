"""The queue of callback requests ("Rückrufwünsche", issue 16): what people asked the
Teilhabeteam for in the chat — a phone number or e-mail address and a good time, left
voluntarily and with consent — with a link to the conversation, and the "Erledigt" button.

Viewing the queue and marking a request done are audited (the log gets the conversation
id, never the contact).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.storage.repository import CallbackRequestView
from bot.web.staff.auth import STAFF, Ctx, audit, page, pop_flash, set_flash
from bot.web.staff.services import Services, href, services
from bot.web.staff.templating import datetime_de, message_page, render
from bot.web.staff.texts import st

QUEUE_PATH = "/rueckrufe"
SHOW_DONE = "erledigte"       # ?erledigte=1 also lists the requests already done
# a contact that is plainly a phone number or an e-mail address gets a tel:/mailto: link
PHONE = re.compile(r"\+?[0-9][0-9 ()/.-]{4,40}")
EMAIL = re.compile(r"[^\s@<>\"'()]+@[^\s@<>\"'()]+\.[A-Za-z]{2,}")


@dataclass(frozen=True)
class QueueItem:
    request: CallbackRequestView
    name: str | None          # the conversation's short name, if staff gave one
    contact_href: str | None


def contact_href(contact: str) -> str | None:
    """A tel: or mailto: link for a contact that is only a phone number or only an
    e-mail address; None for anything else (it is shown as typed)."""
    if EMAIL.fullmatch(contact):
        return f"mailto:{contact}"
    if PHONE.fullmatch(contact):
        return "tel:" + re.sub(r"[^0-9+]", "", contact)
    return None


def queue_items(svc: Services, requests: list[CallbackRequestView]) -> list[QueueItem]:
    names: dict[str, str | None] = {}
    for cid in {r.conversation_id for r in requests}:
        conversation = svc.store.get_conversation(cid)
        names[cid] = conversation.pseudonym if conversation is not None else None
    return [QueueItem(r, names.get(r.conversation_id), contact_href(r.contact))
            for r in requests]


@page(STAFF)
async def queue_page(request: Request, ctx: Ctx) -> Response:
    svc = services(request)
    show_done = request.query_params.get(SHOW_DONE) == "1"
    found = await run_in_threadpool(
        lambda: queue_items(svc, svc.store.callback_requests(open_only=not show_done)))
    open_items = [item for item in found if item.request.done_at is None]
    done_items = [item for item in found if item.request.done_at is not None]
    detail = f"{len(open_items)} offen"
    if show_done:
        detail += f", {len(done_items)} erledigt"
    await audit(request, ctx, "view_callbacks", detail=detail)
    return render(request, ctx, "callbacks.html", open_items=open_items,
                  done_items=done_items, show_done=show_done,
                  toggle_link=href(request, QUEUE_PATH)
                  + ("" if show_done else f"?{SHOW_DONE}=1"),
                  flash=await pop_flash(request, ctx))


def _back(request: Request, ctx: Ctx, done: CallbackRequestView) -> RedirectResponse:
    """Back where the button was: the conversation's profile, or the queue."""
    target = ctx.field("ziel", 20)
    if target == "profil":
        url = href(request, f"/gespraech/{done.conversation_id}#rueckruf")
    else:
        url = href(request, QUEUE_PATH) + (f"?{SHOW_DONE}=1" if target == SHOW_DONE else "")
    return RedirectResponse(url, status_code=303)


@page(STAFF)
async def mark_done(request: Request, ctx: Ctx) -> Response:
    svc = services(request)
    request_id: int = request.path_params["request_id"]
    found = await run_in_threadpool(svc.store.callback_request, request_id)
    if found is None:
        return message_page(request, ctx, "not_found_title", "callback_not_found", 404)
    name = ctx.console.account.name
    changed = await run_in_threadpool(svc.store.mark_callback_done, request_id, name)
    if changed:
        await audit(request, ctx, "callback_done", found.conversation_id,
                    detail=f"Rückrufwunsch {request_id}")
        await set_flash(request, ctx, st("callback_marked_done"))
    else:
        again = await run_in_threadpool(svc.store.callback_request, request_id)
        await set_flash(request, ctx, st(
            "callback_already_done", name=(again and again.done_by) or "–",
            time=datetime_de(again.done_at if again else None) or "–"), "error")
    return _back(request, ctx, found)


routes = [
    Route(QUEUE_PATH, queue_page, methods=["GET"]),
    Route(QUEUE_PATH + "/{request_id:int}/erledigt", mark_done, methods=["POST"]),
]
