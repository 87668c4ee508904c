"""The staff console without Rasa: accounts and the `lwiw staff add` command, login with
lockout (fixed clock), CSRF, session cookie, the conversation list, notes, audit entries
for every action, export, deletion and `lwiw purge` (fixed clock). Starlette's TestClient
on the real app, a real (temporary, migrated) SQLite database."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from functools import partial

import pytest
from sqlalchemy import text as sql
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from bot.services import free_port
from bot.staff.accounts import IP_MAX_FAILURES, LOCK_MINUTES, MAX_FAILURES, Accounts
from bot.staff.audit import SYSTEM, AuditLog
from bot.staff.notes import SECTIONS, Notes
from bot.staff.retention import Retention
from bot.storage.models import utcnow
from bot.storage.repository import Store
from bot.web.app import create_app
from bot.web.config import WebConfig
from bot.web.staff import create_staff_app
from tests.support.staff import (
    STAFF_COOKIE,
    add_account,
    audit_rows,
    backdate,
    csrf_from,
    login,
    lwiw,
    seed_conversation,
)
from tests.support.tamper import tampered

SECRET = "RQieUX25Iu3ZKSeO2KIq_6d7LN8TqGFqFTDmKN8VhpI"  # random: weak keys are refused
PASSWORD = "ein-langes-passwort-1"
ANSWERS = {
    "living": "Ich möchte alleine wohnen, mit meinem Hund.",
    "people": "Meine Schwester hilft mir beim Einkaufen.",
    "neighbourhood": "Ich wohne in Barmbek-Nord und gehe gern in die Bücherhalle.",
}


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def make_config(db_url: str) -> WebConfig:
    return WebConfig(rasa_url=f"http://127.0.0.1:{free_port()}", database_url=db_url,
                     secret_key=SECRET)


@pytest.fixture()
def app_client(db_url: str, monkeypatch) -> Iterator[TestClient]:
    """The whole web app as uvicorn runs it (the console mounted by bot/web/app.py, which
    reads its configuration from the environment)."""
    monkeypatch.setenv("LWIW_DATABASE_URL", db_url)
    monkeypatch.setenv("LWIW_SECRET_KEY", SECRET)
    with TestClient(create_app(make_config(db_url))) as client:
        yield client


@pytest.fixture()
def clock() -> Clock:
    return Clock(datetime(2026, 11, 21, 9, 0, 0))


@pytest.fixture()
def clocked_client(db_url: str, clock: Clock) -> Iterator[TestClient]:
    """The console app with a fixed clock, mounted at /staff as bot/web/app.py does."""
    app = Starlette(routes=[Mount("/staff", app=create_staff_app(make_config(db_url),
                                                                 clock=clock))])
    with TestClient(app) as client:
        yield client


def post_login(client: TestClient, name: str, password: str):
    form = client.get("/staff/anmelden")
    return client.post("/staff/anmelden", data={"csrf": csrf_from(form.text), "name": name,
                                                "password": password, "weiter": ""},
                       follow_redirects=False)


def answers_snapshot(store: Store) -> list[tuple]:
    with store._session() as session:
        return [tuple(row) for row in session.execute(sql(
            "SELECT id, conversation_id, question_id, text, status, confirmed_at "
            "FROM answers ORDER BY id"))]


# ---------------------------------------------------------------- accounts and the CLI


def test_staff_add_command_stores_an_argon2_hash(db_url):
    add_account(db_url, "m.mueller", "counsellor", PASSWORD)
    with Store(db_url)._session() as session:
        row = session.execute(sql("SELECT name, role, password_hash, active "
                                  "FROM staff_accounts")).one()
    assert row.name == "m.mueller" and row.role == "counsellor" and row.active
    assert row.password_hash.startswith("$argon2id$") and PASSWORD not in row.password_hash
    assert Accounts(db_url).authenticate("m.mueller", PASSWORD, "10.0.0.1").status == "ok"
    assert audit_rows(Store(db_url), action="account_created")[0]["detail"] == \
        "m.mueller (counsellor)"

    again = lwiw(db_url, "staff", "add", "m.mueller", "--role", "admin", stdin=PASSWORD)
    assert again.returncode == 2 and "gibt es schon" in again.stderr
    short = lwiw(db_url, "staff", "add", "kurz", "--role", "admin", stdin="zu-kurz\n")
    assert short.returncode == 2 and "mindestens 12 Zeichen" in short.stderr
    wrong_role = lwiw(db_url, "staff", "add", "x.y", "--role", "chef", stdin=PASSWORD)
    assert wrong_role.returncode == 2
    assert [a.name for a in Accounts(db_url).all()] == ["m.mueller"]


# ---------------------------------------------------------------- login and lockout


def test_lockout_after_five_failures_for_fifteen_minutes(db_url, clocked_client, clock):
    accounts = Accounts(db_url)
    accounts.create("anna", "counsellor", PASSWORD)
    accounts.create("ben", "counsellor", PASSWORD)
    for attempt in range(1, MAX_FAILURES + 1):
        reply = post_login(clocked_client, "anna", "falsch-falsch-falsch")
        expected = 429 if attempt == MAX_FAILURES else 400
        assert reply.status_code == expected, attempt
    assert "15 Minuten gesperrt" in reply.text
    # locked: even the right password is refused, and it is not checked at all
    locked = post_login(clocked_client, "anna", PASSWORD)
    assert locked.status_code == 429 and STAFF_COOKIE not in locked.headers.get(
        "set-cookie", "").replace(f"{STAFF_COOKIE}=ey", "")
    assert accounts.by_name("anna").locked_until == clock.now + timedelta(minutes=LOCK_MINUTES)
    # the lock is per account: ben logs in
    assert post_login(clocked_client, "ben", PASSWORD).status_code == 303

    clock.advance(minutes=LOCK_MINUTES - 1)
    assert post_login(clocked_client, "anna", PASSWORD).status_code == 429
    clock.advance(minutes=2)
    assert post_login(clocked_client, "anna", PASSWORD).status_code == 303
    assert accounts.by_name("anna").failed_logins == 0

    store = Store(db_url)
    actions = [row["action"] for row in audit_rows(store, actor="anna")]
    assert actions == ["login_failed"] * MAX_FAILURES + ["account_locked", "login_locked",
                                                         "login_locked", "login"]


def test_after_an_expired_lock_counting_starts_again(db_url, clock):
    accounts = Accounts(db_url)
    accounts.create("anna", "counsellor", PASSWORD)
    for _ in range(MAX_FAILURES):
        accounts.authenticate("anna", "nein-nein-nein", "10.0.0.2", clock())
    clock.advance(minutes=LOCK_MINUTES + 1)
    assert accounts.authenticate("anna", "nein-nein-nein", "10.0.0.2", clock()).status == \
        "invalid"
    assert accounts.by_name("anna").failed_logins == 1


def test_per_address_limit_counts_failures_across_accounts(db_url, clocked_client, clock):
    Accounts(db_url).create("anna", "counsellor", PASSWORD)
    for number in range(IP_MAX_FAILURES):
        assert post_login(clocked_client, f"niemand{number}", "x" * 12).status_code == 400
    blocked = post_login(clocked_client, "anna", PASSWORD)
    assert blocked.status_code == 429 and "von diesem Gerät" in blocked.text
    assert audit_rows(Store(db_url), action="login_blocked")[0]["ip"] == "testclient"
    # another address is not affected
    assert Accounts(db_url).authenticate("anna", PASSWORD, "10.9.9.9", clock()).status == "ok"
    clock.advance(minutes=16)
    assert post_login(clocked_client, "anna", PASSWORD).status_code == 303


def test_deactivated_account_cannot_log_in_and_loses_its_session(db_url, clocked_client):
    accounts = Accounts(db_url)
    admin = accounts.create("admin", "admin", PASSWORD)
    anna = accounts.create("anna", "counsellor", PASSWORD)
    login(clocked_client, "anna", PASSWORD)
    assert clocked_client.get("/staff/gespraeche").status_code == 200
    accounts.set_active(anna.id, False, by=admin)
    gone = clocked_client.get("/staff/gespraeche", follow_redirects=False)
    assert gone.status_code == 303 and "/staff/anmelden" in gone.headers["location"]
    assert post_login(clocked_client, "anna", PASSWORD).status_code == 400


def test_session_ends_after_idle_time(db_url, clocked_client, clock):
    Accounts(db_url).create("anna", "counsellor", PASSWORD)
    login(clocked_client, "anna", PASSWORD)
    clock.advance(minutes=29)
    assert clocked_client.get("/staff/gespraeche").status_code == 200
    clock.advance(minutes=29)                       # active 29 minutes ago: still fine
    assert clocked_client.get("/staff/gespraeche").status_code == 200
    clock.advance(minutes=31)
    expired = clocked_client.get("/staff/gespraeche", follow_redirects=False)
    assert expired.status_code == 303
    # a session nobody returns to is removed at the next login of anyone
    Accounts(db_url).create("ben", "counsellor", PASSWORD)
    login(clocked_client, "ben", PASSWORD)
    clock.advance(hours=1)
    other = TestClient(clocked_client.app)
    login(other, "anna", PASSWORD)
    with Store(db_url)._session() as session:
        owners = session.execute(sql("SELECT a.name FROM staff_sessions s JOIN staff_accounts a"
                                     " ON a.id = s.account_id")).scalars().all()
    assert owners == ["anna"]


# ---------------------------------------------------------------- cookie, headers, CSRF


def test_console_cookie_is_its_own_signed_strict_httponly_cookie(db_url, app_client):
    Accounts(db_url).create("anna", "counsellor", PASSWORD)
    form = app_client.get("/staff/anmelden")
    assert "lwiw_chat" not in form.headers.get("set-cookie", "")
    reply = app_client.post("/staff/anmelden", data={
        "csrf": csrf_from(form.text), "name": "anna", "password": PASSWORD, "weiter": ""},
        follow_redirects=False)
    cookie = reply.headers["set-cookie"]
    assert cookie.startswith(f"{STAFF_COOKIE}=")
    for flag in ("HttpOnly", "SameSite=Strict", "Path=/staff"):
        assert flag in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    assert PASSWORD not in token and "anna" not in token
    page = app_client.get("/staff/gespraeche")
    for header, value in (("x-content-type-options", "nosniff"), ("cache-control", "no-store"),
                          ("x-frame-options", "DENY")):
        assert page.headers[header] == value
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", page.text)
    assert " style=" not in page.text
    # a tampered cookie is no session
    app_client.cookies.clear()
    app_client.cookies.set(STAFF_COOKIE, tampered(token))
    assert app_client.get("/staff/gespraeche", follow_redirects=False).status_code == 303


def test_csrf_is_required_for_every_change(db_url, app_client):
    store = Store(db_url)
    seed_conversation(store, "web-csrf", ANSWERS)
    Accounts(db_url).create("anna", "counsellor", PASSWORD)
    # the login form itself: no token, or a token without its cookie
    assert app_client.post("/staff/anmelden", data={"name": "anna", "password": PASSWORD},
                           follow_redirects=False).status_code == 403
    token = login(app_client, "anna", PASSWORD)
    url = "/staff/gespraech/web-csrf/notizen"
    for bad in ({}, {"csrf": ""}, {"csrf": token[:-1] + ("A" if token[-1] != "A" else "B")}):
        refused = app_client.post(url, data={**bad, "section": "will", "text": "Notiz"})
        assert refused.status_code == 403 and "Formular abgelaufen" in refused.text
    assert Notes(db_url).for_conversation("web-csrf") == []
    delete = app_client.post("/staff/gespraech/web-csrf/loeschen", data={"confirm": "yes"})
    assert delete.status_code == 403 and store.get_conversation("web-csrf") is not None
    logout = app_client.post("/staff/abmelden", data={"csrf": "falsch"})
    assert logout.status_code == 403
    assert app_client.get("/staff/gespraeche").status_code == 200      # still logged in
    # the chat API wants the token in a header
    api = "/staff/api/chat/web-csrf/start"
    assert app_client.post(api, json={"history": False}).status_code == 403
    assert app_client.post(api, json={"history": False},
                           headers={"X-CSRF-Token": "falsch"}).status_code == 403
    # changes are POST only
    assert app_client.get("/staff/abmelden").status_code == 405
    ok = app_client.post(url, data={"csrf": token, "section": "will", "text": "Notiz"},
                         follow_redirects=False)
    assert ok.status_code == 303 and len(Notes(db_url).for_conversation("web-csrf")) == 1


# ---------------------------------------------------------------- list, notes, audit


def test_list_shows_only_conversations_with_consent_and_finds_them(db_url, app_client):
    store = Store(db_url)
    seed_conversation(store, "web-a", ANSWERS)
    store.issue_resume_code("web-a", make=lambda: "SONNE-BAUM-MOND-TEE-42")
    seed_conversation(store, "web-b", {"living": "Ich will tanzen gehen."})
    store.record_consent("web-none", False)              # said no: never listed
    store.record_consent("web-linked", True)
    store.link_sender("web-linked", "web-a")              # resumed elsewhere: one entry
    Accounts(db_url).create("anna", "counsellor", PASSWORD)
    token = login(app_client, "anna", PASSWORD)
    app_client.post("/staff/gespraech/web-b/kurzname", data={"csrf": token,
                                                            "pseudonym": "Frau <K.>"})

    page = app_client.get("/staff/gespraeche").text
    assert page.count('href="/staff/gespraech/web-') == 2
    assert "web-none" not in page and 'href="/staff/gespraech/web-linked"' not in page
    assert "Barmbek-Nord (Hamburg-Nord)" in page and "3 von 6" in page and "1 von 6" in page
    assert "Frau &lt;K.&gt;" in page and "<K.>" not in page
    assert "SONNE-BAUM" not in page                        # the code is nowhere shown
    for query, expected in (("barmbek", "web-a"), ("sonne baum mond tee 42", "web-a"),
                            ("Hamburg-Nord", "web-a"), ("frau", "web-b")):
        found = app_client.get("/staff/gespraeche", params={"q": query}).text
        assert found.count('href="/staff/gespraech/web-') == 1, query
        assert f'href="/staff/gespraech/{expected}"' in found, query
    assert "Keine Treffer" in app_client.get("/staff/gespraeche", params={"q": "Bergedorf"}).text
    store.record_urgent("web-a", "Der Vermieter will mich rauswerfen", ["housing", "money"])
    profile = app_client.get("/staff/gespraech/web-a").text
    assert "gültig, zuletzt vergeben oder benutzt am" in profile and "SONNE-BAUM" not in profile
    # an urgent need says its kind
    assert "<strong>Wohnung, Geld:</strong> „Der Vermieter will mich rauswerfen“" in profile
    # unknown or unconsented conversations have no pages
    for cid in ("web-none", "web-linked", "gibt-es-nicht"):
        assert app_client.get(f"/staff/gespraech/{cid}").status_code == 404


def test_every_action_is_audited_and_the_persons_words_never_change(db_url, app_client):
    store = Store(db_url)
    seed_conversation(store, "web-x", {**ANSWERS, "contribution": "<b>Ich helfe</b> gern."})
    seed_conversation(store, "web-gone", ANSWERS)
    Accounts(db_url).create("chefin", "admin", PASSWORD)
    Accounts(db_url).create("anna", "counsellor", PASSWORD)
    before = answers_snapshot(store)
    post = partial(app_client.post, follow_redirects=False)

    token = login(app_client, "anna", PASSWORD)
    app_client.get("/staff/gespraeche")
    app_client.get("/staff/gespraeche", params={"q": "barmbek"})
    profile = app_client.get("/staff/gespraech/web-x")
    assert "&lt;b&gt;Ich helfe&lt;/b&gt; gern." in profile.text and "<b>Ich helfe" not in \
        profile.text
    for section in ("will", "resources_social", "general"):
        post("/staff/gespraech/web-x/notizen",
             data={"csrf": token, "section": section, "text": f"Sicht zu {section}"})
    empty = app_client.post("/staff/gespraech/web-x/notizen",
                            data={"csrf": token, "section": "will", "text": "   "})
    assert "Die Notiz war leer" in empty.text
    assert post("/staff/gespraech/web-x/notizen", data={
        "csrf": token, "section": "nirgends", "text": "x"}).status_code == 400
    post("/staff/gespraech/web-x/kurzname", data={"csrf": token, "pseudonym": "K."})
    exported = app_client.get("/staff/gespraech/web-x/export",
                              params={"format": "json", "leicht": "1"})
    assert exported.status_code == 200
    assert 'filename="lwiw-profil-K-leichte-sprache.json"' in \
        exported.headers["content-disposition"]
    profile_json = json.loads(exported.content)
    assert [(n["section"], n["author"], n["text"]) for n in profile_json["staff_notes"]] == [
        ("will", "anna", "Sicht zu will"), ("resources_social", "anna",
                                            "Sicht zu resources_social"),
        ("general", "anna", "Sicht zu general")]
    assert [a["text"] for a in profile_json["answers"]] == [a[3] for a in before[:4]]
    html = app_client.get("/staff/gespraech/web-x/export", params={"format": "html"})
    assert "Sicht zu resources_social" in html.text and html.headers[
        "content-type"].startswith("text/html")
    assert app_client.get("/staff/gespraech/web-gone/loeschen").status_code == 200
    unconfirmed = post("/staff/gespraech/web-gone/loeschen", data={"csrf": token})
    assert unconfirmed.status_code == 400 and store.get_conversation("web-gone") is not None
    post("/staff/gespraech/web-gone/loeschen", data={"csrf": token,
                                                                "confirm": "yes"})
    assert store.get_conversation("web-gone") is None
    app_client.get("/staff/protokoll")                    # refused: a counsellor
    post("/staff/abmelden", data={"csrf": token})

    admin_token = login(app_client, "chefin", PASSWORD)
    app_client.get("/staff/protokoll", params={"konto": "anna"})
    app_client.get("/staff/konten")
    post("/staff/konten", data={"csrf": admin_token, "name": "neu.kollegin",
                                           "role": "counsellor", "password": PASSWORD,
                                           "password2": PASSWORD})
    new_id = Accounts(db_url).by_name("neu.kollegin").id
    for change in ("deaktivieren", "aktivieren", "entsperren"):
        post(f"/staff/konten/{new_id}/{change}", data={"csrf": admin_token})

    entries = [(r["actor"], r["action"], r["conversation_id"], r["detail"])
               for r in audit_rows(store) if r["actor"] != "lwiw staff add"]
    assert entries == [
        ("anna", "login", None, ""),
        ("anna", "view_list", None, "2 Gespräche"),           # the login helper's check
        ("anna", "view_list", None, "2 Gespräche"),
        ("anna", "view_list", None, "Suche, 2 Treffer"),
        ("anna", "view_profile", "web-x", ""),
        ("anna", "note_added", "web-x", "Abschnitt will"),
        ("anna", "note_added", "web-x", "Abschnitt resources_social"),
        ("anna", "note_added", "web-x", "Abschnitt general"),
        ("anna", "view_profile", "web-x", ""),               # back after the empty note
        ("anna", "pseudonym_set", "web-x", ""),
        ("anna", "export", "web-x", "JSON, Leichte Sprache, mit 3 Notiz(en)"),
        ("anna", "export", "web-x", "HTML, Standardsprache, mit 3 Notiz(en)"),
        ("anna", "view_delete", "web-gone", ""),
        ("anna", "view_delete", "web-gone", "Löschen nicht bestätigt"),
        ("anna", "delete", "web-gone", "Profil, 0 Notiz(en), Verlauf von 1 Kennung(en)"),
        ("anna", "access_denied", None, "GET /staff/protokoll"),
        ("anna", "logout", None, ""),
        ("chefin", "login", None, ""),
        ("chefin", "totp_enabled", None, ""),               # required of admins
        ("chefin", "view_list", None, "1 Gespräch"),
        ("chefin", "view_audit", None, "Filter: anna"),
        ("chefin", "view_accounts", None, ""),
        ("chefin", "account_created", None, "neu.kollegin (counsellor)"),
        ("chefin", "account_deactivated", None, "neu.kollegin"),
        ("chefin", "account_activated", None, "neu.kollegin"),
        ("chefin", "lockout_reset", None, "neu.kollegin"),
    ]
    assert {r["ip"] for r in audit_rows(store) if r["actor"] != "lwiw staff add"} == {
        "testclient"}
    # the person's words: untouched by everything above (only web-gone's are gone)
    assert answers_snapshot(store) == [a for a in before if a[1] == "web-x"]


def test_audit_page_newest_first_and_filtered(db_url, app_client):
    audit = AuditLog(db_url)
    Accounts(db_url).create("chefin", "admin", PASSWORD)
    start = utcnow() - timedelta(hours=3)
    audit.record("view_profile", "anna", conversation_id="web-1", now=start)
    audit.record("export", "ben", conversation_id="web-2", now=start + timedelta(hours=1))
    login(app_client, "chefin", PASSWORD)
    page = app_client.get("/staff/protokoll").text
    rows = re.findall(r'<tr class="action-(\w+)">', page)
    assert rows == ["view_audit", "view_list", "totp_enabled", "login", "account_created",
                    "export", "view_profile"]
    filtered = app_client.get("/staff/protokoll", params={"konto": "anna"}).text
    assert re.findall(r'<tr class="action-(\w+)">', filtered) == ["view_profile"]
    assert "Gespräch angesehen" in filtered and "web-1" in filtered


def test_notes_are_a_separate_layer_and_go_with_the_conversation(db_url):
    store = Store(db_url)
    seed_conversation(store, "web-n", ANSWERS)
    author = Accounts(db_url).create("anna", "counsellor", PASSWORD)
    notes = Notes(db_url)
    for section in SECTIONS:
        notes.add("web-n", section, author.id, f"Notiz {section}")
    assert [n.section for n in notes.for_conversation("web-n")] == list(SECTIONS)
    assert [a.text for a in store.active_answers("web-n")] == list(ANSWERS.values())
    store.delete_conversation("web-n", tracker_now=True)           # the person's deletion
    with store._session() as session:
        left = session.execute(sql("SELECT count(*) FROM staff_notes")).scalar_one()
    assert left == 0


# ---------------------------------------------------------------- retention


def save_tracker(db_path: str, sender: str, when: datetime) -> None:
    """Real Rasa tracker events (Rasa's own SQL tracker store) at a given time."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    stamp = when.replace(tzinfo=timezone.utc).timestamp()
    tracker_store = SQLTrackerStore(dialect="sqlite", db=db_path)
    tracker = DialogueStateTracker.from_events(sender, [
        ActionExecuted("action_listen", timestamp=stamp),
        UserUttered("Hallo", {"name": "greet"}, timestamp=stamp + 1),
    ])
    asyncio.run(tracker_store.save(tracker))
    tracker_store.engine.dispose()


def events_of(store: Store, sender: str) -> int:
    with store._session() as session:
        return session.execute(sql("SELECT count(*) FROM events WHERE sender_id = :s"),
                               {"s": sender}).scalar_one()


def test_purge_deletes_what_is_past_the_retention_limit(db_url, tmp_path, clock):
    store = Store(db_url)
    now = clock()
    author = Accounts(db_url).create("anna", "counsellor", PASSWORD)
    for sender, age in (("web-old", 400), ("web-new", 10), ("web-edge", 364)):
        seed_conversation(store, sender, ANSWERS)
        backdate(store, sender, now - timedelta(days=age))
        save_tracker(str(tmp_path / "test.db"), sender, now - timedelta(days=age))
        Notes(db_url).add(sender, "general", author.id, "Notiz")
    store.record_consent("web-old-linked", True)
    store.link_sender("web-old-linked", "web-old")
    save_tracker(str(tmp_path / "test.db"), "web-old-linked", now - timedelta(days=399))
    # trackers of people who never consented: no row, only Rasa's events
    save_tracker(str(tmp_path / "test.db"), "web-declined-old", now - timedelta(days=500))
    save_tracker(str(tmp_path / "test.db"), "web-declined-new", now - timedelta(days=3))

    report = Retention(store).purge(365, now=now)

    assert report.conversations == ["web-old"]
    assert report.trackers_without_consent == ["web-declined-old"]
    assert store.get_conversation("web-old") is None
    assert store.get_conversation("web-old-linked") is None
    for gone in ("web-old", "web-old-linked", "web-declined-old"):
        assert events_of(store, gone) == 0, gone
    for kept in ("web-new", "web-edge"):
        assert store.get_conversation(kept) is not None and events_of(store, kept) == 2
        assert len(Notes(db_url).for_conversation(kept)) == 1
    assert events_of(store, "web-declined-new") == 2
    with store._session() as session:
        assert session.execute(sql("SELECT count(*) FROM staff_notes")).scalar_one() == 2
    purges = audit_rows(store, action="purge")
    assert [(p["actor"], p["conversation_id"]) for p in purges] == [
        (SYSTEM, "web-old"), (SYSTEM, None)]
    assert purges[0]["at"].startswith("2026-11-21 09:00:00")
    assert "365 Tage" in purges[0]["detail"] and "1 Notiz(en)" in purges[0]["detail"]
    assert "Verlauf von 2 Kennung(en)" in purges[0]["detail"]
    assert "1 Gespräch(en) ohne Einwilligung" in purges[1]["detail"]
    # nothing left to do the second time
    again = Retention(store).purge(365, now=now)
    assert again.conversations == [] and again.trackers_without_consent == []


def test_purge_command_uses_the_retention_setting(db_url, monkeypatch):
    store = Store(db_url)
    seed_conversation(store, "web-alt", ANSWERS)
    seed_conversation(store, "web-jung", ANSWERS)
    backdate(store, "web-alt", utcnow() - timedelta(days=40))
    store.delete_conversation("web-queued")          # a pending tracker deletion
    done = lwiw(db_url, "purge", "--older-than", "30")
    assert done.returncode == 0, done.stderr
    assert "deleted conversations: 1" in done.stdout and "web-alt" in done.stdout
    assert "completed tracker deletions: 1" in done.stdout
    assert store.get_conversation("web-alt") is None
    assert store.get_conversation("web-jung") is not None
    assert not store.has_pending_tracker_deletion("web-queued")
    assert audit_rows(store, action="purge")[0]["conversation_id"] == "web-alt"

    monkeypatch.setenv("LWIW_RETENTION_DAYS", "20")
    backdate(store, "web-jung", utcnow() - timedelta(days=25))
    default = lwiw(db_url, "purge")
    assert "Aufbewahrungsfrist: 20 Tage" in default.stdout
    assert store.get_conversation("web-jung") is None
    assert lwiw(db_url, "purge", "--older-than", "0").returncode == 2
