"""The Cognito user-pool calls the service makes, over boto3.

- SECRET_HASH is added when the app client has a secret; the secret itself is never logged.
- Every call has explicit connect/read timeouts and a bounded number of attempts (botocore's
  "standard" retry mode retries throttling, 5xx and connection errors with backoff).
- Requests are unsigned: every operation here is one of Cognito's public, token- or
  secret-hash-authenticated APIs, so the service needs no AWS credentials at all.
- Every failure becomes a CognitoRequestFailed carrying the client's answer (cognito_errors).
- A sign-in answers tokens or the challenge Cognito asks for next (`SignInOutcome`); challenge
  answers and TOTP set-up during a sign-in carry Cognito's opaque Session, and TOTP set-up of a
  signed-in user the user's access token (the operation names of the error table tell the two
  apart: `SignInAssociateSoftwareToken`, `SignInVerifySoftwareToken`).
"""

import base64
import hashlib
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, TypeVar, cast

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
    INVALID_CODE,
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
    from mypy_boto3_cognito_idp.literals import ChallengeNameTypeType
    from mypy_boto3_cognito_idp.type_defs import (
        AuthenticationResultTypeTypeDef,
        EmailMfaSettingsTypeTypeDef,
        SoftwareTokenMfaSettingsTypeTypeDef,
    )

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
class AuthChallenge:
    """A further step Cognito asks for before it issues tokens: its name, the opaque Session that
    answers it, and its ChallengeParameters (MFAS_CAN_CHOOSE, CODE_DELIVERY_DESTINATION, ...).
    `username` is the one Cognito knows the user by (ChallengeParameters' USER_ID_FOR_SRP or
    USERNAME, else the name signed in with): an answer's USERNAME and SECRET_HASH must use it, as
    a sign-in with an alias (an email) is not hashed over the name Cognito checks the hash with
    (qwigo/warrant#74; aws-amplify/aws-sdk-android#1144)."""

    name: str
    session: str
    username: str
    parameters: dict[str, str]


SignInOutcome = AuthTokens | AuthChallenge

# The ChallengeResponses key of the code each code challenge takes (RespondToAuthChallenge's
# ChallengeResponses, botocore's cognito-idp model).
CODE_RESPONSE_KEYS = {
    "SOFTWARE_TOKEN_MFA": "SOFTWARE_TOKEN_MFA_CODE",
    "SMS_MFA": "SMS_MFA_CODE",
    "EMAIL_OTP": "EMAIL_OTP_CODE",
}


@dataclass(frozen=True)
class SoftwareTokenAssociation:
    """A new TOTP secret (base32) for the user's authenticator, and, during a sign-in, the
    Session that verifies it."""

    secret: str
    session: str | None


@dataclass(frozen=True)
class MfaSwitch:
    """One MFA method's setting in a SetUserMFAPreference request."""

    enabled: bool
    preferred: bool = False


@dataclass(frozen=True)
class MfaSettings:
    """The user's MFA as GetUser reports it: the methods turned on, and the preferred one."""

    enabled: list[str]
    preferred: str | None


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

    def start_sign_in(self, username: str, password: str) -> SignInOutcome:
        """USER_PASSWORD_AUTH: tokens, or the challenge Cognito asks for next."""
        auth = {"USERNAME": username, "PASSWORD": password, **self._secret_hash_auth(username)}
        response = self._invoke(
            "InitiateAuth",
            lambda: self._client.initiate_auth(
                ClientId=self.client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=auth
            ),
        )
        return _outcome("InitiateAuth", response, username)

    def password_auth(self, username: str, password: str) -> AuthTokens:
        """Tokens for a password alone; an account Cognito asks more of is refused (403)."""
        outcome = self.start_sign_in(username, password)
        if isinstance(outcome, AuthChallenge):
            raise CognitoRequestFailed(
                "InitiateAuth",
                "ChallengeRequired",
                CHALLENGE_REQUIRED,
                f"This account needs a sign-in step the service does not support: {outcome.name}",
            )
        return outcome

    def respond_to_challenge(
        self, challenge: str, session: str, username: str, responses: dict[str, str]
    ) -> SignInOutcome:
        """Answer a challenge of a sign-in (`username`: AuthChallenge.username): tokens, or the
        next challenge."""
        answers = {"USERNAME": username, **responses, **self._secret_hash_auth(username)}
        response = self._invoke(
            "RespondToAuthChallenge",
            lambda: self._client.respond_to_auth_challenge(
                ClientId=self.client_id,
                ChallengeName=cast("ChallengeNameTypeType", challenge),
                Session=session,
                ChallengeResponses=answers,
            ),
        )
        return _outcome("RespondToAuthChallenge", response, username)

    def associate_software_token(self, access_token: str) -> SoftwareTokenAssociation:
        """A new TOTP secret for the signed-in user (not in use until verified)."""
        response = self._invoke(
            "AssociateSoftwareToken",
            lambda: self._client.associate_software_token(AccessToken=access_token),
        )
        return SoftwareTokenAssociation(secret=response["SecretCode"], session=None)

    def associate_software_token_for_sign_in(self, session: str) -> SoftwareTokenAssociation:
        """A new TOTP secret for the user of an MFA_SETUP challenge, and the Session verifying
        it takes."""
        response = self._invoke(
            "SignInAssociateSoftwareToken",
            lambda: self._client.associate_software_token(Session=session),
        )
        return SoftwareTokenAssociation(
            secret=response["SecretCode"], session=response.get("Session")
        )

    def verify_software_token(
        self, access_token: str, code: str, device_name: str | None = None
    ) -> None:
        """Confirm the signed-in user's new TOTP secret with a code from their authenticator."""
        params: dict[str, Any] = {"AccessToken": access_token, "UserCode": code}
        if device_name:
            params["FriendlyDeviceName"] = device_name
        response = self._invoke(
            "VerifySoftwareToken", lambda: self._client.verify_software_token(**params)
        )
        _require_verified("VerifySoftwareToken", response.get("Status"))

    def verify_software_token_for_sign_in(self, session: str, code: str) -> str:
        """Confirm the TOTP secret associated during a sign-in; answers the Session that
        completes the MFA_SETUP challenge."""
        response = self._invoke(
            "SignInVerifySoftwareToken",
            lambda: self._client.verify_software_token(Session=session, UserCode=code),
        )
        _require_verified("SignInVerifySoftwareToken", response.get("Status"))
        completing = response.get("Session")
        if not completing:
            raise CognitoRequestFailed("SignInVerifySoftwareToken", "NoSession", UNEXPECTED)
        return completing

    def set_mfa_preference(
        self, access_token: str, *, totp: MfaSwitch | None, email: MfaSwitch | None
    ) -> None:
        """Turn TOTP and email MFA on or off, and say which one is preferred; a method left None
        keeps its setting."""
        params: dict[str, Any] = {"AccessToken": access_token}
        if totp is not None:
            software_token: SoftwareTokenMfaSettingsTypeTypeDef = {
                "Enabled": totp.enabled,
                "PreferredMfa": totp.preferred,
            }
            params["SoftwareTokenMfaSettings"] = software_token
        if email is not None:
            email_settings: EmailMfaSettingsTypeTypeDef = {
                "Enabled": email.enabled,
                "PreferredMfa": email.preferred,
            }
            params["EmailMfaSettings"] = email_settings
        self._invoke("SetUserMFAPreference", lambda: self._client.set_user_mfa_preference(**params))

    def get_mfa_settings(self, access_token: str) -> MfaSettings:
        """The signed-in user's MFA methods turned on, and the preferred one (GetUser)."""
        response = self._invoke("GetUser", lambda: self._client.get_user(AccessToken=access_token))
        return MfaSettings(
            enabled=list(response.get("UserMFASettingList", [])),
            preferred=response.get("PreferredMfaSetting") or None,
        )

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


def _outcome(operation: str, response: Any, username: str) -> SignInOutcome:
    """An InitiateAuth or RespondToAuthChallenge answer: its tokens, or its challenge."""
    if "AuthenticationResult" in response:
        return _tokens(operation, response["AuthenticationResult"])
    name, session = response.get("ChallengeName"), response.get("Session")
    if not name or not session:
        raise CognitoRequestFailed(operation, "NeitherTokensNorChallenge", UNEXPECTED)
    parameters = dict(response.get("ChallengeParameters") or {})
    return AuthChallenge(
        name=name,
        session=session,
        username=parameters.get("USER_ID_FOR_SRP") or parameters.get("USERNAME") or username,
        parameters=parameters,
    )


def _require_verified(operation: str, status: str | None) -> None:
    """VerifySoftwareToken answers Status ERROR for a code it does not accept (a code mismatch
    is usually an EnableSoftwareTokenMFAException instead)."""
    if status != "SUCCESS":
        raise CognitoRequestFailed(operation, "EnableSoftwareTokenMFAException", INVALID_CODE)


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
