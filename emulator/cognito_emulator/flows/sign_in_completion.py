"""The end of every sign-in through the API: the emulator's tokens for a user who proved enough.

Password and SRP sign-ins, the challenges after them (flows/sign_in_challenges.py), custom
authentication and USER_AUTH all finish here, so that pre token generation and post
authentication run the same way whichever way the user came.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cognito_emulator.exceptions import CognitoError
from cognito_emulator.flows.token_subjects import lifetimes_of, principal_of
from cognito_emulator.moto_adapter import AppClient, Pool, User
from cognito_emulator.tokens import ACCESS_SCOPE, TokenIssuer
from cognito_emulator.triggers.authentication import post_authentication
from cognito_emulator.triggers.invocation import PoolTriggers
from cognito_emulator.triggers.token_generation import UserTokenSource, user_token_customization


@dataclass(frozen=True, slots=True)
class SignInCompletion:
    tokens: TokenIssuer
    triggers: PoolTriggers

    def complete(
        self,
        pool: Pool,
        client: AppClient,
        user: User,
        *,
        source: UserTokenSource = "TokenGeneration_Authentication",
        client_metadata: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """The answer to a completed sign-in: a new token family from the emulator's issuer, as
        the pre token generation function shapes it (`source`; `client_metadata` from a
        RespondToAuthChallenge: InitiateAuth's is not passed to this trigger). PostAuthentication
        runs last; a function that raises fails the sign-in and the tokens are revoked."""
        customization = user_token_customization(
            self.triggers,
            pool,
            source,
            user=user,
            client_id=client.id,
            scopes=(ACCESS_SCOPE,),
            client_metadata=client_metadata,
        )
        result = self.tokens.sign_in(
            pool.id,
            client.id,
            principal_of(client, user),
            lifetimes_of(client),
            customization=customization,
        )
        try:
            post_authentication(
                self.triggers,
                pool,
                user=user,
                client_id=client.id,
                client_metadata=client_metadata,
            )
        except CognitoError:
            self.tokens.revoke(self.tokens.find_refresh_family(result["RefreshToken"], client.id))
            raise
        return {"ChallengeParameters": {}, "AuthenticationResult": result}
