"""The custom authentication triggers: DefineAuthChallenge, CreateAuthChallenge and
VerifyAuthChallengeResponse — their events (user-pool-lambda-define-auth-challenge.md,
-create-auth-challenge.md, -verify-auth-challenge-response.md) and what their answers say.

Every event carries the user's attributes (none for a user who does not exist), `userNotFound`
when the app client hides user existence, and the `clientMetadata` of the RespondToAuthChallenge
call that runs it (InitiateAuth's reaches none of these triggers: API reference, InitiateAuth,
ClientMetadata). Define and Create get the session so far: one ChallengeResult per challenge
answered, oldest first, `challengeMetadata` only on the custom challenges that had one.
Verify's `challengeAnswer` is the ANSWER string, as Powertools' VerifyAuthChallengeTriggerSchema
types it. The response each event starts with is empty: the function fills it in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cognito_emulator.moto_adapter import Pool, User
from cognito_emulator.triggers.invocation import (
    PoolTriggers,
    optional_boolean,
    optional_string,
    optional_string_map,
    user_attributes,
)
from cognito_emulator.triggers.lambda_config import Trigger


@dataclass(frozen=True, slots=True)
class ChallengeResult:
    """One answered challenge of the session: SRP_A, PASSWORD_VERIFIER or CUSTOM_CHALLENGE."""

    challenge_name: str
    challenge_result: bool
    challenge_metadata: str | None = None

    def event(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "challengeName": self.challenge_name,
            "challengeResult": self.challenge_result,
        }
        if self.challenge_metadata is not None:
            result["challengeMetadata"] = self.challenge_metadata
        return result


@dataclass(frozen=True, slots=True)
class Signer:
    """Who is signing in, as the events describe them: the user, or the name given for a user
    who does not exist (in an app client that hides that)."""

    username: str
    user: User | None
    hides_user_existence: bool

    def request(self, client_metadata: dict[str, str] | None, **fields: Any) -> dict[str, Any]:
        request: dict[str, Any] = {
            "userAttributes": user_attributes(self.user) if self.user else {},
            **fields,
        }
        if client_metadata:
            request["clientMetadata"] = client_metadata
        if self.hides_user_existence:
            request["userNotFound"] = self.user is None
        return request


@dataclass(frozen=True, slots=True)
class NextStep:
    """DefineAuthChallenge's answer: fail, issue tokens, or present `challenge_name`."""

    fail_authentication: bool
    issue_tokens: bool
    challenge_name: str | None


@dataclass(frozen=True, slots=True)
class CreatedChallenge:
    """CreateAuthChallenge's answer: what the user is shown, what Verify is given to check."""

    public_parameters: dict[str, str]
    private_parameters: dict[str, str]
    challenge_metadata: str | None


def define_auth_challenge(
    triggers: PoolTriggers,
    pool: Pool,
    *,
    signer: Signer,
    client_id: str,
    session: tuple[ChallengeResult, ...],
    client_metadata: dict[str, str] | None,
) -> NextStep | None:
    """What the pool's DefineAuthChallenge function says comes next; None without one."""
    response = triggers.invoke(
        pool,
        "DefineAuthChallenge",
        "DefineAuthChallenge_Authentication",
        username=signer.username,
        client_id=client_id,
        request=signer.request(client_metadata, session=[step.event() for step in session]),
    )
    if response is None:
        return None
    return NextStep(
        fail_authentication=optional_boolean(
            response, "failAuthentication", "DefineAuthChallenge", pool.id
        ),
        issue_tokens=optional_boolean(response, "issueTokens", "DefineAuthChallenge", pool.id),
        challenge_name=optional_string(response, "challengeName", "DefineAuthChallenge", pool.id),
    )


def create_auth_challenge(
    triggers: PoolTriggers,
    pool: Pool,
    *,
    signer: Signer,
    client_id: str,
    challenge_name: str,
    session: tuple[ChallengeResult, ...],
    client_metadata: dict[str, str] | None,
) -> CreatedChallenge | None:
    """The challenge the pool's CreateAuthChallenge function makes; None without one."""
    response = triggers.invoke(
        pool,
        "CreateAuthChallenge",
        "CreateAuthChallenge_Authentication",
        username=signer.username,
        client_id=client_id,
        request=signer.request(
            client_metadata,
            challengeName=challenge_name,
            session=[step.event() for step in session],
        ),
    )
    if response is None:
        return None
    trigger: Trigger = "CreateAuthChallenge"
    return CreatedChallenge(
        public_parameters=optional_string_map(
            response, "publicChallengeParameters", trigger, pool.id
        ),
        private_parameters=optional_string_map(
            response, "privateChallengeParameters", trigger, pool.id
        ),
        challenge_metadata=optional_string(response, "challengeMetadata", trigger, pool.id),
    )


def verify_auth_challenge_response(
    triggers: PoolTriggers,
    pool: Pool,
    *,
    signer: Signer,
    client_id: str,
    private_parameters: dict[str, str],
    answer: str,
    client_metadata: dict[str, str] | None,
) -> bool | None:
    """Whether the pool's VerifyAuthChallengeResponse function accepts `answer`; None without
    one."""
    response = triggers.invoke(
        pool,
        "VerifyAuthChallengeResponse",
        "VerifyAuthChallengeResponse_Authentication",
        username=signer.username,
        client_id=client_id,
        request=signer.request(
            client_metadata,
            privateChallengeParameters=private_parameters,
            challengeAnswer=answer,
        ),
    )
    if response is None:
        return None
    return optional_boolean(response, "answerCorrect", "VerifyAuthChallengeResponse", pool.id)
