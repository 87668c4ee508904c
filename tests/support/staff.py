"""Helpers shared by the staff console tests: creating accounts through
the real `lwiw staff add` command, logging in (with the second factor: an admin sets it
up at the first login), reading CSRF tokens from forms."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime

import httpx
from sqlalchemy import text as sql

from bot.settings import ROOT
from bot.staff import totp
from bot.storage.models import utcnow
from bot.storage.repository import Store

CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
STAFF_COOKIE = "lwiw_staff"
TOTP_SECRET = re.compile(r'id="totp-secret">([A-Z2-7 ]+)</code>')
# a web app key and a staff password for tests that run the app with its console
SECRET = "Zq1vY3n0dW5kLXJ1ZWNrcnVmLXRlc3QtZ2VoZWltbmlz"  # random: weak keys are refused
PASSWORD = "rueckruf-passwort-2026"


def lwiw(database_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """Run the real `lwiw` command line in a subprocess against `database_url`."""
    env = dict(os.environ, LWIW_DATABASE_URL=database_url, TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin, text=True,
                          capture_output=True, cwd=ROOT, env=env, timeout=300)


def add_account(database_url: str, name: str, role: str, password: str) -> None:
    done = lwiw(database_url, "staff", "add", name, "--role", role, stdin=password + "\n")
    assert done.returncode == 0, done.stderr
    assert f"Konto angelegt: {name}" in done.stdout


def csrf_from(html: str) -> str:
    match = CSRF_META.search(html) or CSRF_FIELD.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def login(client: httpx.Client, name: str, password: str, code: str | None = None,
          now: datetime | None = None) -> str:
    """Log in through the form (with `code` for an account with a second factor; an admin
    without one sets it up on the way, at `now` on the server's clock); returns the
    session's CSRF token."""
    form = client.get("/staff/anmelden")
    assert form.status_code == 200
    reply = client.post("/staff/anmelden", data={
        "csrf": csrf_from(form.text), "name": name, "password": password, "weiter": ""},
        follow_redirects=False)
    assert reply.status_code == 303, reply.text[:500]
    location = reply.headers["location"]
    if location.endswith("/staff/anmelden/code"):
        assert code, f"{name} has a second factor: pass its code"
        reply = client.post(location, data={"csrf": csrf_from(client.get(location).text),
                                            "code": code}, follow_redirects=False)
        assert reply.status_code == 303, reply.text[:500]
        location = reply.headers["location"]
    if location.endswith("/staff/konto/zwei-faktor"):
        enrol_totp(client, now)
        location = "/staff/gespraeche"
    assert location.endswith("/staff/gespraeche"), location
    return csrf_from(client.get("/staff/gespraeche").text)


def enrol_totp(client: httpx.Client, now: datetime | None = None) -> str:
    """Set up the second factor of the logged-in account as a person with an authenticator
    app would (the key shown for typing it in); returns the secret."""
    page = client.get("/staff/konto/zwei-faktor")
    assert page.status_code == 200, page.text[:500]
    secret = TOTP_SECRET.search(page.text).group(1).replace(" ", "")
    reply = client.post("/staff/konto/zwei-faktor", data={
        "csrf": csrf_from(page.text), "code": totp.code_at(secret, now or utcnow())},
        follow_redirects=False)
    assert reply.status_code == 303, reply.text[:500]
    return secret


def next_totp_code(database_url: str, name: str, now: datetime | None = None) -> str:
    """A code the account has not used yet (the next step's if the current one was used
    already: a code counts once, and the next step's is valid too)."""
    with Store(database_url)._session() as session:
        secret, last = session.execute(sql(
            "SELECT totp_secret, totp_last_step FROM staff_accounts WHERE name = :n"),
            {"n": name}).one()
    now = now or utcnow()
    offset = 1 if last is not None and last >= totp.step_of(secret, now) else 0
    return totp.code_at(secret, now, offset)


def seed_conversation(store: Store, sender: str, answers: dict[str, str],
                      confirmed: bool = False) -> str:
    store.record_consent(sender, True)
    for question_id, words in answers.items():
        store.add_answer(sender, question_id, words, confirmed=confirmed)
        store.set_question_state(sender, question_id, "answered")
    return sender


def backdate(store: Store, conversation_id: str, when: datetime) -> None:
    with store._session() as session:
        session.execute(sql("UPDATE conversations SET updated_at = :w, created_at = :w "
                            "WHERE id = :c"), {"w": when, "c": conversation_id})
        session.commit()


def audit_rows(store: Store, **where: str) -> list[dict]:
    """Audit entries (oldest first) matching all `where` columns."""
    clauses = " AND ".join(f"{column} = :{column}" for column in where) or "1 = 1"
    with store._session() as session:
        rows = session.execute(sql(f"SELECT * FROM staff_audit_log WHERE {clauses} "
                                   "ORDER BY id"), where).mappings().all()
        return [dict(row) for row in rows]
