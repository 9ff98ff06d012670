"""The database engine (SQLite by default, PostgreSQL via DATABASE_URL); its schema is
migrated by app/core/migrations.py.

Opening a connection, each statement and the wait for a pooled connection are bounded
(DATABASE_*_TIMEOUT_SECONDS), so a database that stops answering costs a request seconds and a
503, not a thread held for minutes; `is_unavailable` tells such outages from faults."""

import functools
import math
import sqlite3
import time
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlmodel import create_engine

from app.core.config import DatabaseSettings

# PostgreSQL's SQLSTATEs for a table or column that does not exist (undefined_table,
# undefined_column): the database was recreated, emptied or not migrated under the service.
# SQLite reports the same as an OperationalError ("no such table").
SCHEMA_MISSING_SQLSTATES = frozenset({"42P01", "42703"})


def make_engine(settings: DatabaseSettings) -> Engine:
    """An engine fit for a threaded server: SQLite connections shared across threads and waiting
    on locks instead of failing at once, PostgreSQL connections checked before use."""
    url = make_url(settings.DATABASE_URL)
    # Connections kept open for the request threads (more open for a burst, closed after it).
    pool = {
        "pool_size": settings.DATABASE_POOL_SIZE,
        "max_overflow": settings.DATABASE_POOL_SIZE,
        "pool_timeout": settings.DATABASE_POOL_TIMEOUT_SECONDS,
    }
    if url.get_backend_name() == "sqlite":
        busy_timeout = settings.DATABASE_STATEMENT_TIMEOUT_SECONDS
        connect_args = {"check_same_thread": False, "timeout": busy_timeout}
        engine = create_engine(url, connect_args=connect_args, **pool)
        event.listen(
            engine, "connect", functools.partial(_use_sqlite_write_ahead_log, busy_timeout)
        )
        return engine
    connect_args = (
        _postgresql_timeouts(url, settings) if url.get_backend_name() == "postgresql" else {}
    )
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **pool)


def _postgresql_timeouts(url: URL, settings: DatabaseSettings) -> dict[str, Any]:
    """libpq's connect_timeout, and statement_timeout set for the session in the startup packet
    (no extra round trip). Connect arguments replace the URL's parameters of the same name, so
    the URL's own `options` (a search_path, say) are kept after ours."""
    statement_timeout_ms = math.ceil(settings.DATABASE_STATEMENT_TIMEOUT_SECONDS * 1000)
    url_options = url.query.get("options", ())
    options = [f"-c statement_timeout={statement_timeout_ms}"]
    options += [url_options] if isinstance(url_options, str) else list(url_options)
    return {
        "connect_timeout": settings.DATABASE_CONNECT_TIMEOUT_SECONDS,
        "options": " ".join(options),
    }


def is_unavailable(error: SQLAlchemyError) -> bool:
    """Whether a database error means the database cannot serve now: unreachable, too slow
    (a connect, statement or pool timeout), locked, its connection lost, or its tables gone.
    Anything else (a constraint violated, a bug's SQL) is a fault, not an outage."""
    if isinstance(error, OperationalError | InterfaceError | PoolTimeoutError):
        return True
    if isinstance(error, DBAPIError):
        sqlstate = getattr(error.orig, "sqlstate", None)
        return error.connection_invalidated or sqlstate in SCHEMA_MISSING_SQLSTATES
    return False


def _use_sqlite_write_ahead_log(busy_timeout: float, dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers (every authenticated request) proceed while a login or logout writes.

    Switching a fresh file to WAL needs its exclusive lock, and SQLite answers "database is
    locked" at once, without waiting out the busy timeout, when that would deadlock with another
    connection's transaction, as when several workers start together. So the switch is retried
    for as long as the busy timeout; once the file is in WAL mode the pragma takes no lock."""
    deadline = time.monotonic() + busy_timeout
    while True:
        try:
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)
