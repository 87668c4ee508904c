"""Configuration of the web app: where Rasa is, the cookie secret, and the input limits."""

from __future__ import annotations

import os
import secrets
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from bot.settings import VAR_DIR, get_settings

SECRET_ENV = "LWIW_SECRET_KEY"
MIN_SECRET_CHARS = 32


@dataclass(frozen=True)
class WebConfig:
    rasa_url: str
    database_url: str
    secret_key: str
    rasa_timeout: float = 45.0
    max_message_chars: int = 2000
    max_body_bytes: int = 32 * 1024
    messages_per_minute: int = 20
    resume_attempts: int = 10
    resume_window_seconds: int = 15 * 60
    session_idle_seconds: int = 7 * 24 * 3600
    secure_cookie: bool = False
    # with several web workers or hosts the rate limits are counted in Redis (all share them)
    redis_url: str | None = None


def load_secret(var_dir: Path = VAR_DIR) -> str:
    """The signing secret: LWIW_SECRET_KEY, or for local runs one generated into
    var/secret_key (mode 600) on first use and reused afterwards."""
    from_env = os.environ.get(SECRET_ENV)
    if from_env:
        if len(from_env) < MIN_SECRET_CHARS:
            raise ValueError(f"{SECRET_ENV} must have at least {MIN_SECRET_CHARS} characters")
        return from_env
    path = var_dir / "secret_key"
    var_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret(path)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_urlsafe(48))
    return _read_secret(path)


def _read_secret(path: Path) -> str:
    # another worker may have created the file a moment ago and still be writing it
    for _ in range(50):
        value = path.read_text(encoding="ascii").strip()
        if len(value) >= MIN_SECRET_CHARS:
            if stat.S_IMODE(path.stat().st_mode) & 0o077:
                path.chmod(0o600)
            return value
        time.sleep(0.02)
    raise ValueError(f"{path} does not hold a usable secret")


def config_from_env() -> WebConfig:
    settings = get_settings()
    return WebConfig(
        rasa_url=settings.rasa_url.rstrip("/"),
        database_url=settings.database_url,
        secret_key=load_secret(),
        rasa_timeout=float(os.environ.get("LWIW_RASA_TIMEOUT", "45")),
        secure_cookie=os.environ.get("LWIW_SECURE_COOKIE", "").lower() in ("1", "true", "yes"),
        redis_url=os.environ.get("LWIW_REDIS_URL") or None,
    )
