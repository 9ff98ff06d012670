"""Every Cognito failure the service can meet, mapped once to the answer its client gets.

Lookup order: operator misconfiguration (by code and message) → (operation, error code, words of
the message) → (operation, error code) → error code → fallback by the HTTP status Cognito sent
(5xx: unavailable, anything else: bad gateway). Transport failures (connection refused, timeouts)
are "unavailable", except that a change Cognito may have applied says so (MAYBE_APPLIED, chosen
in app/core/cognito.py). No row is a 500: nothing Cognito does is the client's fault or a crash
here.

Operation names are the boto3 operation names, except `RefreshTokenAuth` (InitiateAuth with the
REFRESH_TOKEN_AUTH flow), whose failures mean something else than a password login's, and
`SignInAssociateSoftwareToken` / `SignInVerifySoftwareToken` (TOTP set-up during a sign-in, with
the challenge's Session instead of an access token: a refusal means the sign-in has expired,
not the token).

Enumeration: unknown users get exactly the answer of an existing user with a wrong password or
code (whatever the state of the account a code is redeemed for: CODE_REFUSED, RESET_REFUSED),
and "send me a code" operations answer as if they had succeeded — Cognito's
PreventUserExistenceErrors and more, enforced here even if the pool does not enable it.
"""

from dataclasses import dataclass
from http import HTTPStatus

# Operations whose request carried a token of the client's: a 401 then says the token is invalid.
TOKEN_OPERATIONS = frozenset(
    {
        "RefreshTokenAuth",
        "GlobalSignOut",
        "ChangePassword",
        "GetUser",
        "AssociateSoftwareToken",
        "VerifySoftwareToken",
        "SetUserMFAPreference",
    }
)


@dataclass(frozen=True)
class ErrorAnswer:
    """What the client is told. `detail=None` passes Cognito's own message through: only for
    messages about the client's input (a password policy, a malformed parameter)."""

    status: int
    detail: str | None
    retry_after_seconds: int | None = None
    answer_as_success: bool = False


def _as_success(why: str) -> ErrorAnswer:
    """The operation answers as if Cognito had succeeded (`why` is for readers of this table)."""
    return ErrorAnswer(HTTPStatus.OK, why, answer_as_success=True)


BAD_CREDENTIALS = ErrorAnswer(HTTPStatus.UNAUTHORIZED, "Incorrect username or password")
INVALID_CODE = ErrorAnswer(HTTPStatus.BAD_REQUEST, "Invalid verification code")
# Redeeming a code answers every refusal that depends on the account as it answers an unknown
# user. Cognito does not, even with PreventUserExistenceErrors=ENABLED: ConfirmForgotPassword is
# CodeMismatchException for unknown or disabled users but ExpiredCodeException for an account
# that requested no code (AWS developer guide, "Managing error responses"), the new password's
# policy is checked only for accounts that exist (InvalidPasswordException), and ConfirmSignUp
# refuses a confirmed account with NotAuthorizedException.
CODE_REFUSED = ErrorAnswer(HTTPStatus.BAD_REQUEST, "Invalid or expired verification code")
RESET_REFUSED = ErrorAnswer(
    HTTPStatus.BAD_REQUEST,
    "Invalid or expired verification code, or a new password the policy refuses",
)
THROTTLED = ErrorAnswer(
    HTTPStatus.TOO_MANY_REQUESTS, "Too many requests; retry later", retry_after_seconds=1
)
UNAVAILABLE = ErrorAnswer(
    HTTPStatus.SERVICE_UNAVAILABLE,
    "The identity provider is unavailable; retry later",
    retry_after_seconds=5,
)
# Operations that change something in Cognito, and the answer when one may have been applied
# though the service never heard back (a read timeout, a dropped connection; or an error answered
# to a retry, which an earlier, applied attempt may have caused): calls are at-least-once.
CHANGE_OPERATIONS = frozenset(
    {
        "SignUp",
        "ConfirmSignUp",
        "ChangePassword",
        "ConfirmForgotPassword",
        # A new password, a verified TOTP secret, a Session spent: a retry is refused.
        "RespondToAuthChallenge",
        "VerifySoftwareToken",
        "SignInVerifySoftwareToken",
    }
)
MAYBE_APPLIED = ErrorAnswer(
    HTTPStatus.SERVICE_UNAVAILABLE,
    "The identity provider did not answer; the change may have been applied: check before retrying",
    retry_after_seconds=5,
)
# Wrong pool id, client id or secret, a disabled feature, an AWS-side role: an operator must act,
# so retrying soon is pointless; the log says which code it was.
MISCONFIGURED = ErrorAnswer(
    HTTPStatus.SERVICE_UNAVAILABLE,
    "The identity provider is not usable with the service's configuration",
    retry_after_seconds=60,
)
UNEXPECTED = ErrorAnswer(HTTPStatus.BAD_GATEWAY, "Unexpected answer from the identity provider")
INVALID_REQUEST = ErrorAnswer(HTTPStatus.BAD_REQUEST, "Invalid parameter")
LOCKED_OUT = ErrorAnswer(
    HTTPStatus.TOO_MANY_REQUESTS, "Too many attempts; retry later", retry_after_seconds=60
)
# A challenge's Session is single use, bound to its user, and expires (the app client's
# AuthSessionValidity, 3 minutes by default); Cognito then answers NotAuthorizedException
# ("Invalid session for the user, session is expired." / "... session can only be used once.").
SIGN_IN_EXPIRED = ErrorAnswer(
    HTTPStatus.UNAUTHORIZED,
    "The sign-in session has expired, was already used, or is another user's: log in again",
)
TOKEN_REVOKED = ErrorAnswer(HTTPStatus.UNAUTHORIZED, "Token has been revoked")
TOKEN_NO_LONGER_VALID = ErrorAnswer(HTTPStatus.UNAUTHORIZED, "Token is no longer valid")

ANSWERS_BY_CODE: dict[str, ErrorAnswer] = {
    # The client's input
    "UsernameExistsException": ErrorAnswer(HTTPStatus.CONFLICT, "User already exists"),
    "AliasExistsException": ErrorAnswer(
        HTTPStatus.CONFLICT, "An account with this email already exists"
    ),
    "InvalidPasswordException": ErrorAnswer(HTTPStatus.BAD_REQUEST, None),
    "PasswordHistoryPolicyViolationException": ErrorAnswer(
        HTTPStatus.BAD_REQUEST, "The password was used recently; choose another one"
    ),
    "InvalidParameterException": ErrorAnswer(HTTPStatus.BAD_REQUEST, None),
    "UserLambdaValidationException": ErrorAnswer(HTTPStatus.BAD_REQUEST, None),
    "CodeMismatchException": INVALID_CODE,
    # VerifySoftwareToken: the code is not the authenticator's for the new secret.
    "EnableSoftwareTokenMFAException": INVALID_CODE,
    # SELECT_MFA_TYPE chose, or a sign-in needs, an MFA method the user has not set up.
    "MFAMethodNotFoundException": ErrorAnswer(
        HTTPStatus.BAD_REQUEST, "That MFA method is not set up for this account"
    ),
    "ExpiredCodeException": ErrorAnswer(
        HTTPStatus.BAD_REQUEST, "Verification code has expired; request a new one"
    ),
    # Who the client is
    "NotAuthorizedException": BAD_CREDENTIALS,
    "UserNotFoundException": BAD_CREDENTIALS,
    "UserNotConfirmedException": ErrorAnswer(
        HTTPStatus.FORBIDDEN, "User is not confirmed; verify your account"
    ),
    "PasswordResetRequiredException": ErrorAnswer(
        HTTPStatus.FORBIDDEN, "Password reset required; use /users/password/forgot"
    ),
    "ForbiddenException": ErrorAnswer(
        HTTPStatus.FORBIDDEN, "Request refused by the identity provider"
    ),
    "ConcurrentModificationException": ErrorAnswer(
        HTTPStatus.CONFLICT, "Another change of this account is in progress; retry"
    ),
    # Rate limits
    "TooManyRequestsException": THROTTLED,
    "LimitExceededException": LOCKED_OUT,
    "TooManyFailedAttemptsException": LOCKED_OUT,
    # Cognito or its integrations failing
    "InternalErrorException": UNAVAILABLE,
    "UnexpectedLambdaException": UNAVAILABLE,
    "InvalidLambdaResponseException": UNAVAILABLE,
    "CodeDeliveryFailureException": ErrorAnswer(
        HTTPStatus.SERVICE_UNAVAILABLE,
        "The confirmation code could not be delivered; retry later",
        retry_after_seconds=30,
    ),
    # Operator's configuration
    "ResourceNotFoundException": MISCONFIGURED,
    "InvalidUserPoolConfigurationException": MISCONFIGURED,
    "InvalidSmsRoleAccessPolicyException": MISCONFIGURED,
    "InvalidSmsRoleTrustRelationshipException": MISCONFIGURED,
    "InvalidEmailRoleAccessPolicyException": MISCONFIGURED,
    "OperationNotEnabledException": MISCONFIGURED,
    "FeatureUnavailableInTierException": MISCONFIGURED,
    "UnsupportedOperationException": MISCONFIGURED,
    # "Software Token MFA has not been enabled by the userPool" (its documented meaning).
    "SoftwareTokenMFANotFoundException": MISCONFIGURED,
}

ANSWERS_BY_OPERATION: dict[tuple[str, str], ErrorAnswer] = {
    ("SignUp", "NotAuthorizedException"): ErrorAnswer(
        HTTPStatus.FORBIDDEN, "Sign-up is not allowed for this user pool"
    ),
    # NotAuthorizedException: "User cannot be confirmed. Current status is CONFIRMED".
    **{
        ("ConfirmSignUp", code): CODE_REFUSED
        for code in (
            "UserNotFoundException",
            "NotAuthorizedException",
            "CodeMismatchException",
            "ExpiredCodeException",
        )
    },
    ("ResendConfirmationCode", "UserNotFoundException"): _as_success("no enumeration"),
    ("ResendConfirmationCode", "NotAuthorizedException"): ErrorAnswer(
        HTTPStatus.BAD_REQUEST, "A code cannot be sent in the account's current state"
    ),
    # No enumeration: no code sent, and the answer of an account that got one.
    ("ForgotPassword", "UserNotFoundException"): _as_success("no code sent: no such user"),
    # Cognito: "User is disabled." or, where only administrators may reset passwords,
    # "Contact administrator to reset password."
    ("ForgotPassword", "NotAuthorizedException"): _as_success(
        "no code sent: the user is disabled, or only administrators may reset passwords"
    ),
    # NotAuthorizedException: a disabled user (app clients with PreventUserExistenceErrors=LEGACY).
    **{
        ("ConfirmForgotPassword", code): RESET_REFUSED
        for code in (
            "UserNotFoundException",
            "NotAuthorizedException",
            "UserNotConfirmedException",
            "CodeMismatchException",
            "ExpiredCodeException",
            "InvalidPasswordException",
            "PasswordHistoryPolicyViolationException",
        )
    },
    ("RefreshTokenAuth", "NotAuthorizedException"): ErrorAnswer(
        HTTPStatus.UNAUTHORIZED, "Invalid or revoked refresh token"
    ),
    ("RefreshTokenAuth", "UserNotFoundException"): ErrorAnswer(
        HTTPStatus.UNAUTHORIZED, "Invalid or revoked refresh token"
    ),
    # The bearer token was verified before the call, so this is the previous password.
    ("ChangePassword", "NotAuthorizedException"): ErrorAnswer(
        HTTPStatus.BAD_REQUEST, "Incorrect previous password"
    ),
    ("ChangePassword", "UserNotFoundException"): ErrorAnswer(
        HTTPStatus.UNAUTHORIZED, "Token is no longer valid"
    ),
    # Cognito already refuses the token: the goal of a logout holds.
    ("GlobalSignOut", "NotAuthorizedException"): _as_success("already signed out"),
    # The signed-in user's own account, with their (verified) access token.
    **{
        (operation, code): answer
        for operation in (
            "GetUser",
            "AssociateSoftwareToken",
            "VerifySoftwareToken",
            "SetUserMFAPreference",
        )
        for code, answer in (
            ("NotAuthorizedException", TOKEN_REVOKED),
            ("UserNotFoundException", TOKEN_NO_LONGER_VALID),
        )
    },
    # A challenge's Session expired or spent, or its user gone since the sign-in began.
    **{
        (operation, code): SIGN_IN_EXPIRED
        for operation in (
            "RespondToAuthChallenge",
            "SignInAssociateSoftwareToken",
            "SignInVerifySoftwareToken",
        )
        for code in ("NotAuthorizedException", "UserNotFoundException")
    },
    # An emailed or texted code outlives neither its Session nor its few minutes.
    ("RespondToAuthChallenge", "ExpiredCodeException"): ErrorAnswer(
        HTTPStatus.UNAUTHORIZED, "The code has expired: log in again for a new one"
    ),
}


SECRET_HASH_MISMATCH = "unable to verify secret hash"

# Answers that depend on Cognito's message, not only on its code:
# (operation, code, words of the message) → answer.
ANSWERS_BY_MESSAGE: dict[tuple[str, str, str], ErrorAnswer] = {
    # Cognito: "Cannot reset password for the user as there is no registered/verified email or
    # phone_number" — an unconfirmed user. No enumeration: the answer of an account that got one.
    ("ForgotPassword", "InvalidParameterException", "no registered/verified"): _as_success(
        "no code sent: the user has no verified email or phone number (not confirmed)"
    ),
    # The challenge's user is not the one the client named (CLIENT_CHOSEN_HASH_USERNAME).
    ("RespondToAuthChallenge", "NotAuthorizedException", SECRET_HASH_MISMATCH): ErrorAnswer(
        HTTPStatus.BAD_REQUEST,
        "The username is not the one the challenge named: send back the challenge's `username`",
    ),
}

# Operations whose SECRET_HASH is over a username the client sent that need not be the user
# Cognito checks it against: a refresh token names its own user, so a refresh with another
# username fails the hash check ("Unable to verify secret hash") — an invalid refresh request,
# not a wrong secret; likewise a challenge answered with another username than the challenge
# named. Everywhere else the service hashes the very username it sends, so a mismatch does mean
# the secret is wrong (a wrong secret then shows at the next login).
CLIENT_CHOSEN_HASH_USERNAME = frozenset({"RefreshTokenAuth", "RespondToAuthChallenge"})


def is_misconfiguration(operation: str, code: str, message: str) -> bool:
    """Two operator mistakes Cognito reports with client-error codes: a wrong or missing client
    secret (NotAuthorizedException "Unable to verify secret hash for client ..." or "... is
    configured for secret but secret was not received") and an auth flow the app client does
    not allow (InvalidParameterException "... flow not enabled for this client"). Neither is the
    client's fault — except a hash mismatch where the client chose the hashed username."""
    text = message.lower()
    if code == "NotAuthorizedException" and "secret" in text:
        return not (operation in CLIENT_CHOSEN_HASH_USERNAME and SECRET_HASH_MISMATCH in text)
    return code == "InvalidParameterException" and "flow not enabled" in text


def answer_for(operation: str, code: str, message: str = "", http_status: int = 400) -> ErrorAnswer:
    """The answer for a Cognito error response."""
    if is_misconfiguration(operation, code, message):
        return MISCONFIGURED
    text = message.lower()
    for (answered_operation, answered_code, words), by_message in ANSWERS_BY_MESSAGE.items():
        if (answered_operation, answered_code) == (operation, code) and words in text:
            return by_message
    answer = ANSWERS_BY_OPERATION.get((operation, code)) or ANSWERS_BY_CODE.get(code)
    if answer is not None:
        return answer
    return UNAVAILABLE if http_status >= HTTPStatus.INTERNAL_SERVER_ERROR else UNEXPECTED


class CognitoRequestFailed(Exception):
    """A Cognito call failed; carries the mapped answer for the client."""

    def __init__(
        self, operation: str, code: str, answer: ErrorAnswer, cognito_message: str = ""
    ) -> None:
        super().__init__(f"{operation}: {code}")
        self.operation = operation
        self.code = code
        self.answer = answer
        self.cognito_message = cognito_message

    @property
    def detail(self) -> str:
        if self.answer.detail is not None:
            return self.answer.detail
        return self.cognito_message[:500] or HTTPStatus(self.answer.status).phrase

    @property
    def headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.answer.retry_after_seconds is not None:
            headers["Retry-After"] = str(self.answer.retry_after_seconds)
        if self.answer.status == HTTPStatus.UNAUTHORIZED:
            sent_token = self.operation in TOKEN_OPERATIONS
            headers["WWW-Authenticate"] = 'Bearer error="invalid_token"' if sent_token else "Bearer"
        return headers
