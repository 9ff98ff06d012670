"""The token families the emulator remembers: a sign-in's refresh token (and those rotation
replaced), its revocation, findable by refresh token, origin_jti and user (`tokens` issues them).

The ledger is bounded: a family is dropped once its refresh token and every access token issued
from it have expired, and at most `MAX_TOKEN_FAMILIES` are kept (the oldest sign-in is forgotten
first; its tokens are then refused as revoked, never accepted). A family remembers its last
`MAX_RETIRED_REFRESH_TOKENS` replaced refresh tokens; older ones are unknown tokens.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from cognito_emulator.state.records import RecordKey, Touched

MAX_TOKEN_FAMILIES = 50_000
FAMILY_RECORD = "family"
# Our choice: enough for any retry a client makes, while a family refreshed every few minutes for
# months keeps bounded memory.
MAX_RETIRED_REFRESH_TOKENS = 64


@dataclass(slots=True)
class TokenFamily:
    origin_jti: str
    pool_id: str
    client_id: str
    username: str
    auth_time: int
    refresh_token: str | None
    refresh_expires_at: float
    keep_until: float
    revoked: bool = False
    # The scopes an OAuth sign-in granted; None for a sign-in through the API.
    scopes: tuple[str, ...] | None = None
    # Refresh tokens rotation replaced, oldest first, each with the time (emulator clock) until
    # which it is still accepted.
    retired_refresh_tokens: dict[str, float] = field(default_factory=dict)


class TokenLedger:
    """The families still worth remembering, findable by refresh token, origin_jti and user.

    Every change to a family goes through here and is noted in `touched` (durable state keeps a
    record per family: `("family", origin_jti)`)."""

    record_kinds = (FAMILY_RECORD,)
    persisted_types = (TokenFamily,)

    def __init__(self, max_families: int | None = None, touched: Touched | None = None) -> None:
        self._max_families = MAX_TOKEN_FAMILIES if max_families is None else max_families
        self._touched: Touched = touched if touched is not None else set()
        self._by_origin: dict[str, TokenFamily] = {}
        self._by_refresh: dict[str, TokenFamily] = {}
        self._by_user: dict[tuple[str, str], set[str]] = {}
        self._expiry_heap: list[tuple[float, int, str]] = []
        self._sequence = itertools.count()

    def __len__(self) -> int:
        return len(self._by_origin)

    def add(self, family: TokenFamily, now: float) -> None:
        self.prune(now)
        while len(self._by_origin) >= self._max_families:
            self._remove(next(iter(self._by_origin.values())))
        self._index(family)

    def _index(self, family: TokenFamily) -> None:
        self._touched.add((FAMILY_RECORD, family.origin_jti))
        self._by_origin[family.origin_jti] = family
        if family.refresh_token is not None:
            self._by_refresh[family.refresh_token] = family
        self._by_user.setdefault((family.pool_id, family.username), set()).add(family.origin_jti)
        heapq.heappush(
            self._expiry_heap, (family.keep_until, next(self._sequence), family.origin_jti)
        )

    def revoke(self, family: TokenFamily) -> None:
        family.revoked = True
        self._touched.add((FAMILY_RECORD, family.origin_jti))

    def keep_until(self, family: TokenFamily, until: float) -> None:
        """Remember the family at least until `until` (its newest access token's expiry)."""
        family.keep_until = max(family.keep_until, until)
        self._touched.add((FAMILY_RECORD, family.origin_jti))

    def by_refresh_token(self, refresh_token: str) -> TokenFamily | None:
        """The family of a refresh token, its current one or one rotation replaced."""
        return self._by_refresh.get(refresh_token)

    def rotate_refresh_token(
        self, family: TokenFamily, new_token: str, replaced_accepted_until: float
    ) -> None:
        """Make `new_token` the family's refresh token; the one it replaces stays known (to be
        refused as reused after `replaced_accepted_until`) among the family's last
        `MAX_RETIRED_REFRESH_TOKENS`."""
        self._touched.add((FAMILY_RECORD, family.origin_jti))
        retired = family.retired_refresh_tokens
        if family.refresh_token is not None:
            retired[family.refresh_token] = replaced_accepted_until
        family.refresh_token = new_token
        self._by_refresh[new_token] = family
        while len(retired) > MAX_RETIRED_REFRESH_TOKENS:
            oldest = next(iter(retired))
            del retired[oldest]
            self._by_refresh.pop(oldest, None)

    def by_origin_jti(self, origin_jti: str) -> TokenFamily | None:
        return self._by_origin.get(origin_jti)

    def of_user(self, pool_id: str, username: str) -> list[TokenFamily]:
        jtis = self._by_user.get((pool_id, username), ())
        return [self._by_origin[jti] for jti in jtis]

    def prune(self, now: float) -> None:
        """Drop families whose refresh token and access tokens have all expired."""
        heap = self._expiry_heap
        while heap and heap[0][0] <= now:
            _, _, origin_jti = heapq.heappop(heap)
            family = self._by_origin.get(origin_jti)
            if family is None:
                continue
            if family.keep_until > now:
                heapq.heappush(heap, (family.keep_until, next(self._sequence), origin_jti))
            else:
                self._remove(family)
        # Entries of families evicted by the cap linger in the heap: rebuild it when they dominate.
        if len(heap) > 2 * len(self._by_origin) + 1024:
            self._expiry_heap = [
                (family.keep_until, next(self._sequence), family.origin_jti)
                for family in self._by_origin.values()
            ]
            heapq.heapify(self._expiry_heap)

    def forget_pool(self, pool_id: str) -> None:
        for family in [f for f in self._by_origin.values() if f.pool_id == pool_id]:
            self._remove(family)

    def clear(self) -> None:
        self._by_origin.clear()
        self._by_refresh.clear()
        self._by_user.clear()
        self._expiry_heap.clear()

    # -- durable state (state/) -------------------------------------------------------------------

    def record(self, key: RecordKey) -> TokenFamily | None:
        return self._by_origin.get(key[1])

    def records(self) -> Iterator[tuple[RecordKey, TokenFamily]]:
        for origin_jti, family in list(self._by_origin.items()):
            yield (FAMILY_RECORD, origin_jti), family

    def restore(self, records: Mapping[RecordKey, TokenFamily]) -> None:
        self.clear()
        for family in records.values():
            self._index(family)
            for retired in family.retired_refresh_tokens:
                self._by_refresh[retired] = family

    def _remove(self, family: TokenFamily) -> None:
        self._touched.add((FAMILY_RECORD, family.origin_jti))
        self._by_origin.pop(family.origin_jti, None)
        if family.refresh_token is not None:
            self._by_refresh.pop(family.refresh_token, None)
        for retired in family.retired_refresh_tokens:
            self._by_refresh.pop(retired, None)
        user_key = (family.pool_id, family.username)
        jtis = self._by_user.get(user_key)
        if jtis is not None:
            jtis.discard(family.origin_jti)
            if not jtis:
                del self._by_user[user_key]
