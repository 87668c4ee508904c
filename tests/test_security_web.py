"""Security review, issue 15, the web app and the staff console: the client address only
from trusted proxies, typed text never an intent, a lockout that does not tell which names
exist, no placeholder or weak secret key, Secure cookies and HSTS behind https, private
database files, a limit on PDF exports, 404 for impossible ids, and WeasyPrint reading only
our static files.

The real web app (uvicorn started as `lwiw run` starts it, or in this process), the real
staff console on a fixed clock, a real (temporary, migrated) SQLite database, a recording
HTTP server on loopback standing in for Rasa or for a remote host."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
import stat
import threading
import time
import unicodedata
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import httpx
import pytest
import uvicorn
from itsdangerous import URLSafeTimedSerializer
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.message import Message
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from bot import services
from bot.export.render import STATIC_DIR, render_pdf, static_file
from bot.resume_codes import ResumePolicy
from bot.services import free_port
from bot.settings import ROOT, get_settings, private_dir
from bot.staff import accounts as accounts_module
from bot.staff.accounts import LOCK_MINUTES, MAX_FAILURES, Accounts
from bot.storage.db import get_engine
from bot.storage.migrate import upgrade_to_head
from bot.storage.repository import Store
from bot.web import config as web_config
from bot.web.app import create_app
from bot.web.config import WebConfig, check_secret, parse_trusted_proxies, secret_problem
from bot.web.limits import button_intent, clean_text
from bot.web.proxy import TrustedProxyMiddleware
from bot.web.rasa import domain_intents
from bot.web.session import COOKIE_NAME, SALT
from bot.web.staff import create_staff_app
from bot.web.staff.texts import st
from bot.web.texts import text
from tests.support.loopback import serving
from tests.support.staff import audit_rows, csrf_from, login, seed_conversation

# random keys (python3 -c 'import secrets; print(secrets.token_urlsafe(32))' and the like)
SECRET = "8DGyW1BYb7fbr5vkebF1cOYGBX88FCZmpnyLqkOgk6M"
INTERNAL = "Qm4pX2vT9cLr8sWz1yH6nJ0bK5dF3gA7eU_iO-tRqMk"
PASSWORD = "ein-langes-passwort-7"
ANSWERS = {"living": "Ich möchte alleine wohnen, mit meinem Hund."}
EXAMPLE_ENV = ROOT / "deploy" / "production.env.example"
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def example_setting(name: str) -> str:
    """A value from deploy/production.env.example, as an operator would copy it."""
    for line in EXAMPLE_ENV.read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{name}="):
            return line.split("=", 1)[1].split("#")[0].strip()
    raise AssertionError(f"{name} is not in {EXAMPLE_ENV}")


def make_config(db_url: str, **overrides) -> WebConfig:
    return WebConfig(rasa_url=f"http://127.0.0.1:{free_port()}", database_url=db_url,
                     secret_key=SECRET, **overrides)


def staff_client(db_url: str, clock=None, **overrides) -> TestClient:
    """The console mounted at /staff as bot/web/app.py does."""
    kwargs = {"clock": clock} if clock is not None else {}
    app = Starlette(routes=[Mount("/staff", app=create_staff_app(
        make_config(db_url, **overrides), **kwargs))])
    return TestClient(app)


def post_login(client, name: str, password: str, **kwargs):
    form = client.get("/staff/anmelden")
    return client.post("/staff/anmelden", data={"csrf": csrf_from(form.text), "name": name,
                                                "password": password, "weiter": ""},
                       follow_redirects=False, **kwargs)


@pytest.fixture()
def app_env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment of the real start: the console inside the web app reads it."""
    monkeypatch.setenv("LWIW_DATABASE_URL", db_url)
    monkeypatch.setenv("LWIW_SECRET_KEY", SECRET)
    monkeypatch.setenv("LWIW_INTERNAL_SECRET", INTERNAL)
    monkeypatch.setenv("LWIW_VAR_DIR", str(tmp_path / "var"))
    for name in ("LWIW_TRUSTED_PROXIES", "LWIW_PUBLIC_URL", "LWIW_SECURE_COOKIE"):
        monkeypatch.delenv(name, raising=False)


def start_web(db_url: str, tmp_path: Path):
    """The web app as `lwiw run` and `serve` start it (bot/services.py: uvicorn in its
    own process); Rasa is not running (a closed port)."""
    settings = dataclasses.replace(get_settings(), database_url=db_url, web_host="127.0.0.1",
                                   web_port=free_port(),
                                   rasa_url=f"http://127.0.0.1:{free_port()}")
    log = tmp_path / "web.log"
    return settings, services.start_web(settings, log), log


@pytest.fixture()
def started_web(db_url: str, tmp_path: Path, app_env) -> Iterator[str]:
    settings, process, _ = start_web(db_url, tmp_path)
    try:
        services.wait_for(f"http://127.0.0.1:{settings.web_port}/health", process, timeout=120)
        yield f"http://127.0.0.1:{settings.web_port}"
    finally:
        services.stop(process)


@pytest.fixture()
def proxied_web(db_url: str, app_env) -> Iterator[str]:
    """The web app behind a proxy on 127.0.0.1 (LWIW_TRUSTED_PROXIES=127.0.0.1), under
    uvicorn without its own proxy handling, as bot/services.py runs it."""
    config = make_config(db_url, trusted_proxies=parse_trusted_proxies("127.0.0.1"),
                         resume=ResumePolicy(client_failures=2))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(config), host="127.0.0.1", port=port,
                                           ws="none", log_level="warning",
                                           proxy_headers=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def resume_attempt(client: httpx.Client, forwarded: str | None) -> int:
    token = CSRF_META.search(client.get("/").text).group(1)
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post("/weitermachen", data={"csrf": token, "code": "QQQ-QQQ-QQQ"},
                       headers=headers, follow_redirects=False).status_code


# ------------------------------------------------ 2. the client address and the proxies


def test_a_loopback_caller_cannot_claim_another_address(started_web, db_url):
    """uvicorn's default would believe X-Forwarded-For from any loopback peer: a new
    forged address for every try would lift the resume limit and the login block and
    write the forged address into the audit log."""
    attempts = ResumePolicy().client_failures
    with httpx.Client(base_url=started_web, timeout=30) as client:
        codes = [resume_attempt(client, f"203.0.113.{n}") for n in range(attempts + 1)]
        assert codes[-1] == 429, codes
        failed = post_login(client, "niemand", "x" * 12,
                            headers={"X-Forwarded-For": "198.51.100.23"})
        assert failed.status_code == 400
    assert audit_rows(Store(db_url), action="login_failed")[-1]["ip"] == "127.0.0.1"


def test_behind_a_trusted_proxy_each_client_counts_for_itself(proxied_web, db_url):
    with httpx.Client(base_url=proxied_web, timeout=30) as client:
        assert [resume_attempt(client, "203.0.113.1") for _ in range(3)] == [400, 400, 429]
    # another person (another browser: failures count per cookie too) behind the same
    # proxy is not locked out with the first
    with httpx.Client(base_url=proxied_web, timeout=30) as client:
        assert resume_attempt(client, "203.0.113.2") == 400
    with httpx.Client(base_url=proxied_web, timeout=30) as client:
        # what a client writes into the header itself stays on the left: the proxy appends
        # the address it saw, and that one counts
        assert resume_attempt(client, "198.51.100.7, 203.0.113.1") == 429
        post_login(client, "niemand", "x" * 12,
                   headers={"X-Forwarded-For": "10.1.2.3, 203.0.113.5"})
    assert audit_rows(Store(db_url), action="login_failed")[-1]["ip"] == "203.0.113.5"


def test_trusted_proxies_setting():
    assert parse_trusted_proxies(None) == ()
    assert parse_trusted_proxies(" 127.0.0.1, 10.0.0.0/8 ,::1,") == (
        "127.0.0.1", "10.0.0.0/8", "::1")
    for bad in ("*", "proxy.internal", "10.0.0.0/99"):
        with pytest.raises(ValueError, match="LWIW_TRUSTED_PROXIES"):
            parse_trusted_proxies(bad)


def test_a_trusted_proxy_without_the_header_is_reported(caplog):
    seen = []

    async def app(scope, receive, send):
        seen.append(scope["client"][0])

    middleware = TrustedProxyMiddleware(app, ("127.0.0.1",))
    scope = {"type": "http", "client": ("127.0.0.1", 5000), "headers": []}
    with caplog.at_level("WARNING", logger="bot.web.proxy"):
        asyncio.run(middleware(scope, None, None))
    assert seen == ["127.0.0.1"] and "without X-Forwarded-For" in caplog.text


# ------------------------------------------------ 6. typed text is never an intent

TYPED = [
    "/pause", "//pause", "/ /pause", " / / /pause", "\u00a0/pause", "\u2003/pause",
    "\u3000/pause", "\u205f/pause", "\u2028/pause", "\t/pause", "\n/pause", "\r\n /pause",
    "\u200b/pause", "\u200b /pause", "\ufeff/pause", "\u2060/pause", "\u00ad/pause",
    "\u200d/ \u200c/pause", "\u180e/pause", "\u202e/pause", "\x00/pause", "/\u200b/pause",
    "\uff0fpause", "\uff0f \uff0fpause", "\\/pause", "\\\\/pause", "\uff3c/pause",
    "\u2044pause", "\u2215pause", "\u29f8pause", "\ufe68/pause", "\u0301/pause",
    '/pause{"x": 1}', " /confirm_delete", "/ /crisis", "  /\u00a0/ \u200b\uff0f\\/affirm",
    "/ \u00a0\u200b\n\n\n/\u2003\uff0f/deny@1.0",
]


def rasa_reads_intent(message: str) -> str | None:
    """What Rasa 3.6 itself makes of the text (its RegexMessageHandler's parser)."""
    intent = YAMLStoryReader.unpack_regex_message(Message({"text": message})).get("intent")
    return intent["name"] if intent else None


@pytest.mark.parametrize("typed", TYPED)
def test_typed_slashes_in_any_disguise_are_plain_text(typed):
    cleaned = clean_text(typed)
    assert rasa_reads_intent(cleaned) is None, repr(cleaned)
    assert unicodedata.normalize("NFKC", cleaned).strip()[:1] not in ("/", "\\")
    assert re.search(r"(pause|confirm_delete|crisis|affirm|deny)", cleaned)   # words kept


def test_the_reported_disguise_was_an_intent_for_rasa():
    """What the old cleaning (one lstrip("/"), then strip) left of "/ /pause"."""
    assert rasa_reads_intent("/ /pause".lstrip("/").strip()) == "pause"
    assert rasa_reads_intent("\u00a0/pause") == "pause"      # Rasa strips white space


@pytest.fixture()
def recording_rasa() -> Iterator[tuple[str, list[str]]]:
    """A Rasa REST channel that answers every message and remembers what it got."""
    received: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
            received.append(body["message"])
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps([{"text": "Danke."}]).encode())

        def log_message(self, *args) -> None:
            pass

    with serving(Handler) as url:
        yield url, received


def test_only_button_payloads_reach_rasa_as_intents(db_url, recording_rasa):
    rasa_url, received = recording_rasa
    config = dataclasses.replace(make_config(db_url), rasa_url=rasa_url,
                                 messages_per_minute=1000)
    with TestClient(create_app(config)) as client:
        token = CSRF_META.search(client.get("/").text).group(1)
        for typed in TYPED:
            reply = client.post("/api/message", json={"text": typed},
                                headers={"X-CSRF-Token": token})
            assert reply.status_code == 200, (typed, reply.text)
        assert len(received) == len(TYPED)
        assert [m for m in received if rasa_reads_intent(m)] == []
        # the buttons of the bot's answers and the page's pause button: as payloads
        # ("/delete_data": the button after the data FAQ on withdrawing consent, which only
        # asks whether to delete)
        for payload in ("/pause", "/affirm", "/confirm_delete", "/delete_data", "/remove_item"):
            reply = client.post("/api/message", json={"payload": payload, "label": "x"},
                                headers={"X-CSRF-Token": token})
            assert reply.status_code == 200 and received[-1] == payload
        # other intents of the domain are for what a person writes, never a payload
        for payload in ("/crisis", "/urgent_need", "/greet", "/resume", "/human_handoff",
                        "/easy_language_on", "/pause ", " /pause", "/pause{}"):
            reply = client.post("/api/message", json={"payload": payload},
                                headers={"X-CSRF-Token": token})
            assert reply.status_code == 400, payload
    assert received[-1] == "/remove_item"


def test_button_whitelist():
    intents = domain_intents()
    assert {"crisis", "delete_data"} <= intents
    assert button_intent("/pause", intents) == "pause"
    assert button_intent("/crisis", intents) is None
    assert button_intent("/crisis", intents, allowed=frozenset({"crisis"})) == "crisis"


# ------------------------------------------------ 7. the lockout tells no names apart


def test_unknown_and_existing_names_get_the_same_answers(db_url, fixed_clock):
    Accounts(db_url).create("anna", "counsellor", PASSWORD)
    with staff_client(db_url, clock=fixed_clock) as client:
        pages = {}
        for name in ("anna", "niemand"):
            replies = [post_login(client, name, "falsch-falsch-falsch")
                       for _ in range(MAX_FAILURES + 2)]
            pages[name] = [(r.status_code, r.text.replace(name, "NAME")) for r in replies]
        assert [status for status, _ in pages["anna"]] == \
            [400] * (MAX_FAILURES - 1) + [429] * 3
        assert pages["anna"] == pages["niemand"]
        assert st("login_locked") in pages["niemand"][-1][1]
        fixed_clock.advance(minutes=LOCK_MINUTES + 1)
        after = [post_login(client, name, "falsch-falsch-falsch") for name in ("anna",
                                                                               "niemand")]
        assert [r.status_code for r in after] == [400, 400]
    details = " ".join(row["detail"] for row in audit_rows(Store(db_url)))
    assert "niemand" not in details            # the name (maybe a password) is not logged
    assert [row["action"] for row in audit_rows(Store(db_url), actor="-")] == \
        ["login_failed"] * MAX_FAILURES + ["account_locked", "login_locked", "login_locked",
                                           "login_failed"]


def test_locked_and_unknown_names_cost_the_same_work(db_url, fixed_clock, monkeypatch):
    """A locked account answered without the password hash's second of work would be
    told apart from an unknown name by the time the answer takes."""
    verified: list[str] = []
    original = accounts_module._verify
    monkeypatch.setattr(accounts_module, "_verify",
                        lambda hashed, password: verified.append(hashed) or original(
                            hashed, password))
    accounts = Accounts(db_url)
    accounts.create("anna", "counsellor", PASSWORD)
    work = {}
    for name in ("anna", "niemand"):
        work[name] = []
        for _ in range(MAX_FAILURES + 2):
            verified.clear()
            status = accounts.authenticate(name, "falsch-falsch-falsch", "10.0.0.1",
                                           fixed_clock()).status
            work[name].append((status, len(verified)))
    assert work["anna"] == work["niemand"]
    assert work["anna"][-1] == ("locked", 1)


# ------------------------------------------------ 8. no placeholder, no weak key

WEAK = [
    example_setting("LWIW_SECRET_KEY"),                   # copied from the example
    "CHANGE-ME-at-least-32-characters-the-same-on-every-host",
    "changeme" + "Zk3Jq9Xw" * 6,
    "x" * 64, "a" * 64,                                    # long, not random
    "test-secret-" + "x" * 40, "0123456789abcdef" * 4, "abc" * 30,
    "Iq3fP0nV_8s2WmR5tYk7uL",                             # 16 random bytes
    "6b1f0c9e4d2a7f3b8c5e1d0a9f7b3c2e",                    # 16 bytes as hex
]
STRONG = [
    SECRET,                                                # token_urlsafe(32)
    "c2a6f1e9d4b08f7a3e5c1d9b7a6f4e2c0d8b6a4f2e0c8a6b4d2f0e8c6a4b2d0f",   # token_hex(32)
    "q3Jz9m+XkP1c/UvR7sTn0wYbL5eH8aGd2fQi6oWjM4E=",       # base64 of 32 bytes
    "k9Xq2LmP7vR4tW8yZ1bN5cF0hJ3gD6sA-_eUiOoTrQwEyMnBvCxZlKjHgFdSaPqW",  # token_urlsafe(48)
]


@pytest.mark.parametrize("key", WEAK)
def test_placeholder_and_weak_keys_are_refused(key, db_url):
    assert secret_problem(key)
    with pytest.raises(ValueError, match="not a usable secret key"):
        create_app(WebConfig(rasa_url="http://127.0.0.1:9", database_url=db_url,
                             secret_key=key))
    with pytest.raises(ValueError, match="not a usable secret key"):
        create_staff_app(WebConfig(rasa_url="http://127.0.0.1:9", database_url=db_url,
                                   secret_key=key))


@pytest.mark.parametrize("key", STRONG)
def test_generated_keys_are_accepted(key):
    assert secret_problem(key) is None and check_secret(key) == key


def test_the_example_key_stops_the_start_with_a_clear_message(db_url, tmp_path, app_env,
                                                              monkeypatch):
    example = example_setting("LWIW_SECRET_KEY")
    monkeypatch.setenv("LWIW_SECRET_KEY", example)
    with pytest.raises(ValueError, match="LWIW_SECRET_KEY is not a usable secret key"):
        web_config.check_environment(tmp_path / "var")     # `lwiw run` and `serve`, first
    settings, process, log = start_web(db_url, tmp_path)
    try:
        with pytest.raises(RuntimeError, match="exited"):
            services.wait_for(f"http://127.0.0.1:{settings.web_port}/health", process,
                              timeout=120)
    finally:
        services.stop(process)
    output = log.read_text(encoding="utf-8")
    assert "LWIW_SECRET_KEY is not a usable secret key: it is a placeholder" in output
    assert "secrets.token_urlsafe(32)" in output


# ------------------------------------------------ 10. cookies, files, PDF limit, ids, fetcher


def test_https_public_url_turns_on_secure_cookies_and_hsts(app_env, monkeypatch):
    monkeypatch.setenv("LWIW_PUBLIC_URL", "https://assistent.example.org")
    config = web_config.config_from_env()
    assert config.secure_cookie and config.hsts
    with TestClient(create_app(config), base_url="https://testserver") as client:
        page = client.get("/")
        assert page.headers["strict-transport-security"] == "max-age=31536000"
        assert "; Secure" in page.headers["set-cookie"]
        console = client.get("/staff/anmelden")
        assert console.headers["strict-transport-security"] == "max-age=31536000"
        assert "; Secure" in console.headers["set-cookie"]
    monkeypatch.setenv("LWIW_PUBLIC_URL", "http://127.0.0.1:8000")
    plain = web_config.config_from_env()
    assert not plain.secure_cookie and not plain.hsts
    with TestClient(create_app(plain)) as client:
        page = client.get("/")
        assert "strict-transport-security" not in page.headers
        assert "Secure" not in page.headers["set-cookie"]
    # the production settings have it on
    assert example_setting("LWIW_PUBLIC_URL").startswith("https://")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_file_and_var_are_for_the_service_user_only(tmp_path):
    database = tmp_path / "neu" / "lwiw.db"
    url = f"sqlite:///{database}"
    upgrade_to_head(url)
    Store(url).record_consent("web-files", True)
    assert mode(database.parent) == 0o700 and mode(database) == 0o600
    for side in (database.with_name("lwiw.db-wal"), database.with_name("lwiw.db-shm")):
        if side.exists():
            assert mode(side) == 0o600, side
    # an existing database that others could read is narrowed
    old = tmp_path / "alt.db"
    old.write_bytes(b"")
    old.chmod(0o644)
    get_engine(f"sqlite:///{old}")
    assert mode(old) == 0o600
    # var/: created 0700, an existing one narrowed; the cookie key in it 0600
    var = tmp_path / "var"
    web_config.load_secret(var)
    assert mode(var) == 0o700 and mode(var / "secret_key") == 0o600
    var.chmod(0o755)
    assert mode(private_dir(var)) == 0o700


def consented_browser(client: TestClient, store: Store) -> str:
    client.get("/")
    sender = URLSafeTimedSerializer(SECRET, salt=SALT).loads(client.cookies[COOKIE_NAME])["cid"]
    seed_conversation(store, sender, ANSWERS)
    return sender


def test_pdf_downloads_are_limited(db_url):
    app = create_app(make_config(db_url, pdf_exports=2, pdf_exports_per_client=3))
    store = Store(db_url)
    with TestClient(app) as client:
        consented_browser(client, store)
        codes = [client.get("/meine-daten/export.pdf").status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        refused = client.get("/meine-daten/export.pdf")
        assert text("export_too_many", False).split(".")[0] in refused.text
        # the cheap formats are not limited
        assert client.get("/meine-daten/export.json").status_code == 200
        with TestClient(app) as other:       # another conversation, the same address
            consented_browser(other, store)
            assert other.get("/meine-daten/export.pdf").status_code == 200
            assert other.get("/meine-daten/export.pdf").status_code == 429   # 3 per address


def test_staff_pdf_exports_are_limited_per_account(db_url):
    Accounts(db_url).create("anna", "counsellor", PASSWORD)
    seed_conversation(Store(db_url), "web-pdf-staff", ANSWERS)
    with staff_client(db_url, pdf_exports_per_client=1) as client:
        login(client, "anna", PASSWORD)
        url = "/staff/gespraech/web-pdf-staff/export?format=pdf"
        assert client.get(url).status_code == 200
        refused = client.get(url)
        assert refused.status_code == 429 and st("export_too_many") in refused.text
        assert client.get(url.replace("format=pdf", "format=json")).status_code == 200


def test_impossible_ids_in_console_urls_are_not_found(db_url):
    accounts = Accounts(db_url)
    accounts.create("anna", "counsellor", PASSWORD)
    accounts.create("chefin", "admin", PASSWORD)
    with staff_client(db_url) as client:
        token = login(client, "chefin", PASSWORD)
        # beyond the integer column: SQLite's driver raised OverflowError (a 500)
        for number in ("9" * 30, str(2**31), "0"):
            for action in ("deaktivieren", "aktivieren", "entsperren"):
                reply = client.post(f"/staff/konten/{number}/{action}", data={"csrf": token})
                assert reply.status_code == 404, (number, action, reply.status_code)
        long_id = "web-" + "a" * 300
        for path in ("", "/chat", "/export", "/loeschen"):
            assert client.get(f"/staff/gespraech/{long_id}{path}").status_code == 404
        for path in ("/notizen", "/kurzname", "/loeschen", "/sprache"):
            reply = client.post(f"/staff/gespraech/{long_id}{path}",
                                data={"csrf": token, "section": "will", "text": "x"})
            assert reply.status_code == 404, path
        for path in ("start", "message", "language"):
            reply = client.post(f"/staff/api/chat/{long_id}/{path}",
                                json={"text": "hallo", "history": False, "easy": False},
                                headers={"X-CSRF-Token": token})
            assert reply.status_code == 404 and reply.json()["error"] == "not_found", path


@pytest.fixture()
def remote_host() -> Iterator[tuple[str, list[str]]]:
    """Another host on the network (here on loopback): records what is asked of it."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            asked.append(self.path)
            self.send_response(200)
            self.send_header("content-type", "image/svg+xml")
            self.end_headers()
            self.wfile.write(b'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>')

        def log_message(self, *args) -> None:
            pass

    with serving(Handler) as url:
        yield url, asked


def pdf_of(body: str) -> bytes:
    return render_pdf(f"<!doctype html><html><body>{body}</body></html>")


def test_weasyprint_reads_only_our_static_files(tmp_path, remote_host):
    remote, asked = remote_host
    outside = tmp_path / "geheim.svg"
    outside.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>',
                       encoding="utf-8")
    nothing = len(pdf_of('<img src="gibt-es-nicht.svg">'))
    for body in (f'<img src="{remote}/bild.svg">',
                 f'<link rel="stylesheet" href="{remote}/stil.css">',
                 f'<p style="background: url({remote}/hintergrund.svg)">x</p>',
                 f'<img src="{outside.as_uri()}">',
                 f'<img src="{outside}">',
                 '<img src="../README.md">',
                 '<img src="file:///etc/passwd">'):
        pdf = pdf_of(body)
        if body.startswith("<img"):
            assert len(pdf) == nothing, body       # nothing was embedded
    assert asked == []                             # no request left the machine
    # our own static files are served (relative to static/, or by their file: URL)
    assert len(pdf_of('<img src="favicon.svg">')) > nothing
    assert len(pdf_of(f'<img src="{(STATIC_DIR / "favicon.svg").as_uri()}">')) > nothing
    assert static_file((STATIC_DIR / "favicon.svg").as_uri()) == STATIC_DIR / "favicon.svg"
    assert static_file((STATIC_DIR / ".." / "README.md").as_uri()) is None
    assert static_file(f"{remote}/favicon.svg") is None
