"""Start the assistant's processes on loopback: action server, Rasa server, web app."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import yaml
from sqlalchemy.engine import make_url

from bot.build import rasa_env, rasa_server_command
from bot.settings import ROOT, VAR_DIR, Settings, private_dir


def free_port() -> int:
    """A free TCP port on loopback (for tests and benchmarks)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


TRACKER_STORE = "bot.tracker_store.LeanSQLTrackerStore"


def tracker_store_config(database_url: str) -> dict:
    """Rasa's SQL tracker store (our leaner reads, bot/tracker_store.py) in the same database
    as the application tables."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return {"type": TRACKER_STORE, "dialect": "sqlite", "db": url.database}
    config = {
        "type": TRACKER_STORE, "dialect": url.drivername.split("+")[0], "url": url.host,
        "db": url.database, "username": url.username, "password": url.password,
    }
    if url.port:
        config["port"] = url.port
    return config


def internal_secret(settings: Settings) -> str:
    """The secret Rasa and the action server require (bot/internal_auth.py)."""
    from bot.internal_auth import load_internal_secret

    return settings.internal_secret or load_internal_secret(settings.database_url)


def internal_headers(settings: Settings) -> dict[str, str]:
    """Headers for a direct call to Rasa or the action server (tests, benchmarks, CLI)."""
    from bot.internal_auth import headers

    return headers(internal_secret(settings))


def write_endpoints(settings: Settings, lock_store_url: str | None = None) -> Path:
    from bot.internal_auth import HEADER, SECRET_ENV

    endpoints: dict = {
        "tracker_store": tracker_store_config(settings.database_url),
        # Rasa expands ${...} from its environment (bot.services._env): the secret itself
        # is not written into the file
        "action_endpoint": {"url": f"http://127.0.0.1:{settings.action_port}/webhook",
                            "headers": {HEADER: f"${{{SECRET_ENV}}}"}},
    }
    lock_store_url = lock_store_url or settings.redis_url
    if lock_store_url:
        redis = make_url(lock_store_url)
        endpoints["lock_store"] = {
            "type": "redis", "url": redis.host, "port": redis.port or 6379,
            "db": int(redis.database or 0),
        }
        if redis.password:
            endpoints["lock_store"]["password"] = redis.password
    private_dir(VAR_DIR)
    path = VAR_DIR / f"endpoints-{settings.rasa_port}.yml"
    path.write_text(yaml.safe_dump(endpoints), encoding="utf-8")
    return path


def _env(settings: Settings) -> dict[str, str]:
    from bot.internal_auth import SECRET_ENV

    env = rasa_env()
    env["LWIW_DATABASE_URL"] = settings.database_url
    env[SECRET_ENV] = internal_secret(settings)
    return env


def start_action_server(settings: Settings, log: Path | None = None) -> subprocess.Popen:
    env = _env(settings)
    env["SANIC_HOST"] = "127.0.0.1"
    return _popen(
        [sys.executable, "-m", "bot.action_server", "--actions", "actions",
         "--port", str(settings.action_port)], env, log,
    )


def start_rasa(settings: Settings, model: Path, endpoints: Path,
               log: Path | None = None) -> subprocess.Popen:
    return _popen(
        rasa_server_command(
            "run", "--model", str(model), "--endpoints", str(endpoints),
            "--credentials", str(ROOT / "credentials.yml"), "--interface", "127.0.0.1",
            "--port", str(settings.rasa_port),
            "--log-file", str(VAR_DIR / f"rasa-{settings.rasa_port}.log"),
        ), _env(settings), log,
    )


def _popen(command: list[str], env: dict[str, str], log: Path | None) -> subprocess.Popen:
    output = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - owned by child
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


def wait_for(url: str, process: subprocess.Popen | None = None, timeout: float = 180) -> None:
    """Poll `url` until it answers 200, or fail (also when the process died)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not come up within {timeout:.0f} s")


def stop(*processes: subprocess.Popen | None) -> None:
    for process in processes:
        if process is not None and process.poll() is None:
            process.terminate()
    for process in processes:
        if process is not None:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def start_web(settings: Settings, log: Path | None = None, workers: int = 1) -> subprocess.Popen:
    env = _env(settings)
    env["LWIW_RASA_URL"] = settings.rasa_url
    return _popen(
        [sys.executable, "-m", "uvicorn", "bot.web.serve:create_app", "--factory",
         "--host", settings.web_host, "--port", str(settings.web_port),
         "--workers", str(workers), "--no-server-header",
         # the client address comes from X-Forwarded-For of LWIW_TRUSTED_PROXIES only
         # (bot/web/proxy.py); uvicorn's own handling would believe any loopback caller
         "--no-proxy-headers",
         # Rasa pins websockets 10, which the chat does not need: plain HTTP only
         "--ws", "none"], env, log,
    )
