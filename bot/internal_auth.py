"""Only our own processes may call Rasa and the action server (DESIGN.md § 7).

Both listen on loopback, but anything on the host could call them there: Rasa's REST webhook
answers for any sender id, and the action server runs `action_show_profile` or a deletion
for any sender id it is sent. So every request to them must carry the header
``X-LWIW-Internal: <LWIW_INTERNAL_SECRET>``: the web app sends it to Rasa (bot/web/rasa.py),
Rasa sends it to the action server (``action_endpoint.headers`` in the endpoints file that
bot/services.py writes). A request without it, or with another value, is refused with 403.

The only requests let through without it are the liveness checks that our launchers poll
while the processes start (``GET /`` of Rasa, "Hello from Rasa", and ``GET /health`` of the
action server, ``{"status": "ok"}``): they answer the same constant for everybody and read
no conversation.

The secret is ``LWIW_INTERNAL_SECRET`` (at least 32 characters); for the local SQLite set-up
one is generated on first use into ``var/internal_secret`` (mode 600). With any other
database (the production set-up) it must be set: every process of a host needs the same one.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

from bot.settings import VAR_DIR, Settings, generated_secret, get_settings

HEADER = "X-LWIW-Internal"
SECRET_ENV = "LWIW_INTERNAL_SECRET"
SECRET_FILE = "internal_secret"
MIN_SECRET_CHARS = 32

# liveness checks that answer a constant and read nothing (see the module docstring)
RASA_OPEN_PATHS = frozenset({"/"})
ACTION_SERVER_OPEN_PATHS = frozenset({"/health"})


class MissingSecret(ValueError):
    """No usable internal secret for a process that needs one."""


def _check(value: str, origin: str) -> str:
    """`value`, if it is a generated secret (the same rules as the cookie key)."""
    from bot.web.config import GENERATE_HINT, secret_problem

    if len(value) < MIN_SECRET_CHARS:
        raise MissingSecret(f"{origin} must have at least {MIN_SECRET_CHARS} characters")
    problem = secret_problem(value)
    if problem:
        raise MissingSecret(f"{origin} is not a usable secret: {problem}. Generate one with: "
                            f"{GENERATE_HINT}")
    return value


def load_internal_secret(database_url: str | None = None, var_dir: Path = VAR_DIR,
                         settings: Settings | None = None) -> str:
    """LWIW_INTERNAL_SECRET, or for the local SQLite set-up one generated into
    var/internal_secret (mode 600) on first use and reused afterwards.

    `database_url` (default: LWIW_DATABASE_URL): anything but SQLite is the production
    set-up, where the secret must come from the environment. `settings`: default, this
    process's.
    """
    settings = settings or get_settings()
    if settings.internal_secret:
        return _check(settings.internal_secret, SECRET_ENV)
    url = database_url if database_url is not None else settings.database_url
    if url and not url.startswith("sqlite"):
        raise MissingSecret(f"{SECRET_ENV} must be set when the database is not SQLite "
                            "(the production set-up); see README")
    return generated_secret(var_dir / SECRET_FILE, _check, MissingSecret)


def secret_from_env() -> str:
    """The secret of a Rasa or action server process: its launcher always sets it."""
    value = get_settings().internal_secret
    if not value:
        raise MissingSecret(f"{SECRET_ENV} is not set: start the servers with `lwiw run`, "
                            "the systemd units (deploy/systemd/) or bot.services")
    return _check(value, SECRET_ENV)


def headers(secret: str) -> dict[str, str]:
    return {HEADER: secret} if secret else {}


def authorised(presented: str | None, secret: str) -> bool:
    """Constant-time comparison; an empty secret authorises nothing."""
    if not secret or not presented:
        return False
    return hmac.compare_digest(presented.encode("utf-8"), secret.encode("utf-8"))


def sanic_guard(secret: str, open_paths: Iterable[str] = ()
                ) -> Callable[[Any], Awaitable[Any]]:
    """A Sanic request middleware: 403 for every request without the secret (except the
    GET liveness checks in `open_paths`)."""
    _check(secret, SECRET_ENV)
    open_paths = frozenset(open_paths)

    async def require_internal_secret(request: Any) -> Any:
        if request.method in ("GET", "HEAD") and request.path in open_paths:
            return None
        if authorised(request.headers.get(HEADER), secret):
            return None
        from sanic import response

        return response.json({"error": "forbidden"}, status=403)

    return require_internal_secret


def install_sanic_guard(app: Any, secret: str, open_paths: Iterable[str] = ()) -> Any:
    app.register_middleware(sanic_guard(secret, open_paths), "request")
    return app
