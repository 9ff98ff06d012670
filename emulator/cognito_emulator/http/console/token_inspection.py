"""What the console's token inspector says about a pasted token.

It reads the header and claims without trusting them, finds the pool by `iss` (Cognito's
issuer is `https://cognito-idp.{region}.amazonaws.com/{pool_id}`), checks the RS256 signature
with PyJWT against the key of that kid among the keys the pool publishes at its JWKS, and puts
`exp`, `iat` and `auth_time` on the emulator clock. Verification stops at the signature on
purpose: a token past its expiry, or for another client, is still worth reading, and the page
says how long ago it expired. Nothing here logs the token.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jwt

from cognito_emulator.http.console.time_text import duration_text, utc_text

ISSUER = re.compile(
    r"^https://cognito-idp\.(?P<region>[a-z0-9-]+)\.amazonaws\.com/(?P<pool>[^/]+)$"
)
# ClientIdType's pattern (botocore's cognito-idp model).
CLIENT_ID = re.compile(r"^[\w+]+$")
TIME_CLAIMS = ("exp", "iat", "auth_time")


@dataclass(frozen=True)
class Inspection:
    """The findings; `unreadable` says why there is nothing else when the token is no JWT."""

    unreadable: str | None = None
    header: dict[str, Any] = field(default_factory=dict)
    claims: dict[str, Any] = field(default_factory=dict)
    pool_id: str | None = None
    verified: bool = False
    signature: str = ""
    times: list[tuple[str, str]] = field(default_factory=list)  # (claim, UTC date)
    expired: bool | None = None
    expiry: str = ""

    @property
    def header_json(self) -> str:
        return json.dumps(self.header, indent=2)

    @property
    def claims_json(self) -> str:
        return json.dumps(self.claims, indent=2, ensure_ascii=False)

    @property
    def token_use(self) -> object:
        return self.claims.get("token_use")

    @property
    def client_id(self) -> str | None:
        """The app client (an access token's `client_id`, an ID token's `aud`), if it has the
        shape of a client id."""
        client_id = self.claims.get("client_id", self.claims.get("aud"))
        return client_id if isinstance(client_id, str) and CLIENT_ID.match(client_id) else None

    @property
    def username(self) -> str | None:
        username = self.claims.get("cognito:username", self.claims.get("username"))
        return username if isinstance(username, str) and username else None


def inspect_token(
    pasted: str,
    *,
    region: str,
    pool_ids: list[str],
    jwks_of: Callable[[str], Mapping[str, Any]],
    now: float,
) -> Inspection:
    """Findings about `pasted` (a raw token; a leading "Bearer " is ignored)."""
    token = pasted.strip().removeprefix("Bearer ").strip()
    unreadable = _why_unreadable(token)
    if unreadable:
        return Inspection(unreadable=unreadable)
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError as error:
        return Inspection(unreadable=f"The token's parts are not readable JSON: {error}.")
    pool_id, verified, signature = _signature(token, header, claims, region, pool_ids, jwks_of)
    expired, expiry = _expiry(claims.get("exp"), now)
    return Inspection(
        header=header,
        claims=claims,
        pool_id=pool_id,
        verified=verified,
        signature=signature,
        times=[(name, utc_text(claims[name])) for name in TIME_CLAIMS if name in claims],
        expired=expired,
        expiry=expiry,
    )


def _why_unreadable(token: str) -> str | None:
    if not token:
        return "Paste a token: an access or ID token from a sign-in."
    parts = token.split(".")
    if len(parts) == 3:
        return None
    if len(parts) == 5:
        return "This is an encrypted JWT (JWE): only its issuer can read it."
    return (
        f"This is not a JWT: a JWT is three base64url parts joined by dots, this has "
        f"{len(parts)} part{'s' if len(parts) != 1 else ''}. (A refresh token is opaque: there "
        "is nothing in it to read.)"
    )


def _signature(
    token: str,
    header: Mapping[str, Any],
    claims: Mapping[str, Any],
    region: str,
    pool_ids: list[str],
    jwks_of: Callable[[str], Mapping[str, Any]],
) -> tuple[str | None, bool, str]:
    """(pool id, whether the signature verifies, what the page says about it)."""
    issuer = claims.get("iss")
    match = ISSUER.match(issuer) if isinstance(issuer, str) else None
    if match is None:
        return None, False, f"Not checked: iss {issuer!r} is not a Cognito user pool's issuer."
    pool_id = match["pool"]
    if match["region"] != region or pool_id not in pool_ids:
        return (
            None,
            False,
            f"Not checked: this emulator has no pool {pool_id} in {match['region']} (it serves "
            f"{region}; the pool may have been deleted, or the emulator reset).",
        )
    if header.get("alg") != "RS256":
        return pool_id, False, f"Not verified: alg is {header.get('alg')!r}; Cognito signs RS256."
    keys = jwks_of(pool_id).get("keys", [])
    key = next((key for key in keys if key.get("kid") == header.get("kid")), None)
    if key is None:
        return (
            pool_id,
            False,
            f"Not verified: kid {header.get('kid')!r} is none of the {len(keys)} keys the pool "
            "publishes (signed elsewhere, or with a key rotated out).",
        )
    try:
        # The signature only: the page reports the claims (expiry included) itself.
        jwt.decode(
            token,
            jwt.PyJWK(dict(key)).key,
            algorithms=["RS256"],
            options={
                "verify_signature": True,
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
                "verify_aud": False,
                "verify_iss": False,
            },
        )
    except jwt.InvalidSignatureError:
        return (
            pool_id,
            False,
            f"Signature INVALID: it does not match the pool's key {key['kid']}; the token was "
            "changed after it was signed, or signed by someone else.",
        )
    except jwt.InvalidTokenError as error:
        return pool_id, False, f"Not verified: {error}."
    return pool_id, True, f"Signature verified with the pool's published key {key['kid']}."


def _expiry(exp: object, now: float) -> tuple[bool | None, str]:
    """(expired?, how the page says it) for `exp` on the emulator clock `now`."""
    if isinstance(exp, bool) or not isinstance(exp, int | float):
        return None, "No expiry: the token has no numeric exp claim."
    left = exp - now
    if left <= 0:
        return True, f"Expired {duration_text(left)} ago on the emulator clock."
    return False, f"Valid for {duration_text(left)} more on the emulator clock."
