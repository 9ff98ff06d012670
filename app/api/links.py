"""OpenAPI links of the user lifecycle: how one step's request or response feeds the next step.

signup → verify → login (or a login's challenge answered) → me / refresh / logout / password
change, and the code and password flows hanging off signup. Clients and generators read them
from the schema, and schemathesis' stateful phase walks them
(contract_tests/test_openapi_schema.py). Links name their target by operationId: the /users
routes set theirs explicitly (the names below), so the links do not depend on FastAPI's
generated ids or on paths.
"""

from typing import Any

# The operationIds of the /users routes.
SIGN_UP = "signup"
VERIFY = "verify"
RESEND_CODE = "resend_verification_code"
LOG_IN = "login"
REFRESH_TOKEN = "refresh_token"
LOG_OUT = "logout"
READ_ME = "read_me"
FORGOT_PASSWORD = "forgot_password"
CONFIRM_FORGOT_PASSWORD = "confirm_forgot_password"
CHANGE_PASSWORD = "change_password"
ANSWER_CHALLENGE = "answer_challenge"
READ_MFA = "read_mfa"
SET_MFA_PREFERENCE = "set_mfa_preference"
START_TOTP_SETUP = "start_totp_setup"
VERIFY_TOTP = "verify_totp"

Links = dict[str, dict[str, Any]]

USERNAME_OF_REQUEST = {"username": "$request.body#/username"}
BEARER_FROM_RESPONSE = {"header.Authorization": "Bearer {$response.body#/access_token}"}


def _link(operation_id: str, description: str, **fields: Any) -> dict[str, Any]:
    return {"operationId": operation_id, "description": description, **fields}


SIGN_UP_LINKS: Links = {
    "VerifySignedUpUser": _link(
        VERIFY, "Confirm the account with the emailed code", requestBody=USERNAME_OF_REQUEST
    ),
    "ResendCodeToSignedUpUser": _link(
        RESEND_CODE, "Send the confirmation code again", requestBody=USERNAME_OF_REQUEST
    ),
    "LogInSignedUpUser": _link(
        LOG_IN,
        "Log in with the credentials just signed up with (once verified)",
        requestBody={
            "username": "$request.body#/username",
            "password": "$request.body#/password",
        },
    ),
    "ForgotPasswordOfSignedUpUser": _link(
        FORGOT_PASSWORD, "Ask for a password reset code", requestBody=USERNAME_OF_REQUEST
    ),
}

VERIFY_LINKS: Links = {
    "LogInVerifiedUser": _link(LOG_IN, "Log in as the user", requestBody=USERNAME_OF_REQUEST),
}

LOG_IN_LINKS: Links = {
    "ReadMe": _link(READ_ME, "The user's profile", parameters=BEARER_FROM_RESPONSE),
    "RefreshTokens": _link(
        REFRESH_TOKEN,
        "New access and ID tokens from the refresh token",
        requestBody={
            "username": "$request.body#/username",
            "refresh_token": "$response.body#/refresh_token",
        },
    ),
    "LogOut": _link(LOG_OUT, "Sign out everywhere", parameters=BEARER_FROM_RESPONSE),
    "ChangePassword": _link(
        CHANGE_PASSWORD, "Change the password", parameters=BEARER_FROM_RESPONSE
    ),
}

# A challenge answered with tokens leads where a login does (its request has `username` too).
ANSWER_CHALLENGE_LINKS: Links = LOG_IN_LINKS

REFRESH_TOKEN_LINKS: Links = {
    "ReadMeWithRefreshedToken": _link(
        READ_ME, "The user's profile", parameters=BEARER_FROM_RESPONSE
    ),
    "LogOutWithRefreshedToken": _link(
        LOG_OUT, "Sign out everywhere", parameters=BEARER_FROM_RESPONSE
    ),
}

FORGOT_PASSWORD_LINKS: Links = {
    "ConfirmForgottenPassword": _link(
        CONFIRM_FORGOT_PASSWORD,
        "Set a new password with the emailed code",
        requestBody=USERNAME_OF_REQUEST,
    ),
}


def success_with_links(
    status_code: int, description: str, links: Links
) -> dict[int | str, dict[str, Any]]:
    """A route's `responses=` entry for its success answer (FastAPI merges it into the one it
    generates from the response model)."""
    return {status_code: {"description": description, "links": links}}
