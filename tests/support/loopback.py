"""Small HTTP servers on loopback for tests: stand-ins for Rasa or a remote host."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serves `handler` on a free loopback port in a thread; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


READ_BACK_BUTTONS = [
    {"title": "Ja, stimmt", "payload": "/affirm"},
    {"title": "Ändern", "payload": "/deny"},
    {"title": "Entfernen", "payload": "/remove_item"},
    {"title": "Alles Weitere stimmt", "payload": "/confirm_all"},
]


@contextmanager
def rasa_replying(messages: list[dict]) -> Iterator[str]:
    """A Rasa REST channel that answers every message with `messages`."""
    body = json.dumps(messages).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            self.rfile.read(int(self.headers.get("content-length", 0)))
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    with serving(Handler) as url:
        yield url


def read_back_rasa_server():
    """A Rasa REST channel in the read-back: every reply asks about an item with the
    read-back's buttons."""
    return rasa_replying([{"recipient_id": "x", "text": "Stimmt das so?",
                           "buttons": READ_BACK_BUTTONS}])


@contextmanager
def uvicorn_serving(app, lifespan: str = "off") -> Iterator[str]:
    """An ASGI app under uvicorn on a free loopback port in a thread (for the browser);
    yields its base URL."""
    import time

    import uvicorn

    from bot.services import free_port

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", ws="none", lifespan=lifespan))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(500):
        if server.started:
            break
        time.sleep(0.02)
    assert server.started
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
