"""The database engine (SQLite by default, PostgreSQL via DATABASE_URL); its schema is
migrated by app/core/migrations.py."""

import sqlite3
import time
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlmodel import create_engine

from app.core.config import DatabaseSettings

# How long a SQLite connection waits for another's lock before "database is locked".
SQLITE_BUSY_TIMEOUT_SECONDS = 30


def make_engine(settings: DatabaseSettings) -> Engine:
    """An engine fit for a threaded server: SQLite connections shared across threads and waiting
    on locks instead of failing, PostgreSQL connections checked before use."""
    url = make_url(settings.DATABASE_URL)
    # Connections kept open for the request threads (more open for a burst, closed after it).
    pool = {"pool_size": settings.DATABASE_POOL_SIZE, "max_overflow": settings.DATABASE_POOL_SIZE}
    if url.get_backend_name() == "sqlite":
        connect_args = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
        engine = create_engine(url, connect_args=connect_args, **pool)
        event.listen(engine, "connect", _use_sqlite_write_ahead_log)
        return engine
    return create_engine(url, pool_pre_ping=True, **pool)


def _use_sqlite_write_ahead_log(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers (every authenticated request) proceed while a login or logout writes.

    Switching a fresh file to WAL needs its exclusive lock, and SQLite answers "database is
    locked" at once, without waiting out the busy timeout, when that would deadlock with another
    connection's transaction, as when several workers start together. So the switch is retried
    for as long as the busy timeout; once the file is in WAL mode the pragma takes no lock."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_SECONDS
    while True:
        try:
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)
