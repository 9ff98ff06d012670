"""USER_AUTH: choice-based sign-in, where the user picks the first factor among those the pool
allows (Policies.SignInPolicy.AllowedFirstAuthFactors) and the app client permits with
ALLOW_USER_AUTH (authentication-flows-selection-sdk.md, "Choice-based authentication": "Amazon
Cognito responds to your API with a challenge of either a preferred authentication method or a
list of choices").

InitiateAuth (or AdminInitiateAuth) with AuthFlow USER_AUTH takes USERNAME and, optionally,
PREFERRED_CHALLENGE (API_InitiateAuth). Without one, the answer is SELECT_CHALLENGE with the
top-level AvailableChallenges member and a Session; RespondToAuthChallenge then names the choice
as ANSWER (API_RespondToAuthChallenge, ChallengeResponses "SELECT_CHALLENGE"):

- PASSWORD, with PASSWORD: the password is checked and the sign-in goes on as a password
  sign-in does (`SignInChallenges.after_first_factor`: NEW_PASSWORD_REQUIRED, MFA, or tokens);
- PASSWORD_SRP, with SRP_A: the PASSWORD_VERIFIER challenge of USER_SRP_AUTH (the same
  `SrpChallenges`, so its answer takes USER_SRP_AUTH's path and ends the same way);
- EMAIL_OTP or SMS_OTP: a code is sent (outbox purpose "sign_in", CustomMessage source
  CustomMessage_Authentication) and the EMAIL_OTP or SMS_OTP challenge asks for it, with
  CODE_DELIVERY_DELIVERY_MEDIUM and CODE_DELIVERY_DESTINATION and a new Session; the answer
  EMAIL_OTP_CODE / SMS_OTP_CODE signs the user in. No MFA follows a one-time password: MFA adds
  factors "to sign in your users who have passwords as their primary authentication factor"
  (user-pool-settings-mfa.md).
A PREFERRED_CHALLENGE the user can use starts that factor at once (PASSWORD and PASSWORD_SRP
with PASSWORD or SRP_A among the AuthParameters, as amplify-js's handleUserAuthFlow sends them).

What a user can use, and the behaviour around it, as a live pool showed it (a published runbook
of spike runs against a TEST pool, "Cognito TEST runbook — enable EMAIL_OTP", 2026-09-11):
- InitiateAuth's challenge answers carry AvailableChallenges ("ChallengeName: EMAIL_OTP
  directly, AvailableChallenges: ["EMAIL_OTP"]");
- PASSWORD yields "PASSWORD_SRP" then "PASSWORD"; a user with a temporary password
  (FORCE_CHANGE_PASSWORD) is offered those alone, and a PREFERRED_CHALLENGE the user cannot use
  falls back to SELECT_CHALLENGE ("ChallengeName: SELECT_CHALLENGE, AvailableChallenges:
  ["PASSWORD_SRP","PASSWORD"] — no EMAIL_OTP");
- a wrong code is CodeMismatchException "Invalid code or auth state for the user." every time,
  the Session still answerable ("Wrong code x6 on a live session ... no lockout observed");
  once answered it is spent, and it expires after AuthSessionValidity (`ChallengeSessions`);
- an unknown user in a client that hides user existence gets a simulated challenge ("simulated
  EMAIL_OTP challenge, dummy Session ..., masked destination from the input"), no code sent.
Our choices where nothing public says: EMAIL_OTP and SMS_OTP need the address verified (the
pool must auto-verify the attributes passwordless users sign in with, signing-up-users-in-your-
app.md); the factors are listed in the order of AllowedFirstAuthFactors; an unknown user's
SELECT_CHALLENGE lists every factor the pool allows, and no answer to it ever succeeds; the
answers to SELECT_CHALLENGE carry no AvailableChallenges; a user with no usable factor is told
so (InvalidParameterException). The emulator has no passkeys: WEB_AUTHN, where the pool allows
it, answers UnsupportedOperationException (Cognito's error "when you attempt to perform an
operation that isn't enabled", and one InitiateAuth is modelled to raise), which names the
factors that work. PreAuthentication runs once, at InitiateAuth, as for USER_SRP_AUTH.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cognito_emulator import policy
from cognito_emulator.challenge_sessions import INVALID_SESSION, ChallengeSessions
from cognito_emulator.codes import Medium, mask_destination
from cognito_emulator.exceptions import (
    INCORRECT_CREDENTIALS,
    CodeMismatchException,
    InvalidParameterException,
    NotAuthorizedException,
    UnsupportedOperationException,
)
from cognito_emulator.flows.code_delivery import CodeSender
from cognito_emulator.flows.mfa_challenges import MFA_CODE_MISMATCH, redeem_sign_in_code
from cognito_emulator.flows.sign_in_challenges import SignInChallenges
from cognito_emulator.flows.sign_in_completion import SignInCompletion
from cognito_emulator.flows.sign_in_rules import (
    check_can_sign_in,
    no_such_user,
    signing_in,
)
from cognito_emulator.moto_adapter import AppClient, Pool, User
from cognito_emulator.secret_hash import require_secret_hash
from cognito_emulator.srp import SrpChallenges
from cognito_emulator.triggers.invocation import PoolTriggers
from cognito_emulator.usernames import UserDirectory
from cognito_emulator.validation import required_parameter

PASSWORD_FACTORS = ("PASSWORD_SRP", "PASSWORD")
# Where each one-time password goes and what answers it: (attribute, medium, response).
_OTP_DELIVERY: dict[str, tuple[str, Medium, str]] = {
    "EMAIL_OTP": ("email", "EMAIL", "EMAIL_OTP_CODE"),
    "SMS_OTP": ("phone_number", "SMS", "SMS_OTP_CODE"),
}
# Challenge names only this flow answers (EMAIL_OTP is also an MFA challenge: by Session).
_OWN_CHALLENGES = frozenset({"SELECT_CHALLENGE", "SMS_OTP", *PASSWORD_FACTORS})
PASSKEYS_UNSUPPORTED = (
    "The Cognito emulator does not support passkeys (WEB_AUTHN); sign in with PASSWORD, "
    "PASSWORD_SRP, EMAIL_OTP or SMS_OTP."
)
NO_FACTOR = "The user has no sign-in method among the user pool's AllowedFirstAuthFactors."


@dataclass(frozen=True, slots=True)
class UserAuthState:
    """A USER_AUTH challenge waiting for its answer: what was offered, and whether the sign-in
    is a simulated one for a user who does not exist."""

    available: tuple[str, ...]
    user_not_found: bool


@dataclass(frozen=True, slots=True)
class UserAuthFlow:
    users: UserDirectory
    srp: SrpChallenges
    sessions: ChallengeSessions[UserAuthState]
    codes: CodeSender
    challenges: SignInChallenges
    completion: SignInCompletion
    triggers: PoolTriggers

    def start(
        self,
        pool: Pool,
        client: AppClient,
        parameters: dict[str, str],
        validation_data: dict[str, str] | None,
    ) -> dict[str, Any]:
        """InitiateAuth's USER_AUTH (the caller checked that the client allows it). Its
        ClientMetadata, `validation_data`, reaches PreAuthentication alone: Cognito does not pass
        it to CustomMessage, pre token generation or PostAuthentication (API_InitiateAuth)."""
        username = required_parameter(parameters, "USERNAME")
        require_secret_hash(client.id, client.secret, parameters.get("SECRET_HASH"), username)
        user = signing_in(self.triggers, self.users, pool, client, username, validation_data)
        stored = user.username if user is not None else self.users.stored_username(pool, username)
        available = self._available(pool, user)
        preferred = parameters.get("PREFERRED_CHALLENGE")
        if preferred is not None:
            _refuse_passkeys(pool, preferred)
        if preferred not in available:
            answer = self._challenge(pool, client, stored, user, available, "SELECT_CHALLENGE", {})
        else:
            answer = self._begin(pool, client, stored, user, available, preferred, parameters, None)
            if preferred == "PASSWORD":
                return answer  # a password sign-in's own answer: tokens, or what follows
        return {**answer, "AvailableChallenges": list(available)}

    def answers(self, challenge_name: str | None, session_id: str | None) -> bool:
        """Whether a RespondToAuthChallenge is this flow's: a challenge only it asks, or a
        Session it issued (its EMAIL_OTP shares the name with the MFA challenge)."""
        return challenge_name in _OWN_CHALLENGES or self.sessions.find(session_id) is not None

    def respond(
        self,
        pool: Pool,
        client: AppClient,
        challenge_name: str,
        responses: dict[str, str],
        session_id: str | None,
        client_metadata: dict[str, str] | None,
    ) -> dict[str, Any]:
        """The answer to SELECT_CHALLENGE (or to PASSWORD / PASSWORD_SRP, the choice named as the
        challenge, API_RespondToAuthChallenge), EMAIL_OTP or SMS_OTP; the caller has checked the
        SECRET_HASH over the USERNAME the responses name."""
        username = required_parameter(responses, "USERNAME")
        if challenge_name in _OTP_DELIVERY:
            required_parameter(responses, _OTP_DELIVERY[challenge_name][2])
        elif challenge_name == "SELECT_CHALLENGE":
            required_parameter(responses, "ANSWER")
        named = self.users.find(pool, username)
        stored = named.username if named is not None else self.users.stored_username(pool, username)
        pending = self.sessions.take(
            session_id, pool_id=pool.id, client_id=client.id, username=stored
        )
        asked = "SELECT_CHALLENGE" if challenge_name in PASSWORD_FACTORS else challenge_name
        if pending.challenge_name != asked:
            raise NotAuthorizedException(INVALID_SESSION)
        state = pending.state
        if not state.user_not_found and named is None:
            raise no_such_user(client)  # deleted since the challenge was issued
        user = None if state.user_not_found else named
        if user is not None:
            check_can_sign_in(user)
        if challenge_name in _OTP_DELIVERY:
            code = responses[_OTP_DELIVERY[challenge_name][2]]
            try:
                self._redeem(pool, user, code)
            except CodeMismatchException:
                self.sessions.reopen(pending)
                raise
            assert user is not None  # _redeem refuses every code of a simulated sign-in
            return self.completion.complete(pool, client, user, client_metadata=client_metadata)
        choice = responses["ANSWER"] if challenge_name == "SELECT_CHALLENGE" else challenge_name
        _refuse_passkeys(pool, choice)
        if choice not in state.available:
            raise InvalidParameterException(
                f"ANSWER {choice} is not one of the AvailableChallenges "
                f"({', '.join(state.available)})."
            )
        return self._begin(
            pool, client, stored, user, state.available, choice, responses, client_metadata
        )

    # -- factors ----------------------------------------------------------------------------------

    def _available(self, pool: Pool, user: User | None) -> tuple[str, ...]:
        """The first factors `user` can use now, in the pool's order (for nobody: every factor
        the pool allows, so that the simulated sign-in looks like a real one)."""
        offered: list[str] = []
        for factor in pool.allowed_first_auth_factors:
            if factor == "PASSWORD" and (user is None or user.password is not None):
                offered.extend(PASSWORD_FACTORS)
            elif factor in _OTP_DELIVERY and (user is None or _reachable(user, factor)):
                offered.append(factor)
        if not offered and user is not None:
            raise InvalidParameterException(NO_FACTOR)
        return tuple(offered)

    def _begin(
        self,
        pool: Pool,
        client: AppClient,
        stored: str,
        user: User | None,
        available: tuple[str, ...],
        factor: str,
        parameters: dict[str, str],
        client_metadata: dict[str, str] | None,
    ) -> dict[str, Any]:
        """Start the chosen first factor with the parameters sent along with the choice."""
        if factor == "PASSWORD":
            password = required_parameter(parameters, "PASSWORD")
            if user is None or not user.has_password(password):
                raise NotAuthorizedException(INCORRECT_CREDENTIALS)
            return self.challenges.after_first_factor(
                pool, client, user, client_metadata=client_metadata
            )
        if factor == "PASSWORD_SRP":
            challenge = self.srp.start(
                pool_id=pool.id,
                client_id=client.id,
                user_id_for_srp=stored,
                password=user.password if user is not None else None,
                srp_a=required_parameter(parameters, "SRP_A"),
                session_minutes=policy.auth_session_minutes(client),
            )
            return {"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": challenge}
        attribute, medium, _ = _OTP_DELIVERY[factor]
        if user is None:
            # Nothing is sent for nobody; the address shown is made from what was typed.
            decoy = stored if medium == "SMS" or "@" in stored else f"{stored}@example.com"
            destination = mask_destination(decoy, medium)
        else:
            channel = policy.Channel(str(user.attribute(attribute)), medium, attribute)
            delivery = self.codes.send(
                pool,
                user,
                "sign_in",
                channel,
                source="CustomMessage_Authentication",
                client_id=client.id,
                client_metadata=client_metadata,
            )
            destination = delivery["Destination"]
        parameters_out = {
            "CODE_DELIVERY_DELIVERY_MEDIUM": medium,
            "CODE_DELIVERY_DESTINATION": destination,
        }
        return self._challenge(pool, client, stored, user, available, factor, parameters_out)

    def _challenge(
        self,
        pool: Pool,
        client: AppClient,
        stored: str,
        user: User | None,
        available: tuple[str, ...],
        name: str,
        parameters: dict[str, str],
    ) -> dict[str, Any]:
        """A challenge of this flow with a new Session bound to the user and app client."""
        session_id = self.sessions.start(
            pool_id=pool.id,
            client_id=client.id,
            username=stored,
            challenge_name=name,
            state=UserAuthState(available=available, user_not_found=user is None),
            validity_minutes=policy.auth_session_minutes(client),
        )
        return {"ChallengeName": name, "Session": session_id, "ChallengeParameters": parameters}

    def _redeem(self, pool: Pool, user: User | None, code: str) -> None:
        """Accept the one-time password sent for this sign-in, with Cognito's message for a
        wrong one (a simulated sign-in has no code, so every answer is wrong)."""
        if user is None:
            raise CodeMismatchException(MFA_CODE_MISMATCH)
        redeem_sign_in_code(self.codes.codes, pool, user, "sign_in", code)


def _reachable(user: User, factor: str) -> bool:
    """Whether a one-time password can go to the user: a verified address (our choice), and not
    to a user who must first replace a temporary password (the live pool offered them only
    PASSWORD_SRP and PASSWORD)."""
    attribute = _OTP_DELIVERY[factor][0]
    return (
        user.status != "FORCE_CHANGE_PASSWORD"
        and bool(user.attribute(attribute))
        and policy.is_true(user.attribute(f"{attribute}_verified"))
    )


def _refuse_passkeys(pool: Pool, factor: str) -> None:
    if factor == "WEB_AUTHN" and "WEB_AUTHN" in pool.allowed_first_auth_factors:
        raise UnsupportedOperationException(PASSKEYS_UNSUPPORTED)
