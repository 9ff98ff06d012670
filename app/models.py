"""The users table and the API's request/response schemas (one module, as in tiangolo's
full-stack-fastapi-template).

Cognito owns credentials: no password is ever stored here. Input constraints copy Cognito's own
(username 1..128 of letters/marks/symbols/numbers/punctuation, password up to 256 and codes
1..2048 characters other than ASCII whitespace) so odd input is a 422 here, not a surprise there.
"""

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, StringConstraints
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
