"""Database engine and schema creation (SQLite by default, PostgreSQL via DATABASE_URL)."""

import sqlite3
import time
from typing import Any

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool
from sqlmodel import SQLModel, create_engine

from app import models  # noqa: F401  (registers the tables in SQLModel.metadata)
from app.core.config import Settings

# How long a SQLite connection waits for another's lock before "database is locked".
SQLITE_BUSY_TIMEOUT_SECONDS = 30


def make_engine(settings: Settings) -> Engine:
    """An engine fit for a threaded server: SQLite connections shared across threads and waiting
    on locks instead of failing, PostgreSQL connections checked before use."""
    url = make_url(settings.DATABASE_URL)
    if url.get_backend_name() == "sqlite":
        connect_args = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
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


# Any fixed 64-bit number: the key of the PostgreSQL advisory lock taken around schema creation.
SCHEMA_LOCK_KEY = 0x636F676E69746F  # "cognito"


def create_db_and_tables(engine: Engine) -> None:
    """Create the missing tables, safely when several workers start at once.

    `create_all` checks which tables exist, then creates the others: two processes doing that
    together both see none, and the slower one fails ("table user already exists", or on
    PostgreSQL a duplicate `pg_type` row). So the check and the creation run in one transaction
    that holds a database-wide lock: the other workers wait for it, then find the tables made.
    PostgreSQL: a transaction-level advisory lock (released at commit; DDL is transactional).
    SQLite: `BEGIN IMMEDIATE`, which takes the file's write lock at once (others wait, up to the
    connection's busy timeout). Other databases: plain `create_all`.
    """
    with engine.connect() as connection:
        dialect = engine.dialect.name
        if dialect == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
        elif dialect == "sqlite":
            _begin_immediate(connection)
        SQLModel.metadata.create_all(connection)
        connection.commit()


def _begin_immediate(connection: Connection) -> None:
    # pysqlite opens transactions lazily (before DML only), so the explicit BEGIN is the one
    # that counts; SQLAlchemy's commit() then ends it.
    connection.exec_driver_sql("BEGIN IMMEDIATE")
