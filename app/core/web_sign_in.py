"""Web sign-in through the pool's login page: the service as an OAuth 2.0 client of its own app
client (authorization code with PKCE S256, OIDC `nonce`), and the pool's logout.

The state of a sign-in in progress (`state`, `nonce`, PKCE verifier) lives in the browser, in a
cookie signed with HS256 (PyJWT) and expiring with it (10 minutes), so any worker of any replica
can finish a sign-in another one started, and nothing is stored. Its key is derived from the app
client's secret (HMAC-SHA256 over a fixed label), so signing needs no setting of its own; rotating
the secret ends the sign-ins in progress, nothing else.

The code is redeemed at `{AWS_COGNITO_DOMAIN}/oauth2/token` as a confidential client (HTTP Basic
client_id:secret, as Cognito's token endpoint reference shows). Cognito's OAuth errors become
answers for the browser: a code that is unknown, spent, expired or not this sign-in's is the
caller's 400; Cognito unreachable or failing 503 with Retry-After; anything else 502 (this
service's configuration, logged). The secret is never part of an answer or a log line.

No FastAPI here: refusals are `WebSignInError`s carrying the answer; app/api/routes/auth.py
sends them.
"""

import base64
import hashlib
import hmac
import logging
import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import jwt
from pydantic import SecretStr

from app.core.cognito import AuthTokens
from app.core.cognito_errors import THROTTLED, UNAVAILABLE, ErrorAnswer
from app.core.config import Settings

logger = logging.getLogger(__name__)

# The scopes the web sign-in and Swagger UI ask for: the ID token (openid, email, profile) and
# the user's own Cognito operations with the access token (GlobalSignOut for /users/logout,
# ChangePassword, GetUser): aws.cognito.signin.user.admin.
SCOPES = ("openid", "email", "profile", "aws.cognito.signin.user.admin")
COOKIE_NAME = "cognito_kit_sign_in"
STATE_LIFETIME_SECONDS = 600
_COOKIE_ALGORITHM = "HS256"
_COOKIE_KEY_LABEL = b"cognito-kit web sign-in state cookie"
_COOKIE_CLAIMS = ("state", "nonce", "code_verifier")

# RFC 6749 Appendix A: a code or a state is 1*VSCHAR (printable ASCII); Cognito's codes are
# far shorter than this bound.
_VSCHARS = re.compile(r"[\x20-\x7e]{1,2048}")
# RFC 7636 §4.1: code_verifier = 43*128unreserved.
_CODE_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")
# The error codes the authorization endpoint sends back to the redirect URI (RFC 6749
# §4.1.2.1, which Cognito's authorize endpoint reference follows); only these are repeated in
# an answer, the description only shortened and without control characters.
AUTHORIZATION_ERRORS = frozenset(
    {
        "invalid_request",
        "unauthorized_client",
        "access_denied",
        "unsupported_response_type",
        "invalid_scope",
        "server_error",
        "temporarily_unavailable",
    }
)
MAX_DESCRIPTION_CHARS = 200
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")

CODE_REFUSED = "The authorization code is invalid, expired or already used"
REDIRECT_MISMATCH = "The authorization code was issued for another redirect_uri"


class WebSignInError(Exception):
    """A step of the sign-in refused: `answer` is what the caller gets (status, detail,
    Retry-After)."""

    def __init__(self, answer: ErrorAnswer) -> None:
        super().__init__(answer.detail)
        self.answer = answer


def _refused(detail: str, status: int = HTTPStatus.BAD_REQUEST) -> WebSignInError:
    return WebSignInError(ErrorAnswer(status, detail))


@dataclass(frozen=True)
class PendingSignIn:
    """What the browser's cookie holds between /auth/login and /auth/callback."""

    state: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True)
class SignInStart:
    """Where to send the browser, and the signed cookie to set on it."""

    authorize_url: str
    cookie: str


def missing_settings(settings: Settings) -> list[str]:
    """The settings web sign-in needs and `settings` lacks."""
    missing = []
    if not settings.AWS_COGNITO_DOMAIN:
        missing.append("AWS_COGNITO_DOMAIN")
    # An empty secret would make the cookie's key anyone's.
    secret = settings.AWS_COGNITO_APP_CLIENT_SECRET
    if secret is None or not secret.get_secret_value():
        missing.append("AWS_COGNITO_APP_CLIENT_SECRET")
    return missing


def cookie_scope(public_url: str) -> tuple[str, bool]:
    """The sign-in cookie's Path, /auth under the public URL's path (behind a proxy's prefix,
    the browser sees that one), and whether it is Secure (an https public URL)."""
    parts = urlsplit(public_url.rstrip("/"))
    return f"{parts.path}/auth", parts.scheme == "https"


def given_once(parameters: Iterable[tuple[str, Any]], names: Iterable[str]) -> None:
    """RFC 6749 §3.1, §3.2: a request or response parameter must not be sent more than once.
    Refuses (400) a repeated one among `names`."""
    wanted = frozenset(names)
    seen: set[str] = set()
    for name, _value in parameters:
        if name in wanted:
            if name in seen:
                raise _refused(f"{name} is given more than once")
            seen.add(name)


class WebSignIn:
    """The service's OAuth client of its app client on the pool's domain."""

    def __init__(
        self,
        *,
        domain_url: str,
        client_id: str,
        client_secret: SecretStr,
        public_url: str,
        connect_timeout: float = 2.0,
        read_timeout: float = 5.0,
        http_client: httpx.Client | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """`http_client` is used as is (and not closed by `close()`); otherwise one is made with
        the timeouts."""
        self.domain_url = domain_url.rstrip("/")
        self.client_id = client_id
        self._client_secret = client_secret
        self.public_url = public_url.rstrip("/")
        self._cookie_key = hmac.new(
            client_secret.get_secret_value().encode(), _COOKIE_KEY_LABEL, hashlib.sha256
        ).digest()
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout)
        )
        self._clock = clock

    @classmethod
    def from_settings(cls, settings: Settings) -> "WebSignIn | None":
        """None when a setting it needs is missing (`missing_settings`)."""
        domain, secret = settings.AWS_COGNITO_DOMAIN, settings.AWS_COGNITO_APP_CLIENT_SECRET
        if missing_settings(settings) or domain is None or secret is None:
            return None
        return cls(
            domain_url=domain,
            client_id=settings.AWS_COGNITO_APP_CLIENT_ID,
            client_secret=secret,
            public_url=settings.SERVICE_PUBLIC_URL,
            connect_timeout=settings.COGNITO_CONNECT_TIMEOUT_SECONDS,
            read_timeout=settings.COGNITO_READ_TIMEOUT_SECONDS,
        )

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    # ---- addresses --------------------------------------------------------------------------

    @property
    def callback_url(self) -> str:
        return f"{self.public_url}/auth/callback"

    @property
    def docs_redirect_url(self) -> str:
        """Swagger UI's OAuth 2.0 redirect page, the only redirect_uri /auth/token redeems for."""
        return f"{self.public_url}/docs/oauth2-redirect"

    @property
    def login_url(self) -> str:
        return f"{self.public_url}/auth/login"

    @property
    def logout_url(self) -> str:
        """The pool's logout endpoint: it ends the login page's session, then returns to the
        service's front door (a URL the app client lists among its sign-out URLs)."""
        query = urlencode({"client_id": self.client_id, "logout_uri": f"{self.public_url}/"})
        return f"{self.domain_url}/logout?{query}"

    # ---- the sign-in ------------------------------------------------------------------------

    def start(self) -> SignInStart:
        """A new sign-in: the authorize URL (code, PKCE S256, state, nonce) and the cookie that
        remembers them."""
        pending = PendingSignIn(
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            code_verifier=secrets.token_urlsafe(48),
        )
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.callback_url,
            "scope": " ".join(SCOPES),
            "state": pending.state,
            "nonce": pending.nonce,
            "code_challenge": _s256(pending.code_verifier),
            "code_challenge_method": "S256",
        }
        now = int(self._clock())
        cookie = jwt.encode(
            {
                "state": pending.state,
                "nonce": pending.nonce,
                "code_verifier": pending.code_verifier,
                "iat": now,
                "exp": now + STATE_LIFETIME_SECONDS,
            },
            self._cookie_key,
            algorithm=_COOKIE_ALGORITHM,
        )
        return SignInStart(f"{self.domain_url}/oauth2/authorize?{urlencode(query)}", cookie)

    def returned(
        self,
        cookie: str | None,
        *,
        code: str | None,
        state: str | None,
        error: str | None,
        error_description: str | None,
    ) -> tuple[PendingSignIn, str]:
        """The sign-in the browser came back from, and its code: refused (400) for an error
        from the login page, no valid cookie, a state that is not the cookie's, or no code."""
        if error is not None:
            raise _refused(_login_page_error(error, error_description))
        pending = self._pending(cookie)
        if state is None or not hmac.compare_digest(
            state.encode(errors="surrogatepass"), pending.state.encode()
        ):
            raise _refused(
                "The state is not this browser's sign-in (a stale, replayed or forged callback): "
                f"start again at {self.login_url}"
            )
        if not code:
            raise _refused("The callback has no authorization code")
        if not _VSCHARS.fullmatch(code):
            raise _refused("The code is not an authorization code")
        return pending, code

    def _pending(self, cookie: str | None) -> PendingSignIn:
        if not cookie:
            raise _refused(
                "No sign-in in progress in this browser (its cookie is missing): start at "
                f"{self.login_url}"
            )
        try:
            claims = jwt.decode(
                cookie,
                self._cookie_key,
                algorithms=[_COOKIE_ALGORITHM],
                # `exp` is checked below, against the injectable clock; `iat` is not (another
                # replica's clock may be ahead).
                options={
                    "require": [*_COOKIE_CLAIMS, "exp"],
                    "verify_exp": False,
                    "verify_iat": False,
                },
            )
        except (jwt.PyJWTError, ValueError):
            raise _refused(
                f"The sign-in cookie is not valid (altered, or from another key): start again at "
                f"{self.login_url}"
            ) from None
        if self._clock() > claims["exp"]:
            raise _refused(
                f"The sign-in took longer than {STATE_LIFETIME_SECONDS // 60} minutes: start "
                f"again at {self.login_url}"
            )
        # Only this service signs the cookie, with these claims as strings.
        state, nonce, code_verifier = (str(claims[name]) for name in _COOKIE_CLAIMS)
        return PendingSignIn(state=state, nonce=nonce, code_verifier=code_verifier)

    def check_docs_redemption(
        self,
        *,
        grant_type: str | None,
        code: str | None,
        redirect_uri: str | None,
        code_verifier: str | None,
        client_id: str | None,
        client_secret: str | None,
    ) -> tuple[str, str]:
        """Swagger UI's token request, checked before the service adds its secret: the code
        and verifier to redeem. As strict as Cognito with a public PKCE client (a verifier is
        required), and only for the docs' redirect URI."""
        if grant_type != "authorization_code":
            raise _refused("grant_type must be authorization_code")
        if client_id and client_id != self.client_id:
            raise _refused("client_id is not this service's app client")
        if client_secret:
            raise _refused(
                "Leave client_secret empty: the service adds the app client's secret itself"
            )
        if not code:
            raise _refused("code is required")
        if not _VSCHARS.fullmatch(code):
            raise _refused("The code is not an authorization code")
        if redirect_uri != self.docs_redirect_url:
            raise _refused(
                f"redirect_uri must be {self.docs_redirect_url}: open the docs at "
                f"{self.public_url}/docs"
            )
        if not code_verifier:
            raise _refused("code_verifier is required: sign in with PKCE")
        if not _CODE_VERIFIER.fullmatch(code_verifier):
            raise _refused(
                "code_verifier must be 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_', '~'"
            )
        return code, code_verifier

    # ---- the token endpoint -----------------------------------------------------------------

    def redeem(self, code: str, *, redirect_uri: str, code_verifier: str) -> AuthTokens:
        """The tokens for an authorization code, from the pool's token endpoint."""
        form = {
            "grant_type": "authorization_code",
            "client_id": self.client_id,
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
        }
        try:
            response = self._http.post(
                f"{self.domain_url}/oauth2/token",
                data=form,
                auth=(self.client_id, self._client_secret.get_secret_value()),
                headers={"Accept": "application/json"},
            )
        except httpx.TransportError as error:
            logger.warning("Token endpoint unreachable: %s", type(error).__name__)
            raise WebSignInError(UNAVAILABLE) from None
        except httpx.HTTPError as error:
            logger.error("Token endpoint answered unreadably: %s", type(error).__name__)
            raise _unexpected() from None
        return _tokens_of(response)


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _login_page_error(error: str, description: str | None) -> str:
    if error not in AUTHORIZATION_ERRORS:
        return "The login page sent the browser back with an error"
    said = _CONTROL_CHARACTERS.sub("", description or "").strip()
    if len(said) > MAX_DESCRIPTION_CHARS:
        said = said[: MAX_DESCRIPTION_CHARS - 1] + "…"
    return f"The login page sent the browser back with {error}" + (f": {said}" if said else "")


def _unexpected(what: str = "") -> WebSignInError:
    return _refused(
        "Unexpected answer from the identity provider's token endpoint" + what,
        HTTPStatus.BAD_GATEWAY,
    )


def _tokens_of(response: httpx.Response) -> AuthTokens:
    """The token endpoint's answer, as tokens or as the refusal the caller gets."""
    if response.status_code >= 500:
        logger.warning("Token endpoint failed: HTTP %d", response.status_code)
        raise WebSignInError(UNAVAILABLE)
    if response.status_code == HTTPStatus.TOO_MANY_REQUESTS:
        raise WebSignInError(THROTTLED)
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        logger.error("Token endpoint answered HTTP %d, not JSON", response.status_code)
        raise _unexpected()
    if response.status_code == HTTPStatus.OK:
        return _tokens_from(body)
    error = body.get("error")
    description = body.get("error_description")
    if error == "invalid_grant":
        raise _refused(CODE_REFUSED)
    if error == "unauthorized_client" and description == "invalid_redirect":
        # token-endpoint.md: a redirect_uri other than the authorize request's.
        raise _refused(REDIRECT_MISMATCH)
    logger.error(
        "Token endpoint refused the service's request: HTTP %d %r",
        response.status_code,
        error if isinstance(error, str) else None,
    )
    if error == "invalid_client":
        raise _refused(
            "The identity provider refused this service's app client credentials (invalid_client)",
            HTTPStatus.BAD_GATEWAY,
        )
    raise _unexpected()


def _tokens_from(body: dict[str, Any]) -> AuthTokens:
    access, identity = body.get("access_token"), body.get("id_token")
    refresh, expires_in = body.get("refresh_token"), body.get("expires_in")
    if not isinstance(access, str) or not isinstance(expires_in, int):
        logger.error("Token endpoint answered 200 without an access token or its lifetime")
        raise _unexpected()
    if not isinstance(identity, str):
        # Only without the openid scope, which Swagger UI lets a person untick.
        raise _refused(
            "No ID token was issued: sign in with the openid scope (the service signs the user "
            "in from the ID token)"
        )
    return AuthTokens(
        access_token=access,
        id_token=identity,
        expires_in=expires_in,
        refresh_token=refresh if isinstance(refresh, str) else None,
    )
