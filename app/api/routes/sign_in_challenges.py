"""Answering the challenge a sign-in ended in (/users/login's `challenge` answer): a code of a
second factor, a choice of one, TOTP set-up, or the new password of a user an administrator
created (AdminCreateUser's temporary password)."""

from fastapi import APIRouter, Response

from app.api import links
from app.api.challenges import NOT_STORED, SIGNED_IN_OR_CHALLENGED, answer, signed_in_or_challenged
from app.api.deps import ServicesDep, SessionDep
from app.api.links import success_with_links
from app.api.responses import IDENTITY_PROVIDER, error_responses
from app.models import ChallengeAnswer, SignInChallenge, Token

router = APIRouter(prefix="/users", tags=["Authentication"])


@router.post(
    "/login/challenge",
    operation_id=links.ANSWER_CHALLENGE,
    responses=error_responses(
        IDENTITY_PROVIDER
        | {
            400: "The challenge's field missing (`code`, `new_password`, `mfa_type`), a wrong "
            "code, a new password the policy refuses, a required attribute missing, an MFA "
            "method not set up, or a username other than the challenge's",
            401: "The sign-in session (3 minutes, single use) or its code has expired, or was "
            "already used: log in again",
            403: "User disabled, or the next step is one the service does not support",
        }
    )
    | success_with_links(200, SIGNED_IN_OR_CHALLENGED, links.ANSWER_CHALLENGE_LINKS),
)
def answer_challenge(
    body: ChallengeAnswer, services: ServicesDep, session: SessionDep, response: Response
) -> Token | SignInChallenge:
    """Answer a challenge of /users/login (or of this route): tokens, as /users/login gives, or
    the next challenge (after a new password, MFA may still be asked for)."""
    outcome = answer(services.cognito, body)
    response.headers["Cache-Control"] = NOT_STORED
    return signed_in_or_challenged(services, session, outcome)
