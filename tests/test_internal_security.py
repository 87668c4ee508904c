"""Issue 15, point 5: Rasa and the action server answer only our own processes.

Both listen on loopback, where anything on the host can reach them. Without the internal
secret (bot/internal_auth.py) Rasa's REST webhook would answer any conversation for any
sender id, and the action server would show or delete anybody's profile. Checked through real
HTTP on loopback against the `assistant` fixture (the servers as `lwiw run` starts them), and
the pieces on their own: the secret's source, the endpoints file, the guard.
"""

from __future__ import annotations

import asyncio
import os
import re
import stat
import subprocess
import sys

import httpx
import pytest
import yaml

from bot import internal_auth, services
from bot.internal_auth import HEADER, MissingSecret, authorised, load_internal_secret
from bot.settings import ROOT, Settings
from bot.web.rasa import RasaClient
from tests.support.chat import INTERNAL_SECRET, Chat

SECRET = "kP3v9QxL2mZr7TtW1yB8nF4sH6jD0cGaUeVoRiYw5NqE2bXl"   # 48 random characters


# ---------------------------------------------------------------- the secret


def test_secret_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LWIW_INTERNAL_SECRET", SECRET)
    assert load_internal_secret("postgresql://x@h/db", tmp_path) == SECRET
    assert not (tmp_path / "internal_secret").exists()


@pytest.mark.parametrize("bad", ["short", "CHANGE-ME-at-least-32-characters-long-please",
                                 "x" * 64])
def test_a_weak_or_copied_secret_is_refused(monkeypatch, tmp_path, bad):
    monkeypatch.setenv("LWIW_INTERNAL_SECRET", bad)
    with pytest.raises(MissingSecret):
        load_internal_secret("sqlite:///x.db", tmp_path)


def test_local_sqlite_run_generates_a_private_secret_once(monkeypatch, tmp_path):
    monkeypatch.delenv("LWIW_INTERNAL_SECRET", raising=False)
    var = tmp_path / "var"
    first = load_internal_secret("sqlite:///x.db", var)
    assert len(first) >= 32
    path = var / "internal_secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_internal_secret("sqlite:///x.db", var) == first


def test_production_requires_the_secret(monkeypatch, tmp_path):
    monkeypatch.delenv("LWIW_INTERNAL_SECRET", raising=False)
    with pytest.raises(MissingSecret, match="LWIW_INTERNAL_SECRET must be set"):
        load_internal_secret("postgresql+psycopg2://lwiw:pw@db/lwiw", tmp_path)
    assert not (tmp_path / "internal_secret").exists()


def test_the_host_refuses_to_start_the_production_set_up_without_it(monkeypatch):
    from bot.host import HostConfig

    monkeypatch.delenv("LWIW_INTERNAL_SECRET", raising=False)
    monkeypatch.setenv("LWIW_DATABASE_URL", "postgresql+psycopg2://lwiw:pw@127.0.0.1:1/lwiw")
    with pytest.raises(MissingSecret):
        HostConfig.from_env()


def test_comparison_needs_the_exact_secret():
    assert authorised(SECRET, SECRET)
    assert not authorised(None, SECRET)
    assert not authorised("", SECRET)
    assert not authorised(SECRET[:-1], SECRET)
    assert not authorised(SECRET + "x", SECRET)
    assert not authorised("", "")                 # an empty secret lets nobody in


def test_endpoints_file_makes_rasa_send_the_header_without_holding_the_secret(
        monkeypatch, tmp_path):
    from rasa.utils.endpoints import read_endpoint_config

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}",
                        rasa_url="http://127.0.0.1:1", action_port=5055, rasa_port=4711,
                        web_port=1, web_host="127.0.0.1", retention_days=365,
                        internal_secret=SECRET)
    monkeypatch.setattr(services, "VAR_DIR", tmp_path)
    path = services.write_endpoints(settings)
    assert SECRET not in path.read_text(encoding="utf-8")
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["action_endpoint"]["headers"] == \
        {HEADER: "${LWIW_INTERNAL_SECRET}"}
    # Rasa expands it from the environment bot.services gives its process
    monkeypatch.setenv("LWIW_INTERNAL_SECRET", services._env(settings)["LWIW_INTERNAL_SECRET"])
    endpoint = read_endpoint_config(str(path), "action_endpoint")
    assert endpoint.headers == {HEADER: SECRET}
    assert endpoint.url == "http://127.0.0.1:5055/webhook"


def test_the_web_apps_rasa_client_sends_the_secret():
    seen: list[httpx.Request] = []

    def rasa(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[{"text": "Moin"}])

    client = RasaClient("http://rasa.invalid", 5, SECRET)
    client._client = httpx.AsyncClient(transport=httpx.MockTransport(rasa),
                                       headers=client._client.headers)
    messages = asyncio.run(client.send("web-1", "hallo"))
    assert messages[0].text == "Moin"
    assert seen[0].headers[HEADER] == SECRET


@pytest.mark.parametrize("module", ["bot.action_server", "bot.rasa_server"])
def test_servers_do_not_start_without_the_secret(module, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "LWIW_INTERNAL_SECRET"}
    env["PYTHONPATH"] = str(ROOT)
    args = ["--actions", "actions", "--port", "1"] if module == "bot.action_server" else \
        ["run", "--model", str(tmp_path / "none.tar.gz"), "--port", "1",
         "--credentials", str(ROOT / "credentials.yml")]
    done = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "LWIW_INTERNAL_SECRET is not set" in done.stderr


# ---------------------------------------------------------------- real HTTP on loopback

WRONG = {HEADER: "wrong-" + INTERNAL_SECRET}


def action_url(assistant) -> str:
    return f"http://127.0.0.1:{assistant.settings.action_port}"


def action_call(sender: str, action: str = "action_show_profile") -> dict:
    tracker = {
        "sender_id": sender, "slots": {"consent": True, "easy_language": False},
        "latest_message": {"text": "zeig mir meine antworten",
                           "intent": {"name": "show_profile", "confidence": 1.0},
                           "entities": []},
        "events": [], "paused": False, "followup_action": None, "active_loop": {},
        "latest_action_name": "action_listen",
    }
    return {"next_action": action, "sender_id": sender, "tracker": tracker,
            "domain": {}, "version": "3.6.21"}


@pytest.fixture(scope="module")
def answered(assistant) -> tuple[str, str]:
    """A conversation with consent and one answer, through Rasa with the secret."""
    chat = Chat(assistant.rasa_url)
    answer = "Ich möchte mit meinem Kater Kasimir an der Elbe wohnen."
    for message in ("hallo", "/affirm", "/deny", "/deny", answer):
        chat.send(message)
    assert [a.text for a in assistant.store.active_answers(chat.sender)] == [answer]
    return chat.sender, answer


@pytest.mark.slow
@pytest.mark.parametrize("headers", [{}, WRONG], ids=["without", "wrong"])
def test_rasa_refuses_a_message_without_the_secret(assistant, answered, headers):
    sender, answer = answered
    url = f"{assistant.rasa_url}/webhooks/rest/webhook"
    refused = httpx.post(url, json={"sender": sender, "message": "zeig mir meine antworten"},
                         headers=headers, timeout=120)
    assert refused.status_code == 403
    assert answer not in refused.text
    # the channel's own status route too
    assert httpx.get(f"{assistant.rasa_url}/webhooks/rest/", headers=headers,
                     timeout=30).status_code == 403


@pytest.mark.slow
def test_rasa_answers_with_the_secret(assistant, answered):
    sender, answer = answered
    reply = httpx.post(f"{assistant.rasa_url}/webhooks/rest/webhook",
                       json={"sender": sender, "message": "/show_profile"},
                       headers={HEADER: INTERNAL_SECRET}, timeout=120)
    assert reply.status_code == 200
    assert answer in Chat.texts(reply.json())


@pytest.mark.slow
def test_rasa_liveness_check_stays_open_and_says_nothing(assistant):
    reply = httpx.get(f"{assistant.rasa_url}/", timeout=30)
    assert reply.status_code == 200 and reply.text.startswith("Hello from Rasa")


@pytest.mark.slow
@pytest.mark.parametrize("headers", [{}, WRONG], ids=["without", "wrong"])
def test_action_server_refuses_calls_without_the_secret(assistant, answered, headers):
    sender, answer = answered
    refused = httpx.post(f"{action_url(assistant)}/webhook", json=action_call(sender),
                         headers=headers, timeout=60)
    assert refused.status_code == 403
    assert answer not in refused.text
    assert httpx.get(f"{action_url(assistant)}/actions", headers=headers,
                     timeout=30).status_code == 403
    deletion = httpx.post(f"{action_url(assistant)}/webhook",
                          json=action_call(sender, "action_delete_confirmed"),
                          headers=headers, timeout=60)
    assert deletion.status_code == 403
    assert [a.text for a in assistant.store.active_answers(sender)] == [answer]


@pytest.mark.slow
def test_action_server_runs_rasas_calls(assistant, answered):
    sender, answer = answered
    reply = httpx.post(f"{action_url(assistant)}/webhook", json=action_call(sender),
                       headers={HEADER: INTERNAL_SECRET}, timeout=60)
    assert reply.status_code == 200
    assert any(answer in (r.get("text") or "") for r in reply.json()["responses"])
    assert httpx.get(f"{action_url(assistant)}/health", timeout=30).status_code == 200


@pytest.mark.slow
def test_the_web_app_talks_to_rasa_with_the_secret(assistant):
    """The web app (started as `lwiw run` starts it) gets its answers from the guarded Rasa."""
    with httpx.Client(base_url=assistant.web_url, timeout=120) as web:
        page = web.get("/")
        token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text).group(1)
        web.post("/einwilligung", data={"choice": "no", "csrf": token})
        started = web.post("/api/start", json={"history": False},
                           headers={"X-CSRF-Token": token})
        assert started.status_code == 200, started.text
        reply = web.post("/api/message", json={"text": "was ist die eutb"},
                         headers={"X-CSRF-Token": token})
        assert reply.status_code == 200, reply.text
        texts = [m.get("text") or "" for turn in reply.json()["turns"]
                 for m in turn["messages"]]
        assert any("EUTB" in t or "Teilhabe" in t for t in texts), texts


def test_guard_lets_only_the_liveness_path_through():
    """The middleware on its own: which requests pass."""

    class Request:
        def __init__(self, method: str, path: str, headers: dict) -> None:
            self.method, self.path, self.headers = method, path, headers

    guard = internal_auth.sanic_guard(SECRET, {"/health"})

    def passes(method: str, path: str, headers: dict | None = None) -> bool:
        return asyncio.run(guard(Request(method, path, headers or {}))) is None

    assert passes("GET", "/health")
    assert not passes("POST", "/health")
    assert not passes("GET", "/actions")
    assert not passes("POST", "/webhook", {HEADER: "nope"})
    assert passes("POST", "/webhook", {HEADER: SECRET})
    refused = asyncio.run(guard(Request("POST", "/webhook", {})))
    assert refused.status == 403

