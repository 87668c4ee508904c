"""Runtime settings, read from the environment (secrets never live in the repo)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
VAR_DIR = Path(os.environ.get("LWIW_VAR_DIR", ROOT / "var"))
BUILD_DIR = ROOT / "build"
SPACY_PIPELINE_DIR = BUILD_DIR / "spacy_de_lwiw"


@dataclass(frozen=True)
class Settings:
    database_url: str
    rasa_url: str
    action_port: int
    rasa_port: int
    web_port: int
    web_host: str
    retention_days: int


def default_database_url() -> str:
    return f"sqlite:///{VAR_DIR / 'lwiw.db'}"


def get_settings() -> Settings:
    """Settings from LWIW_* environment variables with local defaults (SQLite, loopback)."""
    rasa_port = int(os.environ.get("LWIW_RASA_PORT", "5005"))
    return Settings(
        database_url=os.environ.get("LWIW_DATABASE_URL", default_database_url()),
        rasa_url=os.environ.get("LWIW_RASA_URL", f"http://127.0.0.1:{rasa_port}"),
        action_port=int(os.environ.get("LWIW_ACTION_PORT", "5055")),
        rasa_port=rasa_port,
        web_port=int(os.environ.get("LWIW_WEB_PORT", "8000")),
        web_host=os.environ.get("LWIW_WEB_HOST", "127.0.0.1"),
        retention_days=int(os.environ.get("LWIW_RETENTION_DAYS", "365")),
    )
