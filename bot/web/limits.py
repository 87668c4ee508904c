"""Input hygiene for chat messages, and sliding-window rate limits (in this process, or
shared by every worker and host through Redis)."""

from __future__ import annotations

import logging
import re
import threading
import time
import unicodedata
import uuid
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

from bot.web.rasa import button_intents

log = logging.getLogger(__name__)

# Unicode characters that reorder text on screen (used to disguise what was written).
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
BUTTON_PAYLOAD = re.compile(r"^/([a-z_]{1,64})$")
# slashes that are not "/" but look like one or become one under NFKC: fraction and
# division slash, big solidus, box-drawing diagonals, fullwidth and small forms
SLASH_LIKE = set("/\\\u2044\u2215\u29f5\u29f8\u29f9\u2571\u2572\ufe68\uff0f\uff3c")
# what may stand before the slash without being seen: format characters (zero-width
# space, joiners, BOM, soft hyphen) and combining marks without a base
INVISIBLE_CATEGORIES = ("Cf", "Mn", "Me")


def _hides_a_slash(char: str) -> bool:
    """A character that, at the start of a message, could leave "/…" for Rasa to read
    as an intent: white space (Rasa strips it), a slash of any kind, an invisible one."""
    return (char.isspace() or char in SLASH_LIKE
            or unicodedata.category(char) in INVISIBLE_CATEGORIES
            or any(c in "/\\" for c in unicodedata.normalize("NFKC", char)))


def strip_intent_prefix(text: str) -> str:
    """`text` without everything at its start that could make it an intent: white space,
    slashes and invisible characters, removed as long as any is left ("/ /pause",
    "\u00a0/pause", "\u200b/pause", "／pause" and "\\/pause" all give "pause")."""
    start = 0
    while start < len(text) and _hides_a_slash(text[start]):
        start += 1
    return text[start:]


def clean_text(raw: str) -> str:
    """The typed message as it goes to the bot: NFC, control and surrogate characters
    removed (line breaks kept), tabs as spaces, at most two empty lines, trimmed.

    Typed text never reaches Rasa as an intent: Rasa strips white space and reads a
    leading "/" as one ("/pause"), so whatever could form such a start is removed
    (strip_intent_prefix); only button_intent() lets a payload through.
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
    cleaned = re.sub(r"\n{3,}", "\n\n", "".join(kept))
    return strip_intent_prefix(cleaned).strip()


def button_intent(payload: str, known_intents: frozenset[str],
                  allowed: frozenset[str] | None = None) -> str | None:
    """The intent of a button payload like "/affirm", if the bot knows it and a button
    may send it: `allowed`, by default the intents of the domain's buttons and the chat
    page's pause button (bot.web.rasa.button_intents)."""
    match = BUTTON_PAYLOAD.match(payload or "")
    if match is None:
        return None
    intent = match.group(1)
    allowed = button_intents() if allowed is None else allowed
    return intent if intent in known_intents and intent in allowed else None


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


class Limiter(Protocol):
    def allow(self, key: str) -> bool: ...

    def retry_after(self, key: str) -> int: ...


class RedisRateLimiter:
    """The same sliding window as RateLimiter, kept in Redis so that every web worker and
    host counts together (a sorted set of event times per key, trimmed and counted in one
    MULTI). When Redis cannot be reached the process's own RateLimiter stands in, so a
    Redis outage neither stops the chat nor lifts the limits."""

    def __init__(self, client: Any, name: str, limit: int, window: float,
                 clock: Callable[[], float] = time.time) -> None:
        self.client = client
        self.prefix = f"lwiw:rate:{name}:"
        self.limit = limit
        self.window = window
        self.clock = clock
        self.fallback = RateLimiter(limit, window)

    def allow(self, key: str) -> bool:
        import redis

        now = self.clock()
        name = self.prefix + key
        member = f"{now:.6f}:{uuid.uuid4().hex[:8]}"
        try:
            pipe = self.client.pipeline(transaction=True)
            pipe.zremrangebyscore(name, "-inf", now - self.window)
            pipe.zcard(name)
            pipe.zadd(name, {member: now})
            pipe.expire(name, int(self.window) + 1)
            _, count, _, _ = pipe.execute()
            if count >= self.limit:
                # over the limit: this attempt does not count
                self.client.zrem(name, member)
                return False
            return True
        except redis.exceptions.RedisError as error:
            log.warning("rate limit without Redis (%s): counting in this process", error)
            return self.fallback.allow(key)

    def retry_after(self, key: str) -> int:
        import redis

        try:
            oldest = self.client.zrange(self.prefix + key, 0, 0, withscores=True)
        except redis.exceptions.RedisError:
            return self.fallback.retry_after(key)
        if not oldest:
            return 0
        return max(1, int(oldest[0][1] + self.window - self.clock()) + 1)


def make_limiter(redis_url: str | None, name: str, limit: int, window: float) -> Limiter:
    """Redis-backed when a Redis URL is configured, otherwise per process."""
    if not redis_url:
        return RateLimiter(limit, window)
    import redis

    client = redis.Redis.from_url(redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)
    return RedisRateLimiter(client, name, limit, window)
