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

After the password the pages ask what the API asks, decided by the same rules
(`flows/mfa_challenges.py`, `flows/new_password_challenge.py`): a new password (with the
required attributes the user lacks) for a temporary one, then the MFA code (SOFTWARE_TOKEN_MFA,
or SMS_MFA / EMAIL_OTP with a code sent through the CustomMessage trigger), the choice between
methods (SELECT_MFA_TYPE), or setting up an authenticator app (MFA_SETUP) where the pool
requires MFA of a user who has none ("If your app uses the Amazon Cognito managed login to sign
in users, your user submits their username and password, and then submits the TOTP password on
an additional sign-in page", user-pool-settings-mfa-totp.md). Each challenge page must be
answered within the app client's AuthSessionValidity, as the API's challenge Session must. The
paths of the challenge pages (`/mfa`, `/selectMfaType`, `/mfaSetup`) are our choice.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote, urlencode

from cognito_emulator import policy, totp
from cognito_emulator.clock import Clock
from cognito_emulator.exceptions import (
    INCORRECT_CREDENTIALS,
    CognitoError,
)
from cognito_emulator.flows.authorize_request import (
    AuthorizeRequest,
    Query,
    check_authorize_request,
    check_logout_request,
)
from cognito_emulator.flows.mfa_challenges import (
    METHOD_ORDER,
    MfaCodes,
    MfaMethod,
    mfa_step,
    next_step,
    turn_on_set_up_method,
)
from cognito_emulator.flows.mfa_settings import accept_authenticator
from cognito_emulator.flows.new_password_challenge import (
    ATTRIBUTE_PREFIX,
    challenge_parameters,
    check_temporary_password_current,
    set_new_password,
)
from cognito_emulator.flows.oauth_grants import OAuthGrantFlows
from cognito_emulator.flows.sign_in_challenges import MAX_REFUSED_ANSWERS
from cognito_emulator.flows.sign_in_rules import pre_authenticated
from cognito_emulator.flows.sign_up import SignUpFlows
from cognito_emulator.flows.user_migration import UserMigrationFlow
from cognito_emulator.login_sessions import (
    ChallengeName,
    LoginSession,
    LoginSessions,
    PageChallenge,
)
from cognito_emulator.moto_adapter import AppClient, MotoAdapter, Pool, User
from cognito_emulator.oauth import AuthorizationCodes, AuthorizationGrant, OAuthError
from cognito_emulator.secret_hash import compute_secret_hash
from cognito_emulator.triggers.authentication import post_authentication
from cognito_emulator.triggers.invocation import PoolTriggers
from cognito_emulator.usernames import UserDirectory

PASSWORDS_DIFFER = "The two passwords do not match."
NO_CODE = "Enter the code."
NO_MFA_TYPE = "Choose how to verify that it's you."
# Our choice (the pages can set up an authenticator app only, as Cognito's classic hosted UI):
# a user who must set up MFA in a pool without software token MFA is told how to get on.
NO_AUTHENTICATOR_SETUP = (
    "This user must set up multi-factor authentication, and the user pool offers no "
    "authenticator app (software token MFA) to set up here: give the user a phone number or "
    "email address the pool's MFA can use, or turn software token MFA on."
)

ApiOperation = Callable[[dict[str, Any]], dict[str, Any]]
Page = Literal[
    "login",
    "confirmUser",
    "confirmForgotPassword",
    "forceChangePassword",
    "mfa",
    "selectMfaType",
    "mfaSetup",
]
CHALLENGE_PAGES: dict[ChallengeName, Page] = {
    "SMS_MFA": "mfa",
    "EMAIL_OTP": "mfa",
    "SOFTWARE_TOKEN_MFA": "mfa",
    "SELECT_MFA_TYPE": "selectMfaType",
    "MFA_SETUP": "mfaSetup",
}
Notice = Literal[
    "code_sent",
    "not_confirmed",
    "confirmed",
    "awaiting_administrator",
    "reset_code_sent",
    "reset_required",
    "password_reset",
    "sign_in_again",
    "too_many_codes",
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
    "too_many_codes": "Too many wrong codes. Sign in again.",
}


class FormProblem(Exception):
    """Input the user can correct: the same page again, with this message (and with `info`,
    what the page shows, where that depends on more than the pool)."""

    def __init__(self, message: str, info: FormInfo | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.info = info


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
class ChallengeView:
    """What a challenge page shows: the challenge, where its code went (masked), the methods to
    choose from, or the secret and otpauth:// URI of an authenticator app to set up."""

    name: ChallengeName
    destination: str | None = None
    options: tuple[str, ...] = ()
    secret: str | None = None
    setup_uri: str | None = None


@dataclass(frozen=True, slots=True)
class FormInfo:
    """What a page's form asks for in this pool."""

    username_label: str
    required_attributes: tuple[str, ...] = ()
    sign_up_allowed: bool = True  # False: only administrators create users (no sign-up link)
    challenge: ChallengeView | None = None


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
        mfa_codes: MfaCodes,
    ) -> None:
        self.moto = moto
        self.users = users
        self.sign_up_flows = sign_up
        self.authorization_codes = authorization_codes
        self.oauth_grants = oauth_grants
        self.clock = clock
        self.triggers = triggers
        self.migration = migration
        self.mfa_codes = mfa_codes
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
        return self._after_password(request, user)

    # -- a temporary password (NEW_PASSWORD_REQUIRED) -------------------------------------------

    def new_password_page(self, page: PageRequest) -> ToPage | FormInfo:
        request = self._request(page)
        user = self._awaiting_new_password(request.pool, page.session_id)
        if user is None:
            return ToPage("login", "sign_in_again")
        return self._new_password_info(request.pool, user)

    def force_change_password(self, page: PageRequest, form: Mapping[str, str]) -> Outcome:
        """The new password of a user who signed in with a temporary one, with the required
        attributes they lack; then the MFA the pool asks for, or signed in."""
        request = self._request(page)
        pool = request.pool
        user = self._awaiting_new_password(pool, page.session_id)
        if user is None:
            self.sessions.end(page.session_id)
            return ToPage("login", "sign_in_again")
        info = self._new_password_info(pool, user)
        try:
            password = _new_password(form)
            responses = {"NEW_PASSWORD": password}
            for name in info.required_attributes:
                value = form.get(name, "")
                if value:
                    responses[ATTRIBUTE_PREFIX + name] = value
            set_new_password(self.moto, pool, user, responses)
        except FormProblem as problem:
            raise FormProblem(problem.message, info) from None
        except CognitoError as error:
            raise FormProblem(error.message, info) from None
        self.sessions.end(page.session_id)
        return _shown_with(info, lambda: self._challenge_or_signed_in(request, user))

    # -- the challenges after the password: MFA, its set-up, the choice of method ---------------

    def mfa_page(self, page: PageRequest) -> ToPage | FormInfo:
        """The code page of SMS_MFA, EMAIL_OTP and SOFTWARE_TOKEN_MFA."""
        return self._challenge_page(page, "mfa")

    def select_mfa_type_page(self, page: PageRequest) -> ToPage | FormInfo:
        return self._challenge_page(page, "selectMfaType")

    def mfa_setup_page(self, page: PageRequest) -> ToPage | FormInfo:
        return self._challenge_page(page, "mfaSetup")

    def answer_mfa(self, page: PageRequest, form: Mapping[str, str]) -> Outcome:
        """The MFA code: right, signed in; wrong, the same page with Cognito's message."""
        request = self._request(page)
        pending = self._pending_challenge(request, page, "mfa")
        if isinstance(pending, ToPage):
            return pending
        challenge, user = pending
        method = _mfa_method(challenge.name)
        refused = self._check_code(
            request,
            page,
            challenge,
            user,
            form,
            lambda code: self.mfa_codes.check(request.pool, user, method, code),
        )
        if refused is not None:
            return refused
        self.sessions.end(page.session_id)
        info = self._challenge_info(request.pool, user, challenge)
        return _shown_with(info, lambda: self._signed_in_now(request, user))

    def select_mfa_type(self, page: PageRequest, form: Mapping[str, str]) -> Outcome:
        """SELECT_MFA_TYPE's answer: on to the chosen method's code page."""
        request = self._request(page)
        pending = self._pending_challenge(request, page, "selectMfaType")
        if isinstance(pending, ToPage):
            return pending
        challenge, user = pending
        info = self._challenge_info(request.pool, user, challenge)
        chosen = form.get("mfa_type", "")
        if chosen not in challenge.options:
            raise FormProblem(NO_MFA_TYPE, info)
        self.sessions.end(page.session_id)
        return _shown_with(info, lambda: self._start_challenge(request, user, chosen))

    def set_up_mfa(self, page: PageRequest, form: Mapping[str, str]) -> Outcome:
        """MFA_SETUP's answer: the authenticator app's first code verifies the secret the page
        showed (VerifySoftwareToken's rule); then TOTP MFA is on for the user, preferred when
        they had no preference (the API's MFA_SETUP answer), and they are signed in."""
        request = self._request(page)
        pending = self._pending_challenge(request, page, "mfaSetup")
        if isinstance(pending, ToPage):
            return pending
        challenge, user = pending
        secret = challenge.secret or ""
        refused = self._check_code(
            request,
            page,
            challenge,
            user,
            form,
            lambda code: accept_authenticator(
                user, secret, code, self.clock.now(), new_secret=True
            ),
        )
        if refused is not None:
            return refused
        turn_on_set_up_method(user, "SOFTWARE_TOKEN_MFA")
        self.sessions.end(page.session_id)
        info = self._challenge_info(request.pool, user, challenge)
        return _shown_with(info, lambda: self._signed_in_now(request, user))

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
        ):
            return ToPage("login", "confirmed", username)
        self.sessions.end(page.session_id)
        return self._challenge_or_signed_in(request, user)

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

    def _after_password(self, request: AuthorizeRequest, user: User) -> Outcome:
        """What a user who has just proven their password is asked next (the API's rule,
        `next_step`): a new password for a temporary one that is still current, then MFA."""
        if next_step(request.pool, user) == "NEW_PASSWORD_REQUIRED":
            try:
                check_temporary_password_current(request.pool, user, self.clock.now())
            except CognitoError as error:
                raise FormProblem(error.message) from None
            pending = self.sessions.start(request.pool.id, user.username, "new_password")
            return ToPage("forceChangePassword", session_id=pending)
        return self._challenge_or_signed_in(request, user)

    def _challenge_or_signed_in(self, request: AuthorizeRequest, user: User) -> Outcome:
        """The second factor the pool asks of `user` (`mfa_step`), or signed in."""
        step = mfa_step(request.pool, user)
        if step is None:
            return self._signed_in_now(request, user)
        return self._start_challenge(request, user, step.challenge, step.options)

    def _start_challenge(
        self,
        request: AuthorizeRequest,
        user: User,
        name: str,
        options: tuple[str, ...] = (),
    ) -> ToPage:
        """A login session waiting for `name`'s answer, and its page. SMS_MFA and EMAIL_OTP
        send their code now; MFA_SETUP makes a new authenticator secret, kept with the
        challenge (as AssociateSoftwareToken keeps one pending) until its first code is
        accepted."""
        pool, client = request.pool, request.client
        destination = None
        if name in ("SMS_MFA", "EMAIL_OTP"):
            try:
                delivery = self.mfa_codes.send(
                    pool, user, _mfa_method(name), client_id=client.id, client_metadata=None
                )
            except CognitoError as error:
                raise FormProblem(error.message) from None
            destination = delivery.get("Destination")
        elif name == "MFA_SETUP" and "SOFTWARE_TOKEN_MFA" not in options:
            raise FormProblem(NO_AUTHENTICATOR_SETUP)
        challenge_name = _challenge_name(name)
        challenge = PageChallenge(
            name=challenge_name,
            client_id=client.id,
            answer_by=self.clock.now() + 60 * policy.auth_session_minutes(client),
            options=options,
            destination=destination,
            # The authenticator to set up: the user's only once its first code is accepted.
            secret=totp.new_secret() if name == "MFA_SETUP" else None,
        )
        session_id = self.sessions.start(pool.id, user.username, challenge=challenge)
        return ToPage(CHALLENGE_PAGES[challenge_name], session_id=session_id)

    def _challenge_page(self, page: PageRequest, page_name: Page) -> ToPage | FormInfo:
        request = self._request(page)
        pending = self._pending_challenge(request, page, page_name)
        if isinstance(pending, ToPage):
            return pending
        challenge, user = pending
        return self._challenge_info(request.pool, user, challenge)

    def _pending_challenge(
        self, request: AuthorizeRequest, page: PageRequest, page_name: Page
    ) -> tuple[PageChallenge, User] | ToPage:
        """The challenge the browser's login session waits for, and its user; else where the
        browser goes: the page of the challenge it does wait for, or the sign-in page (none,
        another app client's, too late, or the user can no longer sign in)."""
        session = self.sessions.find(page.session_id, request.pool.id)
        challenge = session.challenge if session is not None else None
        user = request.pool.user(session.username) if session is not None else None
        if (
            challenge is None
            or user is None
            or not user.enabled
            or user.status != "CONFIRMED"
            or challenge.client_id != request.client.id
            or self.clock.now() >= challenge.answer_by
        ):
            self.sessions.end(page.session_id)
            return ToPage("login", "sign_in_again")
        if CHALLENGE_PAGES[challenge.name] != page_name:
            return ToPage(CHALLENGE_PAGES[challenge.name])
        return challenge, user

    def _check_code(
        self,
        request: AuthorizeRequest,
        page: PageRequest,
        challenge: PageChallenge,
        user: User,
        form: Mapping[str, str],
        accept: Callable[[str], None],
    ) -> ToPage | None:
        """`accept` the code typed in; None once accepted. A refused one keeps the browser on
        the page with Cognito's message (FormProblem); the MAX_REFUSED_ANSWERS-th sends it back
        to sign in again, as the API's challenge Session is spent then."""
        code = form.get("code", "").strip()
        if not code:
            raise FormProblem(NO_CODE, self._challenge_info(request.pool, user, challenge))
        try:
            accept(code)
        except CognitoError as error:
            challenge.wrong_codes += 1
            if challenge.wrong_codes >= MAX_REFUSED_ANSWERS:
                self.sessions.end(page.session_id)
                return ToPage("login", "too_many_codes")
            raise FormProblem(
                error.message, self._challenge_info(request.pool, user, challenge)
            ) from None
        return None

    def _challenge_info(self, pool: Pool, user: User, challenge: PageChallenge) -> FormInfo:
        secret = challenge.secret
        view = ChallengeView(
            name=challenge.name,
            destination=challenge.destination,
            options=challenge.options,
            secret=secret,
            setup_uri=self._setup_uri(pool, user, secret) if secret else None,
        )
        return FormInfo(_username_label(pool), challenge=view)

    def _setup_uri(self, pool: Pool, user: User, secret: str) -> str:
        """The otpauth:// URI an authenticator app reads (Google Authenticator's Key Uri
        Format, as Amplify's getSetupUri builds it): the pool's name as the issuer (our
        choice), the username as the account."""
        issuer = str(
            self.moto.call("DescribeUserPool", {"UserPoolId": pool.id})["UserPool"]["Name"]
        )
        label = f"{quote(issuer, safe='')}:{quote(user.username, safe='')}"
        query = urlencode({"secret": secret, "issuer": issuer}, quote_via=quote)
        return f"otpauth://totp/{label}?{query}"

    def _new_password_info(self, pool: Pool, user: User) -> FormInfo:
        """The new-password form: the required attributes the user lacks, as the API's
        NEW_PASSWORD_REQUIRED lists them (requiredAttributes)."""
        listed = json.loads(challenge_parameters(self.moto, pool, user)["requiredAttributes"])
        missing = tuple(str(name).removeprefix(ATTRIBUTE_PREFIX) for name in listed)
        return FormInfo(_username_label(pool), required_attributes=missing)

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


def _shown_with(info: FormInfo, outcome: Callable[[], Outcome]) -> Outcome:
    """`outcome()`, a problem on the way shown on the page that was posted (with `info`): a
    trigger that refuses, a code that cannot be sent."""
    try:
        return outcome()
    except FormProblem as problem:
        if problem.info is not None:
            raise
        raise FormProblem(problem.message, info) from None


def _mfa_method(name: str) -> MfaMethod:
    """`name` as an MFA method (SMS_MFA, EMAIL_OTP, SOFTWARE_TOKEN_MFA)."""
    if name not in METHOD_ORDER:
        raise ValueError(f"not an MFA method: {name!r}")
    return name


def _challenge_name(name: str) -> ChallengeName:
    """`name` as a challenge the pages answer."""
    if name not in CHALLENGE_PAGES:
        raise ValueError(f"not a challenge of the login pages: {name!r}")
    return name
