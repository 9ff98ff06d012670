"""Tokens shaped like Cognito's, signed with the pool's own keys, on the emulator clock.

A sign-in starts a *token family*: one refresh token plus every access and ID token issued from
it, all carrying the family's `origin_jti` and `auth_time`. Revocation works per family
(RevokeToken) or per user (GlobalSignOut), and an access token is honoured only while its family
is known and not revoked. Access tokens themselves are never stored: they are verified by
signature and expiry, so memory grows with sign-ins, not with tokens.

The ledger of families is bounded: a family is dropped once its refresh token and every access
token issued from it have expired, and at most `MAX_TOKEN_FAMILIES` are kept (the oldest sign-in
is forgotten first; its tokens are then refused as revoked, never accepted).
"""

from __future__ import annotations

import heapq
import itertools
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import jwt

from cognito_emulator.clock import Clock
from cognito_emulator.exceptions import NotAuthorizedException
from cognito_emulator.keys import KeyStore, TokenUse

MAX_TOKEN_FAMILIES = 50_000
ACCESS_SCOPE = "aws.cognito.signin.user.admin"

_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


@dataclass(frozen=True, slots=True)
class TokenLifetimes:
    """Seconds each token lives, from the app client's settings."""

    access: int = 3600
    id: int = 3600
    refresh: int = 30 * 86400

    @classmethod
    def from_client_config(cls, config: Mapping[str, Any]) -> TokenLifetimes:
        """AccessTokenValidity / IdTokenValidity / RefreshTokenValidity in TokenValidityUnits.

        Units default to hours for access and ID tokens and days for refresh tokens, as in
        Cognito; an unset validity means 60 minutes (access, ID) or 30 days (refresh).
        """
        units = config.get("TokenValidityUnits") or {}

        def seconds(value_key: str, unit_key: str, default_unit: str, default: int) -> int:
            value = config.get(value_key)
            if value is None:
                return default
            return int(value) * _UNIT_SECONDS[units.get(unit_key) or default_unit]

        return cls(
            access=seconds("AccessTokenValidity", "AccessToken", "hours", 3600),
            id=seconds("IdTokenValidity", "IdToken", "hours", 3600),
            refresh=seconds("RefreshTokenValidity", "RefreshToken", "days", 30 * 86400),
        )


@dataclass(frozen=True, slots=True)
class Principal:
    """What tokens say about a user: the attributes are those the app client may read, as the
    ID token carries them (booleans such as email_verified as JSON booleans)."""

    sub: str
    username: str
    groups: tuple[str, ...] = ()
    attributes: Mapping[str, str | bool] = field(default_factory=dict)


@dataclass(slots=True)
class TokenFamily:
    origin_jti: str
    pool_id: str
    client_id: str
    username: str
    auth_time: int
    refresh_token: str
    refresh_expires_at: float
    keep_until: float
    revoked: bool = False


class TokenLedger:
    """The families still worth remembering, findable by refresh token, origin_jti and user."""

    def __init__(self, max_families: int | None = None) -> None:
        self._max_families = MAX_TOKEN_FAMILIES if max_families is None else max_families
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
        self._by_origin[family.origin_jti] = family
        self._by_refresh[family.refresh_token] = family
        self._by_user.setdefault((family.pool_id, family.username), set()).add(family.origin_jti)
        heapq.heappush(
            self._expiry_heap, (family.keep_until, next(self._sequence), family.origin_jti)
        )

    def by_refresh_token(self, refresh_token: str) -> TokenFamily | None:
        return self._by_refresh.get(refresh_token)

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

    def _remove(self, family: TokenFamily) -> None:
        self._by_origin.pop(family.origin_jti, None)
        self._by_refresh.pop(family.refresh_token, None)
        user_key = (family.pool_id, family.username)
        jtis = self._by_user.get(user_key)
        if jtis is not None:
            jtis.discard(family.origin_jti)
            if not jtis:
                del self._by_user[user_key]


class TokenIssuer:
    """Issues, refreshes, verifies and revokes tokens for every pool of one emulator."""

    def __init__(self, region: str, keys: KeyStore, clock: Clock, ledger: TokenLedger) -> None:
        self.region = region
        self.keys = keys
        self.clock = clock
        self.ledger = ledger

    def issuer(self, pool_id: str) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{pool_id}"

    def sign_in(
        self, pool_id: str, client_id: str, principal: Principal, lifetimes: TokenLifetimes
    ) -> dict[str, Any]:
        """A new family: AuthenticationResult with access, ID and refresh tokens."""
        now = self.clock.now()
        family = TokenFamily(
            origin_jti=str(uuid.uuid4()),
            pool_id=pool_id,
            client_id=client_id,
            username=principal.username,
            auth_time=int(now),
            refresh_token=secrets.token_urlsafe(96),
            refresh_expires_at=now + lifetimes.refresh,
            keep_until=now + max(lifetimes.refresh, lifetimes.access),
        )
        self.ledger.add(family, now)
        result = self._issue(family, principal, lifetimes, now)
        result["RefreshToken"] = family.refresh_token
        return result

    def refresh(
        self, family: TokenFamily, principal: Principal, lifetimes: TokenLifetimes
    ) -> dict[str, Any]:
        """New access and ID tokens in the same family (same auth_time and origin_jti)."""
        now = self.clock.now()
        family.keep_until = max(family.keep_until, now + lifetimes.access)
        return self._issue(family, principal, lifetimes, now)

    def find_refresh_family(self, refresh_token: str, client_id: str) -> TokenFamily:
        """The family of a refresh token presented by `client_id`, whatever its state."""
        family = self.ledger.by_refresh_token(refresh_token)
        if family is None or family.client_id != client_id:
            raise NotAuthorizedException("Invalid Refresh Token")
        return family

    def ensure_refreshable(self, family: TokenFamily) -> None:
        if family.revoked:
            raise NotAuthorizedException("Refresh Token has been revoked")
        if family.refresh_expires_at <= self.clock.now():
            raise NotAuthorizedException("Refresh Token has expired")

    def verify_access_token(self, token: str) -> TokenFamily:
        """The family of a valid access token; NotAuthorized with Cognito's message otherwise."""
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError:
            raise NotAuthorizedException("Invalid Access Token") from None
        found = self.keys.lookup(kid) if isinstance(kid, str) else None
        if found is None:
            raise NotAuthorizedException("Invalid Access Token")
        pool_id, key = found
        try:
            claims = jwt.decode(
                token,
                key.public_key,
                algorithms=["RS256"],
                issuer=self.issuer(pool_id),
                options={"verify_exp": False, "verify_iat": False, "verify_nbf": False},
            )
        except jwt.PyJWTError:
            raise NotAuthorizedException("Invalid Access Token") from None
        if claims.get("token_use") != "access":
            raise NotAuthorizedException("Invalid Access Token")
        if float(claims.get("exp", 0)) <= self.clock.now():
            raise NotAuthorizedException("Access Token has expired")
        family = self.ledger.by_origin_jti(str(claims.get("origin_jti")))
        if family is None or family.revoked or family.pool_id != pool_id:
            raise NotAuthorizedException("Access Token has been revoked")
        return family

    def revoke(self, family: TokenFamily) -> None:
        family.revoked = True

    def revoke_user(self, pool_id: str, username: str) -> None:
        for family in self.ledger.of_user(pool_id, username):
            family.revoked = True

    def _issue(
        self, family: TokenFamily, principal: Principal, lifetimes: TokenLifetimes, now: float
    ) -> dict[str, Any]:
        iat = int(now)
        event_id = str(uuid.uuid4())
        common: dict[str, Any] = {"sub": principal.sub}
        if principal.groups:
            common["cognito:groups"] = list(principal.groups)
        common["iss"] = self.issuer(family.pool_id)

        access_claims = {
            **common,
            "version": 2,
            "client_id": family.client_id,
            "origin_jti": family.origin_jti,
            "event_id": event_id,
            "token_use": "access",
            "scope": ACCESS_SCOPE,
            "auth_time": family.auth_time,
            "exp": iat + lifetimes.access,
            "iat": iat,
            "jti": str(uuid.uuid4()),
            "username": principal.username,
        }
        id_claims: dict[str, Any] = dict(common)
        for name, value in principal.attributes.items():
            if name == "sub":
                continue
            id_claims[name] = value
        id_claims.update(
            {
                "cognito:username": principal.username,
                "origin_jti": family.origin_jti,
                "aud": family.client_id,
                "event_id": event_id,
                "token_use": "id",
                "auth_time": family.auth_time,
                "exp": iat + lifetimes.id,
                "iat": iat,
                "jti": str(uuid.uuid4()),
            }
        )
        return {
            "AccessToken": self._sign(family.pool_id, "access", access_claims),
            "ExpiresIn": lifetimes.access,
            "TokenType": "Bearer",
            "IdToken": self._sign(family.pool_id, "id", id_claims),
        }

    def _sign(self, pool_id: str, token_use: TokenUse, claims: dict[str, Any]) -> str:
        key = self.keys.signer(pool_id, token_use)
        # Cognito's header is exactly {"kid", "alg"}: no "typ".
        return jwt.encode(
            claims, key.private_key, algorithm="RS256", headers={"kid": key.kid, "typ": None}
        )
