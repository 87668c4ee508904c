"""`python -m bot.action_server --actions actions --port N`: the Rasa SDK action server, which
accepts only requests that carry our internal secret (bot/internal_auth.py) — that is, only
Rasa's calls (its endpoints file sends the header). Without it anybody on the host could run
`action_show_profile` or a deletion for any sender id. The liveness check ``GET /health``
stays open. The server refuses to start without ``LWIW_INTERNAL_SECRET``.
"""

from __future__ import annotations

import sys
from typing import Any


def install(secret: str) -> None:
    """Every app that rasa_sdk's `run` creates gets the guard."""
    from rasa_sdk import endpoint

    from bot.internal_auth import ACTION_SERVER_OPEN_PATHS, install_sanic_guard

    original = getattr(endpoint.create_app, "__wrapped__", endpoint.create_app)

    def create_app(*args: Any, **kwargs: Any) -> Any:
        return install_sanic_guard(original(*args, **kwargs), secret, ACTION_SERVER_OPEN_PATHS)

    create_app.__wrapped__ = original
    endpoint.create_app = create_app


def main() -> None:
    from bot.lean import keep_tensorflow_out

    keep_tensorflow_out()     # our actions never run a model (bot/lean.py)
    from bot.internal_auth import secret_from_env

    install(secret_from_env())
    from rasa_sdk.__main__ import main as sdk_main

    sdk_main()


if __name__ == "__main__":
    sys.argv[0] = "rasa_sdk"
    main()
