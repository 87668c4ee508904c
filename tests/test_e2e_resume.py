"""End to end: guessing resume codes through the chat is refused after the limit, on
Rasa's REST channel (per sender id) and through the web app (per address, whatever the
cookie: a fresh one costs only a GET /), and the failures there block the web form too.

The real Rasa and action servers and the web app on loopback (`assistant` fixture), with
the default limits (10 failures per sender id or address, 100 in all, per hour). The
failures are removed again at the end: the session's other tests share the database and
come from the same address."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import delete

from bot.resume_codes import ResumePolicy, address_key, find_code, sender_key
from bot.storage.models import ResumeFailure
from tests.support.chat import Chat

pytestmark = pytest.mark.slow

LIMIT = ResumePolicy().client_failures
UNKNOWN = "Diesen Code finde ich leider nicht"
TOO_MANY = "Gerade nehme ich keine Codes an"
WELCOME_BACK = "Willkommen zurück!"


def wrong_codes(count: int) -> list[str]:
    return [f"hafen kran mond tee {number}" for number in range(10, 10 + count)]


@pytest.fixture()
def person(assistant) -> str:
    """A conversation with consent and an answer, paused: its code (from the reply)."""
    chat = Chat(assistant.rasa_url)
    chat.send("Moin")
    chat.send("/affirm")
    chat.send("/deny")
    chat.send("nein")
    chat.send("Ich möchte alleine wohnen, mit meinem Hund.")
    code = find_code(Chat.texts(chat.send("pause")))
    assert code
    return code


@pytest.fixture()
def cleanup(assistant) -> Iterator[list[str]]:
    """Keys whose failures are removed after the test (sender or address keys)."""
    keys: list[str] = []
    yield keys
    with assistant.store._session() as session:
        session.execute(delete(ResumeFailure).where(ResumeFailure.sender_key.in_(keys)))
        session.execute(delete(ResumeFailure).where(ResumeFailure.address_key.in_(keys)))
        session.commit()


def test_guessing_through_rasas_rest_channel_is_refused_after_the_limit(assistant, person,
                                                                        cleanup):
    guesser = Chat(assistant.rasa_url)
    cleanup.append(sender_key(guesser.sender))
    for wrong in wrong_codes(LIMIT):
        assert UNKNOWN in Chat.texts(guesser.send(f"mein code ist {wrong}"))
    refused = Chat.texts(guesser.send(person))           # even the right code now
    assert TOO_MANY in refused and WELCOME_BACK not in refused
    assert assistant.store.canonical_id(guesser.sender) == guesser.sender
    # the person, in another conversation, is not held up, and gets a new code
    back = Chat(assistant.rasa_url)
    resumed = Chat.texts(back.send(person.lower()))
    assert WELCOME_BACK in resumed
    assert re.search(r"Zuletzt weitergemacht am \d\d\.\d\d\.\d{4}\.", resumed)
    assert assistant.store.canonical_id(back.sender) != back.sender


def web_chat(base: str, message: str) -> str:
    """A new browser (a fresh cookie: one GET /) that types `message` into the chat."""
    with httpx.Client(base_url=base, timeout=120) as web:
        page = web.get("/")
        token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text).group(1)
        reply = web.post("/api/message", json={"text": message},
                         headers={"X-CSRF-Token": token})
        assert reply.status_code == 200, reply.text
        return "\n".join(m.get("text") or "" for turn in reply.json()["turns"]
                         for m in turn["messages"])


def test_guessing_through_the_web_chat_with_fresh_cookies_is_refused(assistant, person,
                                                                   cleanup):
    cleanup.append(address_key("127.0.0.1"))            # every request here comes from it
    for wrong in wrong_codes(LIMIT):
        assert UNKNOWN in web_chat(assistant.web_url, f"mein code ist {wrong}")
    refused = web_chat(assistant.web_url, f"mein code ist {person}")
    assert TOO_MANY in refused and WELCOME_BACK not in refused
    # the chat's failures count on the web form too: a fresh cookie is refused there
    with httpx.Client(base_url=assistant.web_url, timeout=120) as web:
        page = web.get("/")
        token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text).group(1)
        form = web.post("/weitermachen", data={"csrf": token, "code": person},
                        follow_redirects=False)
        assert form.status_code == 429
    # the limit is what refused the right code: without the failures it is taken
    with assistant.store._session() as session:
        session.execute(delete(ResumeFailure).where(
            ResumeFailure.address_key == address_key("127.0.0.1")))
        session.commit()
    assert WELCOME_BACK in web_chat(assistant.web_url, f"mein code ist {person}")
