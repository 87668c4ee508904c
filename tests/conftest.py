"""Shared fixtures: a temporary database, and the real assistant on loopback ports.

Only fixtures live here; the helpers they use are in tests/support/ (tests import them from
there, never from this file or from another test module)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot import services
from bot.services import free_port
from bot.settings import Settings
from bot.storage.migrate import upgrade_to_head
from bot.storage.repository import Store
from tests.support.chat import INTERNAL_SECRET, Chat
from tests.support.clock import FixedClock


@pytest.fixture()
def fixed_clock() -> FixedClock:
    return FixedClock()


@pytest.fixture()
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'test.db'}"
    upgrade_to_head(url)
    return url


@pytest.fixture()
def action_store(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """The action server's store (actions.common.store) on the test database."""
    from actions import common

    monkeypatch.setenv("LWIW_DATABASE_URL", db_url)
    common.store.cache_clear()
    yield common.store()
    common.store.cache_clear()


@pytest.fixture()
def store(db_url: str) -> Store:
    """A store on the real clock (tests that mix it with Rasa's real event times)."""
    return Store(db_url)


@pytest.fixture()
def dated_store(db_url: str, fixed_clock: FixedClock) -> Store:
    """A store whose every timestamp comes from `fixed_clock` (2026-11-21 09:00 UTC)."""
    return Store(db_url, clock=fixed_clock)


@pytest.fixture(scope="session")
def model_path() -> Path:
    from bot.build import train_if_needed

    return train_if_needed()


@dataclass
class Assistant:
    settings: Settings
    store: Store
    log_dir: Path
    model: Path
    endpoints: Path
    processes: dict = field(default_factory=dict)

    @property
    def rasa_url(self) -> str:
        return self.settings.rasa_url

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.web_port}"

    def start(self, *names: str) -> None:
        for name in names or ("actions", "rasa", "web"):
            if name == "actions":
                process = services.start_action_server(self.settings, self.log_dir / "actions.log")
                url = f"http://127.0.0.1:{self.settings.action_port}/health"
            elif name == "rasa":
                process = services.start_rasa(self.settings, self.model, self.endpoints,
                                              self.log_dir / "rasa.log")
                url = f"{self.rasa_url}/"
            else:
                process = services.start_web(self.settings, self.log_dir / "web.log")
                url = f"{self.web_url}/health"
            self.processes[name] = process
            services.wait_for(url, process, timeout=300)

    def kill(self, *names: str) -> None:
        for name in names:
            process = self.processes.pop(name)
            process.kill()
            process.wait(timeout=30)

    def stop(self) -> None:
        services.stop(*self.processes.values())
        self.processes.clear()


@pytest.fixture(scope="session")
def assistant(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    base = tmp_path_factory.mktemp("assistant")
    rasa_port = free_port()
    settings = Settings(
        database_url=f"sqlite:///{base / 'lwiw.db'}",
        rasa_url=f"http://127.0.0.1:{rasa_port}",
        action_port=free_port(), rasa_port=rasa_port, web_port=free_port(),
        web_host="127.0.0.1", retention_days=365, internal_secret=INTERNAL_SECRET,
    )
    upgrade_to_head(settings.database_url)
    endpoints = services.write_endpoints(settings)
    instance = Assistant(settings, Store(settings.database_url), base, model_path, endpoints)
    try:
        instance.start()
        yield instance
    finally:
        instance.stop()


@pytest.fixture()
def chat(assistant: Assistant) -> Chat:
    return Chat(assistant.rasa_url)


# fixtures that need the trained model or start real servers: their tests are `slow`, so
# that `make test-fast` (-m "not slow") never waits for training or a Rasa start
SLOW_FIXTURES = {"assistant", "model_path", "chat"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """Debian's chromium through Playwright, one per test module (tests/support/browser.py)."""
    from tests.support.browser import chromium  # Playwright only for the browser tests

    with chromium() as instance:
        yield instance
