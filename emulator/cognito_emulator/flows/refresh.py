"""Refreshing tokens: REFRESH_TOKEN_AUTH (InitiateAuth, AdminInitiateAuth),
GetTokensFromRefreshToken, and refresh token rotation.

An app client's RefreshTokenRotation decides what a refresh gives (API_RefreshTokenRotationType):
"When enabled, your app client issues new ID, access, and refresh tokens when users renew their
sessions with refresh tokens. When disabled, token refresh issues only ID and access tokens."
"Refresh token rotation must be completed with GetTokensFromRefreshToken. With refresh token
rotation disabled, you can complete token refresh with GetTokensFromRefreshToken and with
REFRESH_TOKEN_AUTH", so a rotating client refuses REFRESH_TOKEN_AUTH
(amazon-cognito-user-pools-using-the-refresh-token.md: "You can't authenticate with
REFRESH_TOKEN_AUTH in app clients with refresh token rotation enabled"). Every refresh runs the
pool's pre token generation function with TokenGeneration_RefreshTokens.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cognito_emulator.exceptions import InvalidParameterException, NotAuthorizedException
from cognito_emulator.flows.token_subjects import lifetimes_of, principal_of
from cognito_emulator.moto_adapter import AppClient, MotoAdapter, Pool
from cognito_emulator.secret_hash import (
    require_client_secret,
    require_secret_hash,
    require_secret_present,
)
from cognito_emulator.token_ledger import TokenFamily
from cognito_emulator.tokens import ACCESS_SCOPE, TokenIssuer
from cognito_emulator.triggers.invocation import PoolTriggers
from cognito_emulator.triggers.token_generation import user_token_customization
from cognito_emulator.validation import required, required_parameter

ROTATION_ENABLED = "ENABLED"
# Cognito refuses a flow a client does not allow with this message (policy.check_auth_flow); a
# rotating client is such a client, whatever its ExplicitAuthFlows say.
REFRESH_FLOW_NOT_ENABLED = "REFRESH_TOKEN_AUTH flow not enabled for this client"


def rotation_grace_seconds(client: AppClient) -> int | None:
    """How long a refresh token rotation replaced stays accepted; None when the client does not
    rotate. RetryGracePeriodSeconds defaults to 0 (Cognito answers 0 when it was left out,
    hashicorp/terraform-provider-aws#50085)."""
    rotation: Mapping[str, Any] = client.settings.get("RefreshTokenRotation") or {}
    if rotation.get("Feature") != ROTATION_ENABLED:
        return None
    return int(rotation.get("RetryGracePeriodSeconds") or 0)


@dataclass(frozen=True, slots=True)
class RefreshFlows:
    tokens: TokenIssuer
    triggers: PoolTriggers
    moto: MotoAdapter

    def refresh_token_auth(
        self, pool: Pool, client: AppClient, parameters: dict[str, str]
    ) -> dict[str, Any]:
        if rotation_grace_seconds(client) is not None:
            raise InvalidParameterException(REFRESH_FLOW_NOT_ENABLED)
        refresh_token = required_parameter(parameters, "REFRESH_TOKEN")
        provided_hash = parameters.get("SECRET_HASH")
        require_secret_present(client.id, client.secret, provided_hash)
        family = self.tokens.find_refresh_family(refresh_token, client.id)
        # The hash is over the username the token belongs to (for email-as-username pools that
        # is the sub-like username, not the email), as Cognito checks it.
        require_secret_hash(client.id, client.secret, provided_hash, family.username)
        result = self._renew(pool, client, family, refresh_token, client_metadata=None)
        return {"ChallengeParameters": {}, "AuthenticationResult": result}

    def get_tokens_from_refresh_token(self, body: dict[str, Any]) -> dict[str, Any]:
        """GetTokensFromRefreshToken: new ID and access tokens, and a new refresh token when
        the client rotates them (API_GetTokensFromRefreshToken). A client with a secret sends
        the secret itself as ClientSecret, not a SECRET_HASH (refused with RevokeToken's messages:
        Cognito's are not documented). DeviceKey is not checked: the
        emulator does not remember devices."""
        pool, client = self.moto.pool_of_client(required(body, "ClientId"))
        require_client_secret(client.id, client.secret, body.get("ClientSecret"))
        refresh_token = required(body, "RefreshToken")
        family = self.tokens.find_refresh_family(refresh_token, client.id)
        metadata = body.get("ClientMetadata")
        result = self._renew(pool, client, family, refresh_token, client_metadata=metadata)
        return {"AuthenticationResult": result}

    def _renew(
        self,
        pool: Pool,
        client: AppClient,
        family: TokenFamily,
        refresh_token: str,
        *,
        client_metadata: Mapping[str, str] | None,
    ) -> dict[str, Any]:
        """The tokens a refresh with `refresh_token` of `family` gives its user, if they may
        still have them."""
        user = pool.user(family.username)
        self.tokens.ensure_refreshable(family, refresh_token)
        if user is None:
            raise NotAuthorizedException("Refresh Token has been revoked")
        if not user.enabled:
            raise NotAuthorizedException("User is disabled.")
        customization = user_token_customization(
            self.triggers,
            pool,
            "TokenGeneration_RefreshTokens",
            user=user,
            client_id=client.id,
            scopes=family.scopes if family.scopes is not None else (ACCESS_SCOPE,),
            client_metadata=client_metadata,
        )
        return self.tokens.refresh(
            family,
            principal_of(client, user),
            lifetimes_of(client),
            customization,
            rotation_grace_seconds=rotation_grace_seconds(client),
        )
