"""The lock every backend call holds, which a Lambda trigger's function runs without.

moto's state is not thread-safe, so the backend runs one call at a time. A trigger's function,
though, may call the emulator back (a PostConfirmation handler adding the user to a group with
AdminAddUserToGroup, say): it runs with the lock released, as a real function runs while Cognito
serves other requests, and the flow takes the lock back before it applies the answer.

Whoever lets the lock go first runs `before_release` (durable state's commit): what the call
changed is saved before another call can see it, and before its caller gets the answer.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from types import TracebackType


class BackendLock:
    """A lock that knows which thread holds it, so that only its holder lets it go."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owner: int | None = None
        self.before_release: Callable[[], None] = _nothing

    def __enter__(self) -> BackendLock:
        self._lock.acquire()
        self._owner = threading.get_ident()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            self.before_release()
        finally:
            self._owner = None
            self._lock.release()

    @contextlib.contextmanager
    def released(self) -> Iterator[None]:
        """Let other calls run for the duration (a no-op for a thread not holding the lock:
        the backend used directly, without an app around it)."""
        if self._owner != threading.get_ident():
            yield
            return
        self.before_release()
        self._owner = None
        self._lock.release()
        try:
            yield
        finally:
            self._lock.acquire()
            self._owner = threading.get_ident()


def _nothing() -> None:
    """What a lock without durable state runs before letting go."""
