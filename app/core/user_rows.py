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
anew. Requests that find their row being read join that read on the same terms: only if it
began less than `max_age_seconds` ago. Nothing is shared between workers but the database, and a
worker's clock only measures durations it started itself. The price is that latency on those two
answers; `0` turns both the cache and the wait off.
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

# Rows one worker keeps at most (the least recently used go first): its memory stays bounded
# whatever the number of users.
MAX_CACHED_ROWS = 10_000


class UserRows:
    def __init__(
        self,
        engine: Engine,
        *,
        max_age_seconds: float,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._engine = engine
        self.max_age_seconds = max_age_seconds
        self.clock = clock
        self.sleep = sleep
        # Bounded and expiring by itself (with a max age of 0, every entry has expired as soon as
        # it is stored); an entry also carries when its read started, which is what its age
        # counts from. cachetools' caches are not thread-safe: the lock guards it.
        self._rows: TTLCache[str, tuple[float, User]] = TTLCache(
            maxsize=MAX_CACHED_ROWS, ttl=max_age_seconds, timer=self._now
        )
        self._lock = threading.Lock()
        # Reads under way (touched on the event loop only): requests for one row share its read.
        self._reading: dict[str, tuple[float, asyncio.Task[User | None]]] = {}

    def _now(self) -> float:
        return self.clock()

    async def read(self, sub: str) -> User | None:
        """The row of `sub` as the database had it at most `max_age_seconds` ago (None: no row);
        the read itself runs in a worker thread (a database server may block). Requests for a
        row being read join that read, if it began recently enough to be trusted itself."""
        now = self.clock()
        with self._lock:
            entry = self._rows.get(sub)
        if entry is not None and now - entry[0] < self.max_age_seconds:
            return entry[1]
        under_way = self._reading.get(sub)
        if under_way is None or now - under_way[0] >= self.max_age_seconds:
            # Its own task, so a request that goes away does not cancel the others' read.
            reading = asyncio.ensure_future(self._read(sub, started=now))
            under_way = self._reading[sub] = (now, reading)
            reading.add_done_callback(lambda done: self._done_reading(sub, done))
        return await asyncio.shield(under_way[1])

    async def _read(self, sub: str, *, started: float) -> User | None:
        user = await run_in_threadpool(crud.read_user, self._engine, sub)
        if user is not None:
            with self._lock:
                self._rows[sub] = (started, user)
        return user

    def _done_reading(self, sub: str, done: asyncio.Task[User | None]) -> None:
        under_way = self._reading.get(sub)
        if under_way is not None and under_way[1] is done:
            del self._reading[sub]

    def forget(self, sub: str) -> None:
        """Drop this worker's copy of a row it has just changed (other workers' copies age out,
        see `wait_out_cached_rows`)."""
        with self._lock:
            self._rows.pop(sub, None)

    async def wait_out_cached_rows(self) -> None:
        """Return once no worker trusts a row read before now: call it after committing a change
        that must hold at once (a logout, a disable), before answering."""
        if self.max_age_seconds > 0:
            await self.sleep(self.max_age_seconds)
