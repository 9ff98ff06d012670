"""Signing in: InitiateAuth, AdminInitiateAuth and the answers to their challenges.

Password flows, USER_SRP_AUTH with a real SRP-6a proof, and refresh are answered here, each
after the client's SECRET_HASH and auth-flow permissions are checked. The challenges moto runs
(NEW_PASSWORD_REQUIRED, MFA) go to moto, and a sign-in moto completes comes back through
`sign_in_completed_by_moto`, so every token is the emulator's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cognito_emulator import policy
from cognito_emulator.exceptions import (
    INCORRECT_CREDENTIALS,
    InvalidParameterException,
    NotAuthorizedException,
    PasswordResetRequiredException,
    ResourceNotFoundException,
    UserNotConfirmedException,
    UserNotFoundException,
)
from cognito_emulator.moto_adapter import AppClient, MotoAdapter, Pool, User
from cognito_emulator.secret_hash import (
    compute_secret_hash,
    require_secret_hash,
    require_secret_present,
)
from cognito_emulator.srp import SrpChallenges
from cognito_emulator.tokens import Principal, TokenIssuer, TokenLifetimes
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


@dataclass(frozen=True, slots=True)
class AuthenticationFlows:
    moto: MotoAdapter
    users: UserDirectory
    tokens: TokenIssuer
    srp: SrpChallenges

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
            return self._srp_challenge(pool, client, parameters)
        return self.moto.call("InitiateAuth", body)

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
            return self._srp_challenge(pool, client, parameters)
        username = parameters.get("USERNAME") or ""
        require_secret_hash(client.id, client.secret, parameters.get("SECRET_HASH"), username)
        return self.moto.call("AdminInitiateAuth", body)

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
        if body.get("ChallengeName") == "PASSWORD_VERIFIER":
            return self._srp_verify(pool, client, responses)
        operation = (
            "AdminRespondToAuthChallenge" if "UserPoolId" in body else "RespondToAuthChallenge"
        )
        return self.moto.call(operation, self._naming_the_stored_user(pool, client, body))

    def sign_in_completed_by_moto(
        self, pool: Pool, client: AppClient, username: str
    ) -> dict[str, Any]:
        """The answer to a sign-in moto completed after a challenge: the emulator's tokens."""
        user = self.users.existing(pool, username)
        return self._signed_in(pool, client, user)

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
        user = self.users.find(pool, username)
        if user is None:
            if policy.prevents_user_existence_errors(client):
                raise NotAuthorizedException(INCORRECT_CREDENTIALS)
            raise UserNotFoundException(USER_NOT_FOUND)
        if not user.enabled:
            raise NotAuthorizedException("User is disabled.")
        if not user.has_password(password):
            raise NotAuthorizedException(INCORRECT_CREDENTIALS)
        _check_status_allows_sign_in(user)
        challenge = self.moto.challenge_after_password(operation, body, pool, user)
        if challenge is not None:
            return challenge
        return self._signed_in(pool, client, user)

    # -- USER_SRP_AUTH ----------------------------------------------------------------------------

    def _srp_challenge(
        self, pool: Pool, client: AppClient, parameters: dict[str, str]
    ) -> dict[str, Any]:
        """USER_SRP_AUTH's first step: a PASSWORD_VERIFIER challenge the emulator can check
        (plain moto accepts any signature). A client that hides user existence gets a decoy
        challenge for an unknown user, which no answer passes."""
        username = required_parameter(parameters, "USERNAME")
        srp_a = required_parameter(parameters, "SRP_A")
        require_secret_hash(client.id, client.secret, parameters.get("SECRET_HASH"), username)
        user = self.users.find(pool, username)
        if user is None and not policy.prevents_user_existence_errors(client):
            raise UserNotFoundException(USER_NOT_FOUND)
        if user is not None:
            _check_can_sign_in(user)
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
        self, pool: Pool, client: AppClient, responses: dict[str, str]
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
        _check_can_sign_in(user)
        challenge = self.moto.challenge_after_srp_proof(pool, client, user, responses)
        if challenge is not None:
            return challenge
        return self._signed_in(pool, client, user)

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
        result = self.tokens.refresh(family, principal_of(client, user), lifetimes_of(client))
        return {"ChallengeParameters": {}, "AuthenticationResult": result}

    # -- shared -----------------------------------------------------------------------------------

    def _signed_in(self, pool: Pool, client: AppClient, user: User) -> dict[str, Any]:
        """The answer to a completed sign-in: a new token family from the emulator's issuer."""
        result = self.tokens.sign_in(
            pool.id, client.id, principal_of(client, user), lifetimes_of(client)
        )
        return {"ChallengeParameters": {}, "AuthenticationResult": result}

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


def _check_status_allows_sign_in(user: User) -> None:
    if user.status == "UNCONFIRMED":
        raise UserNotConfirmedException("User is not confirmed.")
    if user.status == "RESET_REQUIRED":
        raise PasswordResetRequiredException("Password reset required for the user")


def _check_can_sign_in(user: User) -> None:
    """Refuse a user who may not sign in whatever the password (checked at both SRP steps)."""
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    _check_status_allows_sign_in(user)


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
