"""Callback requests ("Rückrufwünsche", issue 16 point 2a): the store (only with consent,
on the canonical conversation, the queue newest first, marking done), that a request goes
with its conversation (the person's or the console's deletion, the retention purge), the
migration, and the staff console's queue: the page, the navigation's count, the marks in
the list and on the profile, "Erledigt" with CSRF and an audit entry, and the pages in
Debian's chromium with axe. A real (temporary, migrated) SQLite database, Starlette's
TestClient on the real console app with a fixed clock, uvicorn on loopback for the
browser."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import inspect
from sqlalchemy import text as sql
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.testclient import TestClient

from bot.services import free_port
from bot.settings import ROOT
from bot.staff.accounts import Accounts
from bot.staff.retention import Retention
from bot.storage.db import get_engine
from bot.storage.migrate import alembic_config, upgrade_to_head
from bot.storage.repository import CallbackRequestView, Store
from bot.web.config import WebConfig
from bot.web.staff import create_staff_app
from bot.web.staff.callbacks import contact_href
from tests.support.browser import (
    artifact,
    axe_violations,
    chromium,
    format_violations,
    page_opener,
)
from tests.support.clock import FIXED_NOW, FixedClock
from tests.support.loopback import uvicorn_serving
from tests.support.staff import (
    PASSWORD,
    SECRET,
    audit_rows,
    backdate,
    csrf_from,
    login,
    seed_conversation,
)

ANSWERS = {"living": "Ich möchte in einer WG wohnen.",
           "neighbourhood": "Ich wohne in Eimsbüttel."}
PHONE = "040 123 456 78"
# FIXED_NOW (09:00 UTC on 21 November) as the console shows it: Hamburg time
SHOWN_NOW = "21.11.2026, 10:00 Uhr"


def open_count(html: str) -> int | None:
    """The number in the navigation's "Rückrufwünsche" link (None without one)."""
    nav = re.search(r'<nav class="console-nav".*?</nav>', html, re.S)
    assert nav, "no console navigation"
    link = re.search(r'href="/staff/rueckrufe"[^>]*>(.*?)</a>', nav.group(0), re.S)
    assert link, "no link to the callback requests in the navigation"
    count = re.search(r'<span aria-hidden="true">(\d+)</span>', link.group(1))
    return int(count.group(1)) if count else None


def queue_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="rueckruf-(\d+)">', html)]


# --------------------------------------------------------------------------- the store


def test_nothing_is_stored_without_consent(dated_store):
    store = dated_store
    assert store.add_callback_request("web-unknown", PHONE, "vormittags") is None
    assert store.get_conversation("web-unknown") is None          # no row made for it
    store.record_consent("web-no", False)
    assert store.add_callback_request("web-no", PHONE, "vormittags") is None
    seed_conversation(store, "web-yes", ANSWERS)
    assert store.add_callback_request("web-yes", "   ", "vormittags") is None  # no contact
    assert store.callback_requests(open_only=False) == []
    assert store.open_callback_count() == 0

    request_id = store.add_callback_request("web-yes", PHONE, "vormittags")
    assert isinstance(request_id, int)
    with store._session() as session:
        rows = session.execute(sql("SELECT conversation_id, contact FROM callback_requests")
                               ).all()
    assert [tuple(r) for r in rows] == [("web-yes", PHONE)]


def test_a_request_is_trimmed_dated_and_kept_on_the_canonical_conversation(
        dated_store, fixed_clock):
    store = dated_store
    seed_conversation(store, "web-first", ANSWERS)
    fixed_clock.advance(days=3)
    store.record_consent("web-resumed", True)
    store.link_sender("web-resumed", "web-first")        # continued with a resume code
    fixed_clock.advance(hours=2)

    long_contact = "  " + "m" * 190 + "@example.org  "     # cut at 200 characters
    request_id = store.add_callback_request("web-resumed", long_contact,
                                            "\n dienstags ab 14 Uhr " + "x" * 400, easy=True)
    [view] = store.callback_requests()
    assert view == CallbackRequestView(
        request_id, "web-first", ("m" * 190 + "@example.org")[:200],
        ("dienstags ab 14 Uhr " + "x" * 400)[:300], fixed_clock(), None, None, easy=True)
    assert len(view.contact) == 200 and len(view.good_time) == 300
    # the person's activity: the conversation counts as touched (retention starts again)
    assert store.get_conversation("web-first").updated_at == fixed_clock()
    assert store.callback_requests_of("web-first") == [view]
    assert store.callback_requests_of("web-resumed") == [view]
    # an empty good time is allowed
    other = store.add_callback_request("web-first", "post@example.org", "")
    assert store.callback_request(other).good_time == ""


def test_the_same_request_sent_again_is_stored_once(dated_store, fixed_clock):
    store = dated_store
    seed_conversation(store, "web-twice", ANSWERS)
    first = store.add_callback_request("web-twice", PHONE, "vormittags")
    fixed_clock.advance(seconds=5)
    assert store.add_callback_request("web-twice", f" {PHONE} ", "vormittags ") == first
    assert store.open_callback_count() == 1
    # another time is another request; and once done, the same one may come again
    second = store.add_callback_request("web-twice", PHONE, "nachmittags")
    assert second != first and store.open_callback_count() == 2
    assert store.mark_callback_done(first, "anna")
    third = store.add_callback_request("web-twice", PHONE, "vormittags")
    assert third not in (first, second) and store.open_callback_count() == 2


def test_queue_newest_first_and_marking_done(dated_store, fixed_clock):
    store = dated_store
    ids = []
    for number in range(3):
        cid = seed_conversation(store, f"web-q{number}", ANSWERS)
        ids.append(store.add_callback_request(cid, f"040 555 00{number}", "abends"))
        fixed_clock.advance(hours=1)
    assert [r.id for r in store.callback_requests()] == ids[::-1]
    assert store.open_callback_count() == 3

    fixed_clock.advance(minutes=30)
    assert store.mark_callback_done(ids[1], "anna") is True
    assert store.mark_callback_done(ids[1], "ben") is False         # already done
    assert store.mark_callback_done(max(ids) + 100, "anna") is False  # unknown
    done = store.callback_request(ids[1])
    assert (done.done_at, done.done_by) == (fixed_clock(), "anna")
    assert [r.id for r in store.callback_requests()] == [ids[2], ids[0]]
    assert [r.id for r in store.callback_requests(open_only=False)] == ids[::-1]
    assert store.open_callback_count() == 2
    assert store.callback_requests_of("web-q1") == []
    assert [r.id for r in store.callback_requests_of("web-q1", open_only=False)] == [ids[1]]


def test_requests_go_with_the_conversation(dated_store):
    store = dated_store
    seed_conversation(store, "web-gone", ANSWERS)
    store.record_consent("web-gone-2", True)
    store.link_sender("web-gone-2", "web-gone")
    store.add_callback_request("web-gone", PHONE, "vormittags")
    store.add_callback_request("web-gone-2", "gone@example.org", "")
    kept = store.add_callback_request(seed_conversation(store, "web-kept", ANSWERS),
                                      PHONE, "")
    # the person deletes their data from the resumed sender id
    store.delete_conversation("web-gone-2", tracker_now=True)
    assert [r.id for r in store.callback_requests(open_only=False)] == [kept]
    with store._session() as session:
        assert session.execute(sql("SELECT count(*) FROM callback_requests")).scalar_one() == 1


def test_requests_go_with_the_retention_purge(dated_store, fixed_clock):
    store = dated_store
    now = fixed_clock()
    for cid, age in (("web-old", 400), ("web-new", 10)):
        seed_conversation(store, cid, ANSWERS)
        store.add_callback_request(cid, PHONE, "")
        backdate(store, cid, now - timedelta(days=age))
    report = Retention(store).purge(365, now=now)
    assert report.conversations == ["web-old"]
    assert [r.conversation_id for r in store.callback_requests()] == ["web-new"]
    with store._session() as session:
        assert session.execute(sql("SELECT conversation_id FROM callback_requests")
                               ).scalars().all() == ["web-new"]


def test_a_request_is_no_longer_listed_once_consent_is_withdrawn(dated_store):
    store = dated_store
    seed_conversation(store, "web-withdrawn", ANSWERS)
    store.add_callback_request("web-withdrawn", PHONE, "")
    assert store.open_callback_count() == 1
    store.record_consent("web-withdrawn", False)
    assert store.callback_requests() == [] and store.open_callback_count() == 0
    assert store.add_callback_request("web-withdrawn", PHONE, "später") is None


def test_the_migration_creates_and_drops_the_table(db_url):
    def tables() -> set[str]:
        get_engine(db_url).dispose()
        return set(inspect(get_engine(db_url)).get_table_names())

    columns = {c["name"] for c in inspect(get_engine(db_url)).get_columns("callback_requests")}
    assert columns == {"id", "conversation_id", "contact", "good_time", "easy", "created_at",
                       "done_at", "done_by"}
    with get_engine(db_url).begin() as connection:
        config = alembic_config(db_url)
        config.attributes["connection"] = connection
        command.downgrade(config, "0006")
    assert "callback_requests" not in tables() and "corrections" in tables()
    upgrade_to_head(db_url)
    assert "callback_requests" in tables()


def test_contact_links_only_for_plain_phone_numbers_and_addresses():
    assert contact_href("040 123 456-78") == "tel:04012345678"
    assert contact_href("+49 (40) 1234567") == "tel:+49401234567"
    assert contact_href("anna.k@example.org") == "mailto:anna.k@example.org"
    for other in ("javascript:alert(1)", "bitte über meine Betreuerin", "12",
                  "a@b", "mail@example.org?subject=x", "040 1234 oder anna@example.org"):
        assert contact_href(other) is None, other


# --------------------------------------------------------------------------- the console


@pytest.fixture()
def console(db_url: str, fixed_clock: FixedClock) -> Iterator[TestClient]:
    """The console mounted at /staff as bot/web/app.py does, on the fixed clock."""
    with TestClient(console_app(db_url, fixed_clock)) as client:
        yield client


def console_app(db_url: str, clock: FixedClock) -> Starlette:
    config = WebConfig(rasa_url=f"http://127.0.0.1:{free_port()}", database_url=db_url,
                       secret_key=SECRET)
    return Starlette(routes=[
        Mount("/static", app=StaticFiles(directory=ROOT / "static"), name="static"),
        Mount("/staff", app=create_staff_app(config, clock=clock,
                                             store=Store(db_url, clock=clock))),
    ])


def test_a_counsellor_sees_the_queue_and_marks_a_request_done(console, db_url, fixed_clock):
    store = Store(db_url, clock=fixed_clock)
    Accounts(db_url).create("anna", "counsellor", PASSWORD)
    seed_conversation(store, "web-call", ANSWERS)
    seed_conversation(store, "web-quiet", ANSWERS)
    token = login(console, "anna", PASSWORD)
    console.post("/staff/gespraech/web-call/kurzname", data={"csrf": token,
                                                             "pseudonym": "Frau K."})
    assert open_count(console.get("/staff/gespraeche").text) is None
    assert "Es gibt keine offenen Rückrufwünsche." in console.get("/staff/rueckrufe").text

    request_id = store.add_callback_request("web-call", "<b>040</b> 123", "vormittags",
                                            easy=True)
    fixed_clock.advance(minutes=5)

    # the navigation counts it on every page; the list marks the conversation
    listing = console.get("/staff/gespraeche").text
    assert open_count(listing) == 1 and "(1 offen)" in listing
    marked = re.findall(r'href="/staff/gespraech/(web-\w+)#rueckruf">Rückrufwunsch offen',
                        listing)
    assert marked == ["web-call"]
    # the profile shows it prominently, with its own "Erledigt"
    profile = console.get("/staff/gespraech/web-call").text
    assert 'id="rueckruf"' in profile and "Rückrufwunsch — bitte melden Sie sich" in profile
    assert profile.index('id="rueckruf"') < profile.index("Antworten in eigenen Worten")
    assert "&lt;b&gt;040&lt;/b&gt; 123" in profile and "<b>040" not in profile
    assert f'action="/staff/rueckrufe/{request_id}/erledigt"' in profile
    assert 'id="rueckruf"' not in console.get("/staff/gespraech/web-quiet").text

    queue = console.get("/staff/rueckrufe")
    assert queue.status_code == 200 and open_count(queue.text) == 1
    assert queue_ids(queue.text) == [request_id]
    assert "&lt;b&gt;040&lt;/b&gt; 123" in queue.text and "vormittags" in queue.text
    assert SHOWN_NOW in queue.text and "in Leichter Sprache" in queue.text
    assert 'href="/staff/gespraech/web-call">Gespräch Frau K.</a>' in queue.text
    assert 'aria-current="page">Rückrufwünsche' in queue.text

    # "Erledigt" without a valid CSRF token changes nothing and writes no entry
    url = f"/staff/rueckrufe/{request_id}/erledigt"
    for bad in ({}, {"csrf": ""}, {"csrf": token[:-1] + ("A" if token[-1] != "A" else "B")}):
        refused = console.post(url, data=bad, follow_redirects=False)
        assert refused.status_code == 403 and "Formular abgelaufen" in refused.text
    assert store.open_callback_count() == 1
    assert audit_rows(store, action="callback_done") == []
    assert console.get(url).status_code == 405                    # changes are POST only

    fixed_clock.advance(minutes=10)
    done = console.post(url, data={"csrf": token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/staff/rueckrufe"
    after = console.get("/staff/rueckrufe").text
    assert "Der Rückrufwunsch ist als erledigt markiert." in after
    assert queue_ids(after) == [] and open_count(after) is None
    view = store.callback_request(request_id)
    assert (view.done_at, view.done_by) == (fixed_clock(), "anna")
    entries = audit_rows(store, action="callback_done")
    assert [(e["actor"], e["conversation_id"], e["detail"], e["ip"]) for e in entries] == [
        ("anna", "web-call", f"Rückrufwunsch {request_id}", "testclient")]
    assert entries[0]["at"].startswith(f"{fixed_clock():%Y-%m-%d %H:%M:%S}")
    assert "040" not in " ".join(r["detail"] for r in audit_rows(store))  # never the contact

    # a second click (or another counsellor's) is told so and not audited again
    again = console.post(url, data={"csrf": token}, follow_redirects=True)
    assert "war schon als erledigt markiert (anna, 21.11.2026, 10:15 Uhr)" in again.text
    assert len(audit_rows(store, action="callback_done")) == 1

    # the toggle shows the done ones, with who and when
    with_done = console.get("/staff/rueckrufe", params={"erledigte": "1"}).text
    assert queue_ids(with_done) == [request_id]
    assert "21.11.2026, 10:15 Uhr, anna" in with_done and "Nur offene anzeigen" in with_done
    assert 'id="rueckruf"' not in console.get("/staff/gespraech/web-call").text
    assert "Rückrufwunsch offen" not in console.get("/staff/gespraeche").text

    views = [(r["action"], r["detail"]) for r in audit_rows(store, actor="anna")
             if r["action"] == "view_callbacks"]
    assert views == [("view_callbacks", "0 offen"), ("view_callbacks", "1 offen"),
                     ("view_callbacks", "0 offen"), ("view_callbacks", "0 offen"),
                     ("view_callbacks", "0 offen, 1 erledigt")]


def test_done_from_the_profile_goes_back_to_the_profile(console, db_url, fixed_clock):
    store = Store(db_url, clock=fixed_clock)
    Accounts(db_url).create("ben", "counsellor", PASSWORD)
    seed_conversation(store, "web-prof", ANSWERS)
    older = store.add_callback_request("web-prof", PHONE, "vormittags")
    fixed_clock.advance(hours=1)
    newer = store.add_callback_request("web-prof", "prof@example.org", "abends")
    token = login(console, "ben", PASSWORD)
    profile = console.get("/staff/gespraech/web-prof").text
    assert profile.index("prof@example.org") < profile.index(PHONE)    # newest first
    assert open_count(profile) == 2
    done = console.post(f"/staff/rueckrufe/{newer}/erledigt",
                        data={"csrf": token, "ziel": "profil"}, follow_redirects=False)
    assert done.headers["location"] == "/staff/gespraech/web-prof#rueckruf"
    profile = console.get("/staff/gespraech/web-prof").text
    assert "prof@example.org" not in profile and PHONE in profile
    assert open_count(profile) == 1
    assert [r.id for r in store.callback_requests()] == [older]
    # only the two known targets: anything else goes to the queue
    elsewhere = console.post(f"/staff/rueckrufe/{older}/erledigt",
                             data={"csrf": token, "ziel": "//example.org"},
                             follow_redirects=False)
    assert elsewhere.headers["location"] == "/staff/rueckrufe"


def test_unknown_and_impossible_requests_and_anonymous_access(console, db_url, fixed_clock):
    store = Store(db_url, clock=fixed_clock)
    Accounts(db_url).create("anna", "counsellor", PASSWORD)
    seed_conversation(store, "web-anon", ANSWERS)
    request_id = store.add_callback_request("web-anon", PHONE, "")
    # before login: to the login form, nothing shown or changed
    page = console.get("/staff/rueckrufe", follow_redirects=False)
    assert page.status_code == 303 and "/staff/anmelden" in page.headers["location"]
    form = console.get("/staff/anmelden")
    anonymous = console.post(f"/staff/rueckrufe/{request_id}/erledigt",
                             data={"csrf": csrf_from(form.text)}, follow_redirects=False)
    assert anonymous.status_code == 303 and store.open_callback_count() == 1

    token = login(console, "anna", PASSWORD)
    for number in (request_id + 1, 0, 2**31, 2**70):
        missing = console.post(f"/staff/rueckrufe/{number}/erledigt", data={"csrf": token})
        assert missing.status_code == 404, number
    assert console.post("/staff/rueckrufe/abc/erledigt", data={"csrf": token}
                        ).status_code == 404
    # a conversation deleted meanwhile: its request is gone too
    store.delete_conversation("web-anon", tracker_now=True)
    gone = console.post(f"/staff/rueckrufe/{request_id}/erledigt", data={"csrf": token})
    assert gone.status_code == 404 and "Vielleicht wurde das Gespräch" in gone.text
    assert audit_rows(store, action="callback_done") == []


def test_the_nav_count_on_every_console_page_also_for_admins(console, db_url, fixed_clock):
    store = Store(db_url, clock=fixed_clock)
    Accounts(db_url).create("chefin", "admin", PASSWORD)
    for number in range(3):
        store.add_callback_request(seed_conversation(store, f"web-n{number}", ANSWERS),
                                   f"040 77{number}", "")
    login(console, "chefin", PASSWORD, now=fixed_clock())
    for path in ("/staff/gespraeche", "/staff/gespraech/web-n0", "/staff/konto",
                 "/staff/protokoll", "/staff/konten", "/staff/rueckrufe"):
        reply = console.get(path)
        assert open_count(reply.text) == 3, path
    # the audit page names the new actions
    assert "Rückrufwünsche angesehen" in console.get("/staff/protokoll").text


# --------------------------------------------------------------------------- browser


@pytest.fixture()
def served_console(db_url: str, fixed_clock: FixedClock) -> Iterator[str]:
    with uvicorn_serving(console_app(db_url, fixed_clock)) as url:
        yield url


def test_the_queue_in_the_browser_keyboard_only_and_axe(served_console, db_url, fixed_clock):
    """In Debian's chromium: the navigation's count, the queue and the profile without
    axe violations, "Erledigt" reached and pressed with the keyboard."""
    assert fixed_clock() == FIXED_NOW
    store = Store(db_url, clock=fixed_clock)
    Accounts(db_url).create("anna", "counsellor", PASSWORD)
    cid = seed_conversation(store, "web-browser", ANSWERS)
    store.add_callback_request(cid, "anna.k@example.org", "montags ab 9 Uhr", easy=True)
    with chromium() as browser, page_opener(browser) as open_page:
        page, watch = open_page()
        page.goto(served_console + "/staff/anmelden")
        page.get_by_label("Anmeldename").fill("anna")
        page.get_by_label("Passwort").fill(PASSWORD)
        page.get_by_role("button", name="Anmelden").click()
        page.get_by_role("heading", level=1, name="Gespräche").wait_for()
        nav = page.get_by_role("navigation", name="Konsole")
        nav.get_by_role("link", name="Rückrufwünsche (1 offen)").click()
        page.get_by_role("heading", level=1, name="Rückrufwünsche").wait_for()
        assert page.get_by_role("link", name="anna.k@example.org").get_attribute(
            "href") == "mailto:anna.k@example.org"
        violations = axe_violations(page)
        assert violations == [], format_violations(violations)
        page.screenshot(path=artifact("staff-callbacks.png"), full_page=True)

        page.get_by_role("link", name="Gespräch ohne Kurzname").click()
        page.get_by_role("heading", level=2, name="Rückrufwunsch — bitte melden Sie sich"
                         ).wait_for()
        violations = axe_violations(page)
        assert violations == [], format_violations(violations)
        page.screenshot(path=artifact("staff-callback-profile.png"))
        page.go_back()

        button = page.get_by_role("button", name=f"Erledigt: Rückrufwunsch vom {SHOWN_NOW}")
        for _ in range(40):                                       # Tab until it has focus
            page.keyboard.press("Tab")
            if button.evaluate("b => b === document.activeElement"):
                break
        else:
            raise AssertionError("the button is not reachable with Tab")
        page.keyboard.press("Enter")
        page.get_by_role("status").get_by_text("Der Rückrufwunsch ist als erledigt markiert."
                                               ).wait_for()
        assert page.get_by_role("link", name="Rückrufwünsche", exact=True).count() == 1
        assert watch.problems == []
    assert store.open_callback_count() == 0
    assert [r["actor"] for r in audit_rows(store, action="callback_done")] == ["anna"]
