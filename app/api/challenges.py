"""Cognito's sign-in challenges as the API presents and answers them (/users/login and
/users/login/challenge).

A sign-in ends in tokens (admitted as every sign-in is, app/api/sign_in.py) or in a challenge
the client answers with the Session Cognito issued; nothing about a pending sign-in is kept
here. MFA_SETUP, when the pool requires MFA of a user who has none, is set up as TOTP: the
challenge is presented with a new TOTP secret already associated (AssociateSoftwareToken with
the Session), and its answer is the authenticator's code, which verifies the secret
(VerifySoftwareToken) and completes the challenge with the Session that verification returns
(Cognito's MFA_SETUP flow, RespondToAuthChallenge's ChallengeResponses in botocore's model).
"""

import json
from typing import Any, cast

from fastapi import HTTPException, status
from sqlmodel import Session

from app.api.sign_in import bearer_tokens, sign_in
from app.core.cognito import (
    CODE_RESPONSE_KEYS,
    AuthChallenge,
    AuthTokens,
    CognitoClient,
    SignInOutcome,
)
from app.core.services import Services
from app.core.totp_setup import otpauth_uri, qr_code_data_uri
from app.models import (
    ANSWER_FIELDS,
    ChallengeAnswer,
    ChallengeName,
    SignInChallenge,
    Token,
    TotpSetup,
    utc_now,
)

# ChallengeParameters a client may see: where a code went (masked by Cognito) and the choices
# it has. USER_ID_FOR_SRP / USERNAME become `username`; anything else (a custom challenge's
# parameters, userAttributes with the account's every attribute) stays here.
SHOWN_PARAMETERS = frozenset(
    {
        "CODE_DELIVERY_DELIVERY_MEDIUM",
        "CODE_DELIVERY_DESTINATION",
        "MFAS_CAN_CHOOSE",
        "MFAS_CAN_SETUP",
        "requiredAttributes",
    }
)
# Parameters whose value Cognito sends as a JSON array in a string.
LIST_PARAMETERS = frozenset({"MFAS_CAN_CHOOSE", "MFAS_CAN_SETUP", "requiredAttributes"})
# Cognito's requiredAttributes names carry this prefix, as their answers' keys do.
ATTRIBUTE_PREFIX = "userAttributes."
TOTP = "SOFTWARE_TOKEN_MFA"

# A sign-in step's answer holds tokens or a TOTP secret: kept by no cache (RFC 6749 §5.1).
NOT_STORED = "no-store"
# The 200 answer of a sign-in step, documented.
SIGNED_IN_OR_CHALLENGED = (
    "Bearer tokens of the user, or (with `challenge` instead of `access_token`) the step Cognito "
    "asks for first (MFA, a new password), to answer at /users/login/challenge"
)


def _unsupported(challenge: str) -> HTTPException:
    return HTTPException(
        status.HTTP_403_FORBIDDEN,
        f"This account needs a sign-in step the service does not support: {challenge}",
    )


def signed_in_or_challenged(
    services: Services, session: Session, outcome: SignInOutcome
) -> Token | SignInChallenge:
    """The answer to a sign-in step: the tokens of a completed sign-in, or the next challenge."""
    if isinstance(outcome, AuthTokens):
        sign_in(services, session, outcome, login_at=utc_now())
        return bearer_tokens(outcome)
    return _present(services, outcome)


def _present(services: Services, challenge: AuthChallenge) -> SignInChallenge:
    """The challenge as the client sees it; an MFA_SETUP with its TOTP secret associated."""
    if challenge.name not in ANSWER_FIELDS:
        raise _unsupported(challenge.name)
    parameters = _shown(challenge.parameters)
    respond_with = list(ANSWER_FIELDS[challenge.name])
    if parameters.get("requiredAttributes"):
        respond_with.append("attributes")
    session_id, totp = challenge.session, None
    if challenge.name == "MFA_SETUP":
        if TOTP not in parameters.get("MFAS_CAN_SETUP", []):
            # Only TOTP is set up during a sign-in; email or SMS MFA need the attribute first.
            raise _unsupported("MFA_SETUP without SOFTWARE_TOKEN_MFA")
        association = services.cognito.associate_software_token_for_sign_in(challenge.session)
        session_id = association.session or challenge.session
        totp = totp_setup(services, challenge.username, association.secret)
    return SignInChallenge(
        challenge=cast(ChallengeName, challenge.name),
        session=session_id,
        username=challenge.username,
        parameters=parameters,
        respond_with=respond_with,
        totp=totp,
    )


def answer(cognito: CognitoClient, body: ChallengeAnswer) -> SignInOutcome:
    """Send the client's answer to Cognito: tokens, or the next challenge. 400 for an answer
    without what its challenge takes (the request schema has every field optional)."""
    missing = [name for name in ANSWER_FIELDS[body.challenge] if getattr(body, name) is None]
    if missing:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST,
            f"{body.challenge} is answered with {' and '.join(missing)}",
        )
    if body.challenge == "MFA_SETUP":
        assert body.code is not None
        completing = cognito.verify_software_token_for_sign_in(body.session, body.code)
        return cognito.respond_to_challenge("MFA_SETUP", completing, body.username, {})
    return cognito.respond_to_challenge(
        body.challenge, body.session, body.username, _challenge_responses(body)
    )


def totp_setup(services: Services, account: str, secret: str) -> TotpSetup:
    uri = otpauth_uri(services.settings.TOTP_ISSUER, account, secret)
    return TotpSetup(secret=secret, otpauth_uri=uri, qr_code=qr_code_data_uri(uri))


def _challenge_responses(body: ChallengeAnswer) -> dict[str, str]:
    """RespondToAuthChallenge's ChallengeResponses for the answer (USERNAME and SECRET_HASH are
    the Cognito client's to add)."""
    if body.challenge == "NEW_PASSWORD_REQUIRED":
        assert body.new_password is not None
        attributes = {f"{ATTRIBUTE_PREFIX}{name}": value for name, value in body.attributes.items()}
        return {"NEW_PASSWORD": body.new_password, **attributes}
    if body.challenge == "SELECT_MFA_TYPE":
        assert body.mfa_type is not None
        return {"ANSWER": body.mfa_type}
    assert body.code is not None
    return {CODE_RESPONSE_KEYS[body.challenge]: body.code}


def _shown(parameters: dict[str, str]) -> dict[str, str | list[str]]:
    shown: dict[str, str | list[str]] = {}
    for name, value in parameters.items():
        if name not in SHOWN_PARAMETERS:
            continue
        shown[name] = _listed(name, value) if name in LIST_PARAMETERS else value
    return shown


def _listed(name: str, value: str) -> list[str]:
    """A JSON array parameter as a list; requiredAttributes without their prefix, as the answer's
    `attributes` names them."""
    try:
        decoded: Any = json.loads(value)
    except ValueError:
        decoded = None
    if not isinstance(decoded, list):
        return []
    items = [str(item) for item in decoded]
    if name == "requiredAttributes":
        items = [item.removeprefix(ATTRIBUTE_PREFIX) for item in items]
    return items
