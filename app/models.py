"""The users table and the API's request/response schemas (one module, as in tiangolo's
full-stack-fastapi-template).

Cognito owns credentials: no password is ever stored here. Input constraints copy Cognito's own
(username 1..128 of letters/marks/symbols/numbers/punctuation, password up to 256 and codes
1..2048 characters other than ASCII whitespace) so odd input is a 422 here, not a surprise there.
"""

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from annotated_types import MaxLen
from pydantic import BaseModel, StrictBool, StringConstraints
from sqlalchemy import DateTime, Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from app.core.email_address import EmailAddress

USERNAME_CHARACTERS = r"^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$"
Username = Annotated[
    str, StringConstraints(min_length=1, max_length=128, pattern=USERNAME_CHARACTERS)
]
# Cognito's `[\S]+` (passwords, codes) is a Java regex: `\s` is ASCII whitespace only. `\S` would
# mean something else in each engine that reads this pattern: ECMA-262 (the OpenAPI schema's
# dialect; its \s includes U+FEFF, not U+0085) and Rust's regex (pydantic's; Unicode White_Space,
# U+0085 included, U+FEFF not). This explicit class reads the same in all three.
NO_ASCII_WHITESPACE = r"^[^ \t\n\x0B\f\r]+$"
Password = Annotated[
    str, StringConstraints(min_length=1, max_length=256, pattern=NO_ASCII_WHITESPACE)
]
ConfirmationCode = Annotated[
    str, StringConstraints(min_length=1, max_length=2048, pattern=NO_ASCII_WHITESPACE)
]
# Cognito refresh tokens are JWEs of a few KB; the alphabet is Cognito's TokenModelType.
REFRESH_TOKEN_ALPHABET = r"^[A-Za-z0-9\-_=.]+$"
RefreshTokenValue = Annotated[
    str, StringConstraints(min_length=1, max_length=16_384, pattern=REFRESH_TOKEN_ALPHABET)
]
# A challenge answer must fit the request body cap (MAX_REQUEST_BODY_BYTES, 64 KiB) whatever it
# holds, so its fields are bounded tighter than Cognito bounds them (our choice):
# - the Session: Cognito's SessionType is 20..4096 characters; its Sessions are printable ASCII;
# - codes: sign-in codes are digits, 6 (TOTP, SMS and email MFA) or 8 (passwordless email);
# - attributes (NEW_PASSWORD_REQUIRED's requiredAttributes): at most 10, values up to 256
#   characters (Cognito's AttributeValueType allows 2048: set longer ones once signed in).
PRINTABLE_ASCII = r"^[\x21-\x7E]+$"
ChallengeSession = Annotated[
    str, StringConstraints(min_length=20, max_length=4096, pattern=PRINTABLE_ASCII)
]
SIGN_IN_CODE_DIGITS = r"^[0-9]{6,8}$"
SignInCode = Annotated[str, StringConstraints(pattern=SIGN_IN_CODE_DIGITS)]
# An authenticator app's code (SoftwareTokenMFAUserCodeType: six digits).
TOTP_CODE_DIGITS = r"^[0-9]{6}$"
TotpCode = Annotated[str, StringConstraints(pattern=TOTP_CODE_DIGITS)]
# A user attribute's name (AttributeNameType; its characters are Cognito's to judge: a pattern
# on a mapping's keys is not one JSON Schema can state) and value.
AttributeName = Annotated[str, StringConstraints(min_length=1, max_length=32)]
AttributeValue = Annotated[str, StringConstraints(max_length=256)]
# Cognito's `sub` has no documented format ("a unique user identifier within each user pool"),
# but it is text no database refuses: PostgreSQL cannot store a NUL, so one in a path answers
# 422 on every database instead of reaching the query.
NO_CONTROL_CHARACTERS = r"^[^\x00-\x1F\x7F]+$"

# Each pattern of the API in words, for 422 answers (a regex is no answer to a person):
# "username must not contain whitespace ...".
PATTERN_RULES = {
    USERNAME_CHARACTERS: (
        "must not contain whitespace or control characters (letters, marks, numbers, symbols "
        "and punctuation only)"
    ),
    NO_ASCII_WHITESPACE: "must not contain spaces, tabs or line breaks",
    REFRESH_TOKEN_ALPHABET: "must contain only letters A-Z and a-z, digits and - _ = .",
    NO_CONTROL_CHARACTERS: "must not contain control characters",
    TOTP_CODE_DIGITS: "must be the 6 digits the authenticator app shows",
    SIGN_IN_CODE_DIGITS: "must be the 6 to 8 digits sent or shown to the user",
    PRINTABLE_ASCII: "must be the challenge's session as given (printable ASCII, no spaces)",
}


def utc_now() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite returns naive ones), microsecond
    precision kept (the logout mark relies on it)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


# ---- users --------------------------------------------------------------------------------------


class UserBase(SQLModel):
    username: str = Field(max_length=128)
    # Cognito attribute values may be up to 2048 characters; the column must hold what Cognito has.
    email: str | None = Field(default=None, max_length=2048)


class UserCreate(UserBase):
    """Sign-up body. The password goes to Cognito only."""

    username: Username
    email: EmailAddress
    password: Password


class User(UserBase, table=True):
    """A Cognito user as this service knows them, keyed by Cognito's immutable `sub`."""

    sub: str = Field(primary_key=True, max_length=64)
    username: str = Field(max_length=128, unique=True)
    disabled: bool = False
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Logout mark: access tokens issued before it are refused (see app/core/revocation.py).
    tokens_valid_after: datetime | None = Field(default=None, sa_type=UTCDateTime)


class UserPublic(UserBase):
    sub: str
    disabled: bool
    created_at: datetime
    updated_at: datetime
    last_login_at: datetime | None


class UsersPublic(SQLModel):
    data: list[UserPublic]
    count: int


class UserUpdate(SQLModel):
    """What an admin may change about a user here (credentials stay in Cognito)."""

    disabled: bool


# ---- authentication flows ------------------------------------------------------------------------


class Message(BaseModel):
    message: str


class SignupResult(Message):
    sub: str


class VerifyRequest(BaseModel):
    username: Username
    confirmation_code: ConfirmationCode


class ResendRequest(BaseModel):
    username: Username


class LoginForm(BaseModel):
    """OAuth2 password-grant form (what Swagger UI's Authorize dialog posts)."""

    grant_type: Literal["password"] | None = None
    username: Username
    password: Password


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    refresh_token: str
    id_token: str


class RefreshRequest(BaseModel):
    username: Username
    refresh_token: RefreshTokenValue


class RefreshedToken(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    id_token: str
    # Only when the app client rotates refresh tokens; otherwise keep using the one you have.
    refresh_token: str | None = None


class ForgotPasswordRequest(BaseModel):
    username: Username


class ConfirmForgotPasswordRequest(BaseModel):
    username: Username
    confirmation_code: ConfirmationCode
    new_password: Password


class ChangePasswordRequest(BaseModel):
    previous_password: Password
    proposed_password: Password


# ---- sign-in challenges --------------------------------------------------------------------------

# The challenges /users/login/challenge answers (Cognito's ChallengeName values).
CodeChallenge = Literal["SOFTWARE_TOKEN_MFA", "SMS_MFA", "EMAIL_OTP", "MFA_SETUP"]
ChallengeName = Literal[CodeChallenge, "NEW_PASSWORD_REQUIRED", "SELECT_MFA_TYPE"]
# The second factors, by Cognito's names (SELECT_MFA_TYPE's choices, GetUser's settings).
MfaMethod = Literal["SOFTWARE_TOKEN_MFA", "EMAIL_OTP", "SMS_MFA"]


class TotpSetup(BaseModel):
    """A new TOTP secret for an authenticator app: the secret itself (to type in), the
    otpauth:// URI apps read, and that URI as a QR code to scan (an SVG image as a data: URI, for
    an `<img src>`)."""

    secret: str
    otpauth_uri: str
    qr_code: str


class SignInChallenge(BaseModel):
    """Cognito asks for another step before it issues tokens. Send `session` and `username` back
    to `respond_at` with the fields `respond_with` names (see ChallengeAnswer)."""

    challenge: ChallengeName
    # Cognito's opaque Session: single use, valid for 3 minutes unless the app client says else.
    session: str
    # The name Cognito knows the user by (it may differ from the one logged in with).
    username: str
    # Cognito's non-secret ChallengeParameters: CODE_DELIVERY_DELIVERY_MEDIUM and
    # CODE_DELIVERY_DESTINATION (masked) for codes sent, MFAS_CAN_CHOOSE (SELECT_MFA_TYPE),
    # MFAS_CAN_SETUP (MFA_SETUP), requiredAttributes (NEW_PASSWORD_REQUIRED).
    parameters: dict[str, str | list[str]]
    respond_with: list[str]
    respond_at: Literal["/users/login/challenge"] = "/users/login/challenge"
    # MFA_SETUP only: the TOTP secret to add to an authenticator app, whose code answers it.
    totp: TotpSetup | None = None


# What each challenge's answer must hold besides challenge, session and username.
ANSWER_FIELDS: dict[str, tuple[str, ...]] = {
    "NEW_PASSWORD_REQUIRED": ("new_password",),
    "SOFTWARE_TOKEN_MFA": ("code",),
    "SMS_MFA": ("code",),
    "EMAIL_OTP": ("code",),
    "MFA_SETUP": ("code",),
    "SELECT_MFA_TYPE": ("mfa_type",),
}


class ChallengeAnswer(BaseModel):
    """The answer to a SignInChallenge: its `challenge`, `session` and `username`, and
    - NEW_PASSWORD_REQUIRED: `new_password`, and `attributes` for each of the challenge's
      requiredAttributes (names without the "userAttributes." prefix, e.g. {"name": "Ann"});
    - SOFTWARE_TOKEN_MFA, SMS_MFA, EMAIL_OTP: `code` (the authenticator's, or the one sent);
    - MFA_SETUP: `code`, the authenticator's for the challenge's `totp` secret;
    - SELECT_MFA_TYPE: `mfa_type`, one of the challenge's MFAS_CAN_CHOOSE.
    An answer without its challenge's field is a 400 (the schema cannot say which is needed)."""

    challenge: ChallengeName
    session: ChallengeSession
    username: Username
    code: SignInCode | None = None
    new_password: Password | None = None
    attributes: Annotated[dict[AttributeName, AttributeValue], MaxLen(10)] = {}
    mfa_type: MfaMethod | None = None


# ---- MFA of the signed-in user -------------------------------------------------------------------


class TotpVerification(BaseModel):
    code: TotpCode
    # A name for the authenticator, shown nowhere but Cognito's user record.
    device_name: Annotated[str, StringConstraints(min_length=1, max_length=131)] | None = None


class MfaMethodSetting(BaseModel):
    enabled: StrictBool
    # The method Cognito asks for when several are on (only one can be preferred).
    preferred: StrictBool = False


class MfaPreferenceUpdate(BaseModel):
    """Methods left out (or null) keep their setting."""

    totp: MfaMethodSetting | None = None
    email: MfaMethodSetting | None = None


class MfaStatus(BaseModel):
    """The MFA methods turned on for the user, and the one Cognito asks for first, by Cognito's
    names (SOFTWARE_TOKEN_MFA, EMAIL_OTP, SMS_MFA)."""

    enabled: list[str]
    preferred: str | None


# ---- errors and health ---------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    """Every error answer's body (FastAPI's HTTPException shape)."""

    detail: str


class Liveness(BaseModel):
    status: Literal["ok"] = "ok"


CheckState = Literal["ok", "unavailable"]


class Readiness(BaseModel):
    status: Literal["ready", "unavailable"]
    database: CheckState
    jwks: CheckState
