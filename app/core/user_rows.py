"""The caller's row for each authenticated request, read through SQLAlchemy and kept for at most
`max_age_seconds` — without ever letting a logout or a disable wait on a cache to expire.

Every authenticated request needs its user's row: the logout mark and the disabled flag decide
whether the token still counts (app/core/auth.py). Reading it costs a database round trip and a
hop to a worker thread, more than the rest of the request; a client's burst of requests (a page
load, a batch job) would pay it each time. So each worker keeps the rows it read, for a short
`max_age_seconds`, counted from the moment the read *started*.

Why a change still holds at once, in every worker and on every host: a change that must (a
logout moving the mark, a disable) is committed first, then its request answers only after
`wait_out_cached_rows()`, that is `max_age_seconds` later. Any row some worker read before the
commit was read (so its age counted) from before the commit, so by the time the client hears the
answer, no worker anywhere trusts it any more: the next request, wherever it lands, reads the row
anew. Nothing is shared between workers but the database, and a worker's clock only measures
durations it started itself. The price is that latency on those two answers; `0` turns both the
cache and the wait off.
"""

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable

from cachetools import TTLCache
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from app import crud
from app.models import User

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class UserRows:
    def __init__(
        self,
        engine: Engine,
        *,
        max_age_seconds: float,
        max_entries: int = 10_000,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._engine = engine
        self.max_age_seconds = max_age_seconds
        self.clock = clock
        self.sleep = sleep
        # Bounded and expiring by itself; an entry also carries when its read started, which is
        # what its age counts from. cachetools' caches are not thread-safe: the lock guards it.
        self._rows: TTLCache[str, tuple[float, User]] | None = (
            TTLCache(maxsize=max_entries, ttl=max_age_seconds, timer=self._now)
            if max_age_seconds > 0 and max_entries > 0
            else None
        )
        self._lock = threading.Lock()

    def _now(self) -> float:
        return self.clock()

    async def read(self, sub: str) -> User | None:
        """The row of `sub` as the database had it at most `max_age_seconds` ago (None: no row);
        the read itself runs in a worker thread (a database server may block)."""
        rows = self._rows
        if rows is not None:
            with self._lock:
                entry = rows.get(sub)
            if entry is not None and self.clock() - entry[0] < self.max_age_seconds:
                return entry[1]
        started = self.clock()
        user = await run_in_threadpool(crud.read_user, self._engine, sub)
        if rows is not None and user is not None:
            with self._lock:
                rows[sub] = (started, user)
        return user

    def forget(self, sub: str) -> None:
        """Drop this worker's copy of a row it has just changed (other workers' copies age out,
        see `wait_out_cached_rows`)."""
        if self._rows is not None:
            with self._lock:
                self._rows.pop(sub, None)

    async def wait_out_cached_rows(self) -> None:
        """Return once no worker trusts a row read before now: call it after committing a change
        that must hold at once (a logout, a disable), before answering."""
        if self.max_age_seconds > 0:
            await self.sleep(self.max_age_seconds)
