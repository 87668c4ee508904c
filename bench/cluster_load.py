"""Whole conversations through the web app, on the scaled set-up and on the single server.

Each simulated person uses the web app's real HTTP API like the browser does: the start page
(session cookie, CSRF token), consent, `/api/start`, then `/api/message` for language,
urgent check, the six guiding questions (an answer and "nein" each; two answers for the
first) and the summary (confirm the first item, then "Alle bestätigen"). No think-time.
A request that fails (502/503/504, connection error, timeout) is sent again after a second —
the chat's "Erneut senden" button; a 429 is sent again after its Retry-After.

Set-ups (each started by tests/support/cluster.py in a temp directory, stopped afterwards):
  cluster  PostgreSQL, Redis lock store, 2 Rasa servers behind nginx, 1 action server,
           web app with 2 uvicorn workers
  single   the one-command set-up: SQLite, 1 Rasa server, 1 action server, 1 web worker

After each run the database is checked: every answer of every conversation is stored
exactly once, in order, active and confirmed (conversation id = the sender id in the
person's session cookie). With --faults (cluster only) one Rasa server is killed (SIGKILL)
during the load and restarted by the supervisor, then the action server; the nginx log
shows that the restarted Rasa server serves requests again.

Usage: .venv/bin/python bench/cluster_load.py [--conversations 200] [--setups cluster single]
       [--concurrency N] [--faults] [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.cluster import LocalCluster  # noqa: E402

QUESTIONS = ("living", "self", "people", "neighbourhood", "professional", "contribution")
ANSWER_POOL = {
    "living": [
        "Ich möchte alleine wohnen, mit meinem Hund.",
        "Mehr tanzen gehen und Menschen treffen.",
        "Ich möchte Sport machen und gesund bleiben.",
        "Einmal im Jahr verreisen.",
        "Mehr Zeit mit meiner Familie verbringen.",
    ],
    "self": [
        "Mit meinem Tablet lasse ich mir Briefe vorlesen.",
        "Ich kann gut kochen.",
        "Ich fahre allein mit dem Bus zur Arbeit.",
        "Mit meinem Rollator gehe ich selbst einkaufen.",
    ],
    "people": [
        "Meine Schwester hilft mir beim Einkaufen.",
        "Mein Nachbar geht mit mir spazieren.",
        "Meine Freundin Petra ruft mich jeden Tag an.",
        "Mein Bruder füllt mit mir Formulare aus.",
    ],
    "neighbourhood": [
        "Ich wohne in Barmbek-Nord und gehe gern in die Bücherhalle.",
        "In Altona gibt es einen Sportverein.",
        "Im Stadtteil gibt es ein Nachbarschaftscafé.",
        "In Wilhelmsburg singe ich im Chor.",
    ],
    "professional": [
        "Jemand, der mir bei Briefen vom Amt hilft.",
        "Eine Assistenz, die mich zu Terminen begleitet.",
        "Eine Begleitung zu Terminen beim Amt.",
    ],
    "contribution": [
        "Ich kann gut zuhören und helfe meiner Nachbarin.",
        "Ich kann Kuchen für das Sommerfest backen.",
        "Ich gieße die Blumen im Hof.",
        "Ich gehe für meine Oma einkaufen.",
    ],
}
ANSWERS_PER_QUESTION = {"living": 2}
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
RETRY_STATUS = {502, 503, 504}
MAX_ATTEMPTS = 12                      # tries of one request (HTTP failures)
MAX_STEPS = 60                         # messages of one conversation


def expected_answers(index: int) -> list[tuple[str, str]]:
    """The answers person `index` gives, in order (neighbours differ, so a mix-up shows)."""
    result = []
    for offset, qid in enumerate(QUESTIONS):
        pool = ANSWER_POOL[qid]
        for k in range(ANSWERS_PER_QUESTION.get(qid, 1)):
            result.append((qid, pool[(index + offset + k) % len(pool)]))
    return result


# --- one simulated person --------------------------------------------------------------------


def messages_of(data: dict) -> list[dict]:
    return [m for turn in data.get("turns", []) for m in turn.get("messages", [])]


def payloads(messages: list[dict]) -> list[str]:
    return [b["payload"] for m in messages for b in m.get("buttons", [])]


def question_ids(messages: list[dict]) -> list[str]:
    """The guiding questions the bot asks in these messages (payload contract, DESIGN § 3;
    other custom payloads, e.g. download links, have no question id)."""
    return [m["custom"]["question_id"] for m in messages
            if isinstance(m.get("custom"), dict) and "question_id" in m["custom"]]


def finished(messages: list[dict]) -> bool:
    """The read-back is over: the bot offers the profile's download links."""
    return any(isinstance(m.get("custom"), dict) and m["custom"].get("links")
               for m in messages)


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def clock(epoch: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(epoch)) + f".{int(epoch % 1 * 1000):03d}"


class ConversationFailed(Exception):
    pass


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    sent: int = 0                      # answered requests (HTTP 200)
    completed: int = 0
    failed: list[str] = field(default_factory=list)
    retried: Counter = field(default_factory=Counter)      # failed requests by step
    failed_at: list[float] = field(default_factory=list)   # when (epoch) requests failed
    samples: dict = field(default_factory=dict)            # an unexpected reply per step


class Person:
    def __init__(self, index: int, web_url: str, secret_key: str, stats: Stats,
                 timeout: float) -> None:
        self.index = index
        self.web_url = web_url
        self.secret_key = secret_key
        self.stats = stats
        self.timeout = timeout
        self.expected = expected_answers(index)
        self.sender: str | None = None
        self.noted: list[tuple[str, str]] = []     # answers the bot confirmed ("„…“ notiert")
        self.incidents: Counter = Counter()         # (step, what went wrong) -> count
        self.trail: list[str] = []                  # every request: when, what, outcome
        self.csrf = ""
        self.client: httpx.AsyncClient | None = None

    def _sender_from_cookie(self) -> str:
        from itsdangerous import URLSafeTimedSerializer

        from bot.web.session import CONVERSATION, COOKIE_NAME, SALT

        raw = self.client.cookies.get(COOKIE_NAME)
        return URLSafeTimedSerializer(self.secret_key, salt=SALT).loads(raw)[CONVERSATION]

    async def post(self, path: str, body: dict, what: str) -> list[dict]:
        """POST to the chat API until it answers 200 — a failed request (502/503/504,
        connection error, timeout) is sent again after a second, like the chat's "Erneut
        senden" button, with the message's id (the web app does not take a message twice whose
        answer got lost); a 429 after its Retry-After."""
        if path.endswith("/message"):
            body = {**body, "id": uuid.uuid4().hex, "again": False}
        for attempt in range(MAX_ATTEMPTS):
            if attempt and "again" in body:
                body = {**body, "again": True}
            started = time.perf_counter()
            try:
                response = await self.client.post(path, json=body,
                                                  headers={"X-CSRF-Token": self.csrf})
            except httpx.HTTPError as error:
                self._note(what, started, type(error).__name__)
                self._incident(what, type(error).__name__, failed_request=True)
                await asyncio.sleep(1)
                continue
            elapsed = time.perf_counter() - started
            self._note(what, started, str(response.status_code))
            if response.status_code == 429:
                self.stats.errors["429 (waited Retry-After)"] += 1
                await asyncio.sleep(float(response.headers.get("retry-after", "5")))
                continue
            if response.status_code in RETRY_STATUS:
                self._incident(what, f"HTTP {response.status_code}", failed_request=True)
                await asyncio.sleep(1)
                continue
            if response.status_code != 200:
                raise ConversationFailed(f"{what}: HTTP {response.status_code} {response.text}")
            self.stats.latencies.append(elapsed)
            self.stats.sent += 1
            return messages_of(response.json())
        raise ConversationFailed(f"{what}: no answer after {MAX_ATTEMPTS} attempts")

    def _note(self, what: str, started: float, outcome: str) -> None:
        took = time.perf_counter() - started
        self.trail.append(f"{clock(time.time() - took)} {what}: {outcome} in {took:.2f} s")

    def _incident(self, what: str, kind: str, failed_request: bool = False) -> None:
        self.stats.errors[kind if failed_request else f"{kind} ({what})"] += 1
        self.incidents[what, kind] += 1
        if failed_request:
            self.stats.retried[what.split()[0]] += 1
            self.stats.failed_at.append(time.time())

    def next_step(self, messages: list[dict], last: str) -> tuple[str, dict, str] | None:
        """What the person sends next: the answer to what the bot asks now (None: the bot
        asked nothing the person recognises)."""
        buttons = set(payloads(messages))
        if last == "confirm all" and "/affirm" in buttons:
            # "Alle bestätigen" shows the remaining items together and asks once more
            return "/api/message", {"payload": "/affirm", "label": "Ja, alle stimmen"}, \
                "confirm the list"
        if "/remove_item" in buttons:                     # the read-back of an item
            if last in ("confirm first item", "confirm all"):
                return "/api/message", {"payload": "/confirm_all",
                                        "label": "Alle bestätigen"}, "confirm all"
            return "/api/message", {"payload": "/affirm", "label": "Ja, stimmt"}, \
                "confirm first item"
        asked = question_ids(messages)
        if asked:
            qid = asked[-1]
            open_answers = [a for q, a in self.expected if q == qid and (q, a) not in self.noted]
            if open_answers:
                return "/api/message", {"text": open_answers[0]}, f"answer {qid}"
            return "/api/message", {"text": "nein"}, f"nein {qid}"
        question = next((m.get("text") or "" for m in reversed(messages) if m.get("buttons")),
                        "")
        for marker, what in (("einverstanden", "consent"), ("Leichte", "language"),
                             ("dringend", "urgent")):
            if marker in question:
                payload, label = ("/affirm", "Ja") if what == "consent" else ("/deny", "Nein")
                return "/api/message", {"payload": payload, "label": label}, what
        return None

    async def run(self) -> None:
        async with httpx.AsyncClient(base_url=self.web_url, timeout=self.timeout) as client:
            self.client = client
            page = await client.get("/")
            page.raise_for_status()
            token = CSRF_META.search(page.text)
            if token is None:
                raise ConversationFailed("start page without a CSRF token")
            self.csrf = token.group(1)
            self.sender = self._sender_from_cookie()
            consent = await client.post("/einwilligung", data={"csrf": self.csrf,
                                                               "choice": "yes"})
            if consent.status_code != 303:
                raise ConversationFailed(f"consent: HTTP {consent.status_code}")
            step = ("/api/start", {"history": False}, "start")
            for _ in range(MAX_STEPS):
                path, body, what = step
                messages = await self.post(path, body, what)
                if what.startswith("answer ") and f"„{body['text']}“" in texts(messages):
                    self.noted.append((what.split()[1], body["text"]))
                if finished(messages):                    # the download links at the end
                    self.stats.completed += 1
                    return
                following = self.next_step(messages, what)
                if following is None:
                    # the bot answered without asking anything (an action failed): the
                    # person sends an ignored answer again, and otherwise says hello, so
                    # that the bot asks its question again
                    self._incident(what, "reply without a question")
                    self.stats.samples.setdefault(what, f"{time.strftime('%H:%M:%S')} "
                                                        f"{messages}")
                    await asyncio.sleep(1)
                    if not what.startswith("answer "):
                        following = ("/api/message", {"text": "hallo"}, "hallo")
                step = following or step
            raise ConversationFailed(f"not finished after {MAX_STEPS} messages (last: {what})")


@dataclass
class LoadResult:
    people: list[Person]
    stats: Stats
    wall: float

    def summary(self) -> dict:
        latencies = sorted(self.stats.latencies)
        q = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 \
            else [latencies[0] if latencies else 0.0] * 99
        return {
            "conversations": len(self.people), "completed": self.stats.completed,
            "messages": self.stats.sent, "p50_ms": q[49] * 1000, "p95_ms": q[94] * 1000,
            "p99_ms": q[98] * 1000, "msg_per_s": self.stats.sent / self.wall,
            "errors": sum(self.stats.errors.values()), "error_kinds": dict(self.stats.errors),
            "failed_requests_by_step": dict(self.stats.retried),
            "unexpected_reply_samples": self.stats.samples,
            "failed_conversations": self.stats.failed, "wall_s": self.wall,
        }


MESSAGES_PER_CONVERSATION = 3 + 2 * len(QUESTIONS) + sum(ANSWERS_PER_QUESTION.values()) - \
    len(ANSWERS_PER_QUESTION) + 2


async def run_load(web_url: str, secret_key: str, conversations: int, concurrency: int,
                   timeout: float = 240, first_index: int = 0, stats: Stats | None = None,
                   keep_going: Callable[[], bool] | None = None) -> LoadResult:
    """`conversations` people, at most `concurrency` at the same time; while `keep_going()`
    is true, further people keep arriving. Pass `stats` to watch the progress."""
    stats = stats if stats is not None else Stats()
    people: list[Person] = []
    tasks = []
    gate = asyncio.Semaphore(concurrency)

    def more() -> bool:
        return len(people) < conversations or (keep_going is not None and keep_going())

    async def one(person: Person) -> None:
        try:
            await person.run()
        except Exception as error:  # noqa: BLE001 - a failed conversation is a result
            stats.failed.append(f"{person.sender}: {type(error).__name__}: {error}")
        finally:
            gate.release()

    started = time.perf_counter()
    while more():
        await gate.acquire()
        if not more():
            gate.release()
            break
        person = Person(first_index + len(people), web_url, secret_key, stats, timeout)
        people.append(person)
        tasks.append(asyncio.create_task(one(person)))
    await asyncio.gather(*tasks)
    return LoadResult(people, stats, time.perf_counter() - started)


# --- checks in the database ------------------------------------------------------------------


@dataclass
class Verification:
    conversations: int = 0
    answers_expected: int = 0
    answers_found: int = 0
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    out_of_order: list[str] = field(default_factory=list)
    not_active_or_unconfirmed: list[str] = field(default_factory=list)
    summary_not_confirmed: list[str] = field(default_factory=list)
    without_tracker: list[str] = field(default_factory=list)
    # a question whose end ("answered") was not recorded although the person said "nein"
    # after its answers
    questions_without_state: list[str] = field(default_factory=list)
    # for each conversation that failed a check: the person's requests and Rasa's events
    evidence: dict[str, dict] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.out_of_order
                    or self.not_active_or_unconfirmed or self.summary_not_confirmed
                    or self.without_tracker or self.questions_without_state)

    def as_json(self) -> dict:
        return {k: v for k, v in self.__dict__.items()} | {"ok": self.ok}

    def as_text(self) -> str:
        """Every finding as one text (to look up which conversations failed a check)."""
        return json.dumps({k: v for k, v in self.__dict__.items() if k != "evidence"})


def verify(database_url: str, people: list[Person],
           unfinished: list[str] | None = None) -> Verification:
    """Every answer of every conversation stored exactly once, in order, active, confirmed.
    `unfinished`: the load's failed conversations (their evidence is collected too)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url, future=True)
    senders = [p.sender for p in people if p.sender]
    result = Verification(conversations=len(senders))
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT id, conversation_id, question_id, text, status, confirmed_at "
                "FROM answers ORDER BY id")).all()
            confirmed = {r[0] for r in connection.execute(text(
                "SELECT id FROM conversations WHERE summary_confirmed_at IS NOT NULL"))}
            tracked = {r[0] for r in connection.execute(text(
                "SELECT DISTINCT sender_id FROM events"))}
            states = {(r[0], r[1]): r[2] for r in connection.execute(text(
                "SELECT conversation_id, question_id, state FROM question_states"))}
    finally:
        engine.dispose()
    by_conversation: dict[str, list] = {}
    for row in rows:
        by_conversation.setdefault(row.conversation_id, []).append(row)
    for person in people:
        if not person.sender:
            continue
        stored = by_conversation.get(person.sender, [])
        pairs = [(r.question_id, r.text) for r in stored]
        result.answers_expected += len(person.expected)
        result.answers_found += len(stored)
        counts = Counter(pairs)
        for pair in person.expected:
            if counts[pair] == 0:
                result.lost.append(f"{person.sender}: {pair}")
            elif counts[pair] > 1:
                sent_again = ", ".join(f"{kind} x{n}" for (what, kind), n
                                       in person.incidents.items() if what == f"answer {pair[0]}")
                result.duplicated.append(f"{person.sender}: {pair} x{counts[pair]} "
                                         f"(sent again after: {sent_again or 'nothing'})")
        extra = [p for p in pairs if p not in person.expected]
        result.duplicated += [f"{person.sender}: unexpected {p}" for p in extra]
        if not result.lost and not extra and len(set(pairs)) == len(pairs) \
                and pairs != person.expected:
            result.out_of_order.append(f"{person.sender}: {pairs}")
        for row in stored:
            if row.status != "active" or row.confirmed_at is None:
                result.not_active_or_unconfirmed.append(
                    f"{person.sender}: {row.question_id} {row.status} "
                    f"confirmed={row.confirmed_at is not None}")
        if person.sender not in confirmed:
            result.summary_not_confirmed.append(person.sender)
        if person.sender not in tracked:
            result.without_tracker.append(person.sender)
        result.questions_without_state += [
            f"{person.sender}: {qid} {states.get((person.sender, qid))}" for qid in QUESTIONS
            if states.get((person.sender, qid)) != "answered"]
    findings = result.as_text() + json.dumps(unfinished or [])
    failing = [p for p in people if p.sender and p.sender in findings]
    if failing:
        result.evidence = evidence(database_url, failing)
    return result


def evidence(database_url: str, people: list[Person]) -> dict[str, dict]:
    """What a failed conversation went through: the person's requests and Rasa's tracker
    events (user message with intent, action, slot), to read why it failed."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url, future=True)
    found: dict[str, dict] = {}
    try:
        with engine.connect() as connection:
            for person in people:
                rows = connection.execute(text(
                    "SELECT timestamp, type_name, intent_name, action_name, data FROM events "
                    "WHERE sender_id = :sender ORDER BY id"), {"sender": person.sender}).all()
                found[person.sender] = {"requests": person.trail,
                                        "events": [_event_line(*row) for row in rows]}
    finally:
        engine.dispose()
    return found


def _event_line(timestamp: float, type_name: str, intent: str | None, action: str | None,
                data: str) -> str:
    event = json.loads(data)
    detail = intent or action or ""
    if type_name == "user":
        detail = f"{intent} {(event.get('text') or '')[:60]!r}"
    elif type_name in ("slot", "active_loop"):
        detail = f"{event.get('name')}={event.get('value')!r}"[:120]
    return f"{clock(timestamp)} {type_name} {detail}"


# --- faults and the nginx log ----------------------------------------------------------------


def upstream_hits(access_log: str, port: int, since: float = 0.0) -> int:
    """Requests that Rasa server `port` answered with 200 after `since` (nginx's log)."""
    hits = 0
    for line in Path(access_log).read_text(encoding="utf-8").splitlines():
        parts = line.split()
        try:
            at = float(parts[0])
        except (IndexError, ValueError):
            continue
        upstream = line.split('" ', 1)[-1].split()
        # "$status $upstream_addr $upstream_status ...": a retried request lists every
        # server it tried ("a:1, b:2"); the last one answered
        addresses = [u.rstrip(",") for u in upstream[1:] if u.startswith("127.0.0.1:")]
        statuses = [u.rstrip(",") for u in upstream[1:] if u.rstrip(",").isdigit()]
        if at >= since and addresses and addresses[-1].endswith(f":{port}") \
                and statuses and statuses[-1] == "200":
            hits += 1
    return hits


@dataclass
class FaultReport:
    events: list[str] = field(default_factory=list)
    rasa_killed_at: float = 0.0
    rasa_back_at: float = 0.0
    actions_killed_at: float = 0.0
    actions_back_at: float = 0.0
    killed_port: int = 0
    served_after_restart: int = 0
    done_at: float = 0.0
    created_at: float = field(default_factory=time.time)
    max_seconds: float = 900

    def keep_going(self) -> bool:
        """More people arrive until the faults are over and the cluster ran 10 s without
        (at most `max_seconds`)."""
        if time.time() > self.created_at + self.max_seconds:
            return False
        return not self.done_at or time.time() < self.done_at + 10


async def inject_faults(cluster: LocalCluster, stats: Stats, kill_at: int,
                        report: FaultReport) -> None:
    """SIGKILL rasa-1 once `kill_at` messages were answered; when the supervisor has it
    back (healthy), SIGKILL the action server, which is restarted the same way."""
    def log(event: str) -> None:
        report.events.append(f"{time.strftime('%H:%M:%S')} {event}")
        print(f"  [fault] {event}", flush=True)

    try:
        await _faults(cluster, stats, kill_at, report, log)
    finally:
        report.done_at = report.done_at or time.time()     # also when a fault step failed


async def _faults(cluster: LocalCluster, stats: Stats, kill_at: int, report: FaultReport,
                  log: Callable[[str], None]) -> None:
    while stats.sent < kill_at:
        if time.time() > report.created_at + report.max_seconds:
            raise TimeoutError(f"only {stats.sent} of {kill_at} messages before the kill")
        await asyncio.sleep(0.1)
    info = cluster.processes()["processes"]["rasa-1"]
    report.killed_port = info["port"]
    old = cluster.kill("rasa-1")
    report.rasa_killed_at = time.time()
    log(f"SIGKILL rasa-1 (pid {old}, port {info['port']}) after {stats.sent} messages")
    report.rasa_back_at = await asyncio.to_thread(cluster.wait_restarted, "rasa-1", old)
    log(f"rasa-1 restarted and healthy after {report.rasa_back_at - report.rasa_killed_at:.1f}"
        f" s ({stats.sent} messages)")
    old = cluster.kill("actions-1")
    report.actions_killed_at = time.time()
    log(f"SIGKILL actions-1 (pid {old})")
    report.actions_back_at = await asyncio.to_thread(cluster.wait_restarted, "actions-1", old)
    log(f"actions-1 restarted and healthy after "
        f"{report.actions_back_at - report.actions_killed_at:.1f} s ({stats.sent} messages)")


# --- CPU per component ---------------------------------------------------------------------


def process_table() -> dict[int, tuple[int, float]]:
    """pid -> (parent pid, CPU seconds used so far) of every process on the machine."""
    tick = os.sysconf("SC_CLK_TCK")
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        table[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    return table


def component_roots(cluster: LocalCluster) -> dict[str, list[int]]:
    """The root pids of each component; their descendants count with them."""
    roots: dict[str, list[int]] = {}
    for name, info in cluster.processes()["processes"].items():
        roots.setdefault(name.split("-")[0], []).append(info["pid"])
    postgres = cluster.state.get("postgres")
    if postgres and Path(postgres["data"], "postmaster.pid").exists():
        roots["postgres"] = [int(Path(postgres["data"], "postmaster.pid").read_text().split()[0])]
    if cluster.state.get("redis_pid"):
        roots["redis"] = [cluster.state["redis_pid"]]
    return roots


def cpu_by_component(roots: dict[str, list[int]]) -> dict[str, float]:
    table = process_table()
    children: dict[int, list[int]] = {}
    for pid, (parent, _cpu) in table.items():
        children.setdefault(parent, []).append(pid)
    result = {}
    for component, pids in roots.items():
        todo, total = list(pids), 0.0
        while todo:
            pid = todo.pop()
            if pid in table:
                total += table[pid][1]
                todo += children.get(pid, [])
        result[component] = total
    result["load generator"] = time.process_time()
    return result


# --- one set-up --------------------------------------------------------------------------------


def run_setup(setup: str, conversations: int, concurrency: int, faults: bool = False,
              model: Path | None = None, base_dir: Path | None = None,
              keep_logs: Path | None = None) -> dict:
    """Start `setup` ("cluster" or "single"), run the load, check the database, stop
    (copying the logs of every process to `keep_logs` first, if given). Also stopped when
    this process gets SIGTERM (by default Python would die without running `finally`, and
    the set-up would keep running)."""
    with tempfile.TemporaryDirectory(prefix=f"lwiw-{setup}-") as tmp, _sigterm_as_exit():
        os.chmod(tmp, 0o711)          # the postgres user must reach its data directory
        cluster = LocalCluster(base_dir=(base_dir or Path(tmp)) / "cluster",
                               single=setup == "single", model=model,
                               web_workers=1 if setup == "single" else 2)
        try:
            started = time.perf_counter()
            cluster.up()
            startup = time.perf_counter() - started
            return asyncio.run(measure(cluster, setup, conversations, concurrency, faults,
                                        startup))
        finally:
            try:
                if keep_logs and cluster.base_dir.exists():
                    target = keep_logs / setup
                    shutil.copytree(cluster.base_dir, target, dirs_exist_ok=True,
                                    ignore=shutil.ignore_patterns(
                                        "data", "run", "*.db*", "client_body", "proxy", "*cgi",
                                        "uwsgi"))
                    print(f"logs of the {setup} run: {target}", flush=True)
            except OSError as error:        # shutil.Error is an OSError
                print(f"could not copy every log: {error}", flush=True)
            finally:
                cluster.down()


@contextlib.contextmanager
def _sigterm_as_exit() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield                               # signal handlers belong to the main thread
        return

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def rasa_ports(cluster: LocalCluster) -> list[int]:
    return [p["port"] for name, p in cluster.processes()["processes"].items()
            if name.startswith("rasa-")]


async def measure(cluster: LocalCluster, setup: str, conversations: int, concurrency: int,
                   faults: bool, startup: float) -> dict:
    # warm-up, not measured: one conversation per Rasa server (first requests load lazily)
    servers = len(rasa_ports(cluster))
    warm = await run_load(cluster.web_url, cluster.secret_key, servers, servers,
                          first_index=10_000)
    stats = Stats()
    report = FaultReport()
    roots = component_roots(cluster)
    cpu_before = cpu_by_component(roots)
    load_before = os.getloadavg()[0]
    load = asyncio.create_task(run_load(
        cluster.web_url, cluster.secret_key, conversations, concurrency, stats=stats,
        keep_going=report.keep_going if faults else None))
    fault_task = None
    if faults:
        # when the first people are in the middle of the guiding questions
        kill_at = min(conversations, concurrency) * MESSAGES_PER_CONVERSATION * 4 // 10
        fault_task = asyncio.create_task(inject_faults(cluster, stats, kill_at, report))
    try:
        result = await load
    finally:
        if fault_task is not None:
            await fault_task
    cpu_after = cpu_by_component(roots)
    # a killed process takes its CPU time with it: no figures for a run with faults
    cpu_ms = None if faults else {
        name: round((cpu_after[name] - cpu_before[name]) * 1000 / max(1, result.stats.sent), 1)
        for name in cpu_before}
    verification = verify(cluster.database_url, result.people + warm.people,
                          result.stats.failed + warm.stats.failed)
    summary = {"setup": setup, "startup_s": startup, **result.summary(),
               "cpu_ms_per_message": cpu_ms,
               "load_average_1min": [round(load_before, 1), round(os.getloadavg()[0], 1)],
               "warm_up_failed": warm.stats.failed, "verification": verification.as_json()}
    access_log = cluster.processes().get("nginx_access_log")
    if access_log:
        summary["requests_per_rasa_server"] = {
            str(p): upstream_hits(access_log, p) for p in rasa_ports(cluster)}
    if faults:
        report.served_after_restart = upstream_hits(access_log, report.killed_port,
                                                    report.rasa_back_at)
        summary["faults"] = dict(report.__dict__)
        for what, down, back in (("rasa", report.rasa_killed_at, report.rasa_back_at),
                                 ("actions", report.actions_killed_at, report.actions_back_at)):
            summary["faults"][f"failed_while_{what}_down"] = sum(
                down <= at <= back + 1 for at in result.stats.failed_at)
    return summary


def print_table(results: list[dict]) -> None:
    print(f"\n{'set-up':8} {'conv':>5} {'done':>5} {'msgs':>6} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8} {'msg/s':>6} {'errors':>6} {'lost':>5} {'dup':>4} {'wall s':>7}")
    for r in results:
        v = r["verification"]
        print(f"{r['setup']:8} {r['conversations']:>5} {r['completed']:>5} {r['messages']:>6} "
              f"{r['p50_ms']:>8.0f} {r['p95_ms']:>8.0f} {r['p99_ms']:>8.0f} "
              f"{r['msg_per_s']:>6.1f} {r['errors']:>6} {len(v['lost']):>5} "
              f"{len(v['duplicated']):>4} {r['wall_s']:>7.1f}")
    for r in results:
        print(f"\n{r['setup']}: CPU ms per message {r['cpu_ms_per_message'] or 'n/a (faults)'};"
              f" machine load average (1 min) before/after {r['load_average_1min']} on "
              f"{os.cpu_count()} cores")
        print(f"{r['setup']}: start-up {r['startup_s']:.0f} s; errors by kind "
              f"{r['error_kinds'] or '{}'}; database check "
              f"{'OK' if r['verification']['ok'] else 'FAILED'} "
              f"({r['verification']['answers_found']}/{r['verification']['answers_expected']} "
              f"answers)")
        if r.get("requests_per_rasa_server"):
            print(f"  requests answered per Rasa server (port: count): "
                  f"{r['requests_per_rasa_server']}")
        if r.get("faults"):
            for event in r["faults"]["events"]:
                print(f"  {event}")
            print(f"  the restarted Rasa server answered {r['faults']['served_after_restart']} "
                  f"requests after it was back")
        problems = {k: v for k, v in r["verification"].items()
                    if isinstance(v, list) and v}
        for kind, items in problems.items():
            print(f"  {kind}: {len(items)}, e.g. {items[:3]}")
        if r["failed_conversations"]:
            print(f"  failed conversations: {r['failed_conversations'][:5]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=None,
                        help="people at the same time (default: all)")
    parser.add_argument("--setups", nargs="+", default=["cluster", "single"],
                        choices=["cluster", "single"])
    parser.add_argument("--single-conversations", type=int, default=None,
                        help="fewer conversations for the single server (default: the same)")
    parser.add_argument("--faults", action="store_true",
                        help="kill a Rasa server and the action server during the cluster run")
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    parser.add_argument("--model", type=Path, default=None,
                        help="a trained model (default: train_if_needed())")
    parser.add_argument("--keep-logs", type=Path, default=None,
                        help="copy the logs of every process here before stopping")
    args = parser.parse_args()

    from bot.build import train_if_needed

    model = args.model or train_if_needed()
    results = []
    for setup in args.setups:
        count = args.conversations
        if setup == "single" and args.single_conversations:
            count = args.single_conversations
        concurrency = args.concurrency or count
        print(f"== {setup}: {count} conversations, {concurrency} at a time", flush=True)
        results.append(run_setup(setup, count, concurrency,
                                 faults=args.faults and setup == "cluster", model=model,
                                 keep_logs=args.keep_logs))
        print_table(results[-1:])
    print_table(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    ok = all(r["verification"]["ok"] and not r["failed_conversations"] for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
