"""End to end: "Erneut senden" after a failed request, through the web app, with the real
Rasa and action servers (`assistant` fixture). A message whose answer got lost on the way
(the assistant had taken it) must not be taken twice — a "nein" taken twice passes over a
question without the person ever seeing it; a message that never arrived is taken as new.

The browser gives every message an id and sends the same id again, marked `again`
(static/chat.js); the id is kept in Rasa's stored user event (bot/tracker_store.py)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import httpx
import pytest
from itsdangerous import URLSafeTimedSerializer

from bot.web.config import load_secret
from bot.web.session import CONVERSATION, COOKIE_NAME, SALT

pytestmark = pytest.mark.slow

ALREADY = "Ihre Nachricht war schon angekommen"
ANSWER = "Ich möchte gern in einem Chor singen."


class WebChat:
    """One browser: the start page, consent on the page, then the chat API."""

    def __init__(self, base: str) -> None:
        self.client = httpx.Client(base_url=base, timeout=120)
        page = self.client.get("/")
        self.csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text).group(1)
        consent = self.client.post("/einwilligung", data={"csrf": self.csrf, "choice": "yes"})
        assert consent.status_code == 303

    def post(self, path: str, body: dict) -> list[dict]:
        reply = self.client.post(path, json=body, headers={"X-CSRF-Token": self.csrf})
        assert reply.status_code == 200, reply.text
        return [m for turn in reply.json()["turns"] for m in turn["messages"]]

    def send(self, body: dict, message_id: str, again: bool = False) -> list[dict]:
        return self.post("/api/message", {**body, "id": message_id, "again": again})

    @property
    def sender(self) -> str:
        """The conversation id in the signed session cookie (the web app's own key)."""
        raw = self.client.cookies.get(COOKIE_NAME)
        return URLSafeTimedSerializer(load_secret(), salt=SALT).loads(raw)[CONVERSATION]


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def question_ids(messages: list[dict]) -> list[str]:
    return [m["custom"]["question_id"] for m in messages
            if isinstance(m.get("custom"), dict) and "question_id" in m["custom"]]


def new_id() -> str:
    return uuid.uuid4().hex


@pytest.fixture()
def web(assistant) -> Iterator[WebChat]:
    chat = WebChat(assistant.web_url)
    chat.post("/api/start", {"history": False})
    chat.send({"payload": "/deny", "label": "Nein"}, new_id())       # no Leichte Sprache
    first = chat.send({"payload": "/deny", "label": "Nein"}, new_id())  # nothing urgent
    assert question_ids(first) == ["living"]
    yield chat
    chat.client.close()


def test_a_no_sent_again_after_its_answer_got_lost_passes_over_no_question(assistant, web):
    web.send({"text": ANSWER}, new_id())
    no = new_id()
    asked = web.send({"text": "nein"}, no)
    assert question_ids(asked) == ["self"]
    # the answer to this "nein" got lost; the person presses "Erneut senden"
    again = web.send({"text": "nein"}, no, again=True)
    assert ALREADY in texts(again)
    assert question_ids(again) == ["self"]            # still the question it had reached
    answered = web.send({"text": "Ich kann gut kochen."}, new_id())
    assert "„Ich kann gut kochen.“" in texts(answered)
    stored = [(a.question_id, a.text) for a in assistant.store.active_answers(web.sender)]
    assert stored == [("living", ANSWER), ("self", "Ich kann gut kochen.")]


def test_an_answer_sent_again_is_not_stored_twice(assistant, web):
    message = new_id()
    web.send({"text": ANSWER}, message)
    again = web.send({"text": ANSWER}, message, again=True)
    assert ALREADY in texts(again) and question_ids(again) == ["living"]
    assert [a.text for a in assistant.store.active_answers(web.sender)] == [ANSWER]


def test_a_message_that_never_arrived_is_taken_when_sent_again(assistant, web):
    # the first try failed before it reached the assistant: the same id, now "again"
    taken = web.send({"text": ANSWER}, new_id(), again=True)
    assert ALREADY not in texts(taken)
    assert f"„{ANSWER}“" in texts(taken)
    assert [a.text for a in assistant.store.active_answers(web.sender)] == [ANSWER]
