"""Managed login: what the pool's login pages do for a browser.

The pages (`http/managed_login.py`) hand each request here and turn the answer into HTML or a
redirect; the authorize request each page carries is checked in `flows/authorize_request.py`, and
login sessions are kept in `login_sessions.py`. Cognito's rules, from its developer guide:

- authorization-endpoint.md: without a login session the browser goes to `/login` with the
  authorize request's parameters; with one it goes straight back to the app with a new code.
- Signing in on the pages does not depend on the client's ExplicitAuthFlows: those govern the
  API's InitiateAuth flows, and a client may turn every password flow off and still sign users in
  through managed login (re:Post "about the grant type for the user srp auth in aws cognito").
- After sign-up and confirmation the user is signed in and sent back to the app ("Amazon Cognito
  grants access to your app after you finish this process", cognito-user-pools-hosted-ui-user-
  sign-up.md); after a password reset, back to the sign-in page (...-forgot-password.md).
- `/logout` (logout-endpoint.md) ends the login session, then goes to the client's sign-out URL
  or shows the sign-in page again.

Codes, messages and password rules come from the same flows as the API's (`SignUpFlows`,
`policy`), so a page and an SDK call answer alike; so do the sign-in triggers. The password form
runs PreAuthentication (source PreAuthentication_Authentication, what a real pool reports from
its login page) once the user is known and before the password is checked, and a username the
pool lacks first goes to its UserMigration function (sign-in through the hosted UI migrates users:
aws-amplify/amplify-flutter#442). Every sign-in the pages complete runs PostAuthentication before
the browser goes back to the app; no ClientMetadata reaches either, the form has none. A trigger
that refuses is the form's message, as a wrong password is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from cognito_emulator import policy
from cognito_emulator.clock import Clock
from cognito_emulator.exceptions import INCORRECT_CREDENTIALS, CognitoError
from cognito_emulator.flows.authorize_request import (
    AuthorizeRequest,
    Query,
    check_authorize_request,
    check_logout_request,
)
from cognito_emulator.flows.oauth_grants import OAuthGrantFlows
from cognito_emulator.flows.sign_in_rules import pre_authenticated
from cognito_emulator.flows.sign_up import SignUpFlows
from cognito_emulator.flows.user_migration import UserMigrationFlow
from cognito_emulator.login_sessions import LoginSession, LoginSessions
from cognito_emulator.moto_adapter import AppClient, MotoAdapter, Pool, User
from cognito_emulator.oauth import AuthorizationCodes, AuthorizationGrant, OAuthError
from cognito_emulator.secret_hash import compute_secret_hash
from cognito_emulator.triggers.authentication import post_authentication
from cognito_emulator.triggers.invocation import PoolTriggers
from cognito_emulator.usernames import UserDirectory

MFA_NOT_RUN = (
    "This user signs in with multi-factor authentication, and the emulator's login page does "
    "not run MFA challenges yet: sign this user in through the API (InitiateAuth) instead."
)
PASSWORDS_DIFFER = "The two passwords do not match."

ApiOperation = Callable[[dict[str, Any]], dict[str, Any]]
Page = Literal["login", "confirmUser", "confirmForgotPassword", "forceChangePassword"]
Notice = Literal[
    "code_sent",
    "not_confirmed",
    "confirmed",
    "awaiting_administrator",
    "reset_code_sent",
    "reset_required",
    "password_reset",
    "sign_in_again",
]
NOTICES: dict[str, str] = {
    "code_sent": "We sent you a confirmation code. Enter it below.",
    "not_confirmed": (
        "Your account is not confirmed yet. Enter the confirmation code we sent you, "
        "or ask for a new one."
    ),
    "confirmed": "Your account is confirmed. Sign in to continue.",
    "awaiting_administrator": (
        "Your account was created. An administrator must confirm it before you can sign in."
    ),
    "reset_code_sent": "We sent you a password reset code. Enter it and your new password.",
    "reset_required": (
        "Your password must be reset. Enter the reset code you were sent and a new password, "
        "or ask for a new code."
    ),
    "password_reset": "Your password has been reset. Sign in with your new password.",
    "sign_in_again": "Your sign-in has expired. Sign in again.",
}


class FormProblem(Exception):
    """Input the user can correct: the same page again, with this message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class ToApp:
    """Back to the app: its redirect_uri with a code, tokens, or an error; or a sign-out URL."""

    location: str
    session_id: str | None = None  # a login session to set in the browser


@dataclass(frozen=True, slots=True)
class ToPage:
    """On to another login page, keeping the authorize request."""

    page: Page
    notice: Notice | None = None
    username: str | None = None
    session_id: str | None = None


Outcome = ToApp | ToPage


@dataclass(frozen=True, slots=True)
class PageRequest:
    """What a page request names: the pool's domain, its query (the authorize request, in
    order) and the browser's login session id (the `cognito` cookie)."""

    domain: str
    query: Query
    session_id: str | None = None


@dataclass(frozen=True, slots=True)
class FormInfo:
    """What a page's form asks for in this pool."""

    username_label: str
    required_attributes: tuple[str, ...] = ()
    sign_up_allowed: bool = True  # False: only administrators create users (no sign-up link)


class ManagedLoginFlows:
    def __init__(
        self,
        moto: MotoAdapter,
        users: UserDirectory,
        sign_up: SignUpFlows,
        authorization_codes: AuthorizationCodes,
        oauth_grants: OAuthGrantFlows,
        clock: Clock,
        triggers: PoolTriggers,
        migration: UserMigrationFlow,
    ) -> None:
        self.moto = moto
        self.users = users
        self.sign_up_flows = sign_up
        self.authorization_codes = authorization_codes
        self.oauth_grants = oauth_grants
        self.clock = clock
        self.triggers = triggers
        self.migration = migration
        self.sessions = LoginSessions(clock)

    def clear(self) -> None:
        """Forget every login session (the emulator's reset)."""
        self.sessions.clear()

    # -- the authorize endpoint and the sign-in page ---------------------------------------------

    def authorize(self, page: PageRequest) -> ToApp | None:
        """Straight back to the app for a browser signed in to this pool; None: sign in first."""
        request = self._request(page)
        session = self._signed_in(request.pool, page.session_id)
        if session is None:
            return None
        return ToApp(self._back_to_app(request, session.username, session.auth_time))

    def login_page(self, page: PageRequest) -> ToApp | FormInfo:
        signed_in = self.authorize(page)
        if signed_in is not None:
            return signed_in
        return self.form_page(page)

    def form_page(self, page: PageRequest) -> FormInfo:
        """What a page's form asks for, once the authorize request it carries is checked."""
        pool = self._request(page).pool
        return FormInfo(
            _username_label(pool), self._sign_up_attributes(pool), policy.sign_up_allowed(pool)
        )

    def sign_in(self, page: PageRequest, form: Mapping[str, str]) -> Outcome:
        request = self._request(page)
        pool = request.pool
        username, password = form.get("username", ""), form.get("password", "")
        if not username or not password:
            raise FormProblem("Enter your username and password.")
        try:
            user = self.users.find(pool, username) or self.migration.at_sign_in(
                pool, request.client, username, password, None
            )
            user = pre_authenticated(
                self.triggers, self.users, pool, request.client, username, user, None
            )
        except CognitoError as error:
            raise FormProblem(error.message) from None
        if user is None:
            raise FormProblem(INCORRECT_CREDENTIALS)
        if not user.enabled:
            raise FormProblem("User is disabled.")
        if not user.has_password(password):
            raise FormProblem(INCORRECT_CREDENTIALS)
        self.sessions.end(page.session_id)  # a new sign-in replaces whatever the browser had
        if user.status == "UNCONFIRMED":
            pending = self.sessions.start(pool.id, user.username, "confirm_sign_up")
            return ToPage("confirmUser", "not_confirmed", username, pending)
        if user.status == "RESET_REQUIRED":
            return ToPage("confirmForgotPassword", "reset_required", username)
        if self._uses_mfa(pool, user):
            raise FormProblem(MFA_NOT_RUN)
        if user.status == "FORCE_CHANGE_PASSWORD":
            pending = self.sessions.start(pool.id, user.username, "new_password")
            return ToPage("forceChangePassword", session_id=pending)
        return self._signed_in_now(request, user)

    # -- a temporary password (FORCE_CHANGE_PASSWORD) -------------------------------------------

    def new_password_page(self, page: PageRequest) -> ToPage | FormInfo:
        request = self._request(page)
        if self._awaiting_new_password(request.pool, page.session_id) is None:
            return ToPage("login", "sign_in_again")
        return FormInfo(_username_label(request.pool))

    def force_change_password(self, page: PageRequest, form: Mapping[str, str]) -> Outcome:
        """The new password of a user who signed in with a temporary one; then signed in."""
        request = self._request(page)
        user = self._awaiting_new_password(request.pool, page.session_id)
        if user is None:
            self.sessions.end(page.session_id)
            return ToPage("login", "sign_in_again")
        password = _new_password(form)
        try:
            policy.check_password(request.pool, password)
        except CognitoError as error:
            raise FormProblem(error.message) from None
        user.password = password
        user.status = "CONFIRMED"
        self.sessions.end(page.session_id)
        return self._signed_in_now(request, user)

    # -- sign-up and confirmation ---------------------------------------------------------------

    def sign_up(self, page: PageRequest, form: Mapping[str, str]) -> Outcome:
        request = self._request(page)
        pool, client = request.pool, request.client
        username, password = form.get("username", ""), form.get("password", "")
        if not username or not password:
            raise FormProblem(f"Enter a {_username_label(pool).lower()} and a password.")
        attributes = {name: form.get(name, "") for name in self._sign_up_attributes(pool)}
        for name, value in attributes.items():
            if not value:
                # SignUp's own answer for a missing required attribute.
                raise FormProblem(
                    f"Attributes did not conform to the schema: {name}: The attribute is required"
                )
        response = self._api(
            self.sign_up_flows.sign_up,
            client,
            username,
            Password=password,
            UserAttributes=[{"Name": name, "Value": value} for name, value in attributes.items()],
        )
        user = self.users.existing(pool, username)
        self.sessions.end(page.session_id)
        if response["UserConfirmed"]:  # confirmed by the pool's PreSignUp trigger
            return self._signed_in_now(request, user)
        if "CodeDeliveryDetails" not in response:
            return ToPage("login", "awaiting_administrator")
        pending = self.sessions.start(pool.id, user.username, "confirm_sign_up")
        return ToPage("confirmUser", "code_sent", username, pending)

    def confirm_user(self, page: PageRequest, form: Mapping[str, str]) -> Outcome:
        """Confirms a sign-up with its code; a browser that signed up (or proved the password)
        in this session is then signed in, any other goes on to the sign-in page."""
        request = self._request(page)
        pool = request.pool
        username, code = form.get("username", ""), form.get("code", "")
        if not username or not code:
            raise FormProblem("Enter your username and the confirmation code.")
        self._api(
            self.sign_up_flows.confirm_sign_up, request.client, username, ConfirmationCode=code
        )
        user = self.users.existing(pool, username)
        session = self.sessions.find(page.session_id, pool.id)
        if (
            session is None
            or session.pending != "confirm_sign_up"
            or session.username != user.username
            or not user.enabled
            or self._uses_mfa(pool, user)
        ):
            return ToPage("login", "confirmed", username)
        self.sessions.end(page.session_id)
        return self._signed_in_now(request, user)

    def resend_code(self, page: PageRequest, form: Mapping[str, str]) -> ToPage:
        return self._send_code(
            page,
            form,
            self.sign_up_flows.resend_confirmation_code,
            no_username="Enter your username to get a new code.",
            next_page="confirmUser",
            notice="code_sent",
        )

    # -- forgotten passwords --------------------------------------------------------------------

    def forgot_password(self, page: PageRequest, form: Mapping[str, str]) -> ToPage:
        return self._send_code(
            page,
            form,
            self.sign_up_flows.forgot_password,
            no_username="Enter your username.",
            next_page="confirmForgotPassword",
            notice="reset_code_sent",
        )

    def confirm_forgot_password(self, page: PageRequest, form: Mapping[str, str]) -> ToPage:
        request = self._request(page)
        username, code = form.get("username", ""), form.get("code", "")
        if not username or not code:
            raise FormProblem("Enter your username and the reset code.")
        password = _new_password(form)
        self._api(
            self.sign_up_flows.confirm_forgot_password,
            request.client,
            username,
            ConfirmationCode=code,
            Password=password,
        )
        return ToPage("login", "password_reset", username)

    # -- sign-out -------------------------------------------------------------------------------

    def logout(self, page: PageRequest) -> Outcome:
        logout_uri = check_logout_request(self.moto, page.domain, page.query)
        self.sessions.end(page.session_id)
        return ToPage("login") if logout_uri is None else ToApp(logout_uri)

    # -- the authorize request ------------------------------------------------------------------

    def _request(self, page: PageRequest) -> AuthorizeRequest:
        """The authorize request the page carries; PageError or ErrorRedirect if it fails."""
        return check_authorize_request(self.moto, page.domain, page.query)

    # -- signing in -----------------------------------------------------------------------------

    def _signed_in(self, pool: Pool, session_id: str | None) -> LoginSession | None:
        """The browser's login session, while its user may still sign in."""
        session = self.sessions.find(session_id, pool.id)
        if session is None or session.pending is not None:
            return None
        user = pool.user(session.username)
        if user is None or not user.enabled or user.status != "CONFIRMED":
            return None
        return session

    def _signed_in_now(self, request: AuthorizeRequest, user: User) -> ToApp:
        """A new login session for `user`, and the way back to the app, once the pool's
        PostAuthentication function has heard of the sign-in (one that raises refuses it)."""
        try:
            post_authentication(
                self.triggers,
                request.pool,
                user=user,
                client_id=request.client.id,
                client_metadata=None,
            )
        except CognitoError as error:
            raise FormProblem(error.message) from None
        location = self._back_to_app(request, user.username, int(self.clock.now()))
        return ToApp(location, self.sessions.start(request.pool.id, user.username))

    def _back_to_app(self, request: AuthorizeRequest, username: str, auth_time: int) -> str:
        """redirect_uri with a new authorization code, or with tokens for the implicit grant
        (in the fragment, without a refresh token, as authorization-endpoint.md shows)."""
        if request.response_type == "code":
            code = self.authorization_codes.issue(
                pool_id=request.pool.id,
                client_id=request.client.id,
                redirect_uri=request.redirect_uri,
                username=username,
                scopes=request.scopes,
                auth_time=auth_time,
                nonce=request.nonce,
                code_challenge=request.code_challenge,
            )
            return request.redirect_with_code(code)
        grant = AuthorizationGrant(
            pool_id=request.pool.id,
            client_id=request.client.id,
            redirect_uri=request.redirect_uri,
            username=username,
            scopes=request.scopes,
            auth_time=auth_time,
            expires_at=self.clock.now(),
            nonce=request.nonce,
        )
        try:
            tokens = self.oauth_grants.implicit_tokens(grant)
        except OAuthError as error:
            raise request.redirect_with_error(error) from None
        return request.redirect_with_tokens(tokens)

    def _awaiting_new_password(self, pool: Pool, session_id: str | None) -> User | None:
        session = self.sessions.find(session_id, pool.id)
        if session is None or session.pending != "new_password":
            return None
        user = pool.user(session.username)
        if user is None or not user.enabled or user.status != "FORCE_CHANGE_PASSWORD":
            return None
        return user

    def _sign_up_attributes(self, pool: Pool) -> tuple[str, ...]:
        """The attributes the pool's schema requires at sign-up (as DescribeUserPool lists
        them), less the one the username fills and the `sub` Cognito assigns."""
        described = self.moto.call("DescribeUserPool", {"UserPoolId": pool.id})["UserPool"]
        return tuple(
            str(attribute["Name"])
            for attribute in described.get("SchemaAttributes") or ()
            if attribute.get("Required")
            and attribute.get("Name") not in ("sub", *pool.username_attributes)
        )

    def _uses_mfa(self, pool: Pool, user: User) -> bool:
        """Whether signing in would take an MFA challenge: an MFA method the user turned on, or
        MFA required by the pool (read from moto, where SetUserPoolMfaConfig keeps it)."""
        if user.mfa_settings:
            return True
        configuration = self.moto.call("GetUserPoolMfaConfig", {"UserPoolId": pool.id})
        return configuration.get("MfaConfiguration") == "ON"

    def _send_code(
        self,
        page: PageRequest,
        form: Mapping[str, str],
        operation: ApiOperation,
        *,
        no_username: str,
        next_page: Page,
        notice: Notice,
    ) -> ToPage:
        """Sends the user the form names a code (`operation`: ResendConfirmationCode or
        ForgotPassword), then on to `next_page`, where that user types it in."""
        request = self._request(page)
        username = form.get("username", "")
        if not username:
            raise FormProblem(no_username)
        self._api(operation, request.client, username)
        return ToPage(next_page, notice, username)

    def _api(
        self, operation: ApiOperation, client: AppClient, username: str, **members: Any
    ) -> dict[str, Any]:
        """One of the API's sign-up or recovery operations, as the page's client calls it (with
        the SECRET_HASH a confidential client needs); its errors are the page's message."""
        body: dict[str, Any] = {"ClientId": client.id, "Username": username, **members}
        if client.secret is not None:
            body["SecretHash"] = compute_secret_hash(client.id, client.secret, username)
        try:
            return operation(body)
        except CognitoError as error:
            raise FormProblem(error.message) from None


def _username_label(pool: Pool) -> str:
    """What the username field is called: the attributes that stand in for it, if any."""
    names = {"email": "Email", "phone_number": "Phone number"}
    labels = [names.get(attribute, attribute) for attribute in pool.username_attributes]
    if not labels:
        return "Username"
    return " or ".join([labels[0], *(label.lower() for label in labels[1:])])


def _new_password(form: Mapping[str, str]) -> str:
    password = form.get("password", "")
    if not password:
        raise FormProblem("Enter a new password.")
    if password != form.get("confirm_password", ""):
        raise FormProblem(PASSWORDS_DIFFER)
    return password
