"""Verification of Cognito access and ID tokens, after aws-jwt-verify.

A token is accepted only if: it is a compact JWS signed with RS256 (nothing else, so `none` and
HS256-with-the-public-key forgeries fail); its `kid` is in the pool's JWKS; `iss` is exactly
`https://cognito-idp.{region}.amazonaws.com/{pool}`; `token_use` is the expected one; an access
token's `client_id` (access tokens have no `aud`) or an ID token's `aud` is one of the accepted app
clients; `exp` and `iat` hold within a small leeway. An access token is a user's (it has
`username`) or a machine's: client credentials give one whose `sub` is the client id and that has
no `username` (Cognito's token endpoint reference).

The JWKS is fetched once and kept in memory. A `kid` not in it triggers one refetch (key
rotation), shared by all threads waiting for it (single flight); if the refetch still lacks the
kid, unknown kids are refused without refetching for a penalty window, so forged kids cannot make
the service hammer the JWKS endpoint. A failed fetch (unreachable, an HTTP error, not a key set)
starts the same window: until it ends, whatever needs a fetch gets that failure (503) without
refetching, so garbage tokens cannot turn an outage of the endpoint into a refetch storm either.
That goes one step beyond aws-jwt-verify, whose SimpleJwksCache (src/jwk.ts, v5.1.1) shares one
fetch per JWKS URI among concurrent callers and calls `penaltyBox.registerFailedAttempt` only when
a fetched JWKS lacks the kid: a fetch that throws leaves its penalty box as it was, so the next
token refetches. Verified access-token claims are cached until the token
expires (cachetools' TLRUCache: each entry lives until its own `exp`, least recently used out
first when full; keyed by the token's SHA-256), so a repeat request costs a dict lookup.

Revocation (logout) is not decided here: it needs durable state (app/core/revocation.py).
"""

import hashlib
import math
import threading
import time
from collections.abc import Callable
from typing import Any, Literal

import httpx
import jwt
from cachetools import TLRUCache

from app.core.config import Settings

ALGORITHM = "RS256"
# Cognito tokens are a few KB (groups add to them); anything far larger is not one.
MAX_TOKEN_LENGTH = 16_384

TokenUse = Literal["access", "id"]


class InvalidTokenError(Exception):
    """Not a valid, unexpired token of this user pool and app client (answer: 401)."""


class JWKSUnavailableError(Exception):
    """The pool's JWKS could not be fetched, so the token cannot be checked (answer: 503)."""


class TokenVerifier:
    def __init__(
        self,
        *,
        region: str,
        user_pool_id: str,
        client_ids: frozenset[str],
        endpoint_url: str | None = None,
        http_client: httpx.Client | None = None,
        fetch_timeout_seconds: float = 3.0,
        leeway_seconds: float = 5.0,
        penalty_seconds: float = 10.0,
        cache_size: int = 10_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """`endpoint_url` set (the emulator): JWKS at `{endpoint_url}/{pool}/.well-known/jwks.json`;
        unset: AWS's `{issuer}/.well-known/jwks.json`. `http_client` is used as is (and not
        closed by `close()`); otherwise one is made with `fetch_timeout_seconds`."""
        if not client_ids:
            raise ValueError("at least one accepted app client id is needed")
        self.client_ids = client_ids
        self.issuer = f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"
        base = f"{endpoint_url.rstrip('/')}/{user_pool_id}" if endpoint_url else self.issuer
        self.jwks_url = f"{base}/.well-known/jwks.json"
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(timeout=fetch_timeout_seconds)
        self._leeway = leeway_seconds
        self._penalty_seconds = penalty_seconds
        self._cache_size = cache_size
        self._clock = clock

        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetch_lock = threading.Lock()
        self._fetches_completed = 0
        self._last_fetch_error: JWKSUnavailableError | None = None
        self._last_success_at: float | None = None
        self._penalty_until = 0.0

        # cachetools' caches are not thread-safe: every access holds the lock.
        self._claims: TLRUCache[bytes, dict[str, Any]] = TLRUCache(
            maxsize=max(cache_size, 1), ttu=self._claims_valid_until, timer=clock
        )
        self._claims_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> "TokenVerifier":
        return cls(
            region=settings.AWS_REGION,
            user_pool_id=settings.AWS_COGNITO_USER_POOL_ID,
            client_ids=settings.accepted_client_ids,
            endpoint_url=settings.AWS_COGNITO_ENDPOINT_URL,
            fetch_timeout_seconds=settings.JWKS_TIMEOUT_SECONDS,
            leeway_seconds=settings.TOKEN_LEEWAY_SECONDS,
            penalty_seconds=settings.JWKS_PENALTY_SECONDS,
            cache_size=settings.VERIFIED_TOKEN_CACHE_SIZE,
        )

    @property
    def jwks_fetch_count(self) -> int:
        """JWKS fetches attempted so far (successful or not)."""
        return self._fetches_completed

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    # ---- verification ---------------------------------------------------------------------------

    def verify_access_token(self, token: str) -> dict[str, Any]:
        """The verified claims of a Bearer access token (a copy: callers may not alter the cache).

        Raises InvalidTokenError (401) or JWKSUnavailableError (503)."""
        cached = self.cached_access_claims(token)
        if cached is not None:
            return cached
        claims = self._verify(token, "access")
        if self._cache_size > 0:
            with self._claims_lock:
                self._claims[_cache_key(token)] = claims
        return dict(claims)

    def cached_access_claims(self, token: str) -> dict[str, Any] | None:
        """The claims of an access token verified before and not expired yet (a copy), or None;
        InvalidTokenError for a malformed one. Memory only, never blocks (an async caller needs
        no worker thread for it)."""
        _require_well_formed(token)
        with self._claims_lock:
            cached = self._claims.get(_cache_key(token))
        return None if cached is None else dict(cached)

    def verify_id_token(self, token: str) -> dict[str, Any]:
        """The verified claims of an ID token (not cached: read once per login)."""
        _require_well_formed(token)
        return self._verify(token, "id")

    def _verify(self, token: str, token_use: TokenUse) -> dict[str, Any]:
        try:
            # Header and claims in one parse; only the signature check below reads it again.
            parsed = jwt.decode_complete(token, options={"verify_signature": False})
        except (jwt.PyJWTError, ValueError) as error:
            raise InvalidTokenError("Malformed token") from error
        header: dict[str, Any] = parsed["header"]
        unverified: dict[str, Any] = parsed["payload"]
        if header.get("alg") != ALGORITHM:
            raise InvalidTokenError("Unsupported token algorithm")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise InvalidTokenError("Token has no key id")
        # Foreign tokens are refused before the JWKS is consulted: they cannot cause refetches.
        if unverified.get("iss") != self.issuer:
            raise InvalidTokenError("Token was issued by another user pool")
        key = self._signing_key(kid)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                issuer=self.issuer,
                options={
                    "require": ["iss", "sub", "token_use", "exp", "iat"],
                    # The audience is checked below, against the accepted clients.
                    "verify_aud": False,
                    # Times are checked below, against the injectable clock.
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except (jwt.PyJWTError, ValueError) as error:
            raise InvalidTokenError(f"Invalid token: {error}") from error
        self._check_claims(claims, token_use)
        return claims

    def _check_claims(self, claims: dict[str, Any], token_use: TokenUse) -> None:
        if claims.get("token_use") != token_use:
            raise InvalidTokenError(f"Not an {token_use} token")
        client = claims.get("client_id" if token_use == "access" else "aud")
        if not isinstance(client, str) or client not in self.client_ids:
            raise InvalidTokenError("Token was issued to another app client")
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub:
            raise InvalidTokenError("Token has no subject")
        if token_use == "access" and not (
            isinstance(claims.get("username"), str) or is_machine_token(claims)
        ):
            raise InvalidTokenError("Token has no username")
        times: list[Any] = [claims.get("exp"), claims.get("iat"), claims.get("nbf", 0)]
        if not all(_is_finite_number(value) for value in times):
            raise InvalidTokenError("Token times are not numbers")
        exp, iat, nbf = times
        now = self._clock()
        if now > exp + self._leeway:
            raise InvalidTokenError("Token has expired")
        if iat > now + self._leeway or nbf > now + self._leeway:
            raise InvalidTokenError("Token is not valid yet")

    def _claims_valid_until(self, _key: bytes, claims: dict[str, Any], _now: float) -> float:
        """Until when the claims cache keeps verified claims: as long as verification would
        still accept them (their `exp`, plus the leeway)."""
        valid_until: float = claims["exp"] + self._leeway
        return valid_until

    # ---- JWKS -----------------------------------------------------------------------------------

    def _signing_key(self, kid: str) -> jwt.PyJWK:
        key = self._keys.get(kid)
        if key is not None:
            return key
        fetches_seen = self._fetches_completed
        with self._fetch_lock:
            key = self._keys.get(kid)
            if key is not None:
                return key
            if self._fetches_completed != fetches_seen:
                # Another thread refetched while this one waited: share its outcome.
                self._raise_last_fetch_failure()
            elif self._clock() < self._penalty_until:
                # A recent fetch failed, or found no such kid: its outcome holds for the window.
                self._raise_last_fetch_failure()
                raise InvalidTokenError("Unknown signing key")
            else:
                self._fetch_locked()
            key = self._keys.get(kid)
            if key is None:
                self._penalty_until = self._clock() + self._penalty_seconds
                raise InvalidTokenError("Unknown signing key")
            return key

    def probe_jwks(self, max_age_seconds: float = 0.0) -> None:
        """Readiness: refetch the JWKS unless fetched successfully within `max_age_seconds`;
        after a failed fetch, not before its penalty window ends (readiness is unauthenticated:
        probing must not let anyone hammer a failing JWKS endpoint).

        Raises JWKSUnavailableError."""
        last_success = self._last_success_at
        fresh = last_success is not None and self._clock() - last_success < max_age_seconds
        if fresh and self._last_fetch_error is None:
            return
        if self._clock() < self._penalty_until:
            self._raise_last_fetch_failure()
        fetches_seen = self._fetches_completed
        with self._fetch_lock:
            if self._fetches_completed == fetches_seen:
                self._fetch_locked()
            else:
                self._raise_last_fetch_failure()

    def _raise_last_fetch_failure(self) -> None:
        """JWKSUnavailableError if the latest fetch failed: its outcome is shared, not redone."""
        if self._last_fetch_error is not None:
            raise JWKSUnavailableError(str(self._last_fetch_error))

    def _fetch_locked(self) -> None:
        """Fetch and replace the key set (caller holds the fetch lock); a failure starts the
        penalty window."""
        try:
            self._keys = self._download_keys()
        except JWKSUnavailableError as error:
            self._last_fetch_error = error
            self._penalty_until = self._clock() + self._penalty_seconds
            raise
        else:
            self._last_fetch_error = None
            self._last_success_at = self._clock()
        finally:
            self._fetches_completed += 1

    def _download_keys(self) -> dict[str, jwt.PyJWK]:
        try:
            response = self._http.get(self.jwks_url)
        except httpx.HTTPError as error:
            raise JWKSUnavailableError(f"JWKS unreachable: {type(error).__name__}") from error
        if response.status_code != httpx.codes.OK:
            raise JWKSUnavailableError(f"JWKS answered HTTP {response.status_code}")
        try:
            document = response.json()
        except ValueError as error:
            raise JWKSUnavailableError("JWKS is not JSON") from error
        if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
            raise JWKSUnavailableError("JWKS has no key list")
        return {
            jwk["kid"]: key for jwk in document["keys"] if (key := _signing_jwk(jwk)) is not None
        }


def is_machine_token(claims: dict[str, Any]) -> bool:
    """A client-credentials access token: issued to an app client for itself, with no user
    (`sub` is the client id and there is no `username`)."""
    return "username" not in claims and claims.get("sub") == claims.get("client_id")


def _require_well_formed(token: Any) -> None:
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        raise InvalidTokenError("Malformed token")


def _cache_key(token: str) -> bytes:
    return hashlib.sha256(token.encode(errors="surrogatepass")).digest()


def _signing_jwk(jwk: Any) -> jwt.PyJWK | None:
    """An RS256 signature key from a JWKS entry, or None for anything else."""
    if not isinstance(jwk, dict) or not isinstance(jwk.get("kid"), str):
        return None
    if jwk.get("kty") != "RSA" or jwk.get("use", "sig") != "sig":
        return None
    if jwk.get("alg", ALGORITHM) != ALGORITHM:
        return None
    try:
        return jwt.PyJWK(jwk, algorithm=ALGORITHM)
    except (jwt.PyJWTError, ValueError, TypeError):
        return None


def _is_finite_number(value: Any) -> bool:
    """A JSON number a time can be: not a boolean, not Infinity or NaN (Python's json reads
    both, and no comparison with NaN is ever true), not an integer beyond any float."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False
