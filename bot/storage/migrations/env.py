"""Alembic environment: only the application's tables (Rasa manages its `events` table)."""

from alembic import context
from sqlalchemy import create_engine

from bot.storage.models import Base

config = context.config
target_metadata = Base.metadata


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table":
        return name in target_metadata.tables
    return True


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection, target_metadata=target_metadata,
            include_object=include_object, render_as_batch=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"), future=True)
    with engine.connect() as conn:
        context.configure(
            connection=conn, target_metadata=target_metadata,
            include_object=include_object, render_as_batch=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
