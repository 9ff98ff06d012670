"""Signing in: InitiateAuth, AdminInitiateAuth and the answers to their challenges.

Password flows, USER_SRP_AUTH with a real SRP-6a proof, and refresh are answered here, each
after the client's SECRET_HASH and auth-flow permissions are checked. The challenges moto runs
(NEW_PASSWORD_REQUIRED, MFA) go to moto, and a sign-in moto completes comes back through
`sign_in_completed_by_moto`, so every token is the emulator's. CUSTOM_AUTH runs the pool's
challenge functions (`flows/custom_auth.py`).

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
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from cognito_emulator import policy
from cognito_emulator.exceptions import (
    INCORRECT_CREDENTIALS,
    CognitoError,
    InvalidParameterException,
    NotAuthorizedException,
    ResourceNotFoundException,
    UserNotFoundException,
)
from cognito_emulator.flows.custom_auth import CustomAuthFlow, Outcome, SignedIn
from cognito_emulator.flows.sign_in_rules import (
    check_can_sign_in,
    check_status_allows_sign_in,
    no_such_user,
    pre_authenticated,
)
from cognito_emulator.flows.user_migration import UserMigrationFlow
from cognito_emulator.moto_adapter import AppClient, MotoAdapter, Pool, User
from cognito_emulator.secret_hash import (
    compute_secret_hash,
    require_secret_hash,
    require_secret_present,
)
from cognito_emulator.srp import SrpChallenges, parse_srp_a
from cognito_emulator.tokens import ACCESS_SCOPE, Principal, TokenIssuer, TokenLifetimes
from cognito_emulator.triggers.authentication import post_authentication
from cognito_emulator.triggers.invocation import PoolTriggers
from cognito_emulator.triggers.token_generation import UserTokenSource, user_token_customization
from cognito_emulator.usernames import USER_NOT_FOUND, UserDirectory
from cognito_emulator.validation import required, required_parameter, string_map

# Attributes the ID token carries as JSON booleans.
BOOLEAN_ATTRIBUTES = frozenset({"email_verified", "phone_number_verified"})
SRP_ANSWER_PARAMETERS = (
    "USERNAME",
    "PASSWORD_CLAIM_SECRET_BLOCK",
    "PASSWORD_CLAIM_SIGNATURE",
    "TIMESTAMP",
)
# The RespondToAuthChallenge body moto is answering, for a sign-in it completes
# (`sign_in_completed_by_moto`): which challenge, and the ClientMetadata for the trigger.
_ANSWER_TO_MOTO: ContextVar[Mapping[str, Any] | None] = ContextVar("answer_to_moto", default=None)


@dataclass(frozen=True, slots=True)
class AuthenticationFlows:
    moto: MotoAdapter
    users: UserDirectory
    tokens: TokenIssuer
    srp: SrpChallenges
    triggers: PoolTriggers
    migration: UserMigrationFlow
    custom: CustomAuthFlow

    def initiate_auth(self, body: dict[str, Any]) -> dict[str, Any]:
        pool, client = self.moto.pool_of_client(required(body, "ClientId"))
        flow = required(body, "AuthFlow")
        parameters = string_map(body, "AuthParameters")
        policy.check_auth_flow(client, flow, policy.USER_AUTH_FLOWS)
        if flow in policy.REFRESH_FLOWS:
            return self._refresh(pool, client, parameters)
        if flow == "USER_PASSWORD_AUTH":
            return self._password_sign_in(pool, client, parameters, "InitiateAuth", body)
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
            return self._refresh(pool, client, parameters)
        if flow in policy.ADMIN_PASSWORD_FLOWS:
            return self._password_sign_in(pool, client, parameters, "AdminInitiateAuth", body)
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
        challenge = body.get("ChallengeName")
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
        operation = (
            "AdminRespondToAuthChallenge" if "UserPoolId" in body else "RespondToAuthChallenge"
        )
        named = self._naming_the_stored_user(pool, client, body)
        return self._answer_through_moto(operation, named)

    def _answer_through_moto(self, operation: str, body: dict[str, Any]) -> dict[str, Any]:
        """moto answers a challenge; a sign-in it completes comes back, within this call,
        through `sign_in_completed_by_moto`, which reads the answer it completed."""
        answer = _ANSWER_TO_MOTO.set(body)
        try:
            return self.moto.call(operation, body)
        finally:
            _ANSWER_TO_MOTO.reset(answer)

    def sign_in_completed_by_moto(
        self, pool: Pool, client: AppClient, username: str
    ) -> dict[str, Any]:
        """The answer to a sign-in moto completed after a challenge: the emulator's tokens.
        Completed by answering NEW_PASSWORD_REQUIRED, its tokens are TokenGeneration_
        NewPasswordChallenge's (user-pool-lambda-pre-token-generation.md, trigger sources), and
        the answer's ClientMetadata goes to the trigger ("use the ClientMetadata parameter in
        the AdminRespondToAuthChallenge and RespondToAuthChallenge API operations")."""
        user = self.users.existing(pool, username)
        answer = _ANSWER_TO_MOTO.get() or {}
        metadata = answer.get("ClientMetadata")
        return self.complete_sign_in(
            pool,
            client,
            user,
            source=(
                "TokenGeneration_NewPasswordChallenge"
                if answer.get("ChallengeName") == "NEW_PASSWORD_REQUIRED"
                else "TokenGeneration_Authentication"
            ),
            client_metadata=metadata if isinstance(metadata, dict) else None,
        )

    # -- password flows ---------------------------------------------------------------------------

    def _password_sign_in(
        self,
        pool: Pool,
        client: AppClient,
        parameters: dict[str, str],
        operation: str,
        body: dict[str, Any],
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
        challenge = self.moto.challenge_after_password(operation, body, pool, user)
        if challenge is not None:
            return challenge
        return self.complete_sign_in(pool, client, user)

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
        user = pre_authenticated(
            self.triggers,
            self.users,
            pool,
            client,
            username,
            self.users.find(pool, username),
            validation_data,
        )
        if user is None and not policy.prevents_user_existence_errors(client):
            raise UserNotFoundException(USER_NOT_FOUND)
        if user is not None:
            check_can_sign_in(user)
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
        challenge = self.moto.challenge_after_srp_proof(pool, client, user, responses)
        if challenge is not None:
            return challenge
        return self.complete_sign_in(pool, client, user, client_metadata=client_metadata)

    # -- refresh ----------------------------------------------------------------------------------

    def _refresh(self, pool: Pool, client: AppClient, parameters: dict[str, str]) -> dict[str, Any]:
        refresh_token = required_parameter(parameters, "REFRESH_TOKEN")
        provided_hash = parameters.get("SECRET_HASH")
        require_secret_present(client.id, client.secret, provided_hash)
        family = self.tokens.find_refresh_family(refresh_token, client.id)
        # The hash is over the username the token belongs to (for email-as-username pools that
        # is the sub-like username, not the email), as Cognito checks it.
        require_secret_hash(client.id, client.secret, provided_hash, family.username)
        user = pool.user(family.username)
        self.tokens.ensure_refreshable(family)
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
        )
        result = self.tokens.refresh(
            family, principal_of(client, user), lifetimes_of(client), customization
        )
        return {"ChallengeParameters": {}, "AuthenticationResult": result}

    # -- shared -----------------------------------------------------------------------------------

    def complete_sign_in(
        self,
        pool: Pool,
        client: AppClient,
        user: User,
        *,
        source: UserTokenSource = "TokenGeneration_Authentication",
        client_metadata: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """The answer to a completed sign-in through the API (every flow ends here): a new
        token family from the emulator's issuer, as the pre token generation function shapes
        it (`source`; `client_metadata` from a RespondToAuthChallenge: InitiateAuth's is not
        passed to this trigger)."""
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
            return self.complete_sign_in(
                pool, client, outcome.user, client_metadata=client_metadata
            )
        return outcome

    def _naming_the_stored_user(
        self, pool: Pool, client: AppClient, body: dict[str, Any]
    ) -> dict[str, Any]:
        """A challenge answer for moto, naming the user as stored: moto finds users by their
        exact username, which differs from the caller's in a case-insensitive pool. The caller's
        SECRET_HASH is checked already; moto, which checks it again for MFA answers, gets the
        one for the stored username."""
        responses = body["ChallengeResponses"]
        named = responses.get("USERNAME")
        user = self.users.find(pool, named) if named else None
        if user is None or user.username == named:
            return body
        renamed = {**responses, "USERNAME": user.username}
        if client.secret is not None and "SECRET_HASH" in responses:
            renamed["SECRET_HASH"] = compute_secret_hash(client.id, client.secret, user.username)
        return {**body, "ChallengeResponses": renamed}


def _client_metadata(body: Mapping[str, Any]) -> dict[str, str] | None:
    """A request's ClientMetadata (checked a map of strings by the request's validation)."""
    metadata = body.get("ClientMetadata")
    return dict(metadata) if metadata else None


def lifetimes_of(client: AppClient) -> TokenLifetimes:
    """The token lifetimes an app client's settings give (shared with the OAuth grants)."""
    return TokenLifetimes.from_client_config(client.settings)


def principal_of(client: AppClient, user: User) -> Principal:
    """What the tokens `client` gets say about `user` (shared with the OAuth grants)."""
    readable = policy.readable_attributes(client, user.attribute_values())
    attributes: dict[str, str | bool] = {
        name: policy.is_true(value) if name in BOOLEAN_ATTRIBUTES else value
        for name, value in readable.items()
    }
    return Principal(
        sub=user.sub, username=user.username, groups=user.group_names, attributes=attributes
    )
