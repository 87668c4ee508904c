"""The real assistant (action server and Rasa with the trained model) on loopback ports with
a fresh SQLite database, for benchmark and evaluation scripts."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot import services
from bot.build import train_if_needed
from bot.services import free_port
from bot.settings import Settings
from bot.storage.migrate import upgrade_to_head
from bot.storage.repository import Store


@dataclass(frozen=True)
class RunningAssistant:
    settings: Settings
    store: Store

    @property
    def rasa_url(self) -> str:
        return self.settings.rasa_url

    @property
    def headers(self) -> dict[str, str]:
        """What a direct call to Rasa must send (Rasa refuses it otherwise)."""
        return services.internal_headers(self.settings)


@contextmanager
def running_assistant(base: Path) -> Iterator[RunningAssistant]:
    model = train_if_needed()
    rasa_port = free_port()
    settings = Settings(
        database_url=f"sqlite:///{base / 'eval.db'}", rasa_url=f"http://127.0.0.1:{rasa_port}",
        action_port=free_port(), rasa_port=rasa_port, web_port=free_port(),
        web_host="127.0.0.1", retention_days=365, internal_secret=secrets.token_urlsafe(48),
    )
    upgrade_to_head(settings.database_url)
    endpoints = services.write_endpoints(settings)
    processes = []
    try:
        processes.append(services.start_action_server(settings, base / "actions.log"))
        processes.append(services.start_rasa(settings, model, endpoints, base / "rasa.log"))
        services.wait_for(f"http://127.0.0.1:{settings.action_port}/health", processes[0])
        services.wait_for(f"{settings.rasa_url}/", processes[1], timeout=300)
        yield RunningAssistant(settings, Store(settings.database_url))
    finally:
        services.stop(*processes)
