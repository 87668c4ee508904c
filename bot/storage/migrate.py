"""Run Alembic migrations programmatically (on start of every process that uses the DB)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from bot.storage.db import get_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_to_head(database_url: str) -> None:
    engine = get_engine(database_url)
    with engine.begin() as connection:
        config = alembic_config(database_url)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
