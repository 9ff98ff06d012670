"""User pool ids shaped like Cognito's: `{region}_` and 9 letters and digits.

moto's ids end in 32 hex digits; code that parses or validates pool ids should behave as it does
against AWS. With stable ids (the emulator persists keys in a keys_dir) an id derives from the
pool's name and how many pools of that name came first, so a restarted emulator that re-creates
its pools gets the same ids and finds their keys, and the tokens issued before the restart still
verify; otherwise ids are random.
"""

from __future__ import annotations

import hashlib
import secrets
import string
from collections.abc import Container

_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
SUFFIX_LENGTH = 9


class PoolIds:
    def __init__(self, *, stable: bool) -> None:
        self._stable = stable

    def new(self, region: str, name: str, taken: Container[str]) -> str:
        """The first candidate id for this pool that no existing pool has."""
        sequence = 0
        while True:
            if self._stable:
                seed = hashlib.sha256(f"{region}\0{name}\0{sequence}".encode()).digest()
            else:
                seed = secrets.token_bytes(8)
            number = int.from_bytes(seed[:8], "big")
            suffix = ""
            for _ in range(SUFFIX_LENGTH):
                number, index = divmod(number, 62)
                suffix += _BASE62[index]
            candidate = f"{region}_{suffix}"
            if candidate not in taken:
                return candidate
            sequence += 1
