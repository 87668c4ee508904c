"""Input hygiene for chat messages, and simple sliding-window rate limits."""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from collections import deque
from collections.abc import Callable

# Unicode characters that reorder text on screen (used to disguise what was written).
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
BUTTON_PAYLOAD = re.compile(r"^/([a-z_]{1,64})$")


def clean_text(raw: str) -> str:
    """The typed message as it goes to the bot: NFC, control and surrogate characters
    removed (line breaks kept), tabs as spaces, at most two empty lines, trimmed.

    A leading "/" is removed, so that typed text is never taken as a button payload.
    """
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
    kept = []
    for char in text:
        if char == "\n":
            kept.append(char)
        elif char == "\t":
            kept.append(" ")
        elif unicodedata.category(char) in ("Cc", "Cs") or char in BIDI_CONTROLS:
            continue
        else:
            kept.append(char)
    cleaned = re.sub(r"\n{3,}", "\n\n", "".join(kept)).strip()
    return cleaned.lstrip("/").strip()


def button_intent(payload: str, known_intents: frozenset[str]) -> str | None:
    """The intent of a button payload like "/affirm", if it is one the bot knows."""
    match = BUTTON_PAYLOAD.match(payload or "")
    if match and match.group(1) in known_intents:
        return match.group(1)
    return None


class RateLimiter:
    """At most `limit` events per `window` seconds for each key (in this process)."""

    def __init__(self, limit: int, window: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = self.clock()
        with self._lock:
            if len(self._events) > 10_000:
                self._forget_idle(now)
            events = self._events.setdefault(key, deque())
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            return True

    def retry_after(self, key: str) -> int:
        events = self._events.get(key)
        if not events:
            return 0
        return max(1, int(events[0] + self.window - self.clock()) + 1)

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, v in self._events.items() if not v or v[-1] <= now - self.window]:
            del self._events[key]
