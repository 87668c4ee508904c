"""The staff console after the security review (issue 15): every route that touches a
conversation writes an audit entry (enumerated from the app), a conversation deleted while
it is open in a counsellor's chat is closed by the database's answer (nothing reaches
Rasa, nothing is written), changing one's own password, the second factor (TOTP) with its
set-up, the login's second step and the CLI reset, and the audit log's own retention
limit. Starlette's TestClient on the console with a fixed clock, a real (temporary,
migrated) SQLite database and a recording stand-in for Rasa on loopback; one test in
Debian's chromium (Playwright) against the console served by uvicorn on loopback."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler
from itertools import count

import pytest
from alembic.script import ScriptDirectory
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import inspect
from sqlalchemy import text as sql
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.testclient import TestClient

from bot.services import free_port
from bot.settings import ROOT, get_settings
from bot.staff import totp
from bot.staff.accounts import MAX_FAILURES, Accounts
from bot.staff.audit import SYSTEM, AuditLog
from bot.staff.retention import Retention
from bot.storage.db import get_engine
from bot.storage.migrate import alembic_config
from bot.storage.models import utcnow
from bot.storage.repository import Store
from bot.web.config import WebConfig
from bot.web.staff import create_staff_app
from bot.web.staff.auth import SALT
from bot.web.texts import text
from tests.support.browser import (
    artifact,
    axe_violations,
    chromium,
    format_violations,
    page_opener,
)
from tests.support.clock import FixedClock
from tests.support.loopback import read_back_rasa_server, serving, uvicorn_serving
from tests.support.staff import (
    STAFF_COOKIE,
    TOTP_SECRET,
    audit_rows,
    csrf_from,
    login,
    lwiw,
    seed_conversation,
)

SECRET = secrets.token_urlsafe(48)
PASSWORD = "sicheres-passwort-2026"
NEW_PASSWORD = "ein-neues-passwort-2027"
ANSWERS = {"living": "Ich möchte mit meiner Freundin zusammenziehen.",
           "neighbourhood": "Ich wohne in Wilhelmsburg."}
BOT_SAYS = "Ich höre Ihnen zu."


# --------------------------------------------------------------------------- fixtures


@dataclass
class FakeRasa:
    """Rasa's REST channel on loopback: answers every message, remembers each one."""

    url: str
    received: list[tuple[str, str]] = field(default_factory=list)

    def to(self, sender: str) -> list[str]:
        return [message for who, message in self.received if who == sender]


@pytest.fixture()
def fake_rasa() -> Iterator[FakeRasa]:
    rasa = FakeRasa("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
            rasa.received.append((body["sender"], body["message"]))
            reply = json.dumps([{"recipient_id": body["sender"], "text": BOT_SAYS}])
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(reply.encode())

        def log_message(self, *args) -> None:
            pass

    with serving(Handler) as url:
        rasa.url = url
        yield rasa


def console_app(db_url: str, clock: FixedClock, rasa_url: str | None = None) -> Starlette:
    """The console mounted at /staff as bot/web/app.py does, on a fixed clock."""
    config = WebConfig(rasa_url=rasa_url or f"http://127.0.0.1:{free_port()}",
                       database_url=db_url, secret_key=SECRET)
    return Starlette(routes=[
        Mount("/static", app=StaticFiles(directory=ROOT / "static"), name="static"),
        Mount("/staff", app=create_staff_app(config, clock=clock)),
    ])


@pytest.fixture()
def console(db_url: str, fixed_clock: FixedClock, fake_rasa: FakeRasa) -> Iterator[TestClient]:
    with TestClient(console_app(db_url, fixed_clock, fake_rasa.url)) as client:
        yield client


@pytest.fixture()
def store(db_url: str) -> Store:
    return Store(db_url)


def second_client(console: TestClient) -> TestClient:
    """Another browser on the same console."""
    return TestClient(console.app)


def api(client: TestClient, token: str, cid: str, what: str, body: dict):
    return client.post(f"/staff/api/chat/{cid}/{what}", json=body,
                       headers={"X-CSRF-Token": token})


def cookie_of(client: TestClient) -> dict:
    return URLSafeTimedSerializer(SECRET, salt=SALT).loads(client.cookies[STAFF_COOKIE])


# --------------------------------------------------------------------------- 3. audit


@dataclass(frozen=True)
class Access:
    """How to call one console route that touches a person's data, and the audit entry
    it must write (action; the conversation it is about)."""

    action: str
    call: object                       # (client, token, world) -> response
    conversation: str | None = "cid"   # "cid", "code", "new" or None (the list)


def _form(client, url, token, **fields):
    return client.post(url, data={"csrf": token, **fields}, follow_redirects=False)


ACCESSES: dict[tuple[str, str], Access] = {
    ("GET", "/gespraeche"): Access(
        "view_list", lambda c, t, w: c.get("/staff/gespraeche"), None),
    ("POST", "/gespraeche/neu"): Access(
        "chat_started", lambda c, t, w: _form(c, "/staff/gespraeche/neu", t), "new"),
    ("POST", "/gespraeche/fortsetzen"): Access(
        "open_by_code", lambda c, t, w: _form(c, "/staff/gespraeche/fortsetzen", t,
                                              code=w["code"]), "code"),
    ("GET", "/gespraech/{cid}"): Access(
        "view_profile", lambda c, t, w: c.get(f"/staff/gespraech/{w['cid']}")),
    ("POST", "/gespraech/{cid}/notizen"): Access(
        "note_added", lambda c, t, w: _form(c, f"/staff/gespraech/{w['cid']}/notizen", t,
                                            section="will", text="Termin vereinbaren")),
    ("POST", "/gespraech/{cid}/kurzname"): Access(
        "pseudonym_set", lambda c, t, w: _form(c, f"/staff/gespraech/{w['cid']}/kurzname", t,
                                               pseudonym="M.")),
    ("GET", "/gespraech/{cid}/export"): Access(
        "export", lambda c, t, w: c.get(f"/staff/gespraech/{w['cid']}/export",
                                        params={"format": "json"})),
    ("GET", "/gespraech/{cid}/chat"): Access(
        "view_chat", lambda c, t, w: c.get(f"/staff/gespraech/{w['cid']}/chat")),
    ("POST", "/gespraech/{cid}/sprache"): Access(
        "chat_language", lambda c, t, w: _form(c, f"/staff/gespraech/{w['cid']}/sprache", t,
                                               easy="1")),
    ("POST", "/api/chat/{cid}/start"): Access(
        "chat_opened", lambda c, t, w: api(c, t, w["cid"], "start", {"history": False})),
    ("POST", "/api/chat/{cid}/message"): Access(
        "chat_message", lambda c, t, w: api(c, t, w["cid"], "message",
                                            {"text": "Zeigen Sie mir mein Profil"})),
    ("POST", "/api/chat/{cid}/language"): Access(
        "chat_language", lambda c, t, w: api(c, t, w["cid"], "language", {"easy": False})),
    ("GET", "/gespraech/{cid}/loeschen"): Access(
        "view_delete", lambda c, t, w: c.get(f"/staff/gespraech/{w['cid']}/loeschen")),
    ("POST", "/gespraech/{cid}/loeschen"): Access(
        "delete", lambda c, t, w: _form(c, f"/staff/gespraech/{w['cid']}/loeschen", t,
                                        confirm="yes")),
}


def conversation_routes(app: Starlette) -> set[tuple[str, str]]:
    """Every console route that touches a person's conversation: its id in the path, or
    the list (and starting or opening one from it)."""
    staff = next(r for r in app.routes if isinstance(r, Mount) and r.path == "/staff")
    return {(method, route.path) for route in staff.app.routes
            for method in route.methods - {"HEAD"}
            if "{cid}" in route.path or route.path.startswith("/gespraeche")}


def test_every_route_that_touches_a_conversation_writes_an_audit_entry(
        console, store, fake_rasa, fixed_clock, db_url):
    """Enumerated from the app: a new route fails here until it is audited. The chat API
    (start, each message, the language switch) included — and never the words."""
    assert conversation_routes(console.app) == set(ACCESSES)
    Accounts(db_url).create("anna", "counsellor", PASSWORD)
    world = {"cid": seed_conversation(store, "web-audit", ANSWERS),
             "code": store.issue_resume_code(seed_conversation(store, "web-code", ANSWERS))}
    token = login(console, "anna", PASSWORD)
    # deletion last: every other route needs the conversation
    for (method, path), access in sorted(ACCESSES.items(),
                                         key=lambda item: item[1].action == "delete"):
        fixed_clock.advance(minutes=1)
        before = {row["id"] for row in audit_rows(store)}
        reply = access.call(console, token, world)
        assert reply.status_code in (200, 303), (method, path, reply.text[:300])
        written = [row for row in audit_rows(store) if row["id"] not in before]
        assert [(r["actor"], r["action"]) for r in written] == [("anna", access.action)], \
            (method, path, written)
        entry = written[0]
        if access.conversation == "cid":
            assert entry["conversation_id"] == world["cid"], (method, path)
        elif access.conversation == "code":
            assert entry["conversation_id"] == "web-code"
        elif access.conversation == "new":
            assert re.fullmatch(r"staff-[0-9a-f]{32}", entry["conversation_id"])
        else:
            assert entry["conversation_id"] is None
        assert entry["at"].startswith(f"{fixed_clock():%Y-%m-%d %H:%M:%S}"), entry
        assert entry["ip"] == "testclient" and "Zeigen Sie" not in entry["detail"]
    # the proxy reached Rasa for the chat requests, each of them in the log
    assert fake_rasa.to(world["cid"])
    chat = [r for r in audit_rows(store, actor="anna", conversation_id=world["cid"])
            if r["action"].startswith("chat_")]
    assert [(r["action"], r["detail"]) for r in chat] == [
        ("chat_language", "Leichte Sprache an"), ("chat_opened", ""),
        ("chat_message", "Textnachricht"), ("chat_language", "Leichte Sprache aus")]


def test_a_button_in_the_console_chat_is_audited_with_its_intent(console, store, db_url):
    Accounts(db_url).create("anna", "counsellor", PASSWORD)
    cid = seed_conversation(store, "web-button", ANSWERS)
    token = login(console, "anna", PASSWORD)
    assert console.get(f"/staff/gespraech/{cid}/chat").status_code == 200
    reply = api(console, token, cid, "message", {"payload": "/affirm", "label": "Ja"})
    assert reply.status_code == 200, reply.text
    entry = audit_rows(store, action="chat_message", conversation_id=cid)[-1]
    assert (entry["actor"], entry["detail"]) == ("anna", "Schaltfläche /affirm")


@pytest.fixture()
def read_back_rasa() -> Iterator[str]:
    with read_back_rasa_server() as url:
        yield url


def test_clicking_through_the_read_back_in_the_console_chat_is_never_refused(
        db_url, fixed_clock, read_back_rasa, store):
    """Issue 13 in the co-counselling chat: clicks on the buttons the bot has just offered
    count apart from typed messages, as in the person's own chat."""
    config = WebConfig(rasa_url=read_back_rasa, database_url=db_url, secret_key=SECRET,
                       messages_per_minute=3, button_clicks_per_minute=40)
    app = Starlette(routes=[Mount("/staff", app=create_staff_app(config, clock=fixed_clock))])
    Accounts(db_url).create("anna", "counsellor", PASSWORD)
    cid = seed_conversation(store, "web-clicks", ANSWERS)
    with TestClient(app) as client:
        token = login(client, "anna", PASSWORD)
        assert client.get(f"/staff/gespraech/{cid}/chat").status_code == 200
        assert api(client, token, cid, "message", {"text": "nein"}).status_code == 200
        clicks = [api(client, token, cid, "message",
                      {"payload": "/affirm", "label": "Ja, stimmt"}).status_code
                  for _ in range(25)]
        assert clicks == [200] * 25
        typed = [api(client, token, cid, "message", {"text": "passt"}).status_code
                 for _ in range(3)]
        assert typed[-1] == 429                       # typed messages keep their limit
        # a payload the last reply did not offer counts as a message
        assert api(client, token, cid, "message", {"payload": "/pause"}).status_code == 429


def test_refused_chat_requests_are_not_forwarded_and_not_logged_as_access(
        console, store, fake_rasa, db_url):
    """A request without the CSRF header or with a bad body reaches nothing."""
    Accounts(db_url).create("anna", "counsellor", PASSWORD)
    cid = seed_conversation(store, "web-refused", ANSWERS)
    token = login(console, "anna", PASSWORD)
    console.get(f"/staff/gespraech/{cid}/chat")
    assert console.post(f"/staff/api/chat/{cid}/message",
                        json={"text": "Hallo"}).status_code == 403
    assert api(console, token, cid, "message", {"text": 5}).status_code == 400
    assert fake_rasa.to(cid) == []
    assert audit_rows(store, action="chat_message") == []


# --------------------------------------------------------------------------- 9. deleted


def open_chat(console: TestClient, token: str, cid: str) -> None:
    assert console.get(f"/staff/gespraech/{cid}/chat").status_code == 200


def test_a_conversation_deleted_by_the_person_closes_the_counsellors_chat(
        console, store, fake_rasa, db_url):
    Accounts(db_url).create("anna", "counsellor", PASSWORD)
    cid = seed_conversation(store, "web-deleted", ANSWERS)
    token = login(console, "anna", PASSWORD)
    open_chat(console, token, cid)
    assert api(console, token, cid, "start", {"history": False}).status_code == 200
    assert api(console, token, cid, "message", {"text": "Weiter"}).status_code == 200
    forwarded = len(fake_rasa.received)
    audited = len(audit_rows(store))

    # the person deletes everything on „Meine Daten“ (the same call as bot/web/mydata.py)
    store.delete_conversation(cid, tracker_now=True)

    gone = api(console, token, cid, "message", {"text": "Sind Sie noch da?"})
    assert gone.status_code == 410
    assert gone.json()["error"] == "gone"
    assert gone.json()["message"] == text("error_gone", False)
    assert "gelöscht" in gone.json()["message"]
    # afterwards the chat is closed: the page and the API find no such conversation
    assert api(console, token, cid, "start", {"history": True}).status_code == 404
    assert api(console, token, cid, "language", {"easy": True}).status_code == 404
    page = console.get(f"/staff/gespraech/{cid}/chat")
    assert page.status_code == 404
    # nothing reached Rasa, nothing was written under its id
    assert len(fake_rasa.received) == forwarded
    assert store.get_conversation(cid) is None
    assert len(audit_rows(store)) == audited


def test_the_chat_page_of_a_deleted_conversation_says_so(console, store, fake_rasa, db_url):
    Accounts(db_url).create("anna", "counsellor", PASSWORD)
    cid = seed_conversation(store, "web-page-gone", ANSWERS)
    token = login(console, "anna", PASSWORD)
    open_chat(console, token, cid)
    store.delete_conversation(cid, tracker_now=True)
    page = console.get(f"/staff/gespraech/{cid}/chat")
    assert page.status_code == 410
    assert "Gespräch gelöscht" in page.text and "nichts mehr gesendet" in page.text
    language = console.post(f"/staff/gespraech/{cid}/sprache",
                            data={"csrf": token, "easy": "1"}, follow_redirects=False)
    assert language.status_code == 404
    assert fake_rasa.received == [] and store.get_conversation(cid) is None


def test_opened_but_not_yet_started_chat_does_not_recreate_the_deleted_conversation(
        console, store, fake_rasa, db_url):
    """The first request of a chat opened from the profile would create the resume code
    (and with it a conversation row): after a deletion it must not."""
    Accounts(db_url).create("anna", "counsellor", PASSWORD)
    cid = seed_conversation(store, "web-not-started", ANSWERS)
    token = login(console, "anna", PASSWORD)
    open_chat(console, token, cid)
    store.delete_conversation(cid, tracker_now=True)
    reply = api(console, token, cid, "start", {"history": False})
    assert reply.status_code == 410
    assert store.get_conversation(cid) is None and fake_rasa.received == []


def test_a_deletion_in_the_persons_own_chat_is_seen_while_its_tracker_is_pending(
        console, store, fake_rasa, db_url):
    """Deleted by the action server during a turn: the tracker deletion is still queued."""
    Accounts(db_url).create("anna", "counsellor", PASSWORD)
    cid = seed_conversation(store, "web-pending", ANSWERS)
    token = login(console, "anna", PASSWORD)
    open_chat(console, token, cid)
    assert api(console, token, cid, "start", {"history": False}).status_code == 200
    store.delete_conversation(cid)
    assert store.has_pending_tracker_deletion(cid)
    assert api(console, token, cid, "message", {"text": "Hallo"}).status_code == 410
    assert len(fake_rasa.to(cid)) == 1                  # only the start went through


def test_a_new_conversation_is_closed_once_its_stored_data_is_deleted(
        console, store, fake_rasa, db_url):
    """Started in the console: before consent nothing is stored (and nothing to check);
    once stored, its deletion closes the chat like any other."""
    Accounts(db_url).create("anna", "counsellor", PASSWORD)
    token = login(console, "anna", PASSWORD)
    started = console.post("/staff/gespraeche/neu", data={"csrf": token},
                           follow_redirects=False)
    cid = started.headers["location"].split("/")[-2]
    assert api(console, token, cid, "start", {"history": False}).status_code == 200
    assert api(console, token, cid, "message", {"text": "Hallo"}).status_code == 200
    store.record_consent(cid, True)     # what the action server does on „Ja“
    assert api(console, token, cid, "message", {"text": "Ja"}).status_code == 200
    forwarded = len(fake_rasa.to(cid))
    store.delete_conversation(cid, tracker_now=True)
    assert api(console, token, cid, "message", {"text": "Noch da?"}).status_code == 410
    assert len(fake_rasa.to(cid)) == forwarded and store.get_conversation(cid) is None


def test_another_counsellors_open_chat_is_closed_by_a_deletion_in_the_console(
        console, store, fake_rasa, db_url):
    accounts = Accounts(db_url)
    accounts.create("anna", "counsellor", PASSWORD)
    accounts.create("ben", "counsellor", PASSWORD)
    cid = seed_conversation(store, "web-two", ANSWERS)
    anna = console
    ben = second_client(console)
    anna_token, ben_token = login(anna, "anna", PASSWORD), login(ben, "ben", PASSWORD)
    open_chat(ben, ben_token, cid)
    deleted = anna.post(f"/staff/gespraech/{cid}/loeschen",
                        data={"csrf": anna_token, "confirm": "yes"}, follow_redirects=False)
    assert deleted.status_code == 303
    assert api(ben, ben_token, cid, "start", {"history": False}).status_code == 410
    assert fake_rasa.received == [] and store.get_conversation(cid) is None


# --------------------------------------------------------------------------- 11. password


def change_password(client: TestClient, token: str, current: str, new: str,
                    repeated: str | None = None):
    return client.post("/staff/konto/passwort", data={
        "csrf": token, "current": current, "password": new,
        "password2": new if repeated is None else repeated}, follow_redirects=False)


def test_changing_the_own_password(console, store, db_url, fixed_clock):
    accounts = Accounts(db_url)
    anna = accounts.create("anna", "counsellor", PASSWORD)
    token = login(console, "anna", PASSWORD)
    other = second_client(console)
    login(other, "anna", PASSWORD)                      # a second browser, still logged in
    page = console.get("/staff/konto")
    assert page.status_code == 200 and "Passwort ändern" in page.text
    assert 'autocomplete="current-password"' in page.text

    # without the form's token nothing happens
    assert console.post("/staff/konto/passwort", data={
        "current": PASSWORD, "password": NEW_PASSWORD,
        "password2": NEW_PASSWORD}).status_code == 403
    refusals = [
        (change_password(console, token, PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x"),
         "stimmen nicht überein"),
        (change_password(console, token, PASSWORD, "zu-kurz"), "mindestens 12 Zeichen"),
        (change_password(console, token, PASSWORD, " " * 14), "nur aus Leerzeichen"),
        (change_password(console, token, PASSWORD, PASSWORD), "vom bisherigen"),
        (change_password(console, token, "falsch-falsch-falsch", NEW_PASSWORD),
         "bisherige Passwort ist nicht richtig"),
    ]
    for reply, reason in refusals:
        assert reply.status_code == 400 and reason in reply.text, reason
        assert 'role="alert"' in reply.text
    assert accounts.authenticate("anna", PASSWORD, "10.0.0.9", fixed_clock()).status == "ok"
    failed = audit_rows(store, action="password_change_failed")
    assert [(r["actor"], r["detail"]) for r in failed] == [
        ("anna", "falsches bisheriges Passwort (1. Fehlversuch)")]

    done = change_password(console, token, PASSWORD, NEW_PASSWORD)
    assert done.status_code == 303 and done.headers["location"] == "/staff/konto"
    assert "Ihr Passwort wurde geändert" in console.get("/staff/konto").text
    assert accounts.get(anna.id).password_changed_at == fixed_clock()
    assert [(r["actor"], r["at"][:19]) for r in audit_rows(store, action="password_changed")] \
        == [("anna", "2026-11-21 09:00:00")]
    with store._session() as session:
        stored = session.execute(sql("SELECT password_hash FROM staff_accounts "
                                     "WHERE name = 'anna'")).scalar_one()
    assert stored.startswith("$argon2id$") and NEW_PASSWORD not in stored
    assert accounts.authenticate("anna", PASSWORD, "10.0.0.9", fixed_clock()).status == \
        "invalid"
    assert accounts.authenticate("anna", NEW_PASSWORD, "10.0.0.9",
                                 fixed_clock()).status == "ok"
    # this browser stays logged in, the other one is logged out
    assert console.get("/staff/gespraeche").status_code == 200
    elsewhere = other.get("/staff/gespraeche", follow_redirects=False)
    assert elsewhere.status_code == 303 and "/staff/anmelden" in elsewhere.headers["location"]


def test_wrong_current_passwords_lock_the_account_like_failed_logins(
        console, store, db_url, fixed_clock):
    accounts = Accounts(db_url)
    anna = accounts.create("anna", "counsellor", PASSWORD)
    token = login(console, "anna", PASSWORD)
    for _ in range(MAX_FAILURES):
        assert change_password(console, token, "rate-rate-rate", NEW_PASSWORD).status_code \
            == 400
    assert accounts.get(anna.id).locked_at(fixed_clock())
    locked = change_password(console, token, PASSWORD, NEW_PASSWORD)
    assert locked.status_code == 400 and "gesperrt" in locked.text
    assert accounts.authenticate("anna", PASSWORD, "10.0.0.9", fixed_clock()).status == \
        "locked"


# --------------------------------------------------------------------------- 11. TOTP


def post_password(client: TestClient, name: str, password: str = PASSWORD):
    form = client.get("/staff/anmelden")
    return client.post("/staff/anmelden", data={
        "csrf": csrf_from(form.text), "name": name, "password": password, "weiter": ""},
        follow_redirects=False)


def post_code(client: TestClient, code: str):
    page = client.get("/staff/anmelden/code")
    assert page.status_code == 200, page.text[:300]
    return client.post("/staff/anmelden/code", data={"csrf": csrf_from(page.text),
                                                     "code": code}, follow_redirects=False)


def enrol(console: TestClient, fixed_clock: FixedClock) -> str:
    page = console.get("/staff/konto/zwei-faktor")
    secret = TOTP_SECRET.search(page.text).group(1).replace(" ", "")
    done = console.post("/staff/konto/zwei-faktor", data={
        "csrf": csrf_from(page.text), "code": totp.code_at(secret, fixed_clock())},
        follow_redirects=False)
    assert done.status_code == 303
    return secret


def wrong_code(secret: str, clock: FixedClock) -> str:
    valid = {totp.code_at(secret, clock(), offset) for offset in (-1, 0, 1)}
    return next(f"{n:06d}" for n in count(123456) if f"{n:06d}" not in valid)


def test_an_admin_sets_up_the_second_factor_at_the_next_login(
        console, store, db_url, fixed_clock):
    accounts = Accounts(db_url)
    admin = accounts.create("chefin", "admin", PASSWORD)
    seed_conversation(store, "web-admin", ANSWERS)
    first = post_password(console, "chefin")
    assert first.status_code == 303
    assert first.headers["location"] == "/staff/konto/zwei-faktor"
    # until it is set up, nothing else of the console is open to the admin
    for path in ("/staff/gespraeche", "/staff/gespraech/web-admin", "/staff/protokoll",
                 "/staff/konten"):
        reply = console.get(path, follow_redirects=False)
        assert reply.status_code == 303, path
        assert reply.headers["location"] == "/staff/konto/zwei-faktor", path
    assert api(console, csrf_from(console.get("/staff/konto").text), "web-admin", "start",
               {"history": False}).json()["error"] == "totp_required"
    assert [r["action"] for r in audit_rows(store, actor="chefin")] == ["login"]

    page = console.get("/staff/konto/zwei-faktor")
    assert page.status_code == 200
    assert "Pflicht" in page.text and 'autocomplete="one-time-code"' in page.text
    secret = TOTP_SECRET.search(page.text).group(1).replace(" ", "")
    with store._session() as session:
        row = session.execute(sql("SELECT totp_secret, totp_enabled FROM staff_accounts "
                                  "WHERE name = 'chefin'")).one()
    assert row.totp_secret == secret and not row.totp_enabled
    # the QR code is drawn here (inline SVG, no image from elsewhere) and holds the key
    uri = totp.provisioning_uri(secret, "chefin")
    assert uri.startswith("otpauth://totp/LWIW-Assistent:chefin?secret=" + secret)
    drawn = re.search(r"<svg role=\"img\".*?</svg>", page.text, re.S).group(0)
    assert drawn == totp.qr_svg(uri, "QR-Code zum Einrichten der Zwei-Faktor-Anmeldung")
    assert "<img" not in page.text.split('id="inhalt"')[1]
    # a reload shows the same key (the app may have scanned it already)
    assert secret in console.get("/staff/konto/zwei-faktor").text.replace(" ", "")

    token = csrf_from(page.text)
    refused = console.post("/staff/konto/zwei-faktor", data={
        "csrf": token, "code": wrong_code(secret, fixed_clock)})
    assert refused.status_code == 400 and "Der Code stimmt nicht" in refused.text
    assert console.post("/staff/konto/zwei-faktor", data={
        "code": totp.code_at(secret, fixed_clock())}).status_code == 403     # CSRF
    done = console.post("/staff/konto/zwei-faktor", data={
        "csrf": token, "code": totp.code_at(secret, fixed_clock())}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/staff/gespraeche"
    listing = console.get("/staff/gespraeche")
    assert listing.status_code == 200
    assert "Die Zwei-Faktor-Anmeldung ist eingerichtet" in listing.text
    assert accounts.get(admin.id).totp_enabled
    assert [r["action"] for r in audit_rows(store, actor="chefin")] == [
        "login", "totp_enabled", "view_list"]
    assert console.post("/staff/konto/zwei-faktor", data={
        "csrf": token, "code": totp.code_at(secret, fixed_clock(), 1)}).status_code == 400


def test_login_with_the_second_factor(console, store, db_url, fixed_clock):
    accounts = Accounts(db_url)
    accounts.create("chefin", "admin", PASSWORD)
    login(console, "chefin", PASSWORD, now=fixed_clock())
    secret = enrol_secret(db_url, "chefin")
    console.post("/staff/abmelden", data={"csrf": csrf_from(console.get("/staff/konto").text)})

    # the password alone: no session, only the question for the code
    step_one = post_password(console, "chefin")
    assert step_one.status_code == 303
    assert step_one.headers["location"] == "/staff/anmelden/code"
    assert "t" not in cookie_of(console)
    assert console.get("/staff/gespraeche", follow_redirects=False).headers[
        "location"].startswith("/staff/anmelden")
    page = console.get("/staff/anmelden/code")
    assert "sechsstelligen Code" in page.text and 'inputmode="numeric"' in page.text

    # the code used to set it up (same 30 seconds) is not accepted a second time
    reused = post_code(console, totp.code_at(secret, fixed_clock()))
    assert reused.status_code == 400 and "schon benutzt" in reused.text
    fixed_clock.advance(seconds=30)
    assert post_code(console, wrong_code(secret, fixed_clock)).status_code == 400
    ok = post_code(console, totp.code_at(secret, fixed_clock()))
    assert ok.status_code == 303 and ok.headers["location"] == "/staff/gespraeche"
    assert "t" in cookie_of(console) and "p" not in cookie_of(console)
    assert console.get("/staff/protokoll").status_code == 200
    logins = [(r["action"], r["detail"]) for r in audit_rows(store, actor="chefin")
              if r["action"].startswith("login")]
    assert logins[-4:] == [
        ("login_password_ok", "Zwei-Faktor-Code angefordert"),
        ("login_failed", "falscher Zwei-Faktor-Code (1. Fehlversuch)"),
        ("login_failed", "falscher Zwei-Faktor-Code (2. Fehlversuch)"),
        ("login", "mit Zwei-Faktor-Code")]
    assert Accounts(db_url).by_name("chefin").failed_logins == 0

    # one step either side counts (a phone's clock a little off), each code only once
    other = second_client(console)
    assert post_password(other, "chefin").status_code == 303
    fixed_clock.advance(seconds=60)
    assert post_code(other, totp.code_at(secret, fixed_clock(), -2)).status_code == 400
    assert post_code(other, totp.code_at(secret, fixed_clock(), -1)).status_code == 303
    third = second_client(console)
    assert post_password(third, "chefin").status_code == 303
    assert post_code(third, totp.code_at(secret, fixed_clock(), -1)).status_code == 400
    assert post_code(third, totp.code_at(secret, fixed_clock(), 1)).status_code == 303


def enrol_secret(db_url: str, name: str) -> str:
    with Store(db_url)._session() as session:
        return session.execute(sql("SELECT totp_secret FROM staff_accounts WHERE name = :n"),
                               {"n": name}).scalar_one()


def test_the_code_must_follow_the_password_soon(console, db_url, fixed_clock):
    Accounts(db_url).create("chefin", "admin", PASSWORD)
    login(console, "chefin", PASSWORD, now=fixed_clock())
    secret = enrol_secret(db_url, "chefin")
    fresh = second_client(console)
    assert post_password(fresh, "chefin").status_code == 303
    fixed_clock.advance(minutes=6)
    late = fresh.post("/staff/anmelden/code", data={
        "csrf": cookie_of(fresh)["c"], "code": totp.code_at(secret, fixed_clock())},
        follow_redirects=False)
    assert late.status_code == 303 and late.headers["location"] == "/staff/anmelden"
    assert "t" not in cookie_of(fresh) and "p" not in cookie_of(fresh)
    assert fresh.get("/staff/anmelden/code", follow_redirects=False).headers[
        "location"] == "/staff/anmelden"
    # without the password first there is nothing to confirm
    stranger = second_client(console)
    token = csrf_from(stranger.get("/staff/anmelden").text)
    blind = stranger.post("/staff/anmelden/code", data={
        "csrf": token, "code": totp.code_at(secret, fixed_clock())}, follow_redirects=False)
    assert blind.status_code == 303 and "t" not in cookie_of(stranger)


def test_wrong_codes_lock_the_account(console, store, db_url, fixed_clock):
    accounts = Accounts(db_url)
    admin = accounts.create("chefin", "admin", PASSWORD)
    login(console, "chefin", PASSWORD, now=fixed_clock())
    secret = enrol_secret(db_url, "chefin")
    fixed_clock.advance(seconds=30)
    attacker = second_client(console)
    # the password is known, the code is not: the right password does not reset the count
    for attempt in range(1, MAX_FAILURES + 1):
        assert post_password(attacker, "chefin").status_code == 303
        reply = post_code(attacker, wrong_code(secret, fixed_clock))
        assert reply.status_code == (429 if attempt == MAX_FAILURES else 400), attempt
    assert "gesperrt" in reply.text
    assert accounts.get(admin.id).locked_at(fixed_clock())
    # locked: neither the password nor the right code gets in
    assert post_password(attacker, "chefin").status_code == 429
    assert accounts.verify_totp(admin.id, totp.code_at(secret, fixed_clock()), "10.0.0.2",
                                fixed_clock()).status == "locked"
    actions = [r["action"] for r in audit_rows(store, actor="chefin")]
    assert actions.count("login_failed") == MAX_FAILURES and "account_locked" in actions


def test_a_counsellor_may_use_a_second_factor_too(console, db_url, fixed_clock):
    Accounts(db_url).create("anna", "counsellor", PASSWORD)
    login(console, "anna", PASSWORD)
    account_page = console.get("/staff/konto").text
    assert "Noch nicht eingerichtet" in account_page
    secret = enrol(console, fixed_clock)
    assert "Eingerichtet" in console.get("/staff/konto").text
    fixed_clock.advance(seconds=30)
    fresh = second_client(console)
    assert post_password(fresh, "anna").headers["location"] == "/staff/anmelden/code"
    assert post_code(fresh, totp.code_at(secret, fixed_clock())).status_code == 303


def test_reset_totp_command_for_a_lost_phone(db_url, store, fixed_clock):
    accounts = Accounts(db_url)
    admin = accounts.create("chefin", "admin", PASSWORD)
    secret = accounts.totp_secret_for_enrolment(admin.id)
    assert accounts.enable_totp(admin.id, totp.code_at(secret, fixed_clock()), now=fixed_clock())
    done = lwiw(db_url, "staff", "reset-totp", "chefin")
    assert done.returncode == 0, done.stderr
    assert "Zwei-Faktor-Anmeldung zurückgesetzt: chefin" in done.stdout
    account = accounts.get(admin.id)
    assert not account.totp_enabled and account.needs_totp_enrolment
    assert enrol_secret(db_url, "chefin") is None
    entry = audit_rows(store, action="totp_reset")[0]
    assert (entry["actor"], entry["detail"]) == ("lwiw staff reset-totp", "chefin")
    # after the reset the password logs in again, and the admin is sent to set it up
    assert accounts.authenticate("chefin", PASSWORD, "10.0.0.3").status == "ok"
    assert lwiw(db_url, "staff", "reset-totp", "niemand").returncode == 2


# --------------------------------------------------------------------------- audit retention


def test_purge_deletes_audit_entries_past_their_own_limit(db_url, store, fixed_clock):
    audit = AuditLog(db_url)
    now = fixed_clock()
    for days, conversation in ((800, "web-old"), (731, "web-older-than-limit"),
                               (729, "web-kept"), (1, "web-new")):
        audit.record("view_profile", "anna", conversation_id=conversation,
                     now=now - timedelta(days=days))
    report = Retention(store).purge(365, now=now, audit_older_than_days=730)
    assert report.audit_entries == 2
    assert report.audit_cutoff == now - timedelta(days=730)
    kept = [r["conversation_id"] for r in audit_rows(store, action="view_profile")]
    assert kept == ["web-kept", "web-new"]
    entry = audit_rows(store, action="purge")[-1]
    assert entry["actor"] == SYSTEM and entry["at"].startswith("2026-11-21 09:00:00")
    assert entry["detail"] == ("2 Protokolleinträge gelöscht (Aufbewahrungsfrist des "
                               "Protokolls 730 Tage überschritten)")
    # without the audit limit (the old call) the log is left alone
    audit.record("view_profile", "anna", conversation_id="web-x",
                 now=now - timedelta(days=2000))
    assert Retention(store).purge(365, now=now).audit_entries == 0
    assert audit_rows(store, conversation_id="web-x")
    with pytest.raises(ValueError):
        Retention(store).purge(365, now=now, audit_older_than_days=0)


def test_purge_command_uses_the_audit_retention_setting(db_url, store, monkeypatch):
    monkeypatch.delenv("LWIW_AUDIT_RETENTION_DAYS", raising=False)
    assert get_settings().audit_retention_days == 730
    audit = AuditLog(db_url)
    now = utcnow()
    audit.record("view_list", "anna", now=now - timedelta(days=40))
    audit.record("view_list", "ben", now=now - timedelta(days=10))
    kept = lwiw(db_url, "purge")
    assert kept.returncode == 0, kept.stderr
    assert "Aufbewahrungsfrist des Protokolls: 730 Tage" in kept.stdout
    assert "deleted audit entries: 0" in kept.stdout
    monkeypatch.setenv("LWIW_AUDIT_RETENTION_DAYS", "20")
    done = lwiw(db_url, "purge")
    assert "deleted audit entries: 1" in done.stdout, done.stdout
    assert [r["actor"] for r in audit_rows(store, action="view_list")] == ["ben"]
    flag = lwiw(db_url, "purge", "--audit-older-than", "5")
    assert "deleted audit entries: 1" in flag.stdout
    assert audit_rows(store, action="view_list") == []
    assert lwiw(db_url, "purge", "--audit-older-than", "0").returncode == 2


# --------------------------------------------------------------------------- migration


def test_migration_0005_adds_the_totp_columns_on_a_single_head(db_url):
    script = ScriptDirectory.from_config(alembic_config(db_url))
    assert len(script.get_heads()) == 1
    revisions = [r.revision for r in script.walk_revisions()]
    assert "0005" in revisions
    assert script.get_revision("0005").down_revision == revisions[revisions.index("0005") + 1]
    columns = {c["name"] for c in inspect(get_engine(db_url)).get_columns("staff_accounts")}
    assert {"totp_secret", "totp_enabled", "totp_last_step", "totp_enabled_at",
            "password_changed_at"} <= columns


# --------------------------------------------------------------------------- browser


@pytest.fixture()
def served_console(db_url: str, fixed_clock: FixedClock) -> Iterator[str]:
    """The console (and its static files) under uvicorn on a loopback port, on the fixed
    clock that the codes are computed for."""
    with uvicorn_serving(console_app(db_url, fixed_clock)) as url:
        yield url


def check_axe(page, where: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{where}:\n{format_violations(violations)}"


@pytest.mark.slow
def test_second_factor_in_the_browser(served_console, db_url, fixed_clock):
    base = served_console
    store = Store(db_url)
    Accounts(db_url).create("leitung.zwei", "admin", PASSWORD)
    with chromium() as browser, page_opener(browser) as open_page:
        page, watch = open_page()
        page.goto(base + "/staff/")
        page.get_by_label("Anmeldename").fill("leitung.zwei")
        page.get_by_label("Passwort").fill(PASSWORD)
        page.get_by_role("button", name="Anmelden").click()

        # first login of an admin: the set-up, with the QR code drawn in the page
        page.get_by_role("heading", level=1, name="Zwei-Faktor-Anmeldung einrichten").wait_for()
        assert page.url == base + "/staff/konto/zwei-faktor"
        qr = page.get_by_role("img", name="QR-Code zum Einrichten der Zwei-Faktor-Anmeldung")
        box = qr.bounding_box()
        assert box["width"] >= 150 and box["width"] == box["height"]
        check_axe(page, "totp set-up")
        page.screenshot(path=artifact("staff-totp-setup.png"), full_page=True)
        page.goto(base + "/staff/protokoll")                 # not before it is set up
        page.get_by_role("heading", level=1, name="Zwei-Faktor-Anmeldung einrichten").wait_for()
        secret = page.locator("#totp-secret").inner_text().replace(" ", "")
        code_box = page.get_by_label("Geben Sie zur Bestätigung den Code ein")
        code_box.fill(wrong_code(secret, fixed_clock))
        page.get_by_role("button", name="Einrichten").click()
        page.get_by_role("alert").get_by_text("Der Code stimmt nicht").wait_for()
        check_axe(page, "totp set-up with error")
        watch.problems.clear()                              # the refusal is a 400
        page.get_by_label("Geben Sie zur Bestätigung den Code ein").fill(
            totp.code_at(secret, fixed_clock()))
        page.get_by_role("button", name="Einrichten").click()
        page.get_by_role("heading", level=1, name="Gespräche").wait_for()
        page.get_by_role("status").get_by_text("Die Zwei-Faktor-Anmeldung ist eingerichtet").\
            wait_for()
        page.get_by_role("button", name="Abmelden").click()
        page.get_by_role("status").get_by_text("Sie sind abgemeldet.").wait_for()

        # the next login: password, then the code of the app
        fixed_clock.advance(seconds=30)
        page.get_by_label("Anmeldename").fill("leitung.zwei")
        page.get_by_label("Passwort").fill(PASSWORD)
        page.get_by_role("button", name="Anmelden").click()
        page.get_by_role("heading", level=1, name="Code aus Ihrer App").wait_for()
        check_axe(page, "login code")
        page.screenshot(path=artifact("staff-totp-login.png"), full_page=True)
        field = page.get_by_label("Sechsstelliger Code")
        assert field.get_attribute("autocomplete") == "one-time-code"
        field.fill(totp.code_at(secret, fixed_clock()))
        field.press("Enter")
        page.get_by_role("heading", level=1, name="Gespräche").wait_for()
        page.get_by_role("navigation", name="Konsole").get_by_role(
            "link", name="Protokoll").click()
        page.get_by_role("heading", level=1, name="Protokoll").wait_for()
        assert "Passwort richtig, Code angefordert" in page.locator("main").inner_text()
        assert watch.problems == []
    actions = [(r["action"], r["detail"]) for r in audit_rows(store, actor="leitung.zwei")]
    for expected in [("login", ""), ("totp_enabled", ""), ("logout", ""),
                     ("login_password_ok", "Zwei-Faktor-Code angefordert"),
                     ("login", "mit Zwei-Faktor-Code"), ("view_audit", "")]:
        assert expected in actions, expected
