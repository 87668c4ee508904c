"""The person's own data: see the answers, download them, delete everything."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.catalogue import load_questions
from bot.easy_format import date_text
from bot.storage.repository import AnswerView, AuthorshipView, Store
from bot.web import session as s
from bot.web.pages import forbidden
from bot.web.proxy import client_address
from bot.web.templating import render

log = logging.getLogger(__name__)
EXPORT_MEDIA_TYPES = {"pdf": "application/pdf", "json": "application/json",
                      "html": "text/html; charset=utf-8"}


@dataclass(frozen=True)
class AnswerGroup:
    question_id: str
    title: str
    answers: tuple[AnswerView, ...]
    # someone writes for the person (issue 16): whose words each answer is, by answer id
    whose: dict[int, str] = field(default_factory=dict)


def group_answers(answers: list[AnswerView], easy: bool,
                  writing: AuthorshipView | None = None) -> list[AnswerGroup]:
    """Answers in the order of the guiding questions, under each question's title; when
    someone writes for the person, the person's own words first, each answer labelled
    with whose words it is."""
    from bot.dialogue.authorship import voice_label

    groups = []
    for q in load_questions():
        own = sorted((a for a in answers if a.question_id == q.id),
                     key=lambda a: a.voice != "person")
        if own:
            whose = {a.id: label for a in own
                     if (label := voice_label(writing, a.voice, easy)) is not None}
            groups.append(AnswerGroup(q.id, q.title.get(easy), tuple(own), whose))
    return groups


@dataclass(frozen=True)
class Understood:
    """What the assistant read from the answers to one question, under one heading."""

    heading: str
    lines: tuple[str, ...]


def understood(profile: dict | None, easy: bool) -> dict[str, list[Understood]]:
    """The structured profile per guiding question, in the person's register, with the
    headings of the export (texts/export.yml): "Das kann ich selbst", "Das
    fällt mir schwer", "Hilfe, die ich schon bekomme", places "komme ich nicht hin: …".
    Each item goes under the question whose answer it came from."""
    if not profile:
        return {}
    from bot.export.document import labels

    t = labels("easy" if easy else "standard")
    question_of = {a["id"]: a["question_id"] for a in profile["answers"]}
    sections: dict[str, dict[str, list[str]]] = {}

    def add(item: dict, heading: str, line: str) -> None:
        question = question_of.get(item.get("answer_id"), "")
        sections.setdefault(question, {}).setdefault(heading, []).append(line)

    def with_start(line: str, item: dict) -> str:
        return f"{line} ({t['start']}: {item['start']})" if item.get("start") else line

    for goal in profile["will"]["goals"]:
        line = with_start(f"„{goal['text']}“", goal)
        if goal.get("move_to"):
            line += " – " + t["move_to"].format(quarter=goal["move_to"])
        add(goal, t["goals"], line)
    for item in profile["resources"]["personal"]:
        add(item, t["abilities"] if item["kind"] == "ability" else t["limitations"],
            f"„{item['text']}“")
    for aid in profile["resources"]["aids"]:
        status = t.get(f"aid_{aid['status']}", aid["status"])
        add(aid, t["aids"], with_start(f"{aid['label']}: {status}", aid))
    for person in profile["resources"]["social"]:
        line = person["who"]
        if person.get("helps_with"):
            line += f" – {t['helps_with']}: {person['helps_with']}"
        add(person, t["social"], line)
    quarter = profile["person"]["quarter"]
    if quarter:
        add(quarter, t["home"], quarter["value"])
    for place in profile["resources"]["neighbourhood"]:
        if place["status"] == "barrier":
            status = (t["place_barrier"].format(barrier=place["barrier"]) if place.get("barrier")
                      else t["place_barrier_plain"])
        else:
            status = t.get(f"place_{place['status']}", place["status"])
        add(place, t["neighbourhood"], with_start(f"{place['label']}: {status}", place))
    for kind in ("received", "wished"):
        for item in profile["resources"]["professional"][kind]:
            add(item, t[kind], with_start(item.get("words") or item["text"], item))
    return {question: [Understood(heading, tuple(lines)) for heading, lines in headings.items()]
            for question, headings in sections.items()}


def _structured(store: Store, sender: str) -> dict | None:
    """The profile for "Meine Antworten"; None when it cannot be built (the page still
    shows the person's own words)."""
    try:
        from bot.profile import build_profile

        return build_profile(store, sender)
    except Exception:
        log.exception("profile of %s could not be built", sender)
        return None


def _profile(store: Store, sender: str
             ) -> tuple[bool, datetime | None, list[AnswerView], AuthorshipView | None]:
    conversation = store.get_conversation(sender)
    if conversation is None or not conversation.consent_given:
        return False, None, [], None
    return True, conversation.consent_at, store.active_answers(sender), store.authorship(sender)


async def profile(request: Request) -> Response:
    sender = s.conversation_id(request.session)
    consent, since, answers, writing = await run_in_threadpool(_profile,
                                                               request.app.state.store, sender)
    easy = s.is_easy(request.session)
    structured = (await run_in_threadpool(_structured, request.app.state.store, sender)
                  if consent and answers else None)
    return render(request, "profile.html", consent=consent,
                  consent_since=date_text(since, easy) or None,
                  groups=group_answers(answers, easy, writing),
                  understood=understood(structured, easy))


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


def pdf_allowed(request: Request, sender: str) -> bool:
    """A PDF takes WeasyPrint about a second: at most so many per conversation and per
    client address in the window (bot/web/config.py)."""
    state = request.app.state
    return (state.pdf_limiter.allow(sender)
            and state.pdf_client_limiter.allow(client_address(request)))


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
    if fmt == "pdf" and not pdf_allowed(request, sender):
        return _message(request, 429, "export_too_many")
    from bot import export as exporter  # here: WeasyPrint loads only when someone exports
    no_consent = exporter.NoConsentError
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
