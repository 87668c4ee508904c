"""Who is asking: the client address behind the proxies we trust, and nobody else's word.

The address keys the resume-code limit, the staff login block and the audit log, so a
forged one would lift those limits. uvicorn believes X-Forwarded-For from any loopback
peer by default; our start (bot/services.py) turns that off (`--no-proxy-headers`) and
the web app believes the header only from LWIW_TRUSTED_PROXIES (default: nobody). From a
trusted proxy the client is the right-most address in X-Forwarded-For that is not itself
a trusted proxy (what the client wrote into the header itself stays on the left). The
parsing is uvicorn's own ProxyHeadersMiddleware, given our list.
"""

from __future__ import annotations

import logging

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

log = logging.getLogger(__name__)
MAX_ADDRESS_CHARS = 64           # the audit log's column


class TrustedProxyMiddleware:
    """X-Forwarded-For and -Proto from `trusted` peers only; every other peer is the
    client itself, whatever its headers say."""

    def __init__(self, app: ASGIApp, trusted: tuple[str, ...]) -> None:
        self.app = app
        self.trusted = tuple(trusted)
        self.inner = ProxyHeadersMiddleware(app, trusted_hosts=list(self.trusted))
        self.warned = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.trusted:
            await self.app(scope, receive, send)
            return
        peer = scope.get("client")
        if (not self.warned and peer and peer[0] in self.inner.trusted_hosts
                and not any(name == b"x-forwarded-for" for name, _ in scope["headers"])):
            # every person would share the proxy's address (and its limits)
            self.warned = True
            log.warning("a request from the trusted proxy %s without X-Forwarded-For: "
                        "set it in the proxy (proxy_set_header X-Forwarded-For "
                        "$proxy_add_x_forwarded_for)", peer[0])
        await self.inner(scope, receive, send)


def client_address(request: HTTPConnection) -> str:
    """The client's address (after TrustedProxyMiddleware), for limits and the audit log."""
    return request.client.host[:MAX_ADDRESS_CHARS] if request.client else "unknown"
