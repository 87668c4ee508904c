"""The web app as uvicorn starts it (`uvicorn bot.web.serve:create_app --factory`): the
same app as bot.web.app, in a process that keeps TensorFlow out (bot/lean.py)."""

from __future__ import annotations

from typing import Any


def create_app() -> Any:
    from bot.lean import keep_tensorflow_out

    keep_tensorflow_out()
    from bot.web.app import create_app as make_app

    return make_app()
