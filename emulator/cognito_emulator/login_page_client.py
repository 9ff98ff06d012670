"""Sign a user in through a pool's managed login pages over HTTP, as a browser would, without one.

For tests that need an authorization code, or OAuth tokens, the way an app gets them: GET
/oauth2/authorize, follow the redirect to /login, read the login form (its action and every field
the page sets itself, the CSRF token among them, so a change of template a browser would survive
does not break this), post the username and password with the cookies the pages set, and take
the code from the redirect to the callback URL; then, if asked, redeem it at /oauth2/token with
the PKCE verifier. Nothing reaches into the emulator's state: what works here works for a browser.

When the pages ask for more after the password (a new password, an MFA code, the choice of MFA
method, setting up an authenticator app), the caller's `answer` function is shown a
`LoginChallenge` (what the page asks, the methods offered, the secret to set up) and returns
what to type in, as form fields:

    def answer(challenge: LoginChallenge) -> dict[str, str]:
        if challenge.name == "SOFTWARE_TOKEN_MFA":
            return {"code": pyotp.TOTP(secret).now()}
        ...

A challenge page names its challenge in a `data-challenge` attribute (the API's challenge
names); without `answer`, or when a page refuses the answer, LoginPageError quotes the page.

The standard library only (urllib), so the helper adds no dependency to the emulator's wheel. It
contacts loopback addresses only: it stops at the redirect to the callback URL instead of
following it, and refuses any other redirect off this machine.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import Message
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from typing import Any

from cognito_emulator.html_forms import HtmlForm, page_message, parse_forms

MAX_REDIRECTS = 10
# Pages after the password a sign-in may pass (new password, MFA choice, MFA code, ...).
MAX_CHALLENGES = 5
# The fields a challenge form asks a person to fill in (not the ones the page sets itself).
_TYPED_INPUTS = frozenset({"text", "password", "email", "tel", "number", "radio"})
MESSAGE_CHARS = 300
LOOPBACK_NAMES = frozenset({"localhost", "localhost."})


class LoginPageError(Exception):
    """A page of the sign-in did not lead on to the callback: an error page, the login form
    again after posting it (wrong password, say), or an unexpected answer. The message quotes
    what the page said."""

    def __init__(self, what: str, *, url: str, status: int, page_says: str) -> None:
        quoted = f': "{page_says}"' if page_says else ""
        answered = f"HTTP {status} from {url}" if status else url
        super().__init__(f"{what} ({answered}){quoted}")
        self.url = url
        self.status = status
        self.page_says = page_says


class AuthorizationError(Exception):
    """The authorization server sent the browser back to the callback with an OAuth error
    (`error=invalid_scope`, ...), or with a state that is not the one the client sent."""

    def __init__(self, error: str, description: str, callback_url: str) -> None:
        super().__init__(f"{error}: {description}" if description else error)
        self.error = error
        self.description = description
        self.callback_url = callback_url


class TokenEndpointError(Exception):
    """/oauth2/token refused the request; `error` is OAuth's code (`invalid_grant`, ...)."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(f"HTTP {status} {error}: {description}")
        self.status = status
        self.error = error
        self.description = description


@dataclass(frozen=True)
class LoginChallenge:
    """A page after the password asking for more, named as the API names the challenge:
    NEW_PASSWORD_REQUIRED, SMS_MFA, EMAIL_OTP, SOFTWARE_TOKEN_MFA, SELECT_MFA_TYPE or MFA_SETUP.

    `fields` are the form's fields to fill in: `code` for an MFA code or an authenticator's
    first code (MFA_SETUP), `mfa_type` for SELECT_MFA_TYPE (one of `options`), `password` and
    `confirm_password` (filled with `password` when left out) plus the required attributes the
    user lacks for NEW_PASSWORD_REQUIRED. `secret_code` is MFA_SETUP's authenticator secret."""

    name: str
    url: str
    fields: tuple[str, ...]
    options: tuple[str, ...] = ()
    secret_code: str | None = None


# What to type in on a challenge page: form field name -> value.
ChallengeAnswer = Callable[[LoginChallenge], Mapping[str, str]]


@dataclass(frozen=True)
class Authorization:
    """An authorization code as the callback URL received it, with what redeeming it needs."""

    code: str
    state: str
    redirect_uri: str
    callback_url: str
    code_verifier: str | None


@dataclass(frozen=True)
class OAuthTokens:
    """/oauth2/token's answer. `id_token` only when `openid` was granted; `refresh_token` only
    from the authorization-code grant."""

    access_token: str
    token_type: str
    expires_in: int
    id_token: str | None = None
    refresh_token: str | None = None

    @classmethod
    def from_response(cls, body: dict[str, Any]) -> OAuthTokens:
        return cls(
            access_token=body["access_token"],
            token_type=body["token_type"],
            expires_in=int(body["expires_in"]),
            id_token=body.get("id_token"),
            refresh_token=body.get("refresh_token"),
        )


def new_code_verifier() -> str:
    """A PKCE code verifier: 64 characters from the unreserved set (RFC 7636 §4.1)."""
    return secrets.token_urlsafe(48)


def code_challenge(verifier: str) -> str:
    """S256 (RFC 7636 §4.2), computed here rather than with the emulator's own function, so
    that a fault in the emulator's transform cannot cancel itself out in tests."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def is_loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class _Answer:
    url: str
    status: int
    headers: Message
    body: bytes

    @property
    def location(self) -> str | None:
        location = self.headers.get("Location")
        return urllib.parse.urljoin(self.url, location) if location else None

    def text(self) -> str:
        charset = self.headers.get_content_charset() or "utf-8"
        return self.body.decode(charset, errors="replace")

    def says(self) -> str:
        """What the page said, shortened for an error message."""
        message = page_message(self.text()) if self.body else ""
        return message if len(message) <= MESSAGE_CHARS else message[: MESSAGE_CHARS - 1] + "…"


class _EveryAnswer(urllib.request.HTTPErrorProcessor):
    """Hands every answer back as it came, redirects and errors included: the sign-in decides
    what each means (a redirect to the callback URL must not be followed)."""

    def http_response(self, request: urllib.request.Request, response: Any) -> Any:
        return response

    https_response = http_response


class LoginPageClient:
    """One browser, without the browser: its cookies last as long as the object, so a second
    sign-in through the same client finds the pool's session, as a browser would, and is sent
    straight back with a new code. Use a new client for a new, signed-out browser.

    `domain_url` is where the pool's domain is served: `http://127.0.0.1:9229/domains/my-app`
    on the emulator (`EmulatorServer.domain_url(domain)`).
    """

    def __init__(self, domain_url: str, *, timeout: float = 10.0) -> None:
        if not is_loopback(domain_url):
            raise ValueError(
                f"the login helper only sends HTTP to this machine, not {domain_url!r}"
            )
        self.domain_url = domain_url.rstrip("/")
        self.timeout = timeout
        self.cookies = CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),  # never through a proxy from the environment
            urllib.request.HTTPCookieProcessor(self.cookies),
            _EveryAnswer(),
        )

    # -- the flow ---------------------------------------------------------------------------

    def authorize(
        self,
        *,
        client_id: str,
        redirect_uri: str,
        username: str,
        password: str,
        scopes: list[str] | None = None,
        state: str | None = None,
        nonce: str | None = None,
        pkce: bool = True,
        answer: ChallengeAnswer | None = None,
    ) -> Authorization:
        """The authorization-code flow up to the code. Without `scopes` the request names none,
        and Cognito grants every scope the client allows (authorization endpoint reference).
        `answer` answers the pages after the password (see the module's docstring)."""
        state = state if state is not None else secrets.token_urlsafe(16)
        verifier = new_code_verifier() if pkce else None
        parameters = {"response_type": "code", "client_id": client_id}
        parameters |= {"redirect_uri": redirect_uri, "state": state}
        if scopes is not None:
            parameters["scope"] = " ".join(scopes)
        if nonce is not None:
            parameters["nonce"] = nonce
        if verifier is not None:
            parameters |= {
                "code_challenge": code_challenge(verifier),
                "code_challenge_method": "S256",
            }
        authorize_url = f"{self.domain_url}/oauth2/authorize?{urllib.parse.urlencode(parameters)}"
        callback_url = self.follow_sign_in(
            authorize_url, redirect_uri, username, password, answer=answer
        )
        received = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(callback_url).query))
        if "error" in received:
            raise AuthorizationError(
                received["error"], received.get("error_description", ""), callback_url
            )
        if received.get("state") != state:
            raise AuthorizationError(
                "state_mismatch",
                f"sent state {state!r}, the callback received {received.get('state')!r}",
                callback_url,
            )
        if not received.get("code"):
            raise AuthorizationError("no_code", "the callback received no code", callback_url)
        return Authorization(
            code=received["code"],
            state=state,
            redirect_uri=redirect_uri,
            callback_url=callback_url,
            code_verifier=verifier,
        )

    def redeem(
        self, authorization: Authorization, *, client_id: str, client_secret: str | None = None
    ) -> OAuthTokens:
        """/oauth2/token's authorization_code grant, with the PKCE verifier when there is one;
        a client with a secret authenticates with HTTP Basic, as Cognito's reference shows."""
        form = {
            "grant_type": "authorization_code",
            "client_id": client_id,
            "code": authorization.code,
            "redirect_uri": authorization.redirect_uri,
        }
        if authorization.code_verifier is not None:
            form["code_verifier"] = authorization.code_verifier
        return self.token_request(form, client_id=client_id, client_secret=client_secret)

    def sign_in(
        self,
        *,
        client_id: str,
        redirect_uri: str,
        username: str,
        password: str,
        client_secret: str | None = None,
        scopes: list[str] | None = None,
        nonce: str | None = None,
        answer: ChallengeAnswer | None = None,
    ) -> OAuthTokens:
        """`authorize` with PKCE, then `redeem`: the tokens an app gets."""
        authorization = self.authorize(
            client_id=client_id,
            redirect_uri=redirect_uri,
            username=username,
            password=password,
            scopes=scopes,
            nonce=nonce,
            answer=answer,
        )
        return self.redeem(authorization, client_id=client_id, client_secret=client_secret)

    def token_request(
        self, form: dict[str, str], *, client_id: str, client_secret: str | None = None
    ) -> OAuthTokens:
        """One POST to /oauth2/token; TokenEndpointError with OAuth's error when refused."""
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if client_secret is not None:
            credentials = f"{client_id}:{client_secret}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(credentials).decode("ascii")
        answer = self._send(
            f"{self.domain_url}/oauth2/token",
            data=urllib.parse.urlencode(form).encode(),
            headers=headers,
        )
        try:
            body = json.loads(answer.body)
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise TokenEndpointError(answer.status, "", f"not a JSON object: {answer.says()}")
        if answer.status != 200 or "access_token" not in body:
            raise TokenEndpointError(
                answer.status, str(body.get("error", "")), str(body.get("error_description", ""))
            )
        return OAuthTokens.from_response(body)

    def follow_sign_in(
        self,
        authorize_url: str,
        redirect_uri: str,
        username: str,
        password: str,
        *,
        answer: ChallengeAnswer | None = None,
    ) -> str:
        """From an authorize URL (however it was made: by `authorize`, or by an OAuth client
        library) through the login form, and the challenge pages `answer` answers, to the
        callback: returns the URL the pages redirected to, with its code (or OAuth error),
        without visiting it."""
        answer_page = self._send(authorize_url)
        signed_in = False
        posted: str | None = None  # what the last request posted, until a redirect
        for _ in range(MAX_REDIRECTS + 2 * MAX_CHALLENGES + 1):
            location = answer_page.location if 300 <= answer_page.status < 400 else None
            if location is not None:
                if _is_callback(location, redirect_uri):
                    return location
                if not is_loopback(location):
                    raise LoginPageError(
                        f"redirected off this machine to {location!r}, which is not the "
                        f"redirect_uri {redirect_uri!r}",
                        url=answer_page.url,
                        status=answer_page.status,
                        page_says="",
                    )
                answer_page, posted = self._send(location), None
                continue
            if posted is not None:
                raise LoginPageError(
                    f"the sign-in was refused: after {posted} was posted, the pages answered "
                    "without redirecting to the callback",
                    url=answer_page.url,
                    status=answer_page.status,
                    page_says=answer_page.says(),
                )
            if answer_page.status != 200:
                raise LoginPageError(
                    "the sign-in ended on an error page",
                    url=answer_page.url,
                    status=answer_page.status,
                    page_says=answer_page.says(),
                )
            challenge = _challenge_on(answer_page)
            if challenge is None:
                if signed_in:
                    raise LoginPageError(
                        "the pages asked to sign in again",
                        url=answer_page.url,
                        status=answer_page.status,
                        page_says=answer_page.says(),
                    )
                form = _login_form(answer_page)
                values = {"username": username, "password": password}
                signed_in, what = True, "the login form"
            else:
                challenge_page, form = challenge
                if answer is None:
                    raise LoginPageError(
                        f"the sign-in asks for {challenge_page.name}, and no `answer` was "
                        "given to answer it",
                        url=answer_page.url,
                        status=answer_page.status,
                        page_says=answer_page.says(),
                    )
                values = _typed_in(challenge_page, answer(challenge_page))
                what = f"the answer to {challenge_page.name}"
            answer_page = self._submit(answer_page.url, form, form.submission(values))
            posted = what
        raise LoginPageError(
            f"more than {MAX_REDIRECTS} redirects and {MAX_CHALLENGES} challenges without "
            f"reaching {redirect_uri!r}",
            url=answer_page.url,
            status=answer_page.status,
            page_says="",
        )

    # -- HTTP -------------------------------------------------------------------------------

    def _submit(self, page_url: str, form: HtmlForm, fields: list[tuple[str, str]]) -> _Answer:
        action = urllib.parse.urljoin(page_url, form.action or page_url)
        encoded = urllib.parse.urlencode(fields)
        if form.method == "GET":
            return self._send(f"{action.split('?', 1)[0]}?{encoded}")
        return self._send(
            action,
            data=encoded.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    def _send(
        self, url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None
    ) -> _Answer:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https") or not is_loopback(url):
            raise ValueError(f"the login helper only sends HTTP to this machine, not to {url!r}")
        request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310 (checked above)
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return _Answer(url, response.status, response.headers, response.read())
        except OSError as error:  # URLError, a refused or dropped connection, a timeout
            reason = error.reason if isinstance(error, urllib.error.URLError) else error
            raise LoginPageError(
                f"could not reach the page: {reason}", url=url, status=0, page_says=""
            ) from error


def _is_callback(location: str, redirect_uri: str) -> bool:
    """Whether a redirect goes to the client's callback: the redirect_uri with the answer added
    as query parameters (after a `?`, or an `&` when the redirect_uri has a query)."""
    if not location.startswith(redirect_uri):
        return False
    rest = location[len(redirect_uri) :]
    return rest == "" or rest[0] in "?&#"


def _login_form(answer: _Answer) -> HtmlForm:
    page = answer.text()
    for form in parse_forms(page):
        if form.has_input("username") and form.has_input("password", "password"):
            return form
    raise LoginPageError(
        "no login form (fields `username` and `password`) on the page",
        url=answer.url,
        status=answer.status,
        page_says=answer.says(),
    )


class _ChallengeReader(HTMLParser):
    """What a challenge page says beyond its form: the challenge it names (`data-challenge`),
    an authenticator's secret (`id="secret-code"`) and the MFA methods offered (the `mfa_type`
    radio buttons)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.challenge: str | None = None
        self.secret_parts: list[str] | None = None
        self.options: list[str] = []
        self._in_secret = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if self.challenge is None and attributes.get("data-challenge"):
            self.challenge = attributes["data-challenge"]
        if attributes.get("id") == "secret-code":
            self.secret_parts, self._in_secret = [], True
        if (
            tag == "input"
            and attributes.get("type") == "radio"
            and attributes.get("name") == "mfa_type"
        ):
            self.options.append(attributes.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        self._in_secret = False

    def handle_data(self, data: str) -> None:
        if self._in_secret and self.secret_parts is not None:
            self.secret_parts.append(data)


def _challenge_on(answer: _Answer) -> tuple[LoginChallenge, HtmlForm] | None:
    """The challenge a page asks, with its form; None for a page that names none."""
    page = answer.text()
    reader = _ChallengeReader()
    reader.feed(page)
    reader.close()
    if reader.challenge is None:
        return None
    posted = [form for form in parse_forms(page) if form.method == "POST"]
    if not posted:
        raise LoginPageError(
            f"the {reader.challenge} page has no form to post",
            url=answer.url,
            status=answer.status,
            page_says=answer.says(),
        )
    form = posted[0]
    secret = "".join(reader.secret_parts).strip() if reader.secret_parts is not None else None
    challenge = LoginChallenge(
        name=reader.challenge,
        url=answer.url,
        fields=tuple(name for name, kind in form.input_types.items() if kind in _TYPED_INPUTS),
        options=tuple(reader.options),
        secret_code=secret or None,
    )
    return challenge, form


def _typed_in(challenge: LoginChallenge, values: Mapping[str, str]) -> dict[str, str]:
    """The answer's fields, `confirm_password` repeating `password` when the caller left it
    out."""
    typed = dict(values)
    if "password" in typed and "confirm_password" in challenge.fields:
        typed.setdefault("confirm_password", typed["password"])
    return typed
