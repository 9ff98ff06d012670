"""Signing in: InitiateAuth, AdminInitiateAuth and the answers to their challenges.

Password flows, USER_SRP_AUTH with a real SRP-6a proof, and refresh are answered here, each
after the client's SECRET_HASH and auth-flow permissions are checked. Once the password is
proven, what follows (NEW_PASSWORD_REQUIRED, MFA, or the tokens) and the answers to those
challenges are `flows/sign_in_challenges.py`'s. CUSTOM_AUTH runs the pool's challenge functions
(`flows/custom_auth.py`). Every sign-in ends in `SignInCompletion`, so every token is the
emulator's.

The sign-in triggers run where Cognito runs them. PreAuthentication comes once the user is known
and before the password is checked: a function that raises refuses the sign-in whatever the
password, and a wrong password still runs it (what a real pool does: PreAuthentication is
invoked, then "Incorrect username or password." — a published spike against a live pool, runs
C02 and C10/C11). It runs for the password flows and USER_SRP_AUTH's InitiateAuth, never for a
refresh ("Renewal of an existing authentication session also doesn't activate this trigger").
A password sign-in for a username the pool lacks first asks its UserMigration function
(`flows/user_migration.py`). PostAuthentication runs last, once the tokens are made — after pre
token generation (dod-ccpo/atat-web-api#376: it "fires after Pre Token Generation") and "before a
user has received tokens": a function that raises fails the sign-in and the tokens, never
returned, are revoked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cognito_emulator import policy
from cognito_emulator.exceptions import (
    INCORRECT_CREDENTIALS,
    InvalidParameterException,
    NotAuthorizedException,
    ResourceNotFoundException,
)
from cognito_emulator.flows.custom_auth import CustomAuthFlow, Outcome, SignedIn
from cognito_emulator.flows.refresh import RefreshFlows
from cognito_emulator.flows.sign_in_challenges import CHALLENGES, SignInChallenges
from cognito_emulator.flows.sign_in_completion import SignInCompletion
from cognito_emulator.flows.sign_in_rules import (
    check_can_sign_in,
    check_status_allows_sign_in,
    no_such_user,
    pre_authenticated,
    signing_in,
)
from cognito_emulator.flows.user_auth import UserAuthFlow
from cognito_emulator.flows.user_migration import UserMigrationFlow
from cognito_emulator.moto_adapter import AppClient, MotoAdapter, Pool
from cognito_emulator.secret_hash import require_secret_hash
from cognito_emulator.srp import SrpChallenges, parse_srp_a
from cognito_emulator.triggers.invocation import PoolTriggers
from cognito_emulator.usernames import UserDirectory
from cognito_emulator.validation import required, required_parameter, string_map

SRP_ANSWER_PARAMETERS = (
    "USERNAME",
    "PASSWORD_CLAIM_SECRET_BLOCK",
    "PASSWORD_CLAIM_SIGNATURE",
    "TIMESTAMP",
)


@dataclass(frozen=True, slots=True)
class AuthenticationFlows:
    moto: MotoAdapter
    users: UserDirectory
    srp: SrpChallenges
    triggers: PoolTriggers
    migration: UserMigrationFlow
    custom: CustomAuthFlow
    refresh: RefreshFlows
    challenges: SignInChallenges
    completion: SignInCompletion
    user_auth: UserAuthFlow

    def initiate_auth(self, body: dict[str, Any]) -> dict[str, Any]:
        pool, client = self.moto.pool_of_client(required(body, "ClientId"))
        flow = required(body, "AuthFlow")
        parameters = string_map(body, "AuthParameters")
        policy.check_auth_flow(client, flow, policy.USER_AUTH_FLOWS)
        if flow in policy.REFRESH_FLOWS:
            return self.refresh.refresh_token_auth(pool, client, parameters)
        if flow == "USER_PASSWORD_AUTH":
            return self._password_sign_in(pool, client, parameters, body)
        if flow == "USER_AUTH":
            return self.user_auth.start(pool, client, parameters, _client_metadata(body))
        if flow == "USER_SRP_AUTH":
            return self._srp_challenge(pool, client, parameters, _client_metadata(body))
        return self._custom_auth(pool, client, parameters, body)  # CUSTOM_AUTH, the one left

    def admin_initiate_auth(self, body: dict[str, Any]) -> dict[str, Any]:
        pool = self.moto.pool(required(body, "UserPoolId"))
        client_id = required(body, "ClientId")
        client = pool.client(client_id)
        if client is None:
            raise ResourceNotFoundException(f"User pool client {client_id} does not exist.")
        flow = required(body, "AuthFlow")
        parameters = string_map(body, "AuthParameters")
        policy.check_auth_flow(client, flow, policy.ADMIN_AUTH_FLOWS)
        if flow in policy.REFRESH_FLOWS:
            return self.refresh.refresh_token_auth(pool, client, parameters)
        if flow in policy.ADMIN_PASSWORD_FLOWS:
            return self._password_sign_in(pool, client, parameters, body)
        if flow == "USER_AUTH":
            return self.user_auth.start(pool, client, parameters, _client_metadata(body))
        if flow == "USER_SRP_AUTH":
            return self._srp_challenge(pool, client, parameters, _client_metadata(body))
        return self._custom_auth(pool, client, parameters, body)  # CUSTOM_AUTH, the one left

    def respond_to_auth_challenge(self, body: dict[str, Any]) -> dict[str, Any]:
        """RespondToAuthChallenge and AdminRespondToAuthChallenge (the latter names its pool)."""
        client_id = required(body, "ClientId")
        pool, client = self.moto.pool_of_client(client_id)
        if "UserPoolId" in body and body["UserPoolId"] != pool.id:
            self.moto.pool(body["UserPoolId"])
            raise ResourceNotFoundException(f"User pool client {client_id} does not exist.")
        responses = string_map(body, "ChallengeResponses")
        username = responses.get("USERNAME") or ""
        require_secret_hash(client.id, client.secret, responses.get("SECRET_HASH"), username)
        challenge = required(body, "ChallengeName")
        if challenge == "CUSTOM_CHALLENGE" or (
            challenge == "PASSWORD_VERIFIER" and self.custom.answers(body.get("Session"))
        ):
            metadata = _client_metadata(body)
            outcome = self.custom.respond(
                pool, client, challenge, responses, body.get("Session"), metadata
            )
            return self._custom_outcome(pool, client, outcome, metadata)
        if challenge == "PASSWORD_VERIFIER":
            return self._srp_verify(pool, client, responses, _client_metadata(body))
        if self.user_auth.answers(challenge, body.get("Session")):
            return self.user_auth.respond(
                pool, client, challenge, responses, body.get("Session"), _client_metadata(body)
            )
        if challenge in CHALLENGES:
            return self.challenges.respond(
                pool, client, challenge, responses, body.get("Session"), _client_metadata(body)
            )
        raise InvalidParameterException(f"Invalid challenge name {challenge}")

    # -- password flows ---------------------------------------------------------------------------

    def _password_sign_in(
        self, pool: Pool, client: AppClient, parameters: dict[str, str], body: dict[str, Any]
    ) -> dict[str, Any]:
        username = required_parameter(parameters, "USERNAME")
        password = parameters.get("PASSWORD")
        if password is None:
            raise InvalidParameterException("Missing required parameter PASSWORD")
        require_secret_hash(client.id, client.secret, parameters.get("SECRET_HASH"), username)
        validation_data = _client_metadata(body)
        user = self.users.find(pool, username) or self.migration.at_sign_in(
            pool, client, username, password, validation_data
        )
        user = pre_authenticated(
            self.triggers, self.users, pool, client, username, user, validation_data
        )
        if user is None:
            raise no_such_user(client)
        if not user.enabled:
            raise NotAuthorizedException("User is disabled.")
        if not user.has_password(password):
            raise NotAuthorizedException(INCORRECT_CREDENTIALS)
        check_status_allows_sign_in(user)
        return self.challenges.after_first_factor(pool, client, user)

    # -- USER_SRP_AUTH ----------------------------------------------------------------------------

    def _srp_challenge(
        self,
        pool: Pool,
        client: AppClient,
        parameters: dict[str, str],
        validation_data: dict[str, str] | None,
    ) -> dict[str, Any]:
        """USER_SRP_AUTH's first step: a PASSWORD_VERIFIER challenge the emulator can check
        (plain moto accepts any signature). A client that hides user existence gets a decoy
        challenge for an unknown user, which no answer passes."""
        username = required_parameter(parameters, "USERNAME")
        srp_a = required_parameter(parameters, "SRP_A")
        require_secret_hash(client.id, client.secret, parameters.get("SECRET_HASH"), username)
        parse_srp_a(srp_a)
        user = signing_in(self.triggers, self.users, pool, client, username, validation_data)
        challenge = self.srp.start(
            pool_id=pool.id,
            client_id=client.id,
            user_id_for_srp=user.username if user is not None else username,
            password=user.password if user is not None else None,
            srp_a=srp_a,
            session_minutes=policy.auth_session_minutes(client),
        )
        return {"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": challenge}

    def _srp_verify(
        self,
        pool: Pool,
        client: AppClient,
        responses: dict[str, str],
        client_metadata: dict[str, str] | None,
    ) -> dict[str, Any]:
        """PASSWORD_VERIFIER: tokens only for a signature that proves the user's password."""
        for name in SRP_ANSWER_PARAMETERS:
            required_parameter(responses, name)
        pending = self.srp.take(
            responses["PASSWORD_CLAIM_SECRET_BLOCK"], pool_id=pool.id, client_id=client.id
        )
        user = self.users.find(pool, pending.user_id_for_srp)
        named = self.users.find(pool, responses["USERNAME"])
        if user is not None and (named is None or named.username != user.username):
            user = None  # the answer names another user than the challenge
        self.srp.verify(
            pending,
            password=user.password if user is not None else None,
            timestamp=responses["TIMESTAMP"],
            signature=responses["PASSWORD_CLAIM_SIGNATURE"],
        )
        assert user is not None  # verify() refuses when there is no user
        check_can_sign_in(user)
        return self.challenges.after_first_factor(
            pool, client, user, client_metadata=client_metadata
        )

    # -- CUSTOM_AUTH ------------------------------------------------------------------------------

    def _custom_auth(
        self, pool: Pool, client: AppClient, parameters: dict[str, str], body: dict[str, Any]
    ) -> dict[str, Any]:
        outcome = self.custom.start(pool, client, parameters, _client_metadata(body))
        return self._custom_outcome(pool, client, outcome, None)

    def _custom_outcome(
        self,
        pool: Pool,
        client: AppClient,
        outcome: Outcome,
        client_metadata: dict[str, str] | None,
    ) -> dict[str, Any]:
        """The next challenge of a custom sign-in, or its tokens once the flow issues them."""
        if isinstance(outcome, SignedIn):
            return self.completion.complete(
                pool, client, outcome.user, client_metadata=client_metadata
            )
        return outcome


def _client_metadata(body: Mapping[str, Any]) -> dict[str, str] | None:
    """A request's ClientMetadata (checked a map of strings by the request's validation)."""
    metadata = body.get("ClientMetadata")
    return dict(metadata) if metadata else None
