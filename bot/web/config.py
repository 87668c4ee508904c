"""Configuration of the web app: where Rasa is, the cookie secret, the public address, the
proxies in front of it, and the input limits."""

from __future__ import annotations

import ipaddress
import math
import string
import zlib
from dataclasses import dataclass
from pathlib import Path

from bot.resume_codes import ResumePolicy, check_pepper
from bot.settings import DEFAULTS, VAR_DIR, Settings, generated_secret, get_settings

SECRET_ENV = "LWIW_SECRET_KEY"
PROXIES_ENV = "LWIW_TRUSTED_PROXIES"
MIN_SECRET_CHARS = 32
MIN_SECRET_BITS = 256          # 32 random bytes
# words that mark a value copied from an example instead of generated (compared without
# case, hyphens or underscores): deploy/production.env.example has CHANGE-ME
PLACEHOLDER_MARKERS = ("changeme", "replaceme", "example", "placeholder", "yoursecret",
                       "secretkey", "notsecret", "insecure")
GENERATE_HINT = "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
HEX_DIGITS = frozenset(string.hexdigits)
BASE64_DIGITS = frozenset(string.ascii_letters + string.digits + "+/-_=")


@dataclass(frozen=True)
class WebConfig:
    rasa_url: str
    database_url: str
    secret_key: str
    rasa_timeout: float = DEFAULTS.rasa_timeout
    max_message_chars: int = 2000
    max_body_bytes: int = 32 * 1024
    messages_per_minute: int = 20
    # clicks on a button of the bot's last reply (the read-back's "Ja, stimmt" and the like)
    # have their own budget: a person clicks once per reply, so this stops only scripts
    button_clicks_per_minute: int = 120
    # failure limits and expiry of resume codes, shared with the chat path through the
    # database (bot/resume_codes.py; LWIW_RESUME_* in the environment)
    resume: ResumePolicy = ResumePolicy()
    session_idle_seconds: int = 7 * 24 * 3600
    secure_cookie: bool = False
    # Strict-Transport-Security on every response (the public URL is https)
    hsts: bool = False
    # addresses (or networks) of the proxies whose X-Forwarded-For is believed (bot/web/proxy.py)
    trusted_proxies: tuple[str, ...] = ()
    # PDF downloads (WeasyPrint takes about a second each): per conversation or staff
    # account, and per client address, within the window
    pdf_exports: int = 10
    pdf_exports_per_client: int = 30
    pdf_window_seconds: int = 10 * 60
    # with several web workers or hosts the rate limits are counted in Redis (all share them)
    redis_url: str | None = None
    # sent to Rasa with every message (bot/internal_auth.py); Rasa refuses calls without it
    internal_secret: str = ""


def secret_problem(key: str) -> str | None:
    """Why `key` cannot sign the cookies, or None. A key must not come from an example,
    and must hold at least 32 random bytes: 64 hex digits, 43 base64 characters or the
    like (estimated from its alphabet), without repetitions (a key that zlib compresses to
    less than three quarters of its length is not random: "x" * 64, "abcabc…")."""
    squashed = "".join(char for char in key.lower() if char.isalnum())
    for marker in PLACEHOLDER_MARKERS:
        if marker in squashed:
            return f"it is a placeholder (contains {marker!r}), not a generated key"
    chars = set(key)
    alphabet = 16 if chars <= HEX_DIGITS else 64 if chars <= BASE64_DIGITS else 94
    bits = len(key) * math.log2(alphabet)
    if bits < MIN_SECRET_BITS:
        return (f"it holds at most {int(bits)} random bits; at least {MIN_SECRET_BITS} "
                "(32 random bytes) are needed")
    if len(zlib.compress(key.encode("utf-8"), 9)) < 0.75 * len(key.encode("utf-8")):
        return "it repeats itself (not random)"
    return None


def check_secret(key: str, source: str = SECRET_ENV) -> str:
    """`key`, or ValueError with what is wrong and how to make a good one (at start-up)."""
    problem = secret_problem(key)
    if problem:
        raise ValueError(f"{source} is not a usable secret key: {problem}. Generate one with: "
                         f"{GENERATE_HINT}")
    return key


def parse_trusted_proxies(raw: str | None) -> tuple[str, ...]:
    """LWIW_TRUSTED_PROXIES: comma-separated addresses or networks ("127.0.0.1",
    "10.0.0.0/8"). Empty: no proxy is trusted, X-Forwarded-For is ignored."""
    proxies = []
    for item in (raw or "").split(","):
        item = item.strip()
        if not item:
            continue
        try:
            if "/" in item:
                ipaddress.ip_network(item, strict=False)
            else:
                ipaddress.ip_address(item)
        except ValueError:
            raise ValueError(f"{PROXIES_ENV}: {item!r} is no IP address or network "
                             "(\"*\" is not allowed: anybody could claim any address)") from None
        proxies.append(item)
    return tuple(proxies)


def check_environment(var_dir: Path = VAR_DIR) -> None:
    """The web app's settings from the environment, checked before anything starts
    (`lwiw run`, the systemd units in deploy/systemd/): a clear error at once, not a web process
    that dies in its log. Raises ValueError."""
    settings = get_settings()      # a bad number in any LWIW_* stops here too
    if settings.secret_key:
        check_secret(settings.secret_key)
    elif (var_dir / "secret_key").exists():
        check_secret((var_dir / "secret_key").read_text(encoding="ascii").strip(),
                     str(var_dir / "secret_key"))
    parse_trusted_proxies(settings.trusted_proxies)
    check_pepper()
    ResumePolicy.from_env()


def load_secret(var_dir: Path = VAR_DIR) -> str:
    """The signing secret: LWIW_SECRET_KEY, or for local runs one generated into
    var/secret_key (mode 600) on first use and reused afterwards."""
    from_env = get_settings().secret_key
    if from_env:
        return check_secret(from_env)
    return generated_secret(var_dir / "secret_key", check_secret)


def _public_https(settings: Settings) -> bool:
    return settings.public_url.strip().lower().startswith("https://")


def config_from_env() -> WebConfig:
    from bot.internal_auth import load_internal_secret

    settings = get_settings()
    return WebConfig(
        rasa_url=settings.rasa_url.rstrip("/"),
        database_url=settings.database_url,
        secret_key=load_secret(),
        rasa_timeout=settings.rasa_timeout,
        # LWIW_PUBLIC_URL: the address people open; https turns on Secure cookies and HSTS
        secure_cookie=_public_https(settings) or settings.secure_cookie,
        hsts=_public_https(settings),
        trusted_proxies=parse_trusted_proxies(settings.trusted_proxies),
        redis_url=settings.redis_url,
        resume=ResumePolicy.from_env(),
        internal_secret=load_internal_secret(settings.database_url),
    )
