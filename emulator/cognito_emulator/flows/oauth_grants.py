"""The pool's token endpoint grants, userInfo and revocation, with Cognito's rules.

- `/oauth2/token` (token-endpoint.md): `authorization_code` (a code is spent on first use, bound
  to its client, redirect URI and PKCE challenge), `refresh_token` (the family keeps its scopes;
  a client with refresh token rotation gets a new refresh token too, and needs no
  ALLOW_REFRESH_TOKEN_AUTH, which rotation excludes: "The token endpoint [...] has a
  refresh_token grant type that issues new ID, access, and optionally (with refresh token
  rotation) refresh tokens", amazon-cognito-user-pools-using-the-refresh-token.md) and
  `client_credentials` (an app client with a secret; resource-server scopes only; an access
  token only). Clients authenticate with HTTP Basic or `client_secret_post`, never both. The
  pool's pre token generation function shapes the tokens: TokenGeneration_HostedAuth for the
  code and implicit grants, _RefreshTokens for a refresh, _ClientCredentials (version 3 only,
  with the request's `aws_client_metadata`) for a machine.
- `/oauth2/userInfo` (userinfo-endpoint.md): the attributes an access token with `openid` may
  see (by the scopes the token holds, as a trigger left them), `email_verified` and
  `phone_number_verified` as the strings "true"/"false".
- `/oauth2/revoke` (revocation-endpoint.md): a refresh token's family, and with it every access
  token issued from it.

Every refusal is an `OAuthError` carrying the OAuth error code and the HTTP status Cognito
answers with; `http/oauth_endpoints.py` only turns it into JSON.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from cognito_emulator import policy
from cognito_emulator.exceptions import (
    InvalidLambdaResponseException,
    InvalidParameterException,
    NotAuthorizedException,
    RefreshTokenReuseException,
    UnexpectedLambdaException,
    UserLambdaValidationException,
)
from cognito_emulator.flows.refresh import rotation_grace_seconds
from cognito_emulator.flows.token_subjects import lifetimes_of, principal_of
from cognito_emulator.moto_adapter import AppClient, MotoAdapter, Pool, User
from cognito_emulator.oauth import (
    AuthorizationCodes,
    AuthorizationGrant,
    OAuthError,
    verifier_matches,
)
from cognito_emulator.tokens import (
    ACCESS_SCOPE,
    MISSING_SCOPE,
    OAuthSignIn,
    TokenIssuer,
    access_token_scopes,
    attributes_for_scopes,
)
from cognito_emulator.triggers.invocation import PoolTriggers
from cognito_emulator.triggers.token_generation import (
    TokenCustomization,
    UserTokenSource,
    client_token_customization,
    user_token_customization,
)
from cognito_emulator.usernames import UserDirectory

TokenResponse = dict[str, str | int]
_Refusal = Callable[[str], OAuthError]

GRANT_TYPES = ("authorization_code", "refresh_token", "client_credentials")
# userinfo-endpoint.md, "Example - bad token".
INVALID_TOKEN = (
    "Access token is expired, disabled, or deleted, or the user has globally signed out."
)
NO_OPENID_SCOPE = "Access token does not contain openid scope"
VERIFIED_FLAGS = frozenset({"email_verified", "phone_number_verified"})
# revocation-endpoint.md: invalid client credentials answer 401; the token endpoint's error map
# (token-endpoint.md, "Examples of negative responses") answers every error with 400.
REVOKE_INVALID_CLIENT_STATUS = 401
TRIGGER_FAILURES = (
    UserLambdaValidationException,
    InvalidLambdaResponseException,
    UnexpectedLambdaException,
)


@dataclass(frozen=True, slots=True)
class OAuthGrantFlows:
    moto: MotoAdapter
    users: UserDirectory
    tokens: TokenIssuer
    authorization_codes: AuthorizationCodes
    triggers: PoolTriggers

    # -- /oauth2/token ----------------------------------------------------------------------------

    def token(
        self, domain: str, params: Mapping[str, str], authorization: str | None
    ) -> TokenResponse:
        """The token endpoint's answer to one request of the pool with `domain`."""
        pool = self._pool_of(domain)
        client = self._authenticated_client(pool, params, authorization, invalid_client_status=400)
        grant_type = params.get("grant_type")
        if not grant_type:
            raise OAuthError("invalid_request", "grant_type is required.")
        if grant_type == "authorization_code":
            return self._redeem_code(pool, client, params)
        if grant_type == "refresh_token":
            return self._refresh(pool, client, params)
        if grant_type == "client_credentials":
            return self._client_credentials(pool, client, params)
        raise OAuthError(
            "unsupported_grant_type", f"grant_type must be one of {', '.join(GRANT_TYPES)}."
        )

    def implicit_tokens(self, grant: AuthorizationGrant) -> TokenResponse:
        """The implicit grant's tokens (response_type=token): access token, an ID token with
        `openid`, no refresh token (authorization-endpoint.md)."""
        pool = self.moto.find_pool(grant.pool_id)
        client = pool.client(grant.client_id) if pool is not None else None
        if pool is None or client is None:
            raise OAuthError("unauthorized_client", "The app client no longer exists.")
        return self._signed_in(pool, client, grant, with_refresh_token=False)

    def _redeem_code(
        self, pool: Pool, client: AppClient, params: Mapping[str, str]
    ) -> TokenResponse:
        code = params.get("code")
        redirect_uri = params.get("redirect_uri")
        if not code:
            raise OAuthError(
                "invalid_request", "code is required for grant_type=authorization_code."
            )
        if not redirect_uri:
            raise OAuthError(
                "invalid_request", "redirect_uri is required for grant_type=authorization_code."
            )
        _check_oauth_flow(client, "code")
        grant = self.authorization_codes.take(code)
        if grant is None or grant.pool_id != pool.id or grant.client_id != client.id:
            raise OAuthError(
                "invalid_grant", "The authorization code has been used, expired or does not exist."
            )
        if redirect_uri != grant.redirect_uri:
            # token-endpoint.md: "A token request with a redirect_uri that does not match the
            # value from the authorization request, returns unauthorized_client with an
            # error_description of invalid_redirect."
            raise OAuthError("unauthorized_client", "invalid_redirect")
        if grant.code_challenge is not None:
            verifier = params.get("code_verifier")
            if not verifier:
                raise OAuthError(
                    "invalid_grant", "code_verifier is required: the code was issued with PKCE."
                )
            if not verifier_matches(grant.code_challenge, verifier):
                raise OAuthError(
                    "invalid_grant", "code_verifier does not match the code_challenge."
                )
        return self._signed_in(pool, client, grant, with_refresh_token=True)

    def _refresh(self, pool: Pool, client: AppClient, params: Mapping[str, str]) -> TokenResponse:
        refresh_token = params.get("refresh_token")
        if not refresh_token:
            raise OAuthError(
                "invalid_request", "refresh_token is required for grant_type=refresh_token."
            )
        rotation = rotation_grace_seconds(client)
        if rotation is None:
            try:
                policy.check_auth_flow(client, "REFRESH_TOKEN_AUTH", policy.USER_AUTH_FLOWS)
            except InvalidParameterException:
                raise OAuthError(
                    "unauthorized_client", "The app client does not allow refreshing tokens."
                ) from None
        family = self.tokens.ledger.by_refresh_token(refresh_token)
        if family is None or family.client_id != client.id or family.pool_id != pool.id:
            raise OAuthError("invalid_grant", "Invalid refresh token.")
        try:
            self.tokens.ensure_refreshable(family, refresh_token)
        except (NotAuthorizedException, RefreshTokenReuseException) as error:
            raise OAuthError("invalid_grant", error.message) from None
        user = self._enabled_user(pool, family.username)
        customization = self._user_token_customization(
            pool, client, user, "TokenGeneration_RefreshTokens", family.scopes
        )
        result = self.tokens.refresh(
            family,
            principal_of(client, user),
            lifetimes_of(client),
            customization,
            rotation_grace_seconds=rotation,
        )
        return _token_response(result)

    def _client_credentials(
        self, pool: Pool, client: AppClient, params: Mapping[str, str]
    ) -> TokenResponse:
        """token-endpoint.md: a client credentials grant needs a client secret and the flow
        allowed; requested scopes the client may not have are ignored, and no `scope` means
        every scope it may have. Only resource-server scopes are granted
        (cognito-user-pools-define-resource-servers.md: M2M tokens authorize "only custom
        scopes from resource servers"); none left is invalid_scope."""
        if client.secret is None:
            raise OAuthError(
                "unauthorized_client", "The client credentials grant needs an app client secret."
            )
        _check_oauth_flow(client, "client_credentials")
        defined = pool.resource_server_scopes()
        allowed = [
            scope for scope in client.settings.get("AllowedOAuthScopes") or () if scope in defined
        ]
        requested = _scopes(params.get("scope", ""))
        granted = tuple(scope for scope in requested if scope in allowed) if requested else allowed
        if not granted:
            raise OAuthError(
                "invalid_scope",
                "None of the requested scopes is a resource-server scope of this app client.",
            )
        metadata = _client_metadata(params.get("aws_client_metadata"))
        with _trigger_failures_as_oauth_errors():
            customization = client_token_customization(
                self.triggers,
                pool,
                client_id=client.id,
                scopes=tuple(granted),
                client_metadata=metadata,
            )
        lifetimes = lifetimes_of(client)
        access_token = self.tokens.client_token(
            pool.id, client.id, tuple(granted), lifetimes, customization
        )
        return {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": lifetimes.access,
        }

    def _signed_in(
        self, pool: Pool, client: AppClient, grant: AuthorizationGrant, *, with_refresh_token: bool
    ) -> TokenResponse:
        user = self._enabled_user(pool, grant.username)
        customization = self._user_token_customization(
            pool, client, user, "TokenGeneration_HostedAuth", grant.scopes
        )
        result = self.tokens.sign_in(
            pool.id,
            client.id,
            principal_of(client, user),
            lifetimes_of(client),
            OAuthSignIn(
                scopes=grant.scopes,
                auth_time=grant.auth_time,
                nonce=grant.nonce,
                with_refresh_token=with_refresh_token,
            ),
            customization,
        )
        return _token_response(result)

    def _user_token_customization(
        self,
        pool: Pool,
        client: AppClient,
        user: User,
        source: UserTokenSource,
        scopes: tuple[str, ...] | None,
    ) -> TokenCustomization | None:
        """The pre token generation function's changes to tokens for `user`'s OAuth sign-in
        (`scopes` None: a family started through the API, whose scope is the API's)."""
        with _trigger_failures_as_oauth_errors():
            return user_token_customization(
                self.triggers,
                pool,
                source,
                user=user,
                client_id=client.id,
                scopes=scopes if scopes is not None else (ACCESS_SCOPE,),
            )

    def _enabled_user(self, pool: Pool, username: str) -> User:
        """The user a grant names, who must still exist and be enabled."""
        user = self.users.find(pool, username)
        if user is None:
            raise OAuthError("invalid_grant", "User does not exist.")
        if not user.enabled:
            raise OAuthError("invalid_grant", "User is disabled.")
        return user

    # -- /oauth2/userInfo -------------------------------------------------------------------------

    def user_info(self, domain: str, access_token: str) -> dict[str, str]:
        """The claims userInfo answers for a valid access token with `openid`: `sub`, the
        attributes its scopes release (as strings) and `username` (userinfo-endpoint.md,
        "Example - positive response")."""
        pool = self._pool_of(domain)
        try:
            family = self.tokens.verify_access_token(access_token, required_scope="openid")
        except NotAuthorizedException as error:
            description = NO_OPENID_SCOPE if error.message == MISSING_SCOPE else INVALID_TOKEN
            raise OAuthError("invalid_token", description, 401) from None
        client = pool.client(family.client_id)
        user = pool.user(family.username) if family.pool_id == pool.id else None
        if client is None or user is None or not user.enabled:
            raise OAuthError("invalid_token", INVALID_TOKEN, 401)
        readable = policy.readable_attributes(client, user.attribute_values())
        released = attributes_for_scopes(readable, access_token_scopes(access_token))
        claims = {"sub": user.sub}
        for name, value in released.items():
            if name in VERIFIED_FLAGS:
                claims[name] = "true" if policy.is_true(str(value)) else "false"
            elif name != "sub":
                claims[name] = str(value)
        claims["username"] = user.username
        return claims

    # -- /oauth2/revoke ---------------------------------------------------------------------------

    def revoke(self, domain: str, params: Mapping[str, str], authorization: str | None) -> None:
        """Revoke the family of a refresh token the authenticated client holds.

        revocation-endpoint.md: no token, or revocation disabled for the client, is
        invalid_request; a token that is not a refresh token (a JWT) is unsupported_token_type;
        a token already revoked or not valid (unknown, another client's) succeeds and changes
        nothing."""
        pool = self._pool_of(domain)
        client = self._authenticated_client(
            pool, params, authorization, invalid_client_status=REVOKE_INVALID_CLIENT_STATUS
        )
        token = params.get("token")
        if not token:
            raise OAuthError("invalid_request", "token is required.")
        if not policy.token_revocation_enabled(client):
            raise OAuthError("invalid_request", "Token revocation is not enabled for this client.")
        family = self.tokens.ledger.by_refresh_token(token)
        if family is None:
            if token.count(".") == 2:
                raise OAuthError("unsupported_token_type", "Only refresh tokens can be revoked.")
            return
        if family.client_id == client.id:
            self.tokens.revoke(family)

    # -- shared -----------------------------------------------------------------------------------

    def _pool_of(self, domain: str) -> Pool:
        pool = self.moto.pool_of_domain(domain)
        if pool is None:
            raise OAuthError("invalid_request", "No user pool has this domain.", 404)
        return pool

    def _authenticated_client(
        self,
        pool: Pool,
        params: Mapping[str, str],
        authorization: str | None,
        *,
        invalid_client_status: int,
    ) -> AppClient:
        """The app client a request authenticates as: HTTP Basic (client_secret_basic) or
        client_id and client_secret in the body (client_secret_post), not both; a client
        without a secret names itself with client_id (token-endpoint.md, "Authorization")."""

        def refuse(description: str) -> OAuthError:
            return OAuthError("invalid_client", description, invalid_client_status)

        basic = _basic_credentials(authorization, refuse)
        body_id = params.get("client_id")
        if basic is not None:
            if "client_secret" in params:
                raise OAuthError(
                    "invalid_request",
                    "Authenticate the client with HTTP Basic or with client_secret in the body, "
                    "not both.",
                )
            client_id, secret = basic
            if body_id is not None and body_id != client_id:
                raise refuse("client_id in the body differs from the one in HTTP Basic.")
        else:
            client_id, secret = body_id or "", params.get("client_secret") or ""
        if not client_id:
            raise refuse("Name the app client with client_id or HTTP Basic authorization.")
        client = pool.client(client_id)
        if client is None:
            raise refuse("No app client of this user pool has this client_id.")
        if client.secret is None:
            if secret:
                raise refuse("This app client has no secret.")
            return client
        if not secret:
            raise refuse("This app client has a secret: send it with HTTP Basic or client_secret.")
        if not hmac.compare_digest(client.secret.encode(), secret.encode()):
            raise refuse("Client authentication failed.")
        return client


def _basic_credentials(authorization: str | None, refuse: _Refusal) -> tuple[str, str] | None:
    """client_id and secret from `Authorization: Basic base64(id:secret)`, each form-urlencoded
    before encoding (RFC 6749 §2.3.1); None without an Authorization header."""
    if authorization is None:
        return None
    scheme, _, encoded = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        raise refuse("The Authorization header must use the Basic scheme.")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise refuse("The Basic credentials are not base64 of client_id:client_secret.") from None
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise refuse("The Basic credentials are not base64 of client_id:client_secret.")
    return unquote_plus(client_id), unquote_plus(secret)


def _check_oauth_flow(client: AppClient, flow: str) -> None:
    """The client must allow OAuth and this flow (token-endpoint.md, unauthorized_client)."""
    settings = client.settings
    if not settings.get("AllowedOAuthFlowsUserPoolClient") or flow not in (
        settings.get("AllowedOAuthFlows") or ()
    ):
        raise OAuthError("unauthorized_client", f"The app client does not allow the {flow} flow.")


@contextmanager
def _trigger_failures_as_oauth_errors() -> Iterator[None]:
    """A pre token generation function that failed refuses the token request with Cognito's
    message as the description (invalid_request: our choice, token-endpoint.md lists no error
    for it)."""
    try:
        yield
    except TRIGGER_FAILURES as error:
        raise OAuthError("invalid_request", error.message) from None


def _client_metadata(value: str | None) -> dict[str, str] | None:
    """`aws_client_metadata`: the client metadata of a client credentials request, a JSON
    object of strings (user-pool-lambda-pre-token-generation.md, "Client metadata for
    machine-to-machine (M2M) client credentials")."""
    if value is None:
        return None
    try:
        metadata = json.loads(value)
    except ValueError:
        metadata = None
    if not isinstance(metadata, dict) or not all(
        isinstance(item, str) for item in metadata.values()
    ):
        raise OAuthError("invalid_request", "aws_client_metadata must be a JSON object of strings.")
    return metadata


def _scopes(value: str) -> list[str]:
    """A `scope` parameter's scopes, in order, each once."""
    return list(dict.fromkeys(scope for scope in value.split(" ") if scope))


def _token_response(result: Mapping[str, Any]) -> TokenResponse:
    """An AuthenticationResult as the token endpoint answers it (token-endpoint.md)."""
    response: TokenResponse = {"access_token": result["AccessToken"]}
    if "IdToken" in result:
        response["id_token"] = result["IdToken"]
    if "RefreshToken" in result:
        response["refresh_token"] = result["RefreshToken"]
    response["token_type"] = "Bearer"
    response["expires_in"] = result["ExpiresIn"]
    return response
