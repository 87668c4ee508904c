"""The web app without Rasa: headers, session cookie, CSRF, input limits, Rasa unreachable
or slow, the person's data pages, help in an emergency. Starlette's TestClient, a real
(temporary, migrated) SQLite database."""

from __future__ import annotations

import re
import socket
import stat
import threading
from collections.abc import Iterator

import pytest
from itsdangerous import URLSafeTimedSerializer
from starlette.testclient import TestClient

from bot import knowledge
from bot.catalogue import load_questions
from bot.resume_codes import ResumePolicy
from bot.storage.repository import Store
from bot.web import config as web_config
from bot.web.app import create_app
from bot.web.emergency import crisis_help
from bot.web.limits import RateLimiter, button_intent, clean_text
from bot.web.rasa import domain_intents, parse_reply
from bot.web.session import COOKIE_NAME, SALT
from bot.web.texts import REGISTERS, load_texts, text
from tests.support.loopback import rasa_replying, read_back_rasa_server
from tests.support.tamper import tampered
from tests.support.web_app import SECRET, api, csrf_of, make_config, session_of

CSP_PARTS = ("script-src 'self'", "style-src 'self'", "frame-ancestors 'none'")


@pytest.fixture()
def client(db_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(make_config(db_url))) as test_client:
        yield test_client


# ---------------------------------------------------------------- headers and cookie


@pytest.mark.parametrize("path", ["/", "/chat", "/hilfe-in-not", "/meine-daten", "/health",
                                  "/static/site.css", "/gibt-es-nicht"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path, follow_redirects=False)
    csp = response.headers["content-security-policy"]
    assert all(part in csp for part in CSP_PARTS)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"


def test_pages_have_no_inline_script_or_style(client):
    for path in ("/", "/hilfe-in-not", "/meine-daten", "/meine-daten/loeschen"):
        html = client.get(path).text
        assert "style=" not in html and "<style" not in html
        for tag in re.findall(r"<script[^>]*>", html):
            assert 'src="/static/' in tag or 'type="application/json"' in tag, tag


def test_session_cookie_is_signed_httponly_lax_and_ends_with_the_browser(client):
    response = client.get("/")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Max-Age" not in cookie and "Expires" not in cookie
    session = session_of(client)
    assert session["cid"].startswith("web-") and len(session["csrf"]) > 30
    client.get("/hilfe-in-not")
    assert session_of(client)["cid"] == session["cid"]      # stable across pages


def test_tampered_or_foreign_cookie_gives_a_new_conversation(client, db_url):
    client.get("/")
    original = session_of(client)["cid"]
    value = client.cookies[COOKIE_NAME]
    payload, rest = value.split(".", 1)
    forged = dict(session_of(client), cid="web-someone-else")
    forged_payload = URLSafeTimedSerializer("another-secret-" + "y" * 40, salt=SALT).dumps(
        forged).split(".", 1)[0]
    for bad in (forged_payload + "." + rest,                      # changed data, old signature
                URLSafeTimedSerializer("another-secret-" + "y" * 40, salt=SALT).dumps(forged),
                tampered(value)):
        client.cookies.clear()
        response = client.get("/", headers={"Cookie": f"{COOKIE_NAME}={bad}"})
        now = session_of(client)["cid"]
        assert now not in (original, "web-someone-else")
        assert response.headers["set-cookie"].startswith(f"{COOKIE_NAME}=")


def test_csrf_token_is_required(client):
    token = csrf_of(client)
    assert api(client, "/api/message", {"text": "hallo"}).status_code == 403
    assert api(client, "/api/message", {"text": "hallo"}, token="wrong").status_code == 403
    refused = client.post("/einwilligung", data={"choice": "yes", "csrf": "wrong"})
    assert refused.status_code == 403 and "Sitzung" in refused.text
    ok = client.post("/einwilligung", data={"choice": "yes", "csrf": token},
                     follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/chat"
    assert session_of(client)["consent"] == "yes"


def test_secret_comes_from_env_or_a_private_file(tmp_path, monkeypatch):
    monkeypatch.delenv(web_config.SECRET_ENV, raising=False)
    first = web_config.load_secret(tmp_path)
    path = tmp_path / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(first) >= 32
    assert web_config.load_secret(tmp_path) == first            # generated once
    monkeypatch.setenv(web_config.SECRET_ENV, SECRET)
    assert web_config.load_secret(tmp_path) == SECRET
    monkeypatch.setenv(web_config.SECRET_ENV, "e" * 40)     # long, but not random
    with pytest.raises(ValueError):
        web_config.load_secret(tmp_path)
    monkeypatch.setenv(web_config.SECRET_ENV, "short")
    with pytest.raises(ValueError):
        web_config.load_secret(tmp_path)


# ---------------------------------------------------------------- input limits


def test_clean_text_strips_control_characters_and_keeps_words():
    assert clean_text("  Ich\x00 will\x07 tanzen\u202e  ") == "Ich will tanzen"
    lines = clean_text("Zeile 1\r\nZeile 2\n\n\n\nZeile 3\tEnde")
    assert lines == "Zeile 1\nZeile 2\n\nZeile 3 Ende"
    assert clean_text("/confirm_delete") == "confirm_delete"       # never a payload
    family = "Familie 👨\u200d👩\u200d👧 und Hund 🐕"
    assert clean_text(family) == family
    assert clean_text("\x01\x02 \n ") == ""


def test_button_payloads_are_known_intents_only():
    intents = domain_intents()
    assert {"affirm", "deny", "pause", "easy_language_on", "confirm_delete"} <= intents
    assert button_intent("/affirm", intents) == "affirm"
    assert button_intent('/affirm{"consent": true}', intents) is None
    assert button_intent("/restart", intents) is None
    assert button_intent("affirm", intents) is None


def test_empty_and_too_long_messages_get_a_clear_answer(client):
    token = csrf_of(client)
    empty = api(client, "/api/message", {"text": " \x00\n "}, token)
    assert empty.status_code == 400 and empty.json()["error"] == "empty"
    assert empty.json()["message"] == text("error_empty", False)
    long = api(client, "/api/message", {"text": "a" * 2001}, token)
    assert long.status_code == 400 and long.json()["error"] == "too_long"
    assert "2000 Zeichen" in long.json()["message"]
    bad = api(client, "/api/message", {"payload": "/restart"}, token)
    assert bad.status_code == 400 and bad.json()["error"] == "bad_request"
    binary = client.post("/api/message", content=b"\xff\xfe\x00binary",
                         headers={"X-CSRF-Token": token, "Content-Type": "application/json"})
    assert binary.status_code == 400 and binary.json()["error"] == "bad_request"


def test_limit_messages_come_in_leichte_sprache_too(client):
    token = csrf_of(client)
    client.post("/sprache", data={"csrf": token, "easy": "1", "next": "/"})
    long = api(client, "/api/message", {"text": "a" * 2001}, token)
    assert long.json()["message"] == text("error_too_long", True, limit=2000)
    assert long.json()["message"] != text("error_too_long", False, limit=2000)


def test_request_body_size_is_limited(client):
    token = csrf_of(client)
    huge = {"text": "x" * 70_000}
    refused = api(client, "/api/message", huge, token)
    assert refused.status_code == 413
    assert refused.json()["message"] == text("error_body_too_large", False)

    def chunks():                         # no Content-Length: counted while reading
        for _ in range(70):
            yield b"x" * 1024

    streamed = client.post("/api/message", content=chunks(),
                           headers={"X-CSRF-Token": token, "Content-Type": "application/json"})
    assert streamed.status_code == 413


def test_rate_limit_per_conversation(db_url):
    app = create_app(make_config(db_url, messages_per_minute=3))
    with TestClient(app) as client:
        token = csrf_of(client)
        codes = [api(client, "/api/message", {"text": ""}, token).status_code for _ in range(4)]
        assert codes == [400, 400, 400, 429]
        limited = api(client, "/api/message", {"text": "hallo"}, token)
        assert limited.json()["error"] == "rate_limited"
        assert limited.json()["message"] == text("error_rate", False)
        assert int(limited.headers["retry-after"]) >= 1
        with TestClient(app) as other:           # another browser is not affected
            other_token = csrf_of(other)
            assert api(other, "/api/message", {"text": ""}, other_token).status_code == 400


@pytest.fixture()
def read_back_rasa() -> Iterator[str]:
    with read_back_rasa_server() as url:
        yield url


def test_clicking_through_the_read_back_is_never_refused(db_url, read_back_rasa):
    """Issue 13: a read-back of many items is clicked through faster than the typed
    message limit allows. A click on a button the bot has just offered counts apart (its
    own, larger budget); typed text and payloads not offered still count as messages."""
    app = create_app(make_config(db_url, rasa_url=read_back_rasa, messages_per_minute=3,
                                 button_clicks_per_minute=40))
    with TestClient(app) as client:
        token = csrf_of(client)
        assert api(client, "/api/message", {"text": "nein"}, token).status_code == 200
        clicks = [api(client, "/api/message", {"payload": "/affirm", "label": "Ja, stimmt"},
                      token).status_code for _ in range(30)]
        assert clicks == [200] * 30
        assert api(client, "/api/message", {"payload": "/remove_item", "label": "Entfernen"},
                   token).status_code == 200
        typed = [api(client, "/api/message", {"text": "passt"}, token).status_code
                 for _ in range(3)]
        assert typed == [200, 200, 429]       # 1 + 2 typed: the message limit is 3
        # a payload the last reply did not offer counts as a message
        assert api(client, "/api/message", {"payload": "/pause"}, token).status_code == 429
        # the click budget still ends somewhere (scripts)
        more = [api(client, "/api/message", {"payload": "/affirm"}, token).status_code
                for _ in range(12)]
        assert 429 in more


def test_rate_limiter_window_slides():
    now = [0.0]
    limiter = RateLimiter(2, 60, clock=lambda: now[0])
    assert limiter.allow("a") and limiter.allow("a") and not limiter.allow("a")
    assert limiter.allow("b")
    now[0] = 60.5
    assert limiter.allow("a")


# ---------------------------------------------------------------- Rasa unreachable or slow


def test_rasa_unreachable_gives_a_clear_message(client):
    token = csrf_of(client)
    reply = api(client, "/api/message", {"text": "Ich möchte tanzen"}, token)
    assert reply.status_code == 503
    data = reply.json()
    assert data["error"] == "rasa_unavailable" and data["turns"] == []
    assert data["message"] == text("error_unavailable", False)
    assert "Eingabefeld" in data["message"]
    started = api(client, "/api/start", {"history": False}, token)
    assert started.status_code == 503 and started.json()["error"] == "rasa_unavailable"


@pytest.fixture()
def silent_server() -> Iterator[str]:
    """A server that accepts connections and never answers (an overloaded Rasa)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def run() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        server.close()


def test_slow_rasa_times_out_with_a_clear_message(db_url, silent_server):
    app = create_app(make_config(db_url, rasa_url=silent_server, rasa_timeout=0.5))
    with TestClient(app) as client:
        token = csrf_of(client)
        reply = api(client, "/api/message", {"text": "hallo"}, token)
        assert reply.status_code == 504
        assert reply.json()["message"] == text("error_unavailable", False)


@pytest.fixture()
def replyless_rasa() -> Iterator[str]:
    """A Rasa REST channel that answers 200 with no messages — what Rasa does when an
    action fails (e.g. the action server is restarting)."""
    with rasa_replying([]) as url:
        yield url


def test_a_message_nobody_answered_can_be_sent_again(db_url, replyless_rasa):
    """Silence would leave the person waiting for a question that never comes; the chat
    keeps the text and offers to send it again."""
    app = create_app(make_config(db_url, rasa_url=replyless_rasa))
    with TestClient(app) as client:
        token = csrf_of(client)
        reply = api(client, "/api/message", {"text": "Ich möchte tanzen"}, token)
        assert reply.status_code == 503
        assert reply.json()["turns"] == []
        assert reply.json()["message"] == text("error_unavailable", False)


def test_rasa_reply_is_reduced_to_text_buttons_and_the_progress_contract():
    messages = parse_reply([
        {"recipient_id": "x", "text": "Frage?", "buttons": [
            {"title": "Ja", "payload": "/affirm"}, {"title": 3}]},
        {"recipient_id": "x", "custom": {"question_id": "self",
                                         "progress": {"current": 2, "total": 6}, "x": 1}},
        {"recipient_id": "x", "image": "http://example.org/a.png"},
    ])
    assert [m.as_json() for m in messages] == [
        {"text": "Frage?", "buttons": [{"title": "Ja", "payload": "/affirm"}]},
        {"custom": {"question_id": "self", "progress": {"current": 2, "total": 6}}},
    ]


def test_only_own_download_links_reach_the_browser():
    messages = parse_reply([{"text": "Ihre Übersicht", "custom": {"links": [
        {"title": "PDF", "href": "/meine-daten/export.pdf"},
        {"title": "böse", "href": "javascript:alert(1)"},
        {"title": "fremd", "href": "https://example.org/meine-daten/x"},
        {"title": "fremd", "href": "//example.org/meine-daten/x"},
    ]}}])
    assert [m.as_json() for m in messages] == [
        {"text": "Ihre Übersicht",
         "custom": {"links": [{"title": "PDF", "href": "/meine-daten/export.pdf"}]}},
    ]


# ---------------------------------------------------------------- pages


def test_every_page_text_exists_in_both_registers():
    texts = load_texts()
    assert len(texts) > 80
    for key, variants in texts.items():
        assert set(variants) == set(REGISTERS) and all(variants.values()), key


def test_start_page_explains_and_asks_for_consent_in_both_registers(client):
    page = client.get("/").text
    for key in ("start_not_application", "stored_title", "consent_yes", "consent_no"):
        assert text(key, False).replace("„", "&#8222;") in page or text(key, False) in page
    assert 'name="choice" value="yes"' in page and 'name="choice" value="no"' in page
    token = csrf_of(client)
    client.post("/sprache", data={"csrf": token, "easy": "1", "next": "/"})
    easy_page = client.get("/").text
    assert text("start_intro", True) in easy_page and text("start_intro", False) not in easy_page
    assert 'aria-pressed="true"' in easy_page


def test_chat_page_needs_a_consent_choice_first(client):
    assert client.get("/chat", follow_redirects=False).headers["location"] == "/"
    token = csrf_of(client)
    client.post("/einwilligung", data={"choice": "no", "csrf": token})
    chat = client.get("/chat")
    assert chat.status_code == 200
    assert '<label for="message"' in chat.text and 'role="log"' in chat.text
    assert 'href="/hilfe-in-not"' in chat.text and 'href="/meine-daten"' in chat.text


def test_language_switch_redirects_only_to_own_pages(client):
    token = csrf_of(client)
    evil = client.post("/sprache", data={"csrf": token, "easy": "1",
                                          "next": "https://example.org/"},
                       follow_redirects=False)
    assert evil.headers["location"] == "/"
    own = client.post("/sprache", data={"csrf": token, "easy": "0", "next": "/meine-daten"},
                      follow_redirects=False)
    assert own.headers["location"] == "/meine-daten"


def test_help_page_shows_crisis_numbers_from_the_knowledge_entry(client):
    entry = knowledge.entry("notfall.krise")
    page = client.get("/hilfe-in-not").text
    for number in crisis_help(False).numbers:
        assert number in entry.text.standard                  # data, not code
        assert f'href="tel:{number.replace(" ", "")}"' in page
    assert "0800 111 0 111" in crisis_help(False).numbers
    assert entry.source.split(";")[0] in page
    token = csrf_of(client)
    client.post("/sprache", data={"csrf": token, "easy": "1", "next": "/hilfe-in-not"})
    easy = client.get("/hilfe-in-not").text
    assert "Rufen Sie die Telefon-Seelsorge an:" in easy


def test_help_numbers_follow_the_knowledge_data(monkeypatch):
    original = knowledge.entry("notfall.krise")
    changed = dataclass_replace(original, "Rufen Sie 0800 999 1 234 an.")
    monkeypatch.setattr(knowledge, "entry", lambda entry_id: changed)
    monkeypatch.setattr(knowledge, "current_text", lambda entry_id, easy, today=None:
                        changed.text.get(easy))
    assert crisis_help(False).numbers == ("0800 999 1 234",)


def dataclass_replace(entry, wording: str):
    from dataclasses import replace

    from bot.catalogue import Text2

    return replace(entry, text=Text2(wording, wording))


def test_person_text_is_escaped_on_the_answers_page(client, db_url):
    client.get("/")
    cid = session_of(client)["cid"]
    store = Store(db_url)
    store.record_consent(cid, True)
    store.add_answer(cid, "living", "<script>alert(1)</script> & <b>tanzen</b>")
    store.add_answer(cid, "self", "Ich koche gern.", confirmed=True)
    page = client.get("/meine-daten").text
    assert "<script>alert(1)" not in page and "<b>tanzen" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;tanzen&lt;/b&gt;" in page
    questions = load_questions()
    assert page.index(questions[0].title.standard) < page.index(questions[1].title.standard)
    assert text("profile_confirmed", False) in page and text("profile_unconfirmed", False) in page


def test_answers_page_without_consent_shows_nothing_stored(client):
    page = client.get("/meine-daten").text
    assert text("profile_no_consent", False) in page
    assert "export.pdf" not in page


def test_delete_everything_with_confirmation_gives_a_new_conversation(client, db_url):
    client.get("/")
    cid = session_of(client)["cid"]
    store = Store(db_url)
    store.record_consent(cid, True)
    store.add_answer(cid, "living", "Ich will alleine wohnen.")
    confirm = client.get("/meine-daten/loeschen")
    assert text("delete_confirm_title", False) in confirm.text
    token = csrf_of(client, "/meine-daten/loeschen")
    assert client.post("/meine-daten/loeschen", data={"csrf": "nope"}).status_code == 403
    assert store.active_answers(cid)                      # nothing deleted without token
    done = client.post("/meine-daten/loeschen", data={"csrf": token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert store.get_conversation(cid) is None and store.active_answers(cid) == []
    assert session_of(client)["cid"] != cid
    assert text("deleted_notice", False) in client.get("/").text


def test_resume_code_moves_the_cookie_to_the_old_conversation(client, db_url):
    store = Store(db_url)
    store.record_consent("web-old", True)
    store.set_language_mode("web-old", True)
    code = store.issue_resume_code("web-old")
    token = csrf_of(client)
    unknown = client.post("/weitermachen", data={"csrf": token, "code": "HAFEN-KRAN-MOND-TEE-00"})
    assert unknown.status_code == 400 and text("resume_unknown", False) in unknown.text
    assert 'aria-invalid="true"' in unknown.text
    typed = f" {code.lower().replace('-', ' ')} "              # any case, spaces for hyphens
    moved = client.post("/weitermachen", data={"csrf": token, "code": typed},
                        follow_redirects=False)
    assert moved.headers["location"] == "/chat"
    session = session_of(client)
    assert session["cid"] == "web-old" and session["resume"] == code
    assert session["easy"] is True and session["phase"] == "started"


def test_resume_attempts_are_limited(db_url):
    policy = ResumePolicy(client_failures=2, global_failures=100)
    with TestClient(create_app(make_config(db_url, resume=policy))) as client:
        token = csrf_of(client)
        statuses = [client.post("/weitermachen", data={"csrf": token,
                                                       "code": f"HAFEN-KRAN-MOND-TEE-{n}"})
                    .status_code for n in (11, 12, 13)]
        assert statuses == [400, 400, 429]
        refused = client.post("/weitermachen",
                              data={"csrf": token, "code": "HAFEN-KRAN-MOND-TEE-14"})
        assert text("resume_too_many", False, minutes=60) in refused.text


# ---------------------------------------------------------------- export and staff mount


def test_export_needs_consent_and_a_known_format(client, db_url):
    client.get("/")
    cid = session_of(client)["cid"]
    assert client.get("/meine-daten/export.pdf").status_code == 403   # no consent yet
    Store(db_url).record_consent(cid, True)
    assert client.get("/meine-daten/export.exe").status_code == 404


def test_export_downloads_the_real_documents(client, db_url):
    client.get("/")
    cid = session_of(client)["cid"]
    store = Store(db_url)
    store.record_consent(cid, True)
    store.add_answer(cid, "living", "Ich möchte mit meinem Hund alleine wohnen.", confirmed=True)
    pdf = client.get("/meine-daten/export.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf.headers["content-disposition"]
    data = client.get("/meine-daten/export.json")
    assert data.status_code == 200
    assert "Ich möchte mit meinem Hund alleine wohnen." in data.content.decode("utf-8")


def test_staff_console_is_mounted_and_shares_the_store_and_chat(db_url):
    app = create_app(make_config(db_url))
    staff = next(route.app for route in app.routes if getattr(route, "path", "") == "/staff")
    assert staff.state.services.store is app.state.store
    assert staff.state.services.chat is app.state.chat
    with TestClient(app) as client:
        reply = client.get("/staff/", follow_redirects=False)
        assert reply.status_code != 404
        assert "frame-ancestors 'none'" in reply.headers["content-security-policy"]
        assert not app.state.chat.rasa._client.is_closed
    assert app.state.chat.rasa._client.is_closed          # one client, closed on shutdown
