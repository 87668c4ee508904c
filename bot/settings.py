"""Runtime settings: every ``LWIW_*`` environment variable is read here, and only here.

Field ``web_port`` of `Settings` is the variable ``LWIW_WEB_PORT``, and so on; its default
is written once, in the field, with a line on what it does (``doc``). A value that is set
but empty counts as unset. Numbers are checked when read: a bad one stops with an error that
names its variable.
The secrets (``LWIW_SECRET_KEY``, ``LWIW_INTERNAL_SECRET``, ``LWIW_RESUME_PEPPER``) and the
trusted proxies are read here as text and checked where their rules live
(bot/web/config.py, bot/internal_auth.py, bot/resume_codes.py), when they are used.
Secrets never live in the repo; `Settings`' repr leaves them out.

Exceptions that read the environment without this module: bot/build.py copies the whole
environment for child processes (Rasa, the action server), and the test support's local
cluster (tests/support/cluster.py) has its own ``LWIW_CLUSTER_DIR``.
"""

from __future__ import annotations

import os
import secrets
import stat
import time
from collections.abc import Callable, Mapping
from dataclasses import Field, dataclass, field, fields
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
BUILD_DIR = ROOT / "build"
SPACY_PIPELINE_DIR = BUILD_DIR / "spacy_de_lwiw"
ENV_PREFIX = "LWIW_"

# --- how a value is read: (variable name, non-empty text) -> value ---------------------------

Parse = Callable[[str, str], Any]


def _text(name: str, raw: str) -> str:
    return raw


def _path(name: str, raw: str) -> Path:
    return Path(raw)


def _whole(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None


def _at_least_one(name: str, raw: str) -> int:
    value = _whole(name, raw)
    if value < 1:
        raise ValueError(f"{name} must be at least 1")
    return value


def _seconds(name: str, raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number of seconds, not {raw!r}") from None


def _flag(name: str, raw: str) -> bool:
    """On for 1, true, yes, on (any case); anything else is off."""
    return raw.strip().lower() in ("1", "true", "yes", "on")


def _ports(name: str, raw: str) -> tuple[int, ...]:
    """Comma-separated ports: "5005,5006"."""
    try:
        return tuple(int(port) for port in raw.split(",") if port.strip())
    except ValueError:
        raise ValueError(f"{name} must be ports separated by commas (5005,5006), "
                         f"not {raw!r}") from None


def _setting(default: Any, doc: str, parse: Parse = _text, *, secret: bool = False) -> Any:
    """A field of `Settings`: its default, what it does, how its variable is read."""
    return field(default=default, repr=not secret, metadata={"doc": doc, "parse": parse})


@dataclass(frozen=True)
class Settings:
    """The assistant's settings: field ``web_port`` is the variable ``LWIW_WEB_PORT``.

    `Settings.from_env()` (or `get_settings()`) reads them; ``Settings()`` holds the
    defaults (local: SQLite in var/, everything on loopback)."""

    # --- where things are
    var_dir: Path = _setting(
        ROOT / "var", "directory of the SQLite database, generated keys, logs and endpoint "
        "files (readable by the service user only)", _path)
    database_url: str = _setting(
        "", "application tables and Rasa's tracker store; empty: sqlite:///<var_dir>/lwiw.db")
    redis_url: str | None = _setting(
        None, "Redis: Rasa's lock store (needed for several Rasa servers) and the web app's "
        "shared rate limits")
    model: Path | None = _setting(
        None, "the trained model to serve (local cluster; the systemd unit passes it to Rasa)",
        _path)
    nginx: str = _setting("nginx", "nginx binary of the local cluster")

    # --- processes and ports
    rasa_port: int = _setting(5005, "port of the (first) Rasa server", _whole)
    rasa_url: str = _setting(
        "", "where the web app sends chat messages; empty: http://127.0.0.1:<rasa_port>")
    rasa_timeout: float = _setting(
        45.0, "seconds the web app waits for Rasa (nginx waits 30 s longer)", _seconds)
    rasa_servers: int | None = _setting(
        None, "how many Rasa servers (on consecutive ports from rasa_port); unset: as many as "
        "rasa_ports lists, or 1", _whole)
    rasa_ports: tuple[int, ...] = _setting(
        (), "explicit ports of this host's Rasa servers (5005,5006)", _ports)
    lb_port: int = _setting(5000, "nginx in front of several Rasa servers", _whole)
    action_port: int = _setting(5055, "port of the (first) action server", _whole)
    action_servers: int | None = _setting(
        None, "how many action servers (local cluster); unset: as many as action_ports "
        "lists, or 1", _whole)
    action_ports: tuple[int, ...] = _setting(
        (), "explicit ports of the action servers", _ports)
    action_lb_port: int = _setting(5050, "nginx in front of several action servers", _whole)
    web_host: str = _setting("127.0.0.1", "interface of the web app (the only public port)")
    web_port: int = _setting(8000, "port of the web app", _whole)
    web_workers: int = _setting(2, "uvicorn workers of the web app (systemd unit)", _whole)
    allow_tensorflow: bool = _setting(
        False, "let processes that run no model import TensorFlow (bot/lean.py; "
        "bench/memory.py compares)", _flag)

    # --- the web app
    public_url: str = _setting(
        "", "the address people open; https:// turns on Secure cookies and HSTS")
    secure_cookie: bool = _setting(
        False, "Secure cookies without an https public_url", _flag)
    trusted_proxies: str = _setting(
        "", "comma-separated addresses or networks of the proxies whose X-Forwarded-For is "
        "believed (checked by bot.web.config.parse_trusted_proxies)")

    # --- secrets (checked where they are used)
    secret_key: str | None = _setting(
        None, "the web app's cookie signing key; unset: generated into var/secret_key "
        "(bot.web.config.load_secret)", secret=True)
    internal_secret: str | None = _setting(
        None, "the header our processes present to Rasa and the action server "
        "(bot/internal_auth.py); unset: for SQLite one generated into var/", secret=True)
    resume_pepper: str | None = _setting(
        None, "key of the resume codes' hashes; unset: derived from the cookie key "
        "(bot/resume_codes.py)", secret=True)

    # --- resume codes (bot/resume_codes.py: ResumePolicy)
    resume_client_failures: int = _setting(
        10, "failed resume attempts per sender id and per client address in the window",
        _at_least_one)
    resume_global_failures: int = _setting(
        100, "failed resume attempts of all paths together in the window", _at_least_one)
    resume_window_minutes: int = _setting(
        60, "the window in which failed resume attempts count", _at_least_one)
    resume_code_idle_days: int = _setting(
        180, "a resume code unused for longer no longer works", _at_least_one)

    # --- retention (`lwiw purge`)
    retention_days: int = _setting(365, "conversations older than this are deleted", _whole)
    audit_retention_days: int = _setting(
        730, "the staff audit log's own retention limit", _whole)

    def __post_init__(self) -> None:
        # the two defaults that follow from other settings (frozen: set once, here)
        if not self.database_url:
            object.__setattr__(self, "database_url", f"sqlite:///{self.var_dir / 'lwiw.db'}")
        if not self.rasa_url:
            object.__setattr__(self, "rasa_url", f"http://127.0.0.1:{self.rasa_port}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings from `environ` (default: this process's environment)."""
        env = os.environ if environ is None else environ
        values = {}
        for spec in fields(cls):
            raw = env.get(env_name(spec.name))
            if raw:
                values[spec.name] = spec.metadata["parse"](env_name(spec.name), raw)
        return cls(**values)


def env_name(field_name: str) -> str:
    """The environment variable of a `Settings` field: web_port -> LWIW_WEB_PORT."""
    return ENV_PREFIX + field_name.upper()


SETTING_FIELDS: dict[str, Field] = {spec.name: spec for spec in fields(Settings)}
# the defaults, not the environment: other dataclasses take their defaults from here
DEFAULTS = Settings()


def env_value(field_name: str, environ: Mapping[str, str] | None = None) -> Any:
    """One setting from the environment, without reading (and checking) the others: for
    what is needed at import time (VAR_DIR) or before anything else (bot/lean.py)."""
    spec = SETTING_FIELDS[field_name]
    raw = (os.environ if environ is None else environ).get(env_name(field_name))
    return spec.metadata["parse"](env_name(field_name), raw) if raw else spec.default


# the directory as this process started (LWIW_VAR_DIR): module constants derive from it
VAR_DIR: Path = env_value("var_dir")


def default_database_url() -> str:
    return f"sqlite:///{VAR_DIR / 'lwiw.db'}"


def get_settings() -> Settings:
    """Settings from LWIW_* environment variables with local defaults (SQLite, loopback)."""
    return Settings.from_env()


def generated_secret(path: Path, check: Callable[[str, str], str],
                     error: type[Exception] = ValueError) -> str:
    """The secret in `path` (under var/), generated there (mode 600) on first use: for the
    local SQLite set-up, where nobody configured one. `check(value, origin)` returns the
    value or raises; a process that finds the file half written by another waits for it."""
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(48))
    for _ in range(50):
        value = path.read_text(encoding="ascii").strip()
        if len(value) >= GENERATED_SECRET_MIN_CHARS:
            if stat.S_IMODE(path.stat().st_mode) & 0o077:
                path.chmod(0o600)
            return check(value, str(path))
        time.sleep(0.02)
    raise error(f"{path} does not hold a usable secret")


# token_urlsafe(48) gives 64 characters; a file with fewer is still being written
GENERATED_SECRET_MIN_CHARS = 32


def private_dir(path: Path = VAR_DIR) -> Path:
    """`path` (var/: the SQLite database, keys, logs, endpoints with passwords), created
    readable by the service user only (0700); an existing one that others may read is
    narrowed to that."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.stat()
    if stat.S_IMODE(info.st_mode) & 0o077 and info.st_uid == os.getuid():
        path.chmod(0o700)
    return path
