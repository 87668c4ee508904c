"""Issue 15 ("How it is shown"): a property-based fuzz test (hypothesis) of every public and
staff endpoint with random bodies, headers and cookies: no 500, no stack trace, nothing
stored without consent.

The web app is built as `lwiw run` builds it (bot.web.app.create_app, which mounts the
staff console at /staff; the console reads its settings from the environment, which points
at this module's database) on a real, temporary, migrated SQLite file, with a stand-in for
Rasa's REST channel on loopback that answers every message (with the read-back's buttons),
so that the chat endpoints return normally and their code after the reply runs.

The endpoints are enumerated from the app's routes (recursing into the mounts), never from
a hand-written list. Every endpoint is first swept with a few fixed hostile requests for
each of its methods (so that each is reached whatever hypothesis draws), then hypothesis
sends sequences of up to three random requests: a method (allowed or not), path
parameters (long, unicode, "../", "%00", emoji), a query, a body (bytes, nested JSON, a
form with the app's own field names, multipart), headers and cookies (garbage, a tampered
signature, or correctly signed with odd contents). Some browsers first open "/" for a real
session and CSRF token (and choose consent on the real form), some open the console's
login form, and in the second test a counsellor is logged in.

Every fuzzed text carries a unique marker ("FZ" + 8 hex digits). After each example and
after each run, every text of every table and the raw bytes of the database files are
searched for the markers. See `may_store` for the one place where the fuzzer's words may
be stored, and why.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from itsdangerous import URLSafeTimedSerializer
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from bot.staff.accounts import Accounts
from bot.staff.conversations import Conversations
from bot.storage.migrate import upgrade_to_head
from bot.storage.repository import Store
from bot.web.app import create_app
from bot.web.config import WebConfig
from bot.web.session import COOKIE_NAME as PUBLIC_COOKIE
from bot.web.session import SALT as PUBLIC_SALT
from bot.web.staff.app import ROUTES as STAFF_ROUTES
from bot.web.staff.auth import COOKIE_NAME as STAFF_COOKIE
from bot.web.staff.auth import SALT as STAFF_SALT
from tests.support.chat import INTERNAL_SECRET
from tests.support.staff import login, seed_conversation

SECRET = "jBOY7jERBx72tPBemBOZcVqNCrDkLANR0t6odWQYHtk"  # random: weak keys are refused
OTHER_SECRET = "q3V0cS1mCUgmS8Zx2bT7RrKkXoa5dLp4Nw9eYh6JfQs"  # a key the app does not know
COUNSELLOR, PASSWORD = "beraterin-fuzz", "ein-langes-passwort-fuzz-7"
# a second counsellor whose name the fuzzer may type (its lockout must not stop the login)
GUEST, GUEST_PASSWORD = "gast-fuzz", "ein-anderes-passwort-fuzz-8"
CONSENTED = "web-" + "c0ffee" * 5 + "aa"
ANSWERS = {"living": "Ich möchte alleine wohnen, mit meinem Hund."}

# placeholders in the generated requests, filled in when a request is sent
MARK = "⟦M⟧"        # a fresh marker "FZxxxxxxxx" for every occurrence
CSRF = "⟦CSRF⟧"     # the browser's real CSRF token (console or public, after the path)
CODE = "⟦CODE⟧"     # the consented conversation's real resume code
NEW_CID = "⟦NEW⟧"   # the conversation this browser started in the console, if any
NOW = "⟦NOW⟧"       # the current time in seconds (a login waiting for its code is fresh)

MAX_EXAMPLES = {"public": 500, "counsellor": 300}
LEAKS = [
    re.compile(r"Traceback"),
    re.compile(r'File "/'),
    re.compile(r"sqlalchemy", re.IGNORECASE),
    re.compile(r"Exception"),
    re.compile(r"\b[A-Z][A-Za-z]*Error\((?:'|\"|\))"),       # KeyError('x'), ValueError()
    re.compile(r"<(?:class|function|module|coroutine) '"),
    re.compile(r" object at 0x[0-9a-f]+"),
]
CSRF_PATTERN = re.compile(r'(?:name="csrf-token" content|name="csrf" value)="([^"]+)"')


# --------------------------------------------------------------------------- the endpoints


@dataclass(frozen=True)
class Endpoint:
    path: str                      # with Starlette's parameters: "/staff/gespraech/{cid}"
    methods: tuple[str, ...]
    params: tuple[str, ...]

    @property
    def staff(self) -> bool:
        return self.path.startswith("/staff/")


PARAM = re.compile(r"\{([A-Za-z_]\w*)(?::\w+)?\}")


def endpoints(routes: list, prefix: str = "") -> list[Endpoint]:
    """Every endpoint of `routes`, mounts included: one per path with all its methods; a
    mount without routes (the static files) is one endpoint "{path}" below its prefix."""
    methods: dict[str, set[str]] = {}
    for route in routes:
        if isinstance(route, Route):
            methods.setdefault(prefix + route.path, set()).update(route.methods or {"GET"})
        elif isinstance(route, Mount):
            inner = route.routes
            if inner:
                for found in endpoints(inner, prefix + route.path):
                    methods.setdefault(found.path, set()).update(found.methods)
            else:
                methods.setdefault(prefix + route.path + "/{path}", set()).update(
                    {"GET", "HEAD"})
        else:
            raise AssertionError(f"a route the fuzzer does not know how to call: {route!r}")
    return [Endpoint(path, tuple(sorted(found)), tuple(PARAM.findall(path)))
            for path, found in sorted(methods.items())]


# --------------------------------------------------------------------------- the world


class StandInRasa:
    """Rasa's REST channel on loopback: every message is answered with a read-back (the
    person's words repeated, with the read-back's buttons and the progress contract)."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                raw = self.rfile.read(int(self.headers.get("content-length", 0)))
                try:
                    body = json.loads(raw)
                    sender, message = str(body["sender"]), str(body["message"])
                except (ValueError, KeyError, TypeError):
                    sender, message = "", ""
                received.append((sender, message))
                reply = [
                    {"recipient_id": sender, "text": f"Habe ich das richtig verstanden: "
                                                     f"„{message[:300]}“?",
                     "buttons": [{"title": "Ja, stimmt", "payload": "/affirm"},
                                 {"title": "Ändern", "payload": "/deny"},
                                 {"title": "Entfernen", "payload": "/remove_item"}]},
                    {"recipient_id": sender,
                     "custom": {"question_id": "living", "progress": {"current": 1,
                                                                      "total": 6}}},
                ]
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(reply).encode())

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StandInRasa:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class World:
    app: Any
    client: TestClient
    db_url: str
    db_path: Path
    store: Store
    rasa: StandInRasa
    endpoints: list[Endpoint]
    resume_code: str = ""
    markers: count = field(default_factory=count)
    staff_cookie: str | None = None
    # (endpoint, status) of every fuzzed request: what the runs reached
    statuses: Counter = field(default_factory=Counter)

    def marker(self) -> str:
        # unique (an odd multiplier is a bijection modulo 2**32), and unlike any id
        return f"FZ{(next(self.markers) * 2654435761 + 0x5EED) % 2**32:08x}"

    def ensure_consented_conversation(self) -> None:
        """The conversation the counsellor works on (consent given, as the action server
        records it after the person's "Ja"); again if a fuzzed request deleted it."""
        if not self.store.has_consent(CONSENTED):
            seed_conversation(self.store, CONSENTED, ANSWERS)
            self.resume_code = self.store.issue_resume_code(CONSENTED)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    db_path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    db_url = f"sqlite:///{db_path}"
    upgrade_to_head(db_url)
    with StandInRasa() as rasa, pytest.MonkeyPatch.context() as env:
        # create_app mounts the console with settings from the environment
        # (bot/web/app.py: staff_routes); they name this module's database and Rasa
        env.setenv("LWIW_DATABASE_URL", db_url)
        env.setenv("LWIW_SECRET_KEY", SECRET)
        env.setenv("LWIW_INTERNAL_SECRET", INTERNAL_SECRET)
        env.setenv("LWIW_RASA_URL", rasa.url)
        for name in ("LWIW_TRUSTED_PROXIES", "LWIW_PUBLIC_URL", "LWIW_SECURE_COOKIE",
                     "LWIW_REDIS_URL", "LWIW_RESUME_PEPPER"):
            env.delenv(name, raising=False)
        app = create_app(WebConfig(rasa_url=rasa.url, database_url=db_url,
                                   secret_key=SECRET, internal_secret=INTERNAL_SECRET))
        accounts = Accounts(db_url)
        accounts.create(COUNSELLOR, "counsellor", PASSWORD)
        accounts.create(GUEST, "counsellor", GUEST_PASSWORD)
        with TestClient(app, follow_redirects=False) as client:
            world = World(app, client, db_url, db_path, Store(db_url), rasa,
                          endpoints(app.routes))
            world.ensure_consented_conversation()
            yield world


# --------------------------------------------------------------------------- storage scan


# overlapping (a lookahead): text just before a marker cannot hide it
MARKER = re.compile(r"(?=(fz[0-9a-f]{8}))")
MARKER_BYTES = re.compile(rb"(?=(fz[0-9a-f]{8}))")


def stored_markers(world: World, markers: list[str]) -> list[str]:
    """Where `markers` are stored: any text of any table, and the raw bytes of the database
    file and its WAL (deleted rows stay there until the pages are reused). Compared without
    case; every marker-like word found is looked up in `markers`."""
    wanted = {m.lower() for m in markers}
    if not wanted:
        return []
    found: list[str] = []
    connection = sqlite3.connect(world.db_path)
    try:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            texts = []
            for row in connection.execute(f'SELECT * FROM "{table}"'):
                for value in row:
                    if isinstance(value, bytes):
                        value = value.decode("utf-8", "replace")
                    if isinstance(value, str):
                        texts.append(value.lower())
            hits = set(MARKER.findall("\n".join(texts))) & wanted
            found += [f"{table}: {m}" for m in sorted(hits)]
    finally:
        connection.close()
    for path in world.db_path.parent.glob(world.db_path.name + "*"):
        hits = {m.decode() for m in MARKER_BYTES.findall(path.read_bytes().lower())} & wanted
        found += [f"{path.name} (bytes): {m}" for m in sorted(hits)]
    return found


def test_the_scan_finds_what_is_stored(world):
    """The checks below are only worth something if the scan sees stored text: markers in
    an answer and in a short name are found, in the tables and in the file's bytes; a
    marker that was never stored is not."""
    world.ensure_consented_conversation()
    answer, pseudonym = world.marker(), world.marker()
    world.store.add_answer(CONSENTED, "self", f"Ich koche gern {answer}.")
    Conversations(world.db_url, world.store).set_pseudonym(CONSENTED, f"Kurz {pseudonym}")
    found = stored_markers(world, [answer, pseudonym, world.marker()])
    assert any(hit.startswith("answers:") for hit in found)
    assert any(hit.startswith("conversations:") for hit in found)
    assert any("(bytes)" in hit and answer.lower() in hit for hit in found)
    assert len({hit.rsplit(": ", 1)[1] for hit in found}) == 2      # not the unused one


# --------------------------------------------------------------------------- strategies


NASTY = [
    "", " ", ".", "..", "../", "../../../../etc/passwd", "..%2f..%2f", "%2e%2e%2f", "%00",
    "\x00", "\r\n", "\t", "😀", "👨\u200d👩\u200d👧", "\u202etxt.exe", "ä ö ü ß", "İ", "\ufeff",
    "' OR '1'='1", "<script>alert(1)</script>", "{{7*7}}", "${jndi:ldap://x}", "null",
    "[]", "{}", "-1", "0", "9" * 30, str(2**31), str(2**63), "1e999", "NaN", "/affirm",
    "/restart", '/affirm{"consent": true}', "／pause", "HAFEN-KRAN-MOND-TEE-00",
]
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
# every fuzzed text is framed by markers (one survives a cut at either end)
MARKED = st.one_of(
    st.builds(lambda a, nasty, b: f"{MARK}{a}{nasty}{b}{MARK}", ANY_TEXT,
              st.sampled_from(NASTY), ANY_TEXT),
    st.integers(50, 5000).map(lambda n: f"{MARK}{'x' * n}{MARK}"),
)
APP_VALUES = ["yes", "no", "1", "0", "true", "on", "pdf", "json", "html", "will", "living",
              "counsellor", "admin", "/affirm", "/pause", "/", "/chat", "/meine-daten",
              "/staff/gespraeche", "//example.org/", "https://example.org/"]
VALUE = st.one_of(MARKED, st.sampled_from(APP_VALUES), st.just(CSRF), st.just(CODE),
                  st.just(GUEST))
FORM_KEYS = ["csrf", "choice", "text", "payload", "code", "name", "password", "password2",
             "current", "section", "pseudonym", "confirm", "easy", "next", "weiter", "role",
             "history", "label", "q"]
KEY = st.one_of(st.sampled_from(FORM_KEYS), MARKED)
QUERY_KEYS = ["q", "seite", "krise", "format", "leicht", "weiter", "abgemeldet", "konto"]

JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
                      st.floats(allow_nan=True, allow_infinity=True), MARKED,
                      st.sampled_from(APP_VALUES), st.just(CSRF))
JSON_VALUE = st.recursive(
    JSON_LEAF,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.one_of(st.sampled_from(FORM_KEYS), MARKED),
                                            inner, max_size=4)),
    max_leaves=10,
)
JSON_OBJECT = st.builds(
    lambda known, extra: {**extra, **known},
    st.fixed_dictionaries({}, optional={
        "text": st.one_of(MARKED, JSON_VALUE), "payload": st.one_of(
            st.sampled_from(["/affirm", "/deny", "/remove_item", "/pause", "/restart",
                             "/greet", "affirm", "/affirm{}"]), MARKED, JSON_VALUE),
        "label": st.one_of(MARKED, JSON_VALUE), "history": JSON_VALUE,
        "easy": st.one_of(st.booleans(), JSON_VALUE)}),
    st.dictionaries(MARKED, JSON_VALUE, max_size=3),
)

PUBLIC_SESSION = st.fixed_dictionaries({}, optional={
    "cid": st.one_of(MARKED, st.just(CONSENTED), JSON_VALUE),
    "csrf": st.one_of(st.just(CSRF), JSON_VALUE),
    "easy": JSON_VALUE, "consent": st.one_of(st.sampled_from(["yes", "no"]), JSON_VALUE),
    "phase": st.one_of(st.sampled_from(["greeted", "started"]), JSON_VALUE),
    "resume": st.one_of(st.just(True), st.just(CODE), JSON_VALUE),
    "lang": st.one_of(st.sampled_from(["/easy_language_on", "/restart"]), JSON_VALUE),
    "flash": st.one_of(st.sampled_from(["deleted_notice", "error_title"]), JSON_VALUE),
    "offered": st.one_of(st.lists(st.sampled_from(["affirm", "deny", "restart"])),
                         JSON_VALUE),
})
STAFF_SESSION = st.fixed_dictionaries({}, optional={
    "t": st.one_of(MARKED, JSON_VALUE), "c": st.one_of(st.just(CSRF), MARKED, JSON_VALUE),
    "p": st.one_of(JSON_VALUE, st.fixed_dictionaries({}, optional={
        "a": st.one_of(st.integers(-2**70, 2**70), JSON_VALUE),
        "at": st.one_of(st.just(NOW), st.floats(allow_nan=True),
                        st.integers(-2**70, 2**70)),
        "w": st.one_of(MARKED, st.sampled_from(["/staff/gespraeche", "//x"]))})),
})
COOKIE_NAME = st.one_of(st.sampled_from([PUBLIC_COOKIE, STAFF_COOKIE]),
                        st.text("abcdefghijklmnopqrstuvwxyz_-", min_size=1, max_size=12))
COOKIE_TEXT = st.builds(lambda a, b: f"{MARK}{a}{MARK}{b}",
                        st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7e),
                                max_size=60),
                        st.sampled_from(["", "=", ".", "..", '"', "; x=y", "\\"]))
COOKIE_OP = st.one_of(
    st.tuples(st.just("garbage"), COOKIE_NAME, COOKIE_TEXT),
    st.tuples(st.just("tamper"), st.sampled_from([PUBLIC_COOKIE, STAFF_COOKIE]),
              st.integers(0, 200)),
    st.tuples(st.just("signed"), st.just(PUBLIC_COOKIE),
              st.one_of(PUBLIC_SESSION, JSON_VALUE)),
    st.tuples(st.just("signed"), st.just(STAFF_COOKIE), st.one_of(STAFF_SESSION, JSON_VALUE)),
    st.tuples(st.just("foreign"), st.sampled_from([PUBLIC_COOKIE, STAFF_COOKIE]),
              PUBLIC_SESSION),
    st.tuples(st.just("drop"), st.sampled_from([PUBLIC_COOKIE, STAFF_COOKIE]), st.none()),
)

HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF,
                                    blacklist_characters="\x7f"), max_size=40)
HEADER_VALUE = st.one_of(
    st.builds(lambda a, b: f"{MARK}{a}{MARK}{b}", HEADER_TEXT, HEADER_TEXT),
    st.integers(100, 7000).map(lambda n: f"{MARK}{'A' * n}"),      # within 8 KB a header
)
CONTENT_TYPES = [
    "application/json", "application/json; charset=utf-16", "application/json; charset=x",
    "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=latin-1",
    "multipart/form-data", "multipart/form-data; boundary=", 'multipart/form-data; boundary="',
    "multipart/form-data; boundary=zzz", "text/plain", "text/html", "*/*", "",
    "application/x-www-form-urlencoded, application/json", "application/xml",
]
HEADER = st.one_of(
    st.tuples(st.just("Content-Type"), st.one_of(st.sampled_from(CONTENT_TYPES),
                                                  HEADER_VALUE)),
    st.tuples(st.just("X-CSRF-Token"), st.one_of(st.just(CSRF), HEADER_VALUE)),
    st.tuples(st.just("X-Forwarded-For"), st.one_of(
        st.sampled_from(["10.0.0.1", "1.2.3.4, 5.6.7.8", "::1", "unknown", "a" * 300,
                         "999.999.999.999", "127.0.0.1, " * 50]), HEADER_VALUE)),
    st.tuples(st.just("Content-Length"), st.sampled_from(["abc", "-1", "99999999999", "1e3",
                                                          "+5", "0x10"])),
    st.tuples(st.just("Host"), st.one_of(st.sampled_from(
        ["[", "]", "evil.example", "testserver:99999", "a b", "[::1", "x/y?z#w", "",
         "testserver:abc", "@evil", "xn--"]), HEADER_VALUE)),
    st.tuples(st.just("Range"), st.sampled_from(
        ["bytes=0-0", "bytes=5-1", "bytes=-0", "bytes=999999-", "bytes=0-1,2-3,0-99999",
         "bytes=abc", "items=0-1", "bytes=" + "0-1," * 200, "bytes=-99999999999999999"])),
    st.tuples(st.sampled_from(["If-None-Match", "If-Modified-Since", "If-Range",
                               "If-Match", "If-Unmodified-Since"]),
              st.one_of(st.sampled_from(["*", '"abc"', "W/", "Thu, 01 Jan 1970 00:00:00 GMT",
                                         "Mon, 99 Foo 99999 99:99:99 GMT", "-1"]),
                        HEADER_VALUE)),
    st.tuples(st.sampled_from(["Origin", "Referer", "Accept", "Accept-Language",
                               "User-Agent", "Authorization", "X-Forwarded-Proto",
                               "X-Forwarded-Host", "X-Real-IP", "Accept-Encoding",
                               "Content-Encoding", "Forwarded", "Cookie2"]), HEADER_VALUE),
    st.tuples(st.text("abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=20), HEADER_VALUE),
)

MULTIPART_PART = st.tuples(KEY, st.one_of(st.none(), MARKED), VALUE)
# forms mostly carry the real CSRF token, so that the code behind the check is reached
FORM_BODY = st.tuples(st.just("form"), st.builds(
    lambda token, pairs: [*token, *pairs],
    st.sampled_from([[("csrf", CSRF)]] * 3 + [[]]), st.lists(st.tuples(KEY, VALUE),
                                                           max_size=8)))
JSON_BODY = st.tuples(st.just("json"), JSON_OBJECT)
BODY = st.one_of(
    st.tuples(st.just("none"), st.none()),
    st.tuples(st.just("bytes"), st.tuples(st.binary(max_size=300), st.binary(max_size=300))),
    st.tuples(st.just("json"), JSON_VALUE),
    JSON_BODY,
    FORM_BODY,
    st.tuples(st.just("broken-form"), st.sampled_from(
        [b"%zz=%%&=&&csrf", b"csrf", b"=", b"&&&", b"a=" + b"%" * 100, b"\xff\xfe=\x00",
         b"csrf=1&" * 30, b"x" * 40_000])),
    st.tuples(st.just("multipart"), st.tuples(st.lists(MULTIPART_PART, max_size=4),
                                              st.sampled_from(["ok", "none", "wrong"]))),
)
METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"]


def path_value(name: str) -> st.SearchStrategy[str]:
    if name == "cid":
        return st.one_of(st.just(CONSENTED), st.just(NEW_CID), MARKED,
                         st.sampled_from(NASTY), st.just("web-" + "a" * 300))
    if name in ("account_id", "request_id"):
        return st.one_of(st.integers(-2**70, 2**70).map(str), MARKED)
    if name == "path":
        return st.one_of(st.sampled_from(
            ["site.css", "chat.js", "common.js", "staff.js", "staff.css", "favicon.svg",
             "../bot/settings.py", "..%2f..%2fpyproject.toml", "%2e%2e/%2e%2e/etc/passwd",
             "", ".", "site.css/", "site.css%00.png", "SITE.CSS"]), MARKED)
    return st.one_of(st.sampled_from(["pdf", "json", "html", "exe", "", "PDF", "pdf%00"]),
                     MARKED)


@dataclass(frozen=True)
class Step:
    endpoint: Endpoint
    method: str
    params: tuple[tuple[str, str], ...]
    keep_slashes: bool
    query: tuple[tuple[str, str], ...]
    body: tuple[str, Any]
    headers: tuple[tuple[str, str], ...]
    csrf_header: bool              # the real X-CSRF-Token (unless `headers` has one)
    keep_cookies: bool
    cookie_ops: tuple[tuple[str, str, Any], ...]


@st.composite
def steps(draw: st.DrawFn, choices: list[Endpoint]) -> Step:
    endpoint = draw(st.sampled_from(choices))
    allowed = draw(st.integers(0, 4)) > 0
    method = draw(st.sampled_from(endpoint.methods if allowed else METHODS))
    params = tuple((name, draw(path_value(name))) for name in endpoint.params)
    return Step(
        endpoint, method, params, draw(st.booleans()),
        tuple(draw(st.lists(st.tuples(st.one_of(st.sampled_from(QUERY_KEYS), MARKED),
                                      VALUE), max_size=3))),
        # half of the bodies in the shape the endpoint reads (JSON for the chat's API)
        draw(st.one_of(BODY, JSON_BODY if "/api/" in endpoint.path else FORM_BODY)),
        tuple(draw(st.lists(HEADER, max_size=4))),
        draw(st.integers(0, 3)) > 0,
        draw(st.integers(0, 4)) > 0,
        tuple(draw(st.lists(COOKIE_OP, max_size=2))),
    )


# --------------------------------------------------------------------------- the browser


@dataclass
class Browser:
    """One fuzzing browser: its cookies (kept by hand, so that fuzzed ones replace them
    only for one request), its CSRF tokens and what it sent."""

    world: World
    logged_in: bool = False
    cookies: dict[str, str] = field(default_factory=dict)
    public_csrf: str = ""
    staff_csrf: str = ""
    new_cid: str = ""
    markers: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)

    # -- filling in the placeholders

    def fill(self, value: Any, staff: bool) -> Any:
        if value == NOW:
            return time.time()
        if isinstance(value, str):
            while MARK in value:
                marker = self.world.marker()
                self.markers.append(marker)
                value = value.replace(MARK, marker, 1)
            return (value.replace(CSRF, (self.staff_csrf if staff else self.public_csrf)
                                  or "kein-token")
                    .replace(CODE, self.world.resume_code)
                    .replace(NEW_CID, self.new_cid or CONSENTED))
        if isinstance(value, bytes):
            return value
        if isinstance(value, (list, tuple)):
            return type(value)(self.fill(item, staff) for item in value)
        if isinstance(value, dict):
            return {self.fill(k, staff): self.fill(v, staff) for k, v in value.items()}
        return value

    # -- the request

    def body(self, kind: str, data: Any) -> tuple[bytes, str | None]:
        if kind == "none":
            return b"", None
        if kind == "bytes":
            marker = self.fill(MARK, False).encode()
            return data[0] + marker + data[1], "application/octet-stream"
        if kind == "json":
            return (json.dumps(data, ensure_ascii=len(self.markers) % 2 == 0).encode(),
                    "application/json")
        if kind == "form":
            return urlencode(data).encode(), "application/x-www-form-urlencoded"
        if kind == "broken-form":
            return data, "application/x-www-form-urlencoded"
        parts, boundary_mode = data
        boundary = "fuzzgrenze7"
        chunks = []
        for name, filename, value in parts:
            disposition = f'form-data; name="{name}"'
            if filename is not None:
                disposition += f'; filename="{filename}"'
            chunks.append(f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n"
                          f"{value}\r\n".encode("utf-8", "replace"))
        chunks.append(f"--{boundary}--\r\n".encode())
        content_type = {"ok": f"multipart/form-data; boundary={boundary}",
                        "none": "multipart/form-data",
                        "wrong": "multipart/form-data; boundary=anders"}[boundary_mode]
        return b"".join(chunks), content_type

    def cookie_header(self, step: Step, staff: bool) -> str | None:
        jar = dict(self.cookies) if step.keep_cookies else {}
        for op, name, value in step.cookie_ops:
            if op == "drop":
                jar.pop(name, None)
            elif op == "garbage":
                jar[name] = self.fill(value, staff)
            elif op == "tamper" and jar.get(name):
                original = jar[name]
                at = value % len(original)
                jar[name] = original[:at] + ("A" if original[at] != "A" else "B") + \
                    original[at + 1:]
            elif op in ("signed", "foreign"):
                key = SECRET if op == "signed" else OTHER_SECRET
                salt = PUBLIC_SALT if name == PUBLIC_COOKIE else STAFF_SALT
                jar[name] = URLSafeTimedSerializer(key, salt=salt).dumps(
                    self.fill(value, staff))
        return "; ".join(f"{k}={v}" for k, v in jar.items()) or None

    def send(self, step: Step) -> httpx.Response:
        staff = step.endpoint.staff
        before = len(self.markers)
        path = step.endpoint.path
        for name, value in step.params:
            filled = self.fill(value, staff)
            encoded = quote(filled, safe="/%:@!$&'()*+,;=" if step.keep_slashes else "")
            path = PARAM.sub(lambda m, n=name, e=encoded: e if m.group(1) == n else m.group(0),
                             path)
        query = urlencode(self.fill(list(step.query), staff))
        url = path + (f"?{query}" if query else "")
        content, content_type = self.body(step.body[0], self.fill(step.body[1], staff))
        headers: list[tuple[bytes, bytes]] = []
        if content_type and not any(n.lower() == "content-type" for n, _ in step.headers):
            headers.append((b"content-type", content_type.encode()))
        if step.csrf_header and not any(n.lower() == "x-csrf-token" for n, _ in step.headers):
            headers.append((b"x-csrf-token", self.fill(CSRF, staff).encode()))
        for name, value in step.headers:
            headers.append((name.encode(), self.fill(value, staff).encode("latin-1")))
        cookie = self.cookie_header(step, staff)
        if cookie is not None:
            headers.append((b"cookie", cookie.encode("latin-1", "replace")))
        sent_real_staff_cookie = self.logged_in and cookie is not None and (
            f"{STAFF_COOKIE}={self.cookies.get(STAFF_COOKIE)}" in cookie)
        request_text = " ".join([url, *(f"{n!r}{v!r}" for n, v in headers),
                                 content.decode("utf-8", "replace")])
        response = self.request(step.method, url, content, headers)
        self.world.statuses[step.endpoint.path, response.status_code] += 1
        if may_store(step, path, sent_real_staff_cookie):
            self.allowed += self.markers[before:]
        check_response(step, url, response, request_text)
        return response

    def request(self, method: str, url: str, content: bytes = b"",
                headers: list[tuple[bytes, bytes]] | None = None) -> httpx.Response:
        client = self.world.client
        client.cookies.clear()      # only the Cookie header built here counts
        response = client.request(method, url, content=content or None, headers=headers)
        self.absorb(url, response)
        return response

    def absorb(self, url: str, response: httpx.Response) -> None:
        """Set-Cookie and CSRF tokens of the answer, as a browser would keep them."""
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if not value or "Expires=Thu, 01 Jan 1970" in header:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        location = response.headers.get("location", "")
        found = re.search(r"/staff/gespraech/(web-[0-9a-f]+|staff-[\w-]+)/chat", location)
        if found and found.group(1) != CONSENTED:
            self.new_cid = found.group(1)
        if "text/html" in response.headers.get("content-type", ""):
            token = CSRF_PATTERN.search(response.text)
            if token:
                if url.startswith("/staff"):
                    self.staff_csrf = token.group(1)
                else:
                    self.public_csrf = token.group(1)

    # -- getting ready

    def prepare(self, setup: str) -> None:
        plain = [(b"content-type", b"application/x-www-form-urlencoded")]
        if setup in ("session", "consent", "both", "counsellor"):
            self.request("GET", "/", headers=self._cookies())
        if setup in ("consent", "both"):      # the real consent form, then the chat's first call
            self.request("POST", "/einwilligung", urlencode(
                {"csrf": self.public_csrf, "choice": "yes"}).encode(), plain + self._cookies())
            self.request("POST", "/api/start", b'{"history": false}',
                         [(b"content-type", b"application/json"),
                          (b"x-csrf-token", self.public_csrf.encode()), *self._cookies()])
        if setup in ("staff-form", "both"):
            self.request("GET", "/staff/anmelden", headers=self._cookies())
        if setup == "counsellor":
            self.log_in()

    def _cookies(self) -> list[tuple[bytes, bytes]]:
        jar = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return [(b"cookie", jar.encode())] if jar else []

    def log_in(self) -> None:
        """The counsellor's console session: reused while it lasts (a fuzzed request may
        end it), otherwise a new login through the real form, from its own address (the
        fuzzer's failed logins may have blocked the fuzzer's address, as they should)."""
        world = self.world
        if world.staff_cookie:
            self.cookies[STAFF_COOKIE] = world.staff_cookie
            page = self.request("GET", "/staff/gespraeche", headers=self._cookies())
            if page.status_code == 200:
                self.logged_in = True
                return
        # (not entered as a context: that would run the app's lifespan a second time)
        helper = TestClient(world.app, client=("192.0.2.10", 50000))
        try:
            self.staff_csrf = login(helper, COUNSELLOR, PASSWORD)
            world.staff_cookie = self.cookies[STAFF_COOKIE] = helper.cookies[STAFF_COOKIE]
        finally:
            helper.close()
        self.logged_in = True


def may_store(step: Step, path: str, sent_real_staff_cookie: bool) -> bool:
    """The one request whose words may be stored: a counsellor (the real console cookie
    sent) adding a note or a short name to the conversation whose person consented
    (CONSENTED: consent recorded as the action server records it). Everything else — the
    public pages and the chat (the web app stores none of the person's words itself; the
    action server does, after consent, and this stand-in Rasa stores nothing), failed
    logins (only a hash of the name), searches, resume codes (only keyed hashes), signed
    cookies with made-up ids — must leave no trace of what was sent.

    Consent given on the real form does not exempt anything: in this app "Ja" on the
    start page only puts the choice into the browser's cookie and is sent to Rasa by the
    chat's first call; consent is recorded in the database by the action server, which
    the stand-in does not run. So no conversation of a fuzzing browser has consent, and
    all their markers are checked. Only a whole request is exempt (its markers in every
    part, headers included), never a conversation's later requests."""
    return (sent_real_staff_cookie and step.method == "POST"
            and path in (f"/staff/gespraech/{CONSENTED}/notizen",
                         f"/staff/gespraech/{CONSENTED}/kurzname"))


def check_response(step: Step, url: str, response: httpx.Response, request_text: str) -> None:
    where = f"{step.method} {url[:300]}"
    assert response.status_code < 500, f"{where}: {response.status_code}\n{response.text[:2000]}"
    if response.headers.get("content-type", "").startswith("application/pdf"):
        assert step.method == "HEAD" or response.content.startswith(b"%PDF"), where
        return
    body = response.content.decode("utf-8", "replace")
    for pattern in LEAKS:
        # a word the request itself carried may come back as the person's own text
        if pattern.search(body) and not pattern.search(request_text):
            raise AssertionError(f"{where}: {pattern.pattern!r} in the answer "
                                 f"({response.status_code}):\n{body[:3000]}")


# --------------------------------------------------------------------------- the tests


def test_every_route_is_enumerated_from_the_app(world):
    paths = {endpoint.path for endpoint in world.endpoints}
    staff = {"/staff" + route.path for route in STAFF_ROUTES}
    assert staff <= paths                      # the real console is mounted at /staff
    assert {"/", "/einwilligung", "/api/message", "/meine-daten/export.{fmt}",
            "/static/{path}", "/staff/gespraech/{cid}"} <= paths
    assert len(world.endpoints) >= 30
    assert {"cid", "account_id", "request_id", "fmt", "path"} <= {
        p for e in world.endpoints for p in e.params}


SWEEP_BODIES = [
    ("none", None),
    ("form", [("csrf", CSRF), ("choice", "yes"), ("text", MARK + "\x00../😀" + MARK),
              ("code", CODE), ("name", MARK), ("password", MARK), ("section", "will"),
              ("pseudonym", MARK), ("confirm", "yes"), ("easy", "1"), ("next", "//x")]),
    ("json", {"text": MARK + "\u202e/pause" + MARK, "payload": "/affirm",
              "label": MARK, "history": [MARK], "easy": True}),
    ("multipart", ([("csrf", MARK, MARK), ("text", None, MARK)], "ok")),
    ("bytes", (b"\xff\xfe\x00{", b"\x00")),
]


# correctly signed cookies with contents the app never writes (a leaked key, an old
# version): odd types where the app expects lists, ids and a login waiting for its code
ODD_SIGNED = (
    ("signed", PUBLIC_COOKIE, {"cid": f"web-{MARK}", "csrf": CSRF, "offered": 5,
                               "phase": "started", "lang": 5, "resume": {"a": [MARK]},
                               "easy": "ja", "flash": [MARK], "consent": 1}),
    ("signed", STAFF_COOKIE, {"c": CSRF, "p": {"a": 2**70, "at": NOW,
                                               "w": "/staff/gespraeche"}}),
)
SWEEP_VALUES = [(CONSENTED, "json", "1", "site.css"),
                (f"{MARK}../%00😀{MARK}", f"{MARK}%00", "9" * 30, "../../pyproject.toml")]
# (values, body, cookies)
SWEEP = [(0, 0, ()), (0, 1, ()), (1, 1, ()), (0, 2, ()), (1, 3, ()), (0, 4, ()),
         (0, 1, ODD_SIGNED), (0, 2, ODD_SIGNED)]


def sweep_steps(endpoint: Endpoint) -> Iterator[Step]:
    """A few fixed hostile requests for each method of `endpoint` and one it does not
    allow, so that every endpoint is reached whatever hypothesis draws."""
    for method in (*endpoint.methods, "PUT"):
        for values, body, cookies in SWEEP:
            cid, fmt, number, path = SWEEP_VALUES[values]
            params = tuple((name, {"cid": cid, "fmt": fmt, "account_id": number,
                                   "request_id": number, "path": path}[name])
                           for name in endpoint.params)
            yield Step(endpoint, method, params, keep_slashes=False,
                       query=(("q", MARK), ("format", "json"), ("weiter", "//x")),
                       body=SWEEP_BODIES[body], headers=(), csrf_header=True,
                       keep_cookies=True, cookie_ops=cookies)


def assert_nothing_stored(world: World, browsers: list[Browser]) -> None:
    forbidden = [m for b in browsers for m in b.markers if m not in set(b.allowed)]
    leaked = stored_markers(world, forbidden)
    assert not leaked, f"stored without consent: {leaked[:20]}"


def run_fuzz(world: World, setups: list[str], choices: list[Endpoint], examples: int,
             sweep_setup: str) -> list[Browser]:
    """The sweep of `choices`, then hypothesis. The @given function is made here, inside
    the test, and uses the module's app: no function-scoped fixture is shared between
    examples (hypothesis' health check for that does not apply), and the storage check
    after the whole run sees every browser."""
    browsers: list[Browser] = []
    for endpoint in choices:
        world.ensure_consented_conversation()
        browser = Browser(world)
        browser.prepare(sweep_setup)
        for step in sweep_steps(endpoint):
            browser.send(step)
        browsers.append(browser)
        assert_nothing_stored(world, [browser])

    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.large_base_example])
    @given(setup=st.sampled_from(setups), plan=st.lists(steps(choices), min_size=1,
                                                           max_size=3))
    def fuzz(setup: str, plan: list[Step]) -> None:
        world.ensure_consented_conversation()
        browser = Browser(world)
        browser.prepare(setup)
        for step in plan:
            browser.send(step)
        browsers.append(browser)
        assert_nothing_stored(world, [browser])

    fuzz()
    return browsers


def test_fuzzing_the_public_and_staff_endpoints(world):
    """Anonymous browsers, browsers with a real session (and consent chosen on the real
    form, the chat started), and browsers at the console's login form, on every
    endpoint."""
    received = len(world.rasa.received)
    browsers = run_fuzz(world, ["none", "session", "consent", "staff-form"],
                        world.endpoints, MAX_EXAMPLES["public"], sweep_setup="both")
    # after the whole run: no marker of any request is stored anywhere
    assert_nothing_stored(world, browsers)
    # every endpoint was called, and the chat's code after the CSRF check was reached
    assert {path for path, _ in world.statuses} == {e.path for e in world.endpoints}
    for path in ("/api/start", "/api/message", "/api/language", "/einwilligung"):
        assert world.statuses[path, 200] + world.statuses[path, 303], path
    assert len(world.rasa.received) > received


def test_fuzzing_the_console_as_a_logged_in_counsellor(world):
    """The same with a counsellor logged in: the console's routes are reached behind the
    login (the admin routes answer 403), mostly on the consented conversation."""
    staff = [e for e in world.endpoints if e.staff]
    received = len(world.rasa.received)
    world.statuses.clear()
    browsers = run_fuzz(world, ["counsellor"], staff, MAX_EXAMPLES["counsellor"],
                        sweep_setup="counsellor")
    assert_nothing_stored(world, browsers)
    # behind the login: the conversation's pages, its export and the console chat
    for path in ("/staff/gespraech/{cid}", "/staff/gespraech/{cid}/export",
                 "/staff/api/chat/{cid}/message", "/staff/konto"):
        assert world.statuses[path, 200], path
    assert world.statuses["/staff/konten", 403]          # a counsellor is no admin
    # the counsellor's notes and short names on the consented conversation were stored
    # (and found by the scan): the deeper code was reached
    assert stored_markers(world, [m for b in browsers for m in b.allowed])
    assert any(sender == CONSENTED for sender, _ in world.rasa.received[received:])
