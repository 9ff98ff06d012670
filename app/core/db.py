"""Database engine and schema creation (SQLite by default, PostgreSQL via DATABASE_URL)."""

from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool
from sqlmodel import SQLModel, create_engine

from app import models  # noqa: F401  (registers the tables in SQLModel.metadata)
from app.core.config import Settings


def make_engine(settings: Settings) -> Engine:
    """An engine fit for a threaded server: SQLite connections shared across threads and waiting
    on locks instead of failing, PostgreSQL connections checked before use."""
    url = make_url(settings.DATABASE_URL)
    if url.get_backend_name() == "sqlite":
        connect_args = {"check_same_thread": False, "timeout": 30}
        if url.database in (None, "", ":memory:"):
            # One in-memory database shared by all threads (each connection would have its own).
            return create_engine(url, connect_args=connect_args, poolclass=StaticPool)
        engine = create_engine(url, connect_args=connect_args)
        event.listen(engine, "connect", _use_sqlite_write_ahead_log)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=settings.DATABASE_POOL_SIZE,
        max_overflow=settings.DATABASE_POOL_SIZE,
    )


def _use_sqlite_write_ahead_log(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers (every authenticated request) proceed while a login or logout writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def create_db_and_tables(engine: Engine) -> None:
    SQLModel.metadata.create_all(engine)
