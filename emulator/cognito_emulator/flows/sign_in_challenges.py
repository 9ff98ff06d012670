"""The challenges after a user's first factor (password or SRP proof), and their answers.

Once a password is proven (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_SRP_AUTH's
PASSWORD_VERIFIER, USER_AUTH's PASSWORD and PASSWORD_SRP), `after_first_factor` answers the API
with the next challenge or the tokens: NEW_PASSWORD_REQUIRED for a user with a temporary
password (flows/new_password_challenge.py), then the second factor the pool asks for
(flows/mfa_challenges.py): MFA_SETUP, SELECT_MFA_TYPE, SMS_MFA, EMAIL_OTP or SOFTWARE_TOKEN_MFA.
`respond` takes the answers to these through RespondToAuthChallenge and
AdminRespondToAuthChallenge (the caller has checked the SECRET_HASH over the USERNAME they name).

Each challenge carries USER_ID_FOR_SRP (the username as stored, which the answer's USERNAME may
also be) and a Session from `ChallengeSessions`: bound to the pool, app client and user (an
answer naming another user is "Invalid session for the user."), expiring after the client's
AuthSessionValidity. A refused answer (a wrong code, a password the policy refuses, a missing
attribute) leaves the same Session answerable, as Cognito lets a user retype a code: amplify-js
v6 keeps its sign-in state after a failed confirmSignIn and retries with the same Session, and
amplify-flutter#4532 likewise retries VerifySoftwareToken. Our choice, after "After five
unsuccessful attempts to present an MFA code, Amazon Cognito begins the exponential-timeout
lockout process" (user-pool-settings-mfa.md): the fifth refused answer spends the Session, and
the user signs in again. A right answer spends it; a further challenge comes with a new one.

Tokens come from `SignInCompletion` with trigger source TokenGeneration_Authentication, or
TokenGeneration_NewPasswordChallenge once a new password was set on the way
(user-pool-lambda-pre-token-generation.md); the ClientMetadata of the answer that completes the
sign-in goes to the triggers ("use the ClientMetadata parameter in the
AdminRespondToAuthChallenge and RespondToAuthChallenge API operations").

MFA_SETUP's Session is also what AssociateSoftwareToken and VerifySoftwareToken take
(flows/mfa_settings.py): `user_of_setup_session` names its user without spending it, and
`renew_setup_session` spends it for the next step's ("use the session returned by
VerifySoftwareToken as an input to RespondToAuthChallenge ... with challenge name MFA_SETUP",
API_InitiateAuth). Answering MFA_SETUP after a verified software token turns TOTP MFA on for the
user (preferred when they had no preference) and signs them in. Answering it with an EMAIL
address instead (as amplify-js does to set up email MFA while signing in) makes that the user's
email and asks for an EMAIL_OTP code sent there, whose right answer turns email MFA on.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, get_args

from cognito_emulator import policy
from cognito_emulator.challenge_sessions import (
    INVALID_SESSION,
    SESSION_EXPIRED,
    SESSION_USED,
    ChallengeSession,
    ChallengeSessions,
)
from cognito_emulator.clock import Clock
from cognito_emulator.exceptions import (
    CognitoError,
    InvalidParameterException,
    NotAuthorizedException,
)
from cognito_emulator.flows import new_password_challenge
from cognito_emulator.flows.mfa_challenges import (
    CODE_RESPONSE,
    MfaCodes,
    MfaMethod,
    MfaStep,
    Step,
    mfa_step,
    turn_on_set_up_method,
)
from cognito_emulator.flows.new_password_challenge import parameter_json
from cognito_emulator.flows.sign_in_completion import SignInCompletion
from cognito_emulator.flows.sign_in_rules import check_can_sign_in
from cognito_emulator.moto_adapter import AppClient, MotoAdapter, Pool, User
from cognito_emulator.triggers.token_generation import UserTokenSource
from cognito_emulator.usernames import UserDirectory
from cognito_emulator.validation import required_parameter

CHALLENGES: frozenset[str] = frozenset(get_args(Step))
# Refused answers a Session takes; the last of them spends it (our choice, see above).
MAX_REFUSED_ANSWERS = 5
# SELECT_MFA_TYPE's ANSWER: the method names of MFAS_CAN_CHOOSE, and EMAIL_MFA, the name
# API_RespondToAuthChallenge gives email ("[SMS_MFA|EMAIL_MFA|SOFTWARE_TOKEN_MFA]").
_CHOSEN: dict[str, MfaMethod] = {
    "SMS_MFA": "SMS_MFA",
    "SOFTWARE_TOKEN_MFA": "SOFTWARE_TOKEN_MFA",
    "EMAIL_OTP": "EMAIL_OTP",
    "EMAIL_MFA": "EMAIL_OTP",
}


@dataclass(frozen=True, slots=True)
class PendingChallenge:
    """What a challenge Session remembers until its answer."""

    # The trigger source of the tokens the sign-in will end with.
    source: UserTokenSource
    # MFAS_CAN_CHOOSE of SELECT_MFA_TYPE, MFAS_CAN_SETUP of MFA_SETUP.
    options: tuple[MfaMethod, ...] = ()
    refused_answers: int = 0
    # An EMAIL_OTP challenge of MFA_SETUP: its right code turns email MFA on.
    sets_up_email: bool = False


@dataclass(frozen=True, slots=True)
class SignInChallenges:
    moto: MotoAdapter
    users: UserDirectory
    sessions: ChallengeSessions[PendingChallenge]
    codes: MfaCodes
    completion: SignInCompletion
    clock: Clock

    def after_first_factor(
        self,
        pool: Pool,
        client: AppClient,
        user: User,
        *,
        client_metadata: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """The API answer once `user`'s password is proven: the next challenge, or the tokens.
        `client_metadata` goes to the triggers (None for InitiateAuth's, which Cognito passes
        to neither CustomMessage nor the token triggers)."""
        if user.status == "FORCE_CHANGE_PASSWORD":
            new_password_challenge.check_temporary_password_current(pool, user, self.clock.now())
            return self._challenge(
                pool,
                client,
                user,
                "NEW_PASSWORD_REQUIRED",
                PendingChallenge("TokenGeneration_NewPasswordChallenge"),
                new_password_challenge.challenge_parameters(self.moto, pool, user),
            )
        return self._second_factor_or_tokens(
            pool, client, user, "TokenGeneration_Authentication", client_metadata
        )

    def answers(self, session_id: str | None) -> bool:
        """Whether `session_id` is the Session of one of these challenges."""
        return self.sessions.find(session_id) is not None

    def respond(
        self,
        pool: Pool,
        client: AppClient,
        challenge_name: str,
        responses: dict[str, str],
        session_id: str | None,
        client_metadata: Mapping[str, str] | None,
    ) -> dict[str, Any]:
        """The answer to one of these challenges: the next challenge, or the tokens."""
        named = required_parameter(responses, "USERNAME")
        user = self.users.find(pool, named)
        session = self.sessions.take(
            session_id,
            pool_id=pool.id,
            client_id=client.id,
            username=user.username if user is not None else named,
        )
        if user is None:
            raise NotAuthorizedException(INVALID_SESSION)  # deleted since the challenge
        check_can_sign_in(user)
        pending = session.state
        with self._refusals_counted(session):
            if challenge_name != session.challenge_name:
                raise NotAuthorizedException(INVALID_SESSION)
            asked_next = self._accept(pool, user, challenge_name, responses, pending)
        if asked_next is not None:
            return self._ask(
                pool,
                client,
                user,
                asked_next,
                pending.source,
                client_metadata,
                sets_up_email=challenge_name == "MFA_SETUP",
            )
        if challenge_name == "NEW_PASSWORD_REQUIRED":
            return self._second_factor_or_tokens(
                pool, client, user, pending.source, client_metadata
            )
        return self.completion.complete(
            pool, client, user, source=pending.source, client_metadata=client_metadata
        )

    @contextlib.contextmanager
    def _refusals_counted(self, session: ChallengeSession[PendingChallenge]) -> Iterator[None]:
        """Leave a Session answerable after a refused answer, up to MAX_REFUSED_ANSWERS."""
        try:
            yield
        except CognitoError:
            refused = session.state.refused_answers + 1
            if refused < MAX_REFUSED_ANSWERS:
                session.state = dataclasses.replace(session.state, refused_answers=refused)
                self.sessions.reopen(session)
            raise

    def _accept(
        self,
        pool: Pool,
        user: User,
        challenge_name: str,
        responses: dict[str, str],
        pending: PendingChallenge,
    ) -> MfaStep | None:
        """Check an answer and apply it (CognitoError when it is refused, nothing changed);
        the challenge it asks for next, if it names one."""
        if challenge_name == "NEW_PASSWORD_REQUIRED":
            new_password_challenge.set_new_password(self.moto, pool, user, responses)
            return None
        if challenge_name == "SELECT_MFA_TYPE":
            return MfaStep(_chosen_method(responses, pending.options))
        if challenge_name == "MFA_SETUP":
            email = responses.get("EMAIL")
            if email is not None:
                return self._email_to_set_up(pool, user, email, pending.options)
            _check_software_token_verified(user)
            turn_on_set_up_method(user, "SOFTWARE_TOKEN_MFA")
            return None
        method: MfaMethod = challenge_name  # type: ignore[assignment]
        self.codes.check(pool, user, method, required_parameter(responses, CODE_RESPONSE[method]))
        if pending.sets_up_email:
            turn_on_set_up_method(user, "EMAIL_OTP")
        return None

    def _email_to_set_up(
        self, pool: Pool, user: User, email: str, options: tuple[MfaMethod, ...]
    ) -> MfaStep:
        """MFA_SETUP answered with an EMAIL address (what amplify-js sends when the user sets
        up email MFA while signing in): the address becomes the user's email and an EMAIL_OTP
        code goes to it; the right code turns email MFA on."""
        if "EMAIL_OTP" not in options:
            raise InvalidParameterException(  # our wording
                f"EMAIL_OTP is not one of the MFA types to set up: {', '.join(options)}"
            )
        self.moto.update_attributes(pool, user, [{"Name": "email", "Value": email}])
        return MfaStep("EMAIL_OTP")

    def user_of_setup_session(self, session_id: str | None) -> tuple[Pool, User]:
        """The pool and user of a pending MFA_SETUP Session, which stays pending;
        NotAuthorizedException (the session messages of challenge_sessions.py) for one that is
        unknown, not MFA_SETUP's, answered or expired."""
        session = self.sessions.find(session_id)
        if session is None or session.challenge_name != "MFA_SETUP":
            raise NotAuthorizedException(INVALID_SESSION)
        if session.answered:
            raise NotAuthorizedException(SESSION_USED)
        if self.clock.now() >= session.answer_by:
            raise NotAuthorizedException(SESSION_EXPIRED)
        pool = self.moto.find_pool(session.pool_id)
        user = pool.user(session.username) if pool is not None else None
        if pool is None or user is None:
            raise NotAuthorizedException(INVALID_SESSION)
        return pool, user

    def renew_setup_session(self, session_id: str | None) -> str:
        """Spend a pending MFA_SETUP Session and give the next step's, as AssociateSoftwareToken
        and VerifySoftwareToken answer with a new Session (refused as
        `user_of_setup_session` refuses)."""
        pool, _ = self.user_of_setup_session(session_id)
        session = self.sessions.find(session_id)
        client = pool.client(session.client_id) if session is not None else None
        if session is None or client is None:
            raise NotAuthorizedException(INVALID_SESSION)
        self.sessions.take(
            session_id,
            pool_id=session.pool_id,
            client_id=session.client_id,
            username=session.username,
        )
        return self.sessions.start(
            pool_id=session.pool_id,
            client_id=session.client_id,
            username=session.username,
            challenge_name="MFA_SETUP",
            state=dataclasses.replace(session.state, refused_answers=0),
            validity_minutes=policy.auth_session_minutes(client),
        )

    # -- answers to the API -----------------------------------------------------------------------

    def _second_factor_or_tokens(
        self,
        pool: Pool,
        client: AppClient,
        user: User,
        source: UserTokenSource,
        client_metadata: Mapping[str, str] | None,
    ) -> dict[str, Any]:
        step = mfa_step(pool, user)
        if step is None:
            return self.completion.complete(
                pool, client, user, source=source, client_metadata=client_metadata
            )
        return self._ask(pool, client, user, step, source, client_metadata)

    def _ask(
        self,
        pool: Pool,
        client: AppClient,
        user: User,
        step: MfaStep,
        source: UserTokenSource,
        client_metadata: Mapping[str, str] | None,
        *,
        sets_up_email: bool = False,
    ) -> dict[str, Any]:
        """The challenge for `step`; SMS_MFA and EMAIL_OTP send their code first and say where
        it went, masked, as real pools do (e.g. {"CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
        "CODE_DELIVERY_DESTINATION": "u***@e***", "USER_ID_FOR_SRP": ...})."""
        parameters: dict[str, str] = {}
        if step.challenge in ("SMS_MFA", "EMAIL_OTP"):
            method: MfaMethod = step.challenge
            delivery = self.codes.send(
                pool,
                user,
                method,
                client_id=client.id,
                client_metadata=dict(client_metadata) if client_metadata else None,
            )
            parameters = {
                "CODE_DELIVERY_DELIVERY_MEDIUM": delivery["DeliveryMedium"],
                "CODE_DELIVERY_DESTINATION": delivery["Destination"],
            }
        elif step.challenge == "SELECT_MFA_TYPE":
            parameters = {"MFAS_CAN_CHOOSE": parameter_json(list(step.options))}
        elif step.challenge == "MFA_SETUP":
            parameters = {"MFAS_CAN_SETUP": parameter_json(list(step.options))}
        return self._challenge(
            pool,
            client,
            user,
            step.challenge,
            PendingChallenge(source, step.options, sets_up_email=sets_up_email),
            parameters,
        )

    def _challenge(
        self,
        pool: Pool,
        client: AppClient,
        user: User,
        challenge_name: Step,
        pending: PendingChallenge,
        parameters: dict[str, str],
    ) -> dict[str, Any]:
        session = self.sessions.start(
            pool_id=pool.id,
            client_id=client.id,
            username=user.username,
            challenge_name=challenge_name,
            state=pending,
            validity_minutes=policy.auth_session_minutes(client),
        )
        return {
            "ChallengeName": challenge_name,
            "Session": session,
            "ChallengeParameters": {"USER_ID_FOR_SRP": user.username, **parameters},
        }


def _chosen_method(responses: dict[str, str], options: tuple[MfaMethod, ...]) -> MfaMethod:
    """SELECT_MFA_TYPE's ANSWER: one of MFAS_CAN_CHOOSE (our choice of message otherwise)."""
    answer = required_parameter(responses, "ANSWER")
    chosen = _CHOSEN.get(answer)
    if chosen is None or chosen not in options:
        raise InvalidParameterException(
            f"ANSWER {answer} is not one of the MFA types to choose from: {', '.join(options)}"
        )
    return chosen


def _check_software_token_verified(user: User) -> None:
    """MFA_SETUP is answered once VerifySoftwareToken has accepted a code; before, the Session
    has not gone through the set-up (our choice of refusal)."""
    if user.totp_secret is None or not user.totp_verified:
        raise NotAuthorizedException(INVALID_SESSION)
