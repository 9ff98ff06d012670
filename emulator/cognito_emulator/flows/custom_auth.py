"""CUSTOM_AUTH: a sign-in whose challenges the pool's own functions define, create and check
(amazon-cognito-user-pools-authentication-flow.md, "Custom authentication flow and challenges").

InitiateAuth (or AdminInitiateAuth) with AuthFlow CUSTOM_AUTH runs DefineAuthChallenge with an
empty session. Each time it asks for CUSTOM_CHALLENGE, CreateAuthChallenge makes the challenge:
the caller gets ChallengeName CUSTOM_CHALLENGE, the public challenge parameters (and USERNAME)
and a Session; RespondToAuthChallenge answers it with USERNAME and ANSWER, which
VerifyAuthChallengeResponse checks against the private parameters. The result joins the session
and DefineAuthChallenge runs again, until it issues tokens (through the API's one sign-in end,
`SignInCompletion.complete`) or fails the sign-in (NotAuthorizedException "Incorrect
username or password.", as Cognito answers a failed custom sign-in: aws-amplify/amplify-js#8145).

A custom flow may start by proving the password over SRP ("Use SRP password verification in
custom authentication flow"): AuthParameters CHALLENGE_NAME SRP_A with SRP_A. Define then gets
the session [SRP_A: true] and may answer PASSWORD_VERIFIER; the caller gets the usual SRP
challenge (`srp.py`) with a Session, and a correct PASSWORD_CLAIM_SIGNATURE adds
[PASSWORD_VERIFIER: true] (a wrong one fails the sign-in at once). Those challenges are kept
apart from USER_SRP_AUTH's (`srp` is this flow's own), so that a proof answered without the
Session cannot skip the custom challenges that follow. That sign-in proves a password,
so it runs PreAuthentication; a sign-in with custom challenges only does not ("preAuth is only
triggered in the password flow", aws-amplify/amplify-js#5318).

Other answers, and what this emulator says of them:
- no DefineAuthChallenge function (or no Create / Verify function when one is needed):
  InvalidParameterException "Custom auth lambda trigger is not configured for the user pool."
  (Cognito's words; aws-amplify/amplify-js#5623);
- Define asking for a challenge other than CUSTOM_CHALLENGE, or PASSWORD_VERIFIER anywhere but
  right after SRP_A: InvalidLambdaResponseException "Unrecognizable lambda output" (ours: MFA
  inside a custom flow is not run here);
- issueTokens for a user who does not exist: "Incorrect username or password.", never tokens.
A user who does not exist, in an app client that hides that, goes through the same steps
(userNotFound true); in one that does not, InitiateAuth answers UserNotFoundException.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cognito_emulator import policy
from cognito_emulator.challenge_sessions import (
    INVALID_SESSION,
    ChallengeSessions,
)
from cognito_emulator.exceptions import (
    INCORRECT_CREDENTIALS,
    InvalidParameterException,
    NotAuthorizedException,
    UserNotFoundException,
)
from cognito_emulator.flows.sign_in_rules import (
    check_can_sign_in,
    no_such_user,
    pre_authenticated,
)
from cognito_emulator.moto_adapter import AppClient, Pool, User
from cognito_emulator.secret_hash import require_secret_hash
from cognito_emulator.srp import SrpChallenges, parse_srp_a
from cognito_emulator.triggers.custom_auth import (
    ChallengeResult,
    Signer,
    create_auth_challenge,
    define_auth_challenge,
    verify_auth_challenge_response,
)
from cognito_emulator.triggers.invocation import PoolTriggers, unrecognizable
from cognito_emulator.usernames import USER_NOT_FOUND, UserDirectory
from cognito_emulator.validation import required_parameter

NOT_CONFIGURED = "Custom auth lambda trigger is not configured for the user pool."
SRP_PROOF_PARAMETERS = ("PASSWORD_CLAIM_SECRET_BLOCK", "PASSWORD_CLAIM_SIGNATURE", "TIMESTAMP")
SRP_A_STEP = ChallengeResult("SRP_A", True)


@dataclass(frozen=True, slots=True)
class CustomAuthState:
    """Where a custom sign-in stands while a challenge waits for its answer."""

    session: tuple[ChallengeResult, ...]
    user_not_found: bool
    private_parameters: dict[str, str]
    challenge_metadata: str | None = None
    secret_block: str | None = None  # the PASSWORD_VERIFIER challenge's SECRET_BLOCK


@dataclass(frozen=True, slots=True)
class SignedIn:
    """The custom flow is done: tokens for `user`."""

    user: User


Outcome = dict[str, Any] | SignedIn


@dataclass(frozen=True, slots=True)
class CustomAuthFlow:
    users: UserDirectory
    srp: SrpChallenges
    sessions: ChallengeSessions[CustomAuthState]
    triggers: PoolTriggers

    def start(
        self,
        pool: Pool,
        client: AppClient,
        parameters: dict[str, str],
        validation_data: dict[str, str] | None,
    ) -> Outcome:
        """InitiateAuth's CUSTOM_AUTH; `validation_data` (its ClientMetadata) reaches only
        PreAuthentication."""
        username = required_parameter(parameters, "USERNAME")
        with_srp = parameters.get("CHALLENGE_NAME") == "SRP_A"
        srp_a = required_parameter(parameters, "SRP_A") if with_srp else None
        require_secret_hash(client.id, client.secret, parameters.get("SECRET_HASH"), username)
        if not self.triggers.configured(pool, "DefineAuthChallenge"):
            raise InvalidParameterException(NOT_CONFIGURED)
        if srp_a is not None:
            parse_srp_a(srp_a)
        hides = policy.prevents_user_existence_errors(client)
        user = self._signing_in(pool, username, hides)
        if srp_a is not None:
            pre_authenticated(
                self.triggers, self.users, pool, client, username, user, validation_data
            )
            user = self._signing_in(pool, username, hides)  # checked again, as it is now
        stored = user.username if user is not None else self.users.stored_username(pool, username)
        signer = Signer(username=stored, user=user, hides_user_existence=hides)
        session = (SRP_A_STEP,) if srp_a is not None else ()
        return self._next_step(pool, client, signer, session, None, srp_a=srp_a)

    def answers(self, session_id: str | None) -> bool:
        """Whether `session_id` is a custom sign-in's (its PASSWORD_VERIFIER is answered here)."""
        return self.sessions.find(session_id) is not None

    def respond(
        self,
        pool: Pool,
        client: AppClient,
        challenge_name: str,
        responses: dict[str, str],
        session_id: str | None,
        client_metadata: dict[str, str] | None,
    ) -> Outcome:
        """RespondToAuthChallenge's answer to CUSTOM_CHALLENGE, or to the PASSWORD_VERIFIER of a
        custom flow; `client_metadata` reaches every trigger this answer runs."""
        username = required_parameter(responses, "USERNAME")
        if challenge_name == "CUSTOM_CHALLENGE":
            required_parameter(responses, "ANSWER")
        else:
            for name in SRP_PROOF_PARAMETERS:
                required_parameter(responses, name)
        named = self.users.find(pool, username)
        stored = named.username if named is not None else self.users.stored_username(pool, username)
        pending = self.sessions.take(
            session_id, pool_id=pool.id, client_id=client.id, username=stored
        )
        if pending.challenge_name != challenge_name:
            raise NotAuthorizedException(INVALID_SESSION)
        state = pending.state
        hides = policy.prevents_user_existence_errors(client)
        if not state.user_not_found and named is None:
            raise no_such_user(client)  # deleted since the challenge was issued
        signer = Signer(
            username=stored,
            user=None if state.user_not_found else named,
            hides_user_existence=hides,
        )
        if challenge_name == "CUSTOM_CHALLENGE":
            result = self._verify(pool, client, signer, state, responses["ANSWER"], client_metadata)
        else:
            result = self._verify_password(pool, client, signer, state, responses)
        return self._next_step(pool, client, signer, (*state.session, result), client_metadata)

    # -- steps ------------------------------------------------------------------------------------

    def _next_step(
        self,
        pool: Pool,
        client: AppClient,
        signer: Signer,
        session: tuple[ChallengeResult, ...],
        client_metadata: dict[str, str] | None,
        *,
        srp_a: str | None = None,
    ) -> Outcome:
        """What DefineAuthChallenge makes of the session so far: tokens, failure or a challenge."""
        step = define_auth_challenge(
            self.triggers,
            pool,
            signer=signer,
            client_id=client.id,
            session=session,
            client_metadata=client_metadata,
        )
        if step is None:
            raise InvalidParameterException(NOT_CONFIGURED)
        if step.fail_authentication:
            raise NotAuthorizedException(INCORRECT_CREDENTIALS)
        if step.issue_tokens:
            # The function ran with the lock let go: the user as they are now.
            user = self.users.find(pool, signer.username) if signer.user is not None else None
            if user is None:
                raise NotAuthorizedException(INCORRECT_CREDENTIALS)
            check_can_sign_in(user)
            return SignedIn(user)
        if step.challenge_name == "CUSTOM_CHALLENGE":
            return self._custom_challenge(pool, client, signer, session, client_metadata)
        if step.challenge_name == "PASSWORD_VERIFIER" and srp_a is not None:
            return self._password_challenge(pool, client, signer, session, srp_a)
        raise unrecognizable(
            "DefineAuthChallenge",
            pool.id,
            f"neither failAuthentication, issueTokens nor a challenge this flow runs "
            f"(challengeName {step.challenge_name!r})",
        )

    def _custom_challenge(
        self,
        pool: Pool,
        client: AppClient,
        signer: Signer,
        session: tuple[ChallengeResult, ...],
        client_metadata: dict[str, str] | None,
    ) -> dict[str, Any]:
        created = create_auth_challenge(
            self.triggers,
            pool,
            signer=signer,
            client_id=client.id,
            challenge_name="CUSTOM_CHALLENGE",
            session=session,
            client_metadata=client_metadata,
        )
        if created is None:
            raise InvalidParameterException(NOT_CONFIGURED)
        session_id = self.sessions.start(
            pool_id=pool.id,
            client_id=client.id,
            username=signer.username,
            challenge_name="CUSTOM_CHALLENGE",
            state=CustomAuthState(
                session=session,
                user_not_found=signer.user is None,
                private_parameters=created.private_parameters,
                challenge_metadata=created.challenge_metadata,
            ),
            validity_minutes=policy.auth_session_minutes(client),
        )
        return {
            "ChallengeName": "CUSTOM_CHALLENGE",
            "Session": session_id,
            "ChallengeParameters": {**created.public_parameters, "USERNAME": signer.username},
        }

    def _password_challenge(
        self,
        pool: Pool,
        client: AppClient,
        signer: Signer,
        session: tuple[ChallengeResult, ...],
        srp_a: str,
    ) -> dict[str, Any]:
        """The SRP challenge of a custom flow (a decoy no answer passes for nobody)."""
        minutes = policy.auth_session_minutes(client)
        parameters = self.srp.start(
            pool_id=pool.id,
            client_id=client.id,
            user_id_for_srp=signer.username,
            password=signer.user.password if signer.user is not None else None,
            srp_a=srp_a,
            session_minutes=minutes,
        )
        session_id = self.sessions.start(
            pool_id=pool.id,
            client_id=client.id,
            username=signer.username,
            challenge_name="PASSWORD_VERIFIER",
            state=CustomAuthState(
                session=session,
                user_not_found=signer.user is None,
                private_parameters={},
                secret_block=parameters["SECRET_BLOCK"],
            ),
            validity_minutes=minutes,
        )
        return {
            "ChallengeName": "PASSWORD_VERIFIER",
            "Session": session_id,
            "ChallengeParameters": parameters,
        }

    def _verify(
        self,
        pool: Pool,
        client: AppClient,
        signer: Signer,
        state: CustomAuthState,
        answer: str,
        client_metadata: dict[str, str] | None,
    ) -> ChallengeResult:
        correct = verify_auth_challenge_response(
            self.triggers,
            pool,
            signer=signer,
            client_id=client.id,
            private_parameters=state.private_parameters,
            answer=answer,
            client_metadata=client_metadata,
        )
        if correct is None:
            raise InvalidParameterException(NOT_CONFIGURED)
        return ChallengeResult("CUSTOM_CHALLENGE", correct, state.challenge_metadata)

    def _verify_password(
        self,
        pool: Pool,
        client: AppClient,
        signer: Signer,
        state: CustomAuthState,
        responses: dict[str, str],
    ) -> ChallengeResult:
        """A correct PASSWORD_CLAIM_SIGNATURE, else NotAuthorizedException at once."""
        if responses["PASSWORD_CLAIM_SECRET_BLOCK"] != state.secret_block:
            raise NotAuthorizedException(INCORRECT_CREDENTIALS)
        pending = self.srp.take(
            responses["PASSWORD_CLAIM_SECRET_BLOCK"], pool_id=pool.id, client_id=client.id
        )
        self.srp.verify(
            pending,
            password=signer.user.password if signer.user is not None else None,
            timestamp=responses["TIMESTAMP"],
            signature=responses["PASSWORD_CLAIM_SIGNATURE"],
        )
        return ChallengeResult("PASSWORD_VERIFIER", True)

    def _signing_in(self, pool: Pool, username: str, hides: bool) -> User | None:
        """The user `username` names, checked; None for nobody, when the client hides that."""
        user = self.users.find(pool, username)
        if user is None:
            if not hides:
                raise UserNotFoundException(USER_NOT_FOUND)
            return None
        check_can_sign_in(user)
        return user
