"""Tokens shaped like Cognito's, signed with the pool's own keys, on the emulator clock.

A sign-in starts a *token family*: one refresh token plus every access and ID token issued from
it, all carrying the family's `origin_jti` and `auth_time`. Revocation works per family
(RevokeToken) or per user (GlobalSignOut), and an access token is honoured only while its family
is known and not revoked. Access tokens themselves are never stored: they are verified by
signature and expiry, so memory grows with sign-ins, not with tokens.

A sign-in through the API grants the scope `aws.cognito.signin.user.admin` and an ID token with
every attribute the client may read. A sign-in through the pool's OAuth side (`OAuthSignIn`)
grants the scopes of its authorize request: the access token's `scope` lists them, an ID token
comes only with `openid` (with `nonce` and `at_hash`) and holds the attributes those scopes
allow. Client-credentials tokens (`client_token`) belong to no family: they name an app client,
not a user, and there is no refresh token to revoke them by. What a pool's pre token generation
function changes (`TokenCustomization`) is applied where each token's claims are built, for
sign-ins, refreshes and machines alike.

An app client with refresh token rotation gets a new refresh token of the same family with each
refresh; the family's expiry stays that of the sign-in (rotation does not extend a session). The
token it replaces is still accepted for the client's RetryGracePeriodSeconds, then refused with
RefreshTokenReuseException; revoking any of a family's refresh tokens revokes the family.

The families are kept in the `token_ledger`.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import jwt

from cognito_emulator.clock import Clock
from cognito_emulator.exceptions import NotAuthorizedException, RefreshTokenReuseException
from cognito_emulator.keys import KeyStore, TokenUse
from cognito_emulator.token_ledger import TokenFamily, TokenLedger

if TYPE_CHECKING:
    from cognito_emulator.triggers.token_generation import TokenCustomization

# Cognito's wording is not documented; this one names what happened to the token.
ROTATED_REFRESH_TOKEN = "Refresh Token has been rotated"
ACCESS_SCOPE = "aws.cognito.signin.user.admin"
MISSING_SCOPE = "Access Token does not have required scopes"

# The attributes the OIDC scopes release (userinfo-endpoint.md, "Example scopes in access token
# and their effect on the userInfo response"); `profile` also releases custom attributes.
PROFILE_ATTRIBUTES = frozenset(
    {
        "name",
        "family_name",
        "given_name",
        "middle_name",
        "nickname",
        "preferred_username",
        "profile",
        "picture",
        "website",
        "gender",
        "birthdate",
        "zoneinfo",
        "locale",
        "updated_at",
    }
)
SCOPE_ATTRIBUTES: dict[str, frozenset[str]] = {
    "profile": PROFILE_ATTRIBUTES,
    "email": frozenset({"email", "email_verified"}),
    "phone": frozenset({"phone_number", "phone_number_verified"}),
}

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


@dataclass(frozen=True, slots=True)
class OAuthSignIn:
    """What a sign-in through the pool's OAuth side granted (from its authorization grant)."""

    scopes: tuple[str, ...]
    auth_time: int
    nonce: str | None = None
    # The implicit grant hands out no refresh token (authorization-endpoint.md, response_type).
    with_refresh_token: bool = True


def attributes_for_scopes(
    attributes: Mapping[str, str | bool], scopes: tuple[str, ...]
) -> dict[str, str | bool]:
    """The attributes an OAuth sign-in's ID token and userInfo answer hold.

    `openid` alone releases every attribute the client may read; `profile`, `email` and `phone`
    limit them to what those scopes name (cognito-user-pools-define-resource-servers.md, "About
    scopes": "scope=openid+email returns an ID token with sub, email, and email_verified").
    """
    limiting = [scope for scope in scopes if scope in SCOPE_ATTRIBUTES]
    if not limiting:
        return dict(attributes)
    released = frozenset().union(*(SCOPE_ATTRIBUTES[scope] for scope in limiting))
    with_custom = "profile" in limiting
    return {
        name: value
        for name, value in attributes.items()
        if name in released or (with_custom and name.startswith("custom:"))
    }


def access_token_scopes(access_token: str) -> tuple[str, ...]:
    """The scopes in the `scope` claim of an access token already verified (a pre token
    generation function may have changed them from the family's)."""
    claims = jwt.decode(access_token, options={"verify_signature": False})
    return tuple(str(claims.get("scope", "")).split())


def at_hash(access_token: str) -> str:
    """OIDC Core §3.1.3.6: base64url of the left half of SHA-256 of the access token."""
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode("ascii")


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
        self,
        pool_id: str,
        client_id: str,
        principal: Principal,
        lifetimes: TokenLifetimes,
        oauth: OAuthSignIn | None = None,
        customization: TokenCustomization | None = None,
    ) -> dict[str, Any]:
        """A new family: AuthenticationResult with access, ID and refresh tokens (an OAuth
        sign-in: the ID token only with `openid`, no refresh token for the implicit grant),
        changed as the pool's pre token generation function said (`customization`)."""
        now = self.clock.now()
        with_refresh_token = oauth is None or oauth.with_refresh_token
        refresh_lifetime = lifetimes.refresh if with_refresh_token else 0
        family = TokenFamily(
            origin_jti=str(uuid.uuid4()),
            pool_id=pool_id,
            client_id=client_id,
            username=principal.username,
            auth_time=int(now) if oauth is None else oauth.auth_time,
            refresh_token=secrets.token_urlsafe(96) if with_refresh_token else None,
            refresh_expires_at=now + refresh_lifetime,
            keep_until=now + max(refresh_lifetime, lifetimes.access),
            scopes=None if oauth is None else oauth.scopes,
        )
        self.ledger.add(family, now)
        nonce = None if oauth is None else oauth.nonce
        result = self._issue(family, principal, lifetimes, now, nonce, customization)
        if family.refresh_token is not None:
            result["RefreshToken"] = family.refresh_token
        return result

    def refresh(
        self,
        family: TokenFamily,
        principal: Principal,
        lifetimes: TokenLifetimes,
        customization: TokenCustomization | None = None,
        *,
        rotation_grace_seconds: int | None = None,
    ) -> dict[str, Any]:
        """New access and ID tokens in the same family (same auth_time, origin_jti and scopes),
        changed by the pre token generation function's answer to this refresh.

        A refreshed ID token carries no `nonce` (OIDC Core §12.2). With rotation
        (`rotation_grace_seconds` given) the answer also holds a new refresh token, which
        expires when the family does: "the overall refresh token lifetime remains fixed at your
        configured value [...] measured from when the user initially authenticates"
        (repost.aws, "Rotated Refresh Token Validity"). The token it replaces is accepted for
        `rotation_grace_seconds` more."""
        now = self.clock.now()
        self.ledger.keep_until(family, now + lifetimes.access)
        result = self._issue(family, principal, lifetimes, now, None, customization)
        if rotation_grace_seconds is not None:
            rotated = secrets.token_urlsafe(96)
            self.ledger.rotate_refresh_token(family, rotated, now + rotation_grace_seconds)
            result["RefreshToken"] = rotated
        return result

    def client_token(
        self,
        pool_id: str,
        client_id: str,
        scopes: tuple[str, ...],
        lifetimes: TokenLifetimes,
        customization: TokenCustomization | None = None,
    ) -> str:
        """A client-credentials access token: it names the app client (`sub` = client_id), not
        a user, so it has no username, no family and no ID or refresh token (token-endpoint.md:
        "Client credentials grants are for machine-to-machine (M2M) authorization and only
        return access tokens"); changed by a version 3 pre token generation answer."""
        iat = int(self.clock.now())
        claims = {
            "sub": client_id,
            "token_use": "access",
            "scope": " ".join(scopes),
            "auth_time": iat,
            "iss": self.issuer(pool_id),
            "exp": iat + lifetimes.access,
            "iat": iat,
            "version": 2,
            "jti": str(uuid.uuid4()),
            "client_id": client_id,
        }
        return self._sign_access_token(pool_id, claims, customization)

    def find_refresh_family(self, refresh_token: str, client_id: str) -> TokenFamily:
        """The family of a refresh token presented by `client_id`, whatever its state."""
        family = self.ledger.by_refresh_token(refresh_token)
        if family is None or family.client_id != client_id:
            raise NotAuthorizedException("Invalid Refresh Token")
        return family

    def ensure_refreshable(self, family: TokenFamily, refresh_token: str) -> None:
        """Refuse a refresh with `refresh_token` of `family`: revoked, expired, or replaced by
        rotation and past its grace period (RetryGracePeriodSeconds 0: "a successful request
        immediately invalidates the submitted refresh token", API_RefreshTokenRotationType)."""
        if family.revoked:
            raise NotAuthorizedException("Refresh Token has been revoked")
        now = self.clock.now()
        if family.refresh_expires_at <= now:
            raise NotAuthorizedException("Refresh Token has expired")
        accepted_until = family.retired_refresh_tokens.get(refresh_token)
        if accepted_until is not None and accepted_until <= now:
            raise RefreshTokenReuseException(ROTATED_REFRESH_TOKEN)

    def verify_access_token(self, token: str, required_scope: str = ACCESS_SCOPE) -> TokenFamily:
        """The family of a valid access token whose `scope` holds `required_scope`;
        NotAuthorized with Cognito's message otherwise.

        The API's access-token operations need `aws.cognito.signin.user.admin`
        (cognito-user-pools-define-resource-servers.md, "The user pools reserved API scope"),
        userInfo needs `openid`. A client-credentials token never has either, and no family."""
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
                # PyJWT would judge the times by the wall clock; exp is judged below by the
                # emulator's (which a test may have moved hours away).
                options={"verify_exp": False, "verify_iat": False, "verify_nbf": False},
            )
        except jwt.PyJWTError:
            raise NotAuthorizedException("Invalid Access Token") from None
        if claims.get("token_use") != "access":
            raise NotAuthorizedException("Invalid Access Token")
        # A token without a numeric exp has no time it is valid until.
        expires_at = claims.get("exp")
        if not isinstance(expires_at, int | float) or expires_at <= self.clock.now():
            raise NotAuthorizedException("Access Token has expired")
        if required_scope not in str(claims.get("scope", "")).split(" "):
            raise NotAuthorizedException(MISSING_SCOPE)
        family = self.ledger.by_origin_jti(str(claims.get("origin_jti")))
        if family is None or family.revoked or family.pool_id != pool_id:
            raise NotAuthorizedException("Access Token has been revoked")
        return family

    def revoke(self, family: TokenFamily) -> None:
        self.ledger.revoke(family)

    def revoke_user(self, pool_id: str, username: str) -> None:
        for family in self.ledger.of_user(pool_id, username):
            self.ledger.revoke(family)

    def _issue(
        self,
        family: TokenFamily,
        principal: Principal,
        lifetimes: TokenLifetimes,
        now: float,
        nonce: str | None,
        customization: TokenCustomization | None,
    ) -> dict[str, Any]:
        iat = int(now)
        event_id = str(uuid.uuid4())
        common: dict[str, Any] = {"sub": principal.sub}
        if principal.groups:
            common["cognito:groups"] = list(principal.groups)
        common["iss"] = self.issuer(family.pool_id)

        scopes = family.scopes
        access_claims = {
            **common,
            "version": 2,
            "client_id": family.client_id,
            "origin_jti": family.origin_jti,
            "event_id": event_id,
            "token_use": "access",
            "scope": ACCESS_SCOPE if scopes is None else " ".join(scopes),
            "auth_time": family.auth_time,
            "exp": iat + lifetimes.access,
            "iat": iat,
            "jti": str(uuid.uuid4()),
            "username": principal.username,
        }
        access_token = self._sign_access_token(family.pool_id, access_claims, customization)
        result: dict[str, Any] = {
            "AccessToken": access_token,
            "ExpiresIn": lifetimes.access,
            "TokenType": "Bearer",
        }
        if scopes is not None and "openid" not in scopes:
            return result

        id_claims: dict[str, Any] = {} if scopes is None else {"at_hash": at_hash(access_token)}
        id_claims.update(common)
        attributes = (
            principal.attributes
            if scopes is None
            else attributes_for_scopes(principal.attributes, scopes)
        )
        for name, value in attributes.items():
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
        if nonce is not None:
            id_claims["nonce"] = nonce
        if customization is not None:
            customization.customize_id_token(id_claims)
        result["IdToken"] = self._sign(family.pool_id, "id", id_claims)
        return result

    def _sign_access_token(
        self, pool_id: str, claims: dict[str, Any], customization: TokenCustomization | None
    ) -> str:
        """Every access token (a user's or a machine's) is changed here, then signed."""
        if customization is not None:
            customization.customize_access_token(claims)
        return self._sign(pool_id, "access", claims)

    def _sign(self, pool_id: str, token_use: TokenUse, claims: dict[str, Any]) -> str:
        key = self.keys.signer(pool_id, token_use)
        # Cognito's header is exactly {"kid", "alg"}: no "typ".
        return jwt.encode(
            claims, key.private_key, algorithm="RS256", headers={"kid": key.kid, "typ": None}
        )
