"""Starlette web app (minimal first version: health check and chat proxy)."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from bot.settings import get_settings

MAX_MESSAGE_CHARS = 2000


async def health(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


async def message(request: Request) -> JSONResponse:
    body = await request.json()
    text = str(body.get("message", ""))[:MAX_MESSAGE_CHARS]
    sender = str(body.get("sender", ""))[:128]
    async with httpx.AsyncClient(timeout=60) as client:
        reply = await client.post(
            f"{request.app.state.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
        )
    return JSONResponse(reply.json())


def create_app() -> Starlette:
    settings = get_settings()
    app = Starlette(routes=[
        Route("/health", health),
        Route("/api/message", message, methods=["POST"]),
    ])
    app.state.rasa_url = settings.rasa_url
    return app
