"""The web app under Starlette's TestClient, without Rasa (a closed port): its configuration,
session cookie, CSRF token and JSON calls."""

from __future__ import annotations

import re

from itsdangerous import URLSafeTimedSerializer
from starlette.testclient import TestClient

from bot.services import free_port
from bot.web.config import WebConfig
from bot.web.session import COOKIE_NAME, SALT

SECRET = "fmyuT0FdLGbVGXVqOXw7aJppWv-crwaKZ7scwaoa538"  # random: weak keys are refused


def closed_port() -> int:
    return free_port()           # bound and released again: nothing listens there


def make_config(db_url: str, rasa_url: str | None = None, **overrides) -> WebConfig:
    return WebConfig(rasa_url=rasa_url or f"http://127.0.0.1:{closed_port()}",
                     database_url=db_url, secret_key=SECRET, **overrides)


def session_of(client: TestClient) -> dict:
    return URLSafeTimedSerializer(SECRET, salt=SALT).loads(client.cookies[COOKIE_NAME])


def csrf_of(client: TestClient, path: str = "/") -> str:
    page = client.get(path)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text).group(1)


def api(client: TestClient, path: str, body, token: str | None = None, **kwargs):
    headers = {"X-CSRF-Token": token} if token else {}
    return client.post(path, json=body, headers=headers, **kwargs)
