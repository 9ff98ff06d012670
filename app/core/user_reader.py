"""The per-request read of the caller's user row: every authenticated request makes it, because
the row's logout mark and disabled flag decide at once, in every worker, whether the token still
counts (app/core/revocation.py). So it is never cached: it is made cheap.

SQLite file: a plain DB-API query on a connection kept per thread, in autocommit mode (each
SELECT sees every commit made so far, by any process), its statement prepared once by sqlite3's
statement cache; the columns are converted by the same SQLAlchemy type processors an ORM read
uses. That is ~10 µs, where SQLAlchemy's Core execution path costs ~50 µs. Other databases (and
in-memory SQLite, whose data lives in the engine's one connection): a precompiled Core query.

Failures surface as SQLAlchemy's exceptions (OperationalError ...), as from any other query, so
the service's error handlers answer them the same way (503).
"""

import sqlite3
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, bindparam, event, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import configure_mappers
from sqlmodel import col

from app.models import User

_USER_BY_SUB = select(User).where(col(User.sub) == bindparam("sub"))


class UserReader:
    def __init__(self, engine: Engine) -> None:
        # Rows built here are read through the mapped class's attributes, which work only once
        # the mappers are configured (a Session would have done it on first use).
        configure_mappers()
        self._engine = engine
        self._path = _sqlite_file(engine)
        dialect = engine.dialect
        columns = list(_USER_BY_SUB.selected_columns)
        self._names: tuple[str, ...] = tuple(column.name for column in columns)
        self._processors: tuple[Callable[[Any], Any] | None, ...] = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
        )
        # The statement SQLAlchemy itself would send (one positional "?" parameter on SQLite).
        self._sql = str(_USER_BY_SUB.compile(dialect=dialect))
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        # Bumped when the engine is disposed: threads then drop their connection and open anew,
        # as the engine's pool does.
        self._generation = 0
        if self._path is not None:
            event.listen(engine, "engine_disposed", self._on_engine_disposed)

    def read(self, sub: str) -> User | None:
        """A read-only snapshot of the row, attached to no session (load the row in a session
        to change it)."""
        if self._path is None:
            with self._engine.connect() as connection:
                found = connection.execute(_USER_BY_SUB, {"sub": sub}).first()
            return None if found is None else User.model_construct(**found._mapping)
        try:
            row = self._connection().execute(self._sql, (sub,)).fetchone()
        except sqlite3.Error as error:
            self._drop_connection()
            raise DBAPIError.instance(self._sql, (sub,), error, sqlite3.Error) from error
        if row is None:
            return None
        values = {
            name: value if process is None else process(value)
            for name, process, value in zip(self._names, self._processors, row, strict=True)
        }
        return User.model_construct(**values)

    def close(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, []
            self._generation += 1
        for connection in connections:
            connection.close()
        if self._path is not None and event.contains(
            self._engine, "engine_disposed", self._on_engine_disposed
        ):
            event.remove(self._engine, "engine_disposed", self._on_engine_disposed)

    def _connection(self) -> sqlite3.Connection:
        local = self._local
        connection: sqlite3.Connection | None = getattr(local, "connection", None)
        if connection is not None and local.generation == self._generation:
            return connection
        self._drop_connection()
        assert self._path is not None
        connection = sqlite3.connect(
            self._path, timeout=30, isolation_level=None, check_same_thread=False
        )
        with self._lock:
            self._connections.append(connection)
            local.generation = self._generation
        local.connection = connection
        return connection

    def _drop_connection(self) -> None:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            return
        self._local.connection = None
        with self._lock:
            if connection in self._connections:
                self._connections.remove(connection)
        connection.close()

    def _on_engine_disposed(self, _engine: Engine) -> None:
        with self._lock:
            self._generation += 1


def _sqlite_file(engine: Engine) -> str | None:
    """The path of a plain SQLite file database, or None (another database, in-memory SQLite,
    or URL options this reader would not honour)."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or url.query:
        return None
    if url.database in (None, "", ":memory:") or url.database.startswith("file:"):
        return None
    return url.database
