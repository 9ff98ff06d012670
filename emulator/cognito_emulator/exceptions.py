"""Errors the emulator answers with, named after the Cognito error codes they represent.

The server turns a `CognitoError` into the JSON error body boto3 parses:
`{"__type": err.code, "message": err.message}` with HTTP `err.status`. The status comes from
`HTTP_STATUS_BY_CODE`, the one table from error code to HTTP status that the error classes,
errors translated from moto and injected faults all read.
"""

from __future__ import annotations

# Cognito answers every client error with HTTP 400; these codes are the exceptions.
HTTP_STATUS_BY_CODE: dict[str, int] = {
    "InternalErrorException": 500,
    "InternalFailure": 500,
    "ServiceUnavailable": 503,
    "ServiceUnavailableException": 503,
}
CLIENT_ERROR_STATUS = 400

INCORRECT_CREDENTIALS = "Incorrect username or password."


def status_for(code: str) -> int:
    """The HTTP status Cognito answers error `code` with."""
    return HTTP_STATUS_BY_CODE.get(code, CLIENT_ERROR_STATUS)


class CognitoError(Exception):
    """Base of every error a client of the emulator may see."""

    code: str = "InternalErrorException"

    def __init__(self, message: str = "", *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        # Errors moto raises with a code we have no class for keep their AWS code.
        if code is not None:
            self.code = code
        self.status = status_for(self.code)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class NotAuthorizedException(CognitoError):
    code = "NotAuthorizedException"


class UserNotFoundException(CognitoError):
    code = "UserNotFoundException"


class UsernameExistsException(CognitoError):
    code = "UsernameExistsException"


class AliasExistsException(CognitoError):
    code = "AliasExistsException"


class CodeMismatchException(CognitoError):
    code = "CodeMismatchException"


class ExpiredCodeException(CognitoError):
    code = "ExpiredCodeException"


class InvalidParameterException(CognitoError):
    code = "InvalidParameterException"


class InvalidPasswordException(CognitoError):
    code = "InvalidPasswordException"


class PasswordResetRequiredException(CognitoError):
    code = "PasswordResetRequiredException"


class UserNotConfirmedException(CognitoError):
    code = "UserNotConfirmedException"


class ResourceNotFoundException(CognitoError):
    code = "ResourceNotFoundException"


class TooManyRequestsException(CognitoError):
    code = "TooManyRequestsException"


class LimitExceededException(CognitoError):
    code = "LimitExceededException"


class UnsupportedOperationException(CognitoError):
    code = "UnsupportedOperationException"


class UnsupportedTokenTypeException(CognitoError):
    code = "UnsupportedTokenTypeException"


class UnauthorizedException(CognitoError):
    """RevokeToken's answer when the client cannot authenticate (missing or wrong ClientSecret)."""

    code = "UnauthorizedException"


class UserLambdaValidationException(CognitoError):
    """A Lambda trigger's function raised: "{Trigger} failed with error {message}."."""

    code = "UserLambdaValidationException"


class InvalidLambdaResponseException(CognitoError):
    """A Lambda trigger's function answered something Cognito cannot read."""

    code = "InvalidLambdaResponseException"


class UnexpectedLambdaException(CognitoError):
    """A Lambda trigger's function could not be invoked, or did not answer in time."""

    code = "UnexpectedLambdaException"


class UnknownOperationException(CognitoError):
    """An X-Amz-Target the emulator does not serve (AWS JSON protocol's own error)."""

    code = "UnknownOperationException"


class InternalErrorException(CognitoError):
    code = "InternalErrorException"


_BY_CODE: dict[str, type[CognitoError]] = {
    cls.code: cls
    for cls in (
        NotAuthorizedException,
        UserNotFoundException,
        UsernameExistsException,
        AliasExistsException,
        CodeMismatchException,
        ExpiredCodeException,
        InvalidParameterException,
        InvalidPasswordException,
        PasswordResetRequiredException,
        UserNotConfirmedException,
        ResourceNotFoundException,
        TooManyRequestsException,
        LimitExceededException,
        UnsupportedOperationException,
        UnsupportedTokenTypeException,
        UnauthorizedException,
        UserLambdaValidationException,
        InvalidLambdaResponseException,
        UnexpectedLambdaException,
        UnknownOperationException,
        InternalErrorException,
    )
}


def error_for_code(code: str, message: str) -> CognitoError:
    """The `CognitoError` for an AWS error code, keeping the code when we have no class for it."""
    cls = _BY_CODE.get(code)
    if cls is not None:
        return cls(message)
    return CognitoError(message, code=code)


class SoftwareTokenMFANotFoundException(CognitoError):
    """TOTP set-up in a pool whose SoftwareTokenMfaConfiguration is off."""

    code = "SoftwareTokenMFANotFoundException"


class EnableSoftwareTokenMFAException(CognitoError):
    """VerifySoftwareToken's answer to a code that is not the authenticator's."""

    code = "EnableSoftwareTokenMFAException"


class RefreshTokenReuseException(CognitoError):
    """GetTokensFromRefreshToken's answer to a refresh token that rotation replaced and whose
    RetryGracePeriodSeconds is over (the API model: "thrown when your application requests token
    refresh with a refresh token that has been invalidated by refresh-token rotation")."""

    code = "RefreshTokenReuseException"
