"""Records to bytes and back: pickle, read back with only the classes the stores declare.

Pickle keeps moto's objects as they are (no field-by-field mapping to drift from moto), and is
fast enough to re-serialize a call's records every time. Reading it back could run any code a
file names, so the unpickler resolves only the classes in its allowlist: a state file can
rebuild records, nothing else.
"""

from __future__ import annotations

import collections
import datetime
import io
import pickle
from collections.abc import Iterable
from typing import Any

from cognito_emulator.state.records import RecordKey

PROTOCOL = 5
ALWAYS_ALLOWED: tuple[type, ...] = (datetime.datetime, collections.OrderedDict)


def dumps(key: RecordKey, record: Any | None) -> bytes:
    """The key's pickle, then the record's, each without pickle's memo: an object met twice is
    written twice, so the bytes depend on the values alone, not on which equal strings happen
    to be one object (they are after a start, not after a restore): a record unchanged by a
    call is never written again. Records hold no cycles, which this mode would not end."""
    stream = io.BytesIO()
    for part in (key, record):
        pickler = pickle.Pickler(stream, protocol=PROTOCOL)
        pickler.fast = True
        pickler.dump(part)
    return stream.getvalue()


class RecordLoader:
    """Unpickles records whose classes are among `allowed` (and plain data)."""

    def __init__(self, allowed: Iterable[type]) -> None:
        self._allowed = {
            (cls.__module__, cls.__qualname__): cls for cls in (*ALWAYS_ALLOWED, *allowed)
        }

    def loads(self, payload: bytes) -> tuple[RecordKey, Any | None]:
        """The (key, record) of a frame; pickle.UnpicklingError naming a class not allowed."""
        stream = io.BytesIO(payload)
        key = _AllowlistUnpickler(stream, {}).load()
        if not (isinstance(key, tuple) and key and all(isinstance(part, str) for part in key)):
            raise pickle.UnpicklingError("not a record key")
        record = _AllowlistUnpickler(stream, self._allowed).load()
        if stream.read(1):
            raise pickle.UnpicklingError("more than a key and a record")
        return key, record


class _AllowlistUnpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, allowed: dict[tuple[str, str], type]) -> None:
        super().__init__(file)
        self._allowed = allowed

    def find_class(self, module: str, name: str) -> type:
        cls = self._allowed.get((module, name))
        if cls is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not a class state records hold")
        return cls
