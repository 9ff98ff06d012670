"""The Cognito user-pool calls the service makes, over boto3.

- SECRET_HASH is added when the app client has a secret; the secret itself is never logged.
- Every call has explicit connect/read timeouts and a bounded number of attempts (botocore's
  "standard" retry mode retries throttling, 5xx and connection errors with backoff).
- Requests are unsigned: every operation here is one of Cognito's public, token- or
  secret-hash-authenticated APIs, so the service needs no AWS credentials at all.
- Every failure becomes a CognitoRequestFailed carrying the client's answer (cognito_errors).
"""

import base64
import hashlib
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, TypeVar

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    HTTPClientError,
    ParamValidationError,
)
from botocore.exceptions import ConnectionError as BotoConnectionError
from pydantic import SecretStr

from app.core.cognito_errors import (
    CHANGE_OPERATIONS,
    INVALID_REQUEST,
    MAYBE_APPLIED,
    MISCONFIGURED,
    UNAVAILABLE,
    UNEXPECTED,
    CognitoRequestFailed,
    ErrorAnswer,
    answer_for,
)
from app.core.config import Settings

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_cognito_idp.type_defs import AuthenticationResultTypeTypeDef

logger = logging.getLogger(__name__)

# At DEBUG level these botocore loggers write whole request and response bodies: passwords,
# confirmation codes, SECRET_HASH, tokens. Their DEBUG records are dropped (the rest of botocore
# logs as configured).
BODY_LOGGERS = ("botocore.endpoint", "botocore.parsers")

T = TypeVar("T")

CHALLENGE_REQUIRED = ErrorAnswer(HTTPStatus.FORBIDDEN, None)


@dataclass(frozen=True)
class AuthTokens:
    access_token: str
    id_token: str
    expires_in: int
    # Only password logins return one (unless the pool rotates refresh tokens).
    refresh_token: str | None


@dataclass(frozen=True)
class CognitoProfile:
    sub: str
    username: str
    email: str | None


class CognitoClient:
    def __init__(
        self,
        *,
        region: str,
        client_id: str,
        client_secret: SecretStr | None,
        endpoint_url: str | None = None,
        connect_timeout: float = 2.0,
        read_timeout: float = 5.0,
        max_attempts: int = 3,
    ) -> None:
        self.client_id = client_id
        self._client_secret = client_secret
        _silence_body_logging()
        self._client: CognitoIdentityProviderClient = boto3.client(
            "cognito-idp",
            region_name=region,
            endpoint_url=endpoint_url,
            config=Config(
                signature_version=UNSIGNED,
                connect_timeout=connect_timeout,
                read_timeout=read_timeout,
                retries={"total_max_attempts": max_attempts, "mode": "standard"},
                user_agent_extra="cognito-kit",
            ),
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> "CognitoClient":
        return cls(
            region=settings.AWS_REGION,
            client_id=settings.AWS_COGNITO_APP_CLIENT_ID,
            client_secret=settings.AWS_COGNITO_APP_CLIENT_SECRET,
            endpoint_url=settings.AWS_COGNITO_ENDPOINT_URL,
            connect_timeout=settings.COGNITO_CONNECT_TIMEOUT_SECONDS,
            read_timeout=settings.COGNITO_READ_TIMEOUT_SECONDS,
            max_attempts=settings.COGNITO_MAX_ATTEMPTS,
        )

    def close(self) -> None:
        self._client.close()

    def secret_hash(self, username: str) -> str | None:
        """Base64(HMAC-SHA256(client secret, username + client id)), or None without a secret."""
        if self._client_secret is None:
            return None
        digest = hmac.new(
            self._client_secret.get_secret_value().encode(),
            (username + self.client_id).encode(),
            hashlib.sha256,
        ).digest()
        return base64.b64encode(digest).decode()

    # ---- operations ------------------------------------------------------------------------

    def sign_up(self, username: str, password: str, email: str) -> str:
        """Returns the new user's sub."""
        params = self._params(
            username,
            Password=password,
            UserAttributes=[{"Name": "email", "Value": email}],
        )
        response = self._invoke("SignUp", lambda: self._client.sign_up(**params))
        return response["UserSub"]

    def confirm_sign_up(self, username: str, code: str) -> None:
        params = self._params(username, ConfirmationCode=code)
        self._invoke_for_effect("ConfirmSignUp", lambda: self._client.confirm_sign_up(**params))

    def resend_confirmation_code(self, username: str) -> None:
        params = self._params(username)
        self._invoke_for_effect(
            "ResendConfirmationCode", lambda: self._client.resend_confirmation_code(**params)
        )

    def password_auth(self, username: str, password: str) -> AuthTokens:
        auth = {"USERNAME": username, "PASSWORD": password, **self._secret_hash_auth(username)}
        response = self._invoke(
            "InitiateAuth",
            lambda: self._client.initiate_auth(
                ClientId=self.client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=auth
            ),
        )
        if "AuthenticationResult" not in response:
            challenge = response.get("ChallengeName", "unknown")
            raise CognitoRequestFailed(
                "InitiateAuth",
                "ChallengeRequired",
                CHALLENGE_REQUIRED,
                f"This account needs a sign-in step the service does not support: {challenge}",
            )
        return _tokens("InitiateAuth", response["AuthenticationResult"])

    def refresh_tokens(self, username: str, refresh_token: str) -> AuthTokens:
        auth = {"REFRESH_TOKEN": refresh_token, **self._secret_hash_auth(username)}
        response = self._invoke(
            "RefreshTokenAuth",
            lambda: self._client.initiate_auth(
                ClientId=self.client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters=auth
            ),
        )
        return _tokens("RefreshTokenAuth", response.get("AuthenticationResult", {}))

    def global_sign_out(self, access_token: str) -> None:
        self._invoke_for_effect(
            "GlobalSignOut", lambda: self._client.global_sign_out(AccessToken=access_token)
        )

    def forgot_password(self, username: str) -> None:
        params = self._params(username)
        self._invoke_for_effect("ForgotPassword", lambda: self._client.forgot_password(**params))

    def confirm_forgot_password(self, username: str, code: str, new_password: str) -> None:
        params = self._params(username, ConfirmationCode=code, Password=new_password)
        self._invoke_for_effect(
            "ConfirmForgotPassword", lambda: self._client.confirm_forgot_password(**params)
        )

    def change_password(self, access_token: str, previous: str, proposed: str) -> None:
        self._invoke_for_effect(
            "ChangePassword",
            lambda: self._client.change_password(
                AccessToken=access_token, PreviousPassword=previous, ProposedPassword=proposed
            ),
        )

    def get_user(self, access_token: str) -> CognitoProfile:
        """The token's user as Cognito has them now; refused once the token is revoked."""
        response = self._invoke("GetUser", lambda: self._client.get_user(AccessToken=access_token))
        attributes = {a["Name"]: a.get("Value", "") for a in response["UserAttributes"]}
        return CognitoProfile(
            sub=attributes.get("sub", ""),
            username=response["Username"],
            email=attributes.get("email"),
        )

    # ---- plumbing ---------------------------------------------------------------------------

    def _params(self, username: str, **params: Any) -> dict[str, Any]:
        params.update(ClientId=self.client_id, Username=username)
        hashed = self.secret_hash(username)
        if hashed is not None:
            params["SecretHash"] = hashed
        return params

    def _secret_hash_auth(self, username: str) -> dict[str, str]:
        hashed = self.secret_hash(username)
        return {} if hashed is None else {"SECRET_HASH": hashed}

    def _invoke_for_effect(self, operation: str, call: Callable[[], object]) -> None:
        """For calls whose result is not used: some failures answer as success (see the table)."""
        try:
            self._invoke(operation, call)
        except CognitoRequestFailed as failure:
            if not failure.answer.answer_as_success:
                raise

    def _invoke(self, operation: str, call: Callable[[], T]) -> T:
        try:
            return call()
        except (ClientError, BotoCoreError) as error:
            failure = _failure(operation, error)
            _log_failure(failure)
            raise failure from error


def _failure(operation: str, error: ClientError | BotoCoreError) -> CognitoRequestFailed:
    """The failure's answer. A change's request that reached Cognito unanswered (HTTPClientError:
    a read timeout, a dropped connection; not ConnectionError, which never reached it), or a
    client error answered to a retry of it, may hide an applied change: MAYBE_APPLIED."""
    if isinstance(error, ClientError):
        body: Any = error.response.get("Error", {})
        code = str(body.get("Code") or "Unknown")
        message = str(body.get("Message") or "")
        metadata: Any = error.response.get("ResponseMetadata", {})
        status = int(metadata.get("HTTPStatusCode", 400))
        answer = answer_for(operation, code, message, status)
        retried = int(metadata.get("RetryAttempts") or 0) > 0
        if retried and operation in CHANGE_OPERATIONS and answer.status < 500:
            answer = MAYBE_APPLIED
        return CognitoRequestFailed(operation, code, answer, message)
    if isinstance(error, HTTPClientError) and operation in CHANGE_OPERATIONS:
        answer = MAYBE_APPLIED
    elif isinstance(error, BotoConnectionError | HTTPClientError):
        answer = UNAVAILABLE
    elif isinstance(error, ParamValidationError):
        answer = INVALID_REQUEST
    else:
        answer = MISCONFIGURED
    return CognitoRequestFailed(operation, type(error).__name__, answer)


class _NoMessageBodies(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


def _silence_body_logging() -> None:
    for name in BODY_LOGGERS:
        body_logger = logging.getLogger(name)
        if not any(isinstance(f, _NoMessageBodies) for f in body_logger.filters):
            body_logger.addFilter(_NoMessageBodies())


def _log_failure(failure: CognitoRequestFailed) -> None:
    # Operation and code only: parameters hold passwords, codes and tokens.
    if failure.answer.answer_as_success:
        # The client is told it worked (no enumeration); the log says why nothing happened.
        logger.info(
            "Cognito %s: %s, answered as success (%s)",
            failure.operation,
            failure.code,
            failure.answer.detail,
        )
        return
    if failure.answer is MISCONFIGURED:
        level = logging.ERROR
    elif failure.answer.status >= HTTPStatus.INTERNAL_SERVER_ERROR or failure.answer.status == 429:
        level = logging.WARNING
    else:
        level = logging.DEBUG
    logger.log(level, "Cognito %s failed: %s", failure.operation, failure.code)


def _tokens(operation: str, result: "AuthenticationResultTypeTypeDef") -> AuthTokens:
    access_token, id_token = result.get("AccessToken"), result.get("IdToken")
    if not access_token or not id_token:
        raise CognitoRequestFailed(operation, "IncompleteAuthenticationResult", UNEXPECTED)
    return AuthTokens(
        access_token=access_token,
        id_token=id_token,
        expires_in=int(result.get("ExpiresIn", 3600)),
        refresh_token=result.get("RefreshToken"),
    )
