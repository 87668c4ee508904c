"""The staff console on the real servers (`assistant` fixture: action server, Rasa and the
web app under uvicorn, one SQLite database): who may call which route (every route of
the console, enumerated from the app), counselling together through the chat proxy, and
`lwiw purge` deleting real Rasa tracker events."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import text as sql
from starlette.routing import Mount

from bot.resume_codes import code_hash, find_code
from bot.staff.accounts import Accounts
from bot.staff.notes import Notes
from bot.storage.models import utcnow
from bot.web.app import create_app
from bot.web.config import WebConfig
from tests.support.staff import (
    STAFF_COOKIE,
    add_account,
    audit_rows,
    backdate,
    csrf_from,
    login,
    lwiw,
    next_totp_code,
    seed_conversation,
)

pytestmark = pytest.mark.slow

PASSWORD = "matrix-passwort-2026"
ANSWERS = {"living": "Ich möchte mehr unter Leute kommen.",
           "neighbourhood": "Ich wohne in Eimsbüttel."}
ROLES = ("anonymous", "person", "counsellor", "admin")
PUBLIC, STAFF, ADMIN = "public", "staff", "admin"



def console_routes() -> list[tuple[str, str]]:
    """Every (method, path) of the console, as mounted by the real web app."""
    app = create_app(WebConfig(rasa_url="http://127.0.0.1:9", database_url="sqlite://",
                               secret_key="sqCMhVFjcIjyVUbUJcVv3yB-qPrU4bVg2TVrz9aWbjc"))
    mount = next(r for r in app.routes if isinstance(r, Mount) and r.path == "/staff")
    return sorted((method, route.path) for route in mount.app.routes
                  for method in route.methods - {"HEAD"})


# --------------------------------------------------------------------------- the world


@dataclass
class World:
    assistant: object
    clients: dict[str, httpx.Client] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def store(self):
        return self.assistant.store

    @property
    def url(self) -> str:
        return self.assistant.settings.database_url

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.assistant.web_url, timeout=120)

    def conversation(self) -> str:
        sender = f"web-matrix-{uuid.uuid4().hex[:10]}"
        seed_conversation(self.store, sender, ANSWERS)
        return sender

    def account(self) -> int:
        name = f"wegwerf-{uuid.uuid4().hex[:8]}"
        return Accounts(self.url).create(name, "counsellor", PASSWORD).id

    def fresh_login(self, role: str) -> tuple[httpx.Client, str]:
        """A second session; the admin (second factor set up at the first login) gives a
        code from the authenticator app."""
        client, name = self.client(), f"matrix-{role}"
        code = next_totp_code(self.url, name) if role == "admin" else None
        return client, login(client, name, PASSWORD, code=code)

    def state(self) -> tuple:
        """What a refused request must not change (the audit log may grow)."""
        with self.store._session() as session:
            return tuple(session.execute(sql(query)).all() for query in (
                "SELECT id, pseudonym, with_staff, resume_code_hash FROM conversations "
                "ORDER BY id",
                "SELECT id, text, status FROM answers ORDER BY id",
                "SELECT id FROM staff_notes ORDER BY id",
                "SELECT id, active, failed_logins, locked_until FROM staff_accounts "
                "ORDER BY id",
                "SELECT id FROM staff_sessions ORDER BY id",
                "SELECT id, done_at, done_by FROM callback_requests ORDER BY id",
            ))


@pytest.fixture(scope="module")
def world(assistant) -> Iterator[World]:
    instance = World(assistant)
    url = instance.url
    add_account(url, "matrix-counsellor", "counsellor", PASSWORD)
    add_account(url, "matrix-admin", "admin", PASSWORD)
    instance.clients["anonymous"] = instance.client()
    person = instance.client()
    assert person.get("/").status_code == 200
    assert "lwiw_chat" in person.cookies                 # a person's chat cookie
    instance.clients["person"] = person
    for role in ("counsellor", "admin"):
        client = instance.client()
        instance.tokens[role] = login(client, f"matrix-{role}", PASSWORD)
        instance.clients[role] = client
    yield instance
    for client in instance.clients.values():
        client.close()


# --------------------------------------------------------------------------- the matrix

Check = Callable[[World, httpx.Response, dict], None]


@dataclass(frozen=True)
class Case:
    access: str
    kind: str                   # page | api
    ok_status: int
    body: Callable[[World, dict, str], dict] | None = None
    query: dict | None = None
    check: Check | None = None
    location: str | None = None  # where an allowed request redirects to (a regex)
    fresh_session: bool = False


def form(**fields: str) -> Callable[[World, dict, str], dict]:
    return lambda world, params, token: {"data": {"csrf": token, **fields}}


def api_body(payload: dict) -> Callable[[World, dict, str], dict]:
    return lambda world, params, token: {"json": payload,
                                         "headers": {"X-CSRF-Token": token}}


def has_note(world: World, reply: httpx.Response, params: dict) -> None:
    notes = Notes(world.url).for_conversation(params["cid"])
    assert [n.text for n in notes] == ["Matrix-Notiz"]


def renamed(world: World, reply: httpx.Response, params: dict) -> None:
    assert world.store.get_conversation(params["cid"]).pseudonym == "Matrix"


def deleted(world: World, reply: httpx.Response, params: dict) -> None:
    assert world.store.get_conversation(params["cid"]) is None


def exported(world: World, reply: httpx.Response, params: dict) -> None:
    assert reply.headers["content-type"].startswith("application/json")
    assert params["cid"] in reply.text and "attachment" in reply.headers[
        "content-disposition"]


def bot_answered(spoken: bool) -> Check:
    """The bot answered through the proxy; only a message marks the conversation as held
    together with a counsellor (opening it or switching the language does not)."""
    def check(world: World, reply: httpx.Response, params: dict) -> None:
        data = reply.json()
        assert data["turns"] and any(m.get("text") for t in data["turns"]
                                     for m in t["messages"])
        assert world.store.get_conversation(params["cid"]).with_staff is spoken
    return check


def callback_done(world: World, reply: httpx.Response, params: dict) -> None:
    done = world.store.callback_request(params["request_id"])
    assert done.done_at is not None and done.done_by.startswith("matrix-")


def account_is(active: bool | None = None, unlocked: bool = False) -> Check:
    def check(world: World, reply: httpx.Response, params: dict) -> None:
        account = Accounts(world.url).get(params["account_id"])
        if active is not None:
            assert account.active is active
        if unlocked:
            assert account.failed_logins == 0 and account.locked_until is None
    return check


def account_created(world: World, reply: httpx.Response, params: dict) -> None:
    assert Accounts(world.url).by_name(params["new_name"]).role == "counsellor"


def logged_out(world: World, reply: httpx.Response, params: dict) -> None:
    assert f"{STAFF_COOKIE}=;" in reply.headers["set-cookie"]


EXPECTED: dict[tuple[str, str], Case] = {
    ("GET", "/"): Case(STAFF, "page", 303, location=r"/staff/gespraeche$"),
    ("GET", "/anmelden"): Case(PUBLIC, "page", 200),
    ("POST", "/anmelden"): Case(PUBLIC, "page", 400, body=form(name="niemand",
                                                               password="x" * 12)),
    ("POST", "/abmelden"): Case(STAFF, "page", 303, body=form(), check=logged_out,
                                location=r"/staff/anmelden\?abgemeldet=1$",
                                fresh_session=True),
    ("GET", "/anmelden/code"): Case(PUBLIC, "page", 303, location=r"/staff/anmelden$"),
    ("POST", "/anmelden/code"): Case(PUBLIC, "page", 303, body=form(code="123456"),
                                     location=r"/staff/anmelden$"),
    ("GET", "/konto"): Case(STAFF, "page", 200),
    ("POST", "/konto/passwort"): Case(STAFF, "page", 400, body=form(
        current=PASSWORD, password="neues-passwort-2027", password2="anderes-passwort-27")),
    ("GET", "/konto/zwei-faktor"): Case(STAFF, "page", 200),
    ("POST", "/konto/zwei-faktor"): Case(STAFF, "page", 400, body=form(code="kein-code")),
    ("GET", "/gespraeche"): Case(STAFF, "page", 200),
    ("POST", "/gespraeche/neu"): Case(STAFF, "page", 303, body=form(),
                                      location=r"/staff/gespraech/staff-[0-9a-f]{32}/chat$"),
    ("POST", "/gespraeche/fortsetzen"): Case(
        STAFF, "page", 303, location=r"/staff/gespraech/web-matrix-\w+/chat$",
        body=lambda world, params, token: {"data": {"csrf": token, "code": params["code"]}}),
    ("GET", "/gespraech/{cid}"): Case(STAFF, "page", 200),
    ("POST", "/gespraech/{cid}/notizen"): Case(STAFF, "page", 303, check=has_note,
                                               body=form(section="will", text="Matrix-Notiz")),
    ("POST", "/gespraech/{cid}/kurzname"): Case(STAFF, "page", 303, check=renamed,
                                                body=form(pseudonym="Matrix")),
    ("GET", "/gespraech/{cid}/export"): Case(STAFF, "page", 200, query={"format": "json"},
                                             check=exported),
    ("GET", "/gespraech/{cid}/loeschen"): Case(STAFF, "page", 200),
    ("POST", "/gespraech/{cid}/loeschen"): Case(STAFF, "page", 303, check=deleted,
                                                body=form(confirm="yes"),
                                                location=r"/staff/gespraeche$"),
    ("GET", "/gespraech/{cid}/chat"): Case(STAFF, "page", 200),
    ("POST", "/gespraech/{cid}/sprache"): Case(STAFF, "page", 303, body=form(easy="1"),
                                               location=r"/chat$"),
    ("POST", "/api/chat/{cid}/start"): Case(STAFF, "api", 200, check=bot_answered(False),
                                            body=api_body({"history": False})),
    ("POST", "/api/chat/{cid}/message"): Case(STAFF, "api", 200, check=bot_answered(True),
                                              body=api_body({"text": "Hilfe"})),
    ("POST", "/api/chat/{cid}/language"): Case(STAFF, "api", 200,
                                               check=bot_answered(False),
                                               body=api_body({"easy": True})),
    ("GET", "/rueckrufe"): Case(STAFF, "page", 200),
    ("POST", "/rueckrufe/{request_id:int}/erledigt"): Case(
        STAFF, "page", 303, body=form(), check=callback_done, location=r"/staff/rueckrufe$"),
    ("GET", "/protokoll"): Case(ADMIN, "page", 200),
    ("GET", "/konten"): Case(ADMIN, "page", 200),
    ("POST", "/konten"): Case(
        ADMIN, "page", 303, check=account_created, location=r"/staff/konten$",
        body=lambda world, params, token: {"data": {
            "csrf": token, "name": params["new_name"], "role": "counsellor",
            "password": PASSWORD, "password2": PASSWORD}}),
    ("POST", "/konten/{account_id:int}/deaktivieren"): Case(
        ADMIN, "page", 303, body=form(), check=account_is(active=False)),
    ("POST", "/konten/{account_id:int}/aktivieren"): Case(
        ADMIN, "page", 303, body=form(), check=account_is(active=True)),
    ("POST", "/konten/{account_id:int}/entsperren"): Case(
        ADMIN, "page", 303, body=form(), check=account_is(unlocked=True)),
}


def test_every_console_route_is_in_the_matrix():
    """A new route cannot be forgotten: it fails here until it has an expected answer."""
    assert set(console_routes()) == set(EXPECTED)


def allowed(access: str, role: str) -> bool:
    return (access == PUBLIC or (access == STAFF and role in ("counsellor", "admin"))
            or (access == ADMIN and role == "admin"))


def prepare(world: World, path: str) -> tuple[str, dict]:
    params: dict = {"new_name": f"neu-{uuid.uuid4().hex[:8]}"}
    if "{cid}" in path:
        params["cid"] = world.conversation()
    if "{account_id:int}" in path:
        params["account_id"] = world.account()
        if path.endswith("entsperren"):
            accounts = Accounts(world.url)
            name = accounts.get(params["account_id"]).name
            address = f"10.1.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
            for _ in range(5):
                accounts.authenticate(name, "falsch-falsch-falsch", address)
            assert accounts.get(params["account_id"]).locked_until is not None
    if "{request_id:int}" in path:
        params["request_id"] = world.store.add_callback_request(world.conversation(),
                                                                "040 123 456", "vormittags")
    if path == "/gespraeche/fortsetzen":
        cid = world.conversation()
        params["code"] = world.store.issue_resume_code(cid)
    url = "/staff" + path.replace("{cid}", params.get("cid", "")).replace(
        "{account_id:int}", str(params.get("account_id", ""))).replace(
        "{request_id:int}", str(params.get("request_id", "")))
    return url.rstrip("/") if path != "/" else "/staff/", params


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), console_routes())
def test_authorisation_matrix(world, method, path, role):
    case = EXPECTED[(method, path)]
    url, params = prepare(world, path)
    client, token = world.clients[role], world.tokens.get(role, "")
    if case.fresh_session and role in world.tokens:
        client, token = world.fresh_login(role)
    if case.access == PUBLIC and not token:
        token = csrf_from(client.get("/staff/anmelden").text)
    request = case.body(world, params, token) if case.body else {}
    before = world.state()
    reply = client.request(method, url, params=case.query, follow_redirects=False, **request)
    assert "frame-ancestors 'none'" in reply.headers["content-security-policy"]
    assert reply.headers["x-content-type-options"] == "nosniff"

    if role in ("counsellor", "admin") and path == "/anmelden" and method == "GET":
        assert reply.status_code == 303                  # already logged in: to the list
        return
    if allowed(case.access, role):
        assert reply.status_code == case.ok_status, reply.text[:300]
        if case.location:
            assert re.search(case.location, reply.headers["location"]), reply.headers
        if case.check:
            case.check(world, reply, params)
        return
    # refused: nothing changed, and the answer says why
    assert world.state() == before
    if role in ("anonymous", "person"):
        if case.kind == "api":
            assert reply.status_code == 401
            assert reply.json()["error"] == "login"
        else:
            assert reply.status_code == 303
            assert reply.headers["location"].startswith("/staff/anmelden")
        assert "lwiw_staff=ey" not in reply.headers.get("set-cookie", "").replace(
            "lwiw_staff=eyJjIj", "")                     # at most a login-form token
    else:
        assert reply.status_code == 403 and "Kein Zugriff" in reply.text
        denied = audit_rows(world.store, action="access_denied", actor="matrix-counsellor")
        assert denied[-1]["detail"] == f"{method} {url}"


# --------------------------------------------------------------------------- chat together


def choose(reply: dict, title_part: str) -> dict:
    for turn in reply["turns"]:
        for message in turn["messages"]:
            for button in message.get("buttons", []):
                if title_part in button["title"]:
                    return {"payload": button["payload"], "label": button["title"]}
    raise AssertionError(f"no button {title_part!r} in {reply}")


def said(reply: dict) -> str:
    return "\n".join(m.get("text", "") for t in reply["turns"] for m in t["messages"])


class ConsoleChat:
    def __init__(self, client: httpx.Client, token: str, conversation_id: str) -> None:
        self.client, self.token, self.cid = client, token, conversation_id

    def post(self, what: str, body: dict) -> dict:
        reply = self.client.post(f"/staff/api/chat/{self.cid}/{what}", json=body,
                                 headers={"X-CSRF-Token": self.token})
        assert reply.status_code == 200, reply.text
        return reply.json()


def test_counselling_together_new_and_resumed(world):
    client, token = world.fresh_login("counsellor")
    started = client.post("/staff/gespraeche/neu", data={"csrf": token},
                          follow_redirects=False)
    cid = re.search(r"/gespraech/(staff-[0-9a-f]+)/chat", started.headers["location"]).group(1)
    assert client.get(f"/staff/gespraech/{cid}/chat").status_code == 200
    chat = ConsoleChat(client, token, cid)
    greeting = chat.post("start", {"history": False})
    assert world.store.get_conversation(cid) is None           # nothing before consent
    assert client.get(f"/staff/gespraech/{cid}").status_code == 404
    consent = chat.post("message", choose(greeting, "Ja"))
    conversation = world.store.get_conversation(cid)
    assert conversation.consent_given and conversation.with_staff
    language = chat.post("message", choose(consent, "normale Sprache"))
    first = chat.post("message", choose(language, "Nein"))
    assert any(m.get("custom", {}).get("question_id") == "living"
               for t in first["turns"] for m in t["messages"])
    words = "Ich möchte wieder im Chor singen."
    noted = chat.post("message", {"text": words})
    assert f"„{words}“" in said(noted)
    assert [a.text for a in world.store.active_answers(cid)] == [words]
    listing = client.get("/staff/gespraeche").text
    row = listing[listing.index(f'href="/staff/gespraech/{cid}"'):][:800]
    assert "gemeinsam mit Fachkraft" in row and "1 von 6" in row
    paused = chat.post("message", {"payload": "/pause", "label": "Pause"})
    code = paused["resume_code"]                       # the code is in the reply, not stored
    assert code and find_code(said(paused)) == code
    assert world.store.get_conversation(cid).resume_code_hash == code_hash(code)
    assert audit_rows(world.store, action="chat_started", conversation_id=cid)

    # another staff member continues it by its code, in the same chat component
    admin = world.clients["admin"]
    opened = admin.post("/staff/gespraeche/fortsetzen", data={
        "csrf": world.tokens["admin"], "code": code.lower()}, follow_redirects=False)
    assert opened.headers["location"] == f"/staff/gespraech/{cid}/chat"
    assert admin.get(opened.headers["location"]).status_code == 200
    again = ConsoleChat(admin, world.tokens["admin"], cid)
    resumed = again.post("start", {"history": False})
    assert "Frage 1" in said(resumed) or any(
        m.get("custom", {}).get("question_id") == "living"
        for t in resumed["turns"] for m in t["messages"]), said(resumed)
    # opening it in the console needs no code and leaves the person's code as it was
    assert world.store.get_conversation(cid).resume_code_hash == code_hash(code)
    more = "Und ich will im Sommer Rad fahren."
    again.post("message", {"text": more})
    assert [a.text for a in world.store.active_answers(cid)] == [words, more]
    assert world.store.canonical_id(cid) == cid
    unknown = admin.post("/staff/gespraeche/fortsetzen", data={
        "csrf": world.tokens["admin"], "code": "GIBT-ES-99"})
    assert unknown.status_code == 400 and "kein gespeichertes Gespräch" in unknown.text
    assert audit_rows(world.store, action="view_chat", conversation_id=cid,
                      actor="matrix-admin")

    # deleting it from the console takes the profile, the notes and Rasa's events
    admin.post(f"/staff/gespraech/{cid}/notizen", data={
        "csrf": world.tokens["admin"], "section": "next_steps", "text": "Termin im Mai"})
    assert events_of(world, cid) > 0
    confirm = admin.get(f"/staff/gespraech/{cid}/loeschen")
    assert "1 Notiz(en)" in confirm.text
    gone = admin.post(f"/staff/gespraech/{cid}/loeschen", data={
        "csrf": world.tokens["admin"], "confirm": "yes"}, follow_redirects=False)
    assert gone.status_code == 303
    assert world.store.get_conversation(cid) is None and events_of(world, cid) == 0
    assert world.store.active_answers(cid) == [] and Notes(world.url).for_conversation(cid) == []
    assert "Das Gespräch wurde gelöscht." in admin.get("/staff/gespraeche").text
    assert client.get(f"/staff/gespraech/{cid}").status_code == 404


def test_crisis_in_the_counselling_chat_is_marked_for_the_staff(world):
    """A crisis typed in the co-counselling chat brings the help numbers, is not stored as
    an answer, and the list and the profile show the marker prominently."""
    client, token = world.fresh_login("counsellor")
    started = client.post("/staff/gespraeche/neu", data={"csrf": token},
                          follow_redirects=False)
    cid = re.search(r"/gespraech/(staff-[0-9a-f]+)/chat", started.headers["location"]).group(1)
    chat = ConsoleChat(client, token, cid)
    greeting = chat.post("start", {"history": False})
    consent = chat.post("message", choose(greeting, "Ja"))
    language = chat.post("message", choose(consent, "normale Sprache"))
    chat.post("message", choose(language, "Nein"))
    words = "Ich habe meine Tabletten gesammelt, bald ist es vorbei."
    crisis = chat.post("message", {"text": words})
    assert "0800 111 0 111" in said(crisis)
    assert world.store.active_answers(cid) == []
    markers = world.store.crisis_markers(cid)
    assert [(m.level, m.source) for m in markers] == [("acute", "staff_chat")]
    listing = client.get("/staff/gespraeche").text
    row = listing[listing.index(f'href="/staff/gespraech/{cid}"'):][:1500]
    assert "Krisenhinweis: akut" in row
    profile = client.get(f"/staff/gespraech/{cid}").text
    assert "Krisenhinweise" in profile and "Plan oder Vorbereitung" in profile


def events_of(world: World, sender: str) -> int:
    with world.store._session() as session:
        return session.execute(sql("SELECT count(*) FROM events WHERE sender_id = :s"),
                               {"s": sender}).scalar_one()


def test_purge_command_deletes_real_tracker_events(world):
    client, token = world.fresh_login("counsellor")
    started = client.post("/staff/gespraeche/neu", data={"csrf": token},
                          follow_redirects=False)
    cid = started.headers["location"].split("/")[-2]
    chat = ConsoleChat(client, token, cid)
    chat.post("message", choose(chat.post("start", {"history": False}), "Ja"))
    assert world.store.has_consent(cid) and events_of(world, cid) > 0
    Notes(world.url).add(cid, "general", Accounts(world.url).by_name(
        "matrix-counsellor").id, "wird mit gelöscht")
    with world.store._session() as session:
        conversations = session.execute(sql("SELECT count(*) FROM conversations")).scalar_one()
    backdate(world.store, cid, utcnow() - timedelta(days=400))

    done = lwiw(world.url, "purge", "--older-than", "365")
    assert done.returncode == 0, done.stderr
    assert "deleted conversations: 1" in done.stdout and cid in done.stdout
    assert world.store.get_conversation(cid) is None and events_of(world, cid) == 0
    assert Notes(world.url).for_conversation(cid) == []
    with world.store._session() as session:
        left = session.execute(sql("SELECT count(*) FROM conversations")).scalar_one()
    assert left == conversations - 1
    entry = audit_rows(world.store, action="purge", conversation_id=cid)[0]
    assert entry["actor"] == "system" and "1 Notiz(en)" in entry["detail"]
