"""The user lifecycle as a state machine: service + emulator checked against a model.

Rules drive the service's HTTP API (and two admin actions beside it) in any order hypothesis
finds, as users (the password form, or the web sign-in through the pool's login page) and as a
machine (a client-credentials token of the pool's machine client); the model says what each call
must answer. After every step: no 5xx was ever answered, a token was accepted iff the model holds
it valid, the users table holds exactly the model's users (with their disabled flags), and it
has grown by exactly the users the model signed up: a machine's call never adds a row.

What the model encodes, beyond the routes' documentation:
- unknown users are indistinguishable from wrong passwords or codes (401 / 400 / 200 on resend);
  a password reset is 202 for every username, known or not, unconfirmed or disabled, and sends a
  code only to a confirmed, enabled user;
- logout revokes every access and refresh token of the user, at once; so do a password change
  and a confirmed password reset;
- redeeming a code answers an account in any state (confirmed, no code requested) as it answers
  an unknown user: 400;
- a user disabled in the database gets 403 on every authenticated call, login and refresh;
- a user disabled in Cognito (AdminDisableUser) cannot log in or refresh; the access tokens they
  hold are verified locally, so the service may keep accepting them until they expire: the model
  holds them "indeterminate" (200 or 401), never more;
- a web sign-in is a sign-in like the password form's: its tokens are a session like any other
  (refresh, logout, password change), a user disabled in the database gets 403 at the callback,
  and the callback answers once (replayed: 400);
- a machine lists users with users.read and disables or enables them with users.write (403
  insufficient_scope without), and gets 403 on /users/me, which acts for a user;
- TOTP MFA: a user starts a set-up (a new secret, its otpauth URI and QR code), verifies it with
  a code of their authenticator app (pyotp; a wrong code 400; a verified authenticator stays in
  force until a new one is verified), and turns TOTP on (400 before any authenticator was
  verified) or off; /users/login then answers the SOFTWARE_TOKEN_MFA challenge iff TOTP is on,
  also to a user disabled in the database, who gets the 403 once the code is right;
- a challenge's Session answers one right code (tokens), then 401; a wrong code is 400 and
  leaves it answerable, until the fifth wrong code spends it (the emulator's choice, as Cognito
  begins a lockout after five wrong MFA codes); a user disabled in Cognito since the login gets
  401 and the Session is spent. An authenticator's time step is accepted once (RFC 6238 §5.2), so
  a right code is one of a step not used yet.
"""

from __future__ import annotations

import hashlib
import itertools
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, update
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from app.api.deps import USER_REQUIRED
from app.models import User
from cognito_emulator.login_page_client import LoginChallenge, LoginPageClient
from cognito_emulator.pool_definition import READ_USERS_SCOPE, WRITE_USERS_SCOPE
from contract_tests.authenticator import AuthenticatorApp
from contract_tests.service import ServiceUnderTest, service_under_test

STRONG_PASSWORDS = ("Correct-Horse-7", "Battery-Staple-8")
WEAK_PASSWORD = "alllowercase"
NAMES = ("ann", "bob", "zoë", "李雷")
SIGN_UP_PURPOSES = ("sign_up", "resend")
RESET_PURPOSES = ("forgot_password",)

VALID, REVOKED, INDETERMINATE = "valid", "revoked", "indeterminate"
TOTP = "SOFTWARE_TOKEN_MFA"
# Wrong codes a challenge's Session takes; the last of them spends it (the emulator's choice).
REFUSED_ANSWERS_PER_SESSION = 5
# The scopes a machine's token may carry: one of the API's two, or both.
MACHINE_SCOPES = ((READ_USERS_SCOPE,), (WRITE_USERS_SCOPE,), (READ_USERS_SCOPE, WRITE_USERS_SCOPE))
_run_numbers = itertools.count()


@dataclass
class ModelUser:
    username: str
    password: str
    confirmed: bool = False
    disabled_in_db: bool = False
    disabled_in_cognito: bool = False
    reset_code_pending: bool = False
    authenticator: AuthenticatorApp | None = None
    """The authenticator app Cognito verified (VerifySoftwareToken), in force for sign-ins."""
    new_authenticator: AuthenticatorApp | None = None
    """A set-up started and not verified yet (it replaces `authenticator` once verified)."""
    totp_on: bool = False

    def authenticator_to_verify(self) -> AuthenticatorApp | None:
        """The app whose code VerifySoftwareToken checks: the new one, else the one in force."""
        return self.new_authenticator or self.authenticator


@dataclass
class ModelSession:
    """One access token (and the refresh token of its sign-in) the model knows the fate of."""

    username: str
    access_token: str
    refresh_token: str
    state: str = VALID


@dataclass
class ModelChallenge:
    """A SOFTWARE_TOKEN_MFA challenge /users/login answered, and what its Session has taken."""

    username: str
    session: str
    refused_answers: int = 0
    spent: bool = False


@dataclass
class Model:
    users: dict[str, ModelUser] = field(default_factory=dict)
    sessions: list[ModelSession] = field(default_factory=list)
    challenges: list[ModelChallenge] = field(default_factory=list)

    def sessions_of(self, username: str) -> list[ModelSession]:
        return [session for session in self.sessions if session.username == username]


def a_code_other_than(code: str | None) -> str:
    return "999999" if code == "000000" else "000000"


def a_wrong_totp_code(app: AuthenticatorApp | None) -> str:
    return app.wrong_code() if app is not None else "000000"


def assert_mfa_status(response: httpx.Response, totp_on: bool) -> None:
    """The MFA settings the service answered are the model's: TOTP on and preferred, or none."""
    expected: dict[str, Any] = (
        {"enabled": [TOTP], "preferred": TOTP} if totp_on else {"enabled": [], "preferred": None}
    )
    assert response.json() == expected, f"MFA {response.json()}; the model has {expected}"


def while_indeterminate(user: ModelUser, accepted: int) -> tuple[int, ...]:
    """A token the service may or may not still accept: refused (401), or accepted and then
    answered as for any token of this user."""
    return (401, 403) if user.disabled_in_db else (401, accepted)


class UserLifecycle(RuleBasedStateMachine):
    """One example = one fresh namespace of usernames on the shared service and pool."""

    service: ServiceUnderTest
    client: TestClient

    def __init__(self) -> None:
        super().__init__()
        self.prefix = f"lc{next(_run_numbers)}-"
        self.model = Model()
        self.rows_before = self.row_count()
        self.machine_tokens: dict[tuple[str, ...], str] = {}

    # ---- plumbing -------------------------------------------------------------------------------

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = self.client.request(method, path, **kwargs)
        assert response.status_code < 500, (
            f"{method} {path} answered {response.status_code}: {response.text[:300]}"
        )
        return response

    @staticmethod
    def expect(response: httpx.Response, *statuses: int) -> None:
        request = response.request
        assert response.status_code in statuses, (
            f"{request.method} {request.url.path} answered {response.status_code} "
            f"({response.text[:200]}); the model expects {' or '.join(map(str, statuses))}"
        )

    def username(self, name: str) -> str:
        return self.prefix + name

    def revoke_sessions_of(self, username: str) -> None:
        for session in self.model.sessions_of(username):
            session.state = REVOKED

    def sessions_end_by_the_logout_mark_alone(self, username: str) -> None:
        """A reset of a user with MFA: the service cannot sign them out at Cognito (the sign-in
        for a token stops at the second factor) and ends its sessions by the logout mark alone.
        Sessions begun within the clock skew of it, as the model's are, are Cognito's to decide,
        and Cognito still honours them."""
        for session in self.model.sessions_of(username):
            if session.state == VALID:
                session.state = INDETERMINATE

    @staticmethod
    def bearer(session: ModelSession) -> dict[str, str]:
        return {"Authorization": f"Bearer {session.access_token}"}

    def model_user(self, username: str) -> ModelUser | None:
        return self.model.users.get(username)

    def row_count(self) -> int:
        with Session(self.service.engine) as db:
            return db.exec(select(func.count()).select_from(User)).one()

    def sub_of(self, username: str) -> str:
        with Session(self.service.engine) as db:
            return db.exec(select(User.sub).where(User.username == username)).one()

    def machine_bearer(self, scopes: tuple[str, ...]) -> dict[str, str]:
        """A client-credentials token of the pool's machine client for `scopes`, from the pool's
        token endpoint the first time in an example, then reused, as a machine does."""
        if scopes not in self.machine_tokens:
            pool = self.service.pool
            assert pool.domain_url and pool.machine_client_id and pool.machine_client_secret
            self.machine_tokens[scopes] = (
                LoginPageClient(pool.domain_url)
                .token_request(
                    {"grant_type": "client_credentials", "scope": " ".join(scopes)},
                    client_id=pool.machine_client_id,
                    client_secret=pool.machine_client_secret,
                )
                .access_token
            )
        return {"Authorization": f"Bearer {self.machine_tokens[scopes]}"}

    def expect_insufficient_scope(self, response: httpx.Response, scope: str) -> None:
        """RFC 6750 §3.1: 403, and the challenge names the scope the token lacks."""
        self.expect(response, 403)
        challenge = response.headers.get("www-authenticate", "")
        assert 'error="insufficient_scope"' in challenge, challenge
        assert f'scope="{scope}"' in challenge, challenge

    def users_who_can_sign_in(self) -> list[ModelUser]:
        """Users the login page lets through: confirmed, not disabled in Cognito, and with TOTP
        on only if their authenticator shows a code the pool has not accepted yet."""
        return sorted(
            (
                u
                for u in self.model.users.values()
                if u.confirmed
                and not u.disabled_in_cognito
                and (not u.totp_on or self.has_a_right_code(u))
            ),
            key=lambda u: u.username,
        )

    @staticmethod
    def has_a_right_code(user: ModelUser) -> bool:
        return user.authenticator is not None and user.authenticator.has_guaranteed_code()

    def expect_session_answer(
        self, response: httpx.Response, session: ModelSession, accepted: int
    ) -> bool:
        """Checks the status of a call with `session`'s token, which the service answers with
        `accepted` when the token is good; True when the call went through to Cognito's answer
        (`accepted`, which the caller then checks further)."""
        user = self.model.users[session.username]
        if session.state == INDETERMINATE:
            self.expect(response, *while_indeterminate(user, accepted))
        elif session.state == REVOKED:
            self.expect(response, 401)
        elif user.disabled_in_db:
            self.expect(response, 403)
        else:
            self.expect(response, accepted)
        return response.status_code == accepted

    def users_with_totp_who_can_sign_in(self) -> list[ModelUser]:
        """Users /users/login asks for a TOTP code, whose authenticator shows one not used yet."""
        return sorted(
            (
                u
                for u in self.model.users.values()
                if u.confirmed
                and u.totp_on
                and not u.disabled_in_cognito
                and self.has_a_right_code(u)
            ),
            key=lambda u: u.username,
        )

    def challenges_with_a_right_code(self) -> list[ModelChallenge]:
        """Challenges whose user's authenticator shows a code the pool has not accepted yet."""
        return [
            challenge
            for challenge in self.model.challenges
            if self.has_a_right_code(self.model.users[challenge.username])
        ]

    # ---- sign-up and confirmation ---------------------------------------------------------------

    @initialize(name=st.sampled_from(NAMES), with_totp=st.booleans())
    def a_signed_in_user(self, name: str, with_totp: bool) -> None:
        """Every example starts with one user through sign-up, verification and login, so the
        token rules have a session from the first step, and in half of them with TOTP turned
        on, so the challenge rules have a user from the first step (the same calls as the
        rules)."""
        self.sign_up(name, STRONG_PASSWORDS[0])
        self.verify(name, right_code=True)
        self.log_in(name, right_password=True)
        if with_totp:
            session = self.model.sessions[-1]
            assert self.start_totp_setup_with(session) and self.verify_totp_with(session, True)
            self.set_totp_with(session, turn_on=True)

    @rule(name=st.sampled_from(NAMES), password=st.sampled_from((*STRONG_PASSWORDS, WEAK_PASSWORD)))
    def sign_up(self, name: str, password: str) -> None:
        username = self.username(name)
        email = f"{hashlib.sha1(username.encode()).hexdigest()[:10]}@example.com"
        response = self.call(
            "POST",
            "/users/signup",
            json={"username": username, "email": email, "password": password},
        )
        if username in self.model.users:
            self.expect(response, 409)
        elif password == WEAK_PASSWORD:
            self.expect(response, 400)
        else:
            self.expect(response, 201)
            self.model.users[username] = ModelUser(username, password)

    @rule(name=st.sampled_from(NAMES))
    def resend_code(self, name: str) -> None:
        username = self.username(name)
        response = self.call("POST", "/users/verify/resend", json={"username": username})
        user = self.model_user(username)
        self.expect(response, 400 if user is not None and user.confirmed else 200)

    @rule(name=st.sampled_from(NAMES), right_code=st.booleans())
    def verify(self, name: str, right_code: bool) -> None:
        username = self.username(name)
        user = self.model_user(username)
        delivered = self.service.latest_code(username, SIGN_UP_PURPOSES)
        code = delivered if right_code and delivered else a_code_other_than(delivered)
        response = self.call(
            "POST", "/users/verify", json={"username": username, "confirmation_code": code}
        )
        if user is not None and not user.confirmed and code == delivered:
            self.expect(response, 200)
            user.confirmed = True
        else:
            self.expect(response, 400)

    # ---- sessions -------------------------------------------------------------------------------

    @rule(name=st.sampled_from(NAMES), right_password=st.booleans())
    def log_in(self, name: str, right_password: bool) -> None:
        username = self.username(name)
        user = self.model_user(username)
        password = user.password if user and right_password else "Wrong-Password-9"
        response = self.call(
            "POST", "/users/login", data={"username": username, "password": password}
        )
        if user is None or user.disabled_in_cognito or not right_password:
            self.expect(response, 401)
            assert response.headers.get("www-authenticate", "").startswith("Bearer")
        elif user.confirmed and user.totp_on:
            # Cognito asks for the code first; the database's flag is checked at the tokens.
            self.expect(response, 200)
            challenge = response.json()
            assert challenge["challenge"] == TOTP, challenge
            assert challenge["respond_at"] == "/users/login/challenge"
            assert challenge["respond_with"] == ["code"]
            assert challenge["username"] == username
            assert "access_token" not in challenge
            self.model.challenges.append(ModelChallenge(username, challenge["session"]))
        elif not user.confirmed or user.disabled_in_db:
            self.expect(response, 403)
        else:
            self.expect(response, 200)
            tokens = response.json()
            assert tokens["token_type"] == "bearer"
            self.model.sessions.append(
                ModelSession(username, tokens["access_token"], tokens["refresh_token"])
            )

    def answer_challenge(self, challenge: ModelChallenge, code: str) -> httpx.Response:
        return self.call(
            "POST",
            "/users/login/challenge",
            json={
                "challenge": TOTP,
                "session": challenge.session,
                "username": challenge.username,
                "code": code,
            },
        )

    def answer_with_a_right_code(self, challenge: ModelChallenge) -> None:
        """The authenticator's next code (one the pool has not accepted yet) for `challenge`."""
        user = self.model.users[challenge.username]
        assert user.authenticator is not None
        code = user.authenticator.next_code()
        response = self.answer_challenge(challenge, code)
        if challenge.spent or user.disabled_in_cognito:
            self.expect(response, 401)
        elif user.disabled_in_db:
            self.expect(response, 403)
        else:
            self.expect(response, 200)
            tokens = response.json()
            assert tokens["token_type"] == "bearer"
            self.model.sessions.append(
                ModelSession(user.username, tokens["access_token"], tokens["refresh_token"])
            )
        challenge.spent = True

    def answer_with_a_wrong_code(self, challenge: ModelChallenge) -> None:
        user = self.model.users[challenge.username]
        response = self.answer_challenge(challenge, a_wrong_totp_code(user.authenticator))
        if challenge.spent or user.disabled_in_cognito:
            self.expect(response, 401)
            challenge.spent = True
            return
        self.expect(response, 400)
        challenge.refused_answers += 1
        challenge.spent = challenge.refused_answers >= REFUSED_ANSWERS_PER_SESSION

    @precondition(lambda self: self.users_with_totp_who_can_sign_in())
    @rule(data=st.data(), mistyped=st.booleans())
    def sign_in_with_totp(self, data: st.DataObject, mistyped: bool) -> None:
        """A user with TOTP on: the password, then the code of their authenticator app (after
        a mistyped one, which leaves the Session answerable)."""
        user = data.draw(st.sampled_from(self.users_with_totp_who_can_sign_in()), label="user")
        self.log_in(user.username.removeprefix(self.prefix), right_password=True)
        challenge = self.model.challenges[-1]
        assert challenge.username == user.username and not challenge.spent
        if mistyped:
            self.answer_with_a_wrong_code(challenge)
        self.answer_with_a_right_code(challenge)

    @precondition(lambda self: self.challenges_with_a_right_code())
    @rule(data=st.data())
    def answer_challenge_with_a_right_code(self, data: st.DataObject) -> None:
        """A challenge /users/login answered (pending, or its Session spent: 401)."""
        challenge = data.draw(
            st.sampled_from(self.challenges_with_a_right_code()), label="challenge"
        )
        self.answer_with_a_right_code(challenge)

    @precondition(lambda self: self.model.challenges)
    @rule(data=st.data())
    def answer_challenge_with_a_wrong_code(self, data: st.DataObject) -> None:
        self.answer_with_a_wrong_code(
            data.draw(st.sampled_from(self.model.challenges), label="challenge")
        )

    @precondition(lambda self: self.users_who_can_sign_in())
    @rule(data=st.data())
    def web_sign_in(self, data: st.DataObject) -> None:
        """A browser: /auth/login → the pool's login page (the user's password, and the code of
        their authenticator app when TOTP is on) → /auth/callback; then the same callback again,
        as a replay."""
        user = data.draw(st.sampled_from(self.users_who_can_sign_in()), label="user")
        login = self.call("GET", "/auth/login", follow_redirects=False)
        self.expect(login, 302)
        domain = self.service.pool.domain_url
        assert domain is not None, "the pool has no domain, so no login page"
        authorize_url = login.headers["location"]
        assert authorize_url.startswith(f"{domain}/oauth2/authorize?"), authorize_url
        public_url = self.service.settings.SERVICE_PUBLIC_URL
        asked: list[str] = []

        def type_in(challenge: LoginChallenge) -> dict[str, str]:
            asked.append(challenge.name)
            app = user.authenticator
            return {"code": app.next_code()} if challenge.name == TOTP and app else {}

        returned = LoginPageClient(domain).follow_sign_in(
            authorize_url,
            f"{public_url}/auth/callback",
            user.username,
            user.password,
            answer=type_in,
        )
        assert asked == ([TOTP] if user.totp_on else []), f"the login page asked for {asked}"
        callback = urlsplit(returned)
        callback_path = f"{callback.path}?{callback.query}"
        response = self.call("GET", callback_path)
        if user.disabled_in_db:
            self.expect(response, 403)
        else:
            self.expect(response, 200)
            tokens = response.json()
            assert tokens["token_type"] == "bearer"
            session = ModelSession(user.username, tokens["access_token"], tokens["refresh_token"])
            me = self.call("GET", "/users/me", headers=self.bearer(session))
            self.expect(me, 200)
            assert me.json()["username"] == user.username
            self.model.sessions.append(session)
        # The code is spent and the sign-in's cookie cleared, whatever the answer was.
        self.expect(self.call("GET", callback_path), 400)

    @precondition(lambda self: self.model.sessions)
    @rule(data=st.data())
    def read_me(self, data: st.DataObject) -> None:
        session = data.draw(st.sampled_from(self.model.sessions), label="session")
        response = self.call("GET", "/users/me", headers=self.bearer(session))
        user = self.model.users[session.username]
        if session.state == INDETERMINATE:
            self.expect(response, *while_indeterminate(user, 200))
        elif session.state == REVOKED:
            self.expect(response, 401)
            assert 'error="invalid_token"' in response.headers.get("www-authenticate", "")
        elif user.disabled_in_db:
            self.expect(response, 403)
        else:
            self.expect(response, 200)
            assert response.json()["username"] == session.username
            assert "password" not in response.json()

    @precondition(lambda self: self.model.sessions)
    @rule(data=st.data(), own_username=st.booleans())
    def refresh(self, data: st.DataObject, own_username: bool) -> None:
        session = data.draw(st.sampled_from(self.model.sessions), label="session")
        username = session.username if own_username else self.username("someone-else")
        response = self.call(
            "POST",
            "/users/token/refresh",
            json={"username": username, "refresh_token": session.refresh_token},
        )
        user = self.model.users[session.username]
        revoked = session.state == REVOKED or user.disabled_in_cognito
        if revoked or not own_username:
            self.expect(response, 401)
        elif user.disabled_in_db:
            self.expect(response, 403)
        else:
            self.expect(response, 200)
            self.model.sessions.append(
                ModelSession(
                    session.username, response.json()["access_token"], session.refresh_token
                )
            )

    @precondition(lambda self: self.model.sessions)
    @rule(data=st.data())
    def log_out(self, data: st.DataObject) -> None:
        session = data.draw(st.sampled_from(self.model.sessions), label="session")
        response = self.call("POST", "/users/logout", headers=self.bearer(session))
        user = self.model.users[session.username]
        if session.state == INDETERMINATE:
            self.expect(response, *while_indeterminate(user, 204))
        elif session.state == REVOKED:
            self.expect(response, 401)
            return
        elif user.disabled_in_db:
            self.expect(response, 403)
            return
        else:
            self.expect(response, 204)
        if response.status_code == 204:
            self.revoke_sessions_of(session.username)

    @precondition(lambda self: self.model.sessions)
    @rule(data=st.data(), right_previous=st.booleans())
    def change_password(self, data: st.DataObject, right_previous: bool) -> None:
        session = data.draw(st.sampled_from(self.model.sessions), label="session")
        user = self.model.users[session.username]
        proposed = next(p for p in STRONG_PASSWORDS if p != user.password)
        previous = user.password if right_previous else "Wrong-Password-9"
        response = self.call(
            "POST",
            "/users/password/change",
            json={"previous_password": previous, "proposed_password": proposed},
            headers=self.bearer(session),
        )
        if session.state == INDETERMINATE:
            # Cognito already refuses the token, and says so as NotAuthorized: "wrong password".
            self.expect(response, 400, *while_indeterminate(user, 400))
        elif session.state == REVOKED:
            self.expect(response, 401)
        elif user.disabled_in_db:
            self.expect(response, 403)
        elif not right_previous:
            self.expect(response, 400)
        else:
            self.expect(response, 204)
            user.password = proposed
            self.revoke_sessions_of(user.username)

    # ---- MFA by authenticator app ---------------------------------------------------------------

    def start_totp_setup_with(self, session: ModelSession) -> bool:
        """POST /users/me/mfa/totp; True when a set-up started (a new app to verify)."""
        response = self.call("POST", "/users/me/mfa/totp", headers=self.bearer(session))
        if not self.expect_session_answer(response, session, 200):
            return False
        setup = response.json()
        secret = setup["secret"]
        assert setup["otpauth_uri"].startswith("otpauth://totp/"), setup["otpauth_uri"]
        assert f"secret={secret}" in setup["otpauth_uri"], setup["otpauth_uri"]
        assert setup["qr_code"].startswith("data:image/svg+xml"), setup["qr_code"][:40]
        user = self.model.users[session.username]
        user.new_authenticator = AuthenticatorApp(secret, self.service.now)
        return True

    def verify_totp_with(self, session: ModelSession, right_code: bool) -> bool:
        """POST /users/me/mfa/totp/verify with the app's next code (a right one, when it shows
        one not used yet) or a wrong one; True when Cognito verified it."""
        user = self.model.users[session.username]
        app = user.authenticator_to_verify()
        code = (
            app.next_code()
            if app is not None and right_code and app.has_guaranteed_code()
            else None
        )
        response = self.call(
            "POST",
            "/users/me/mfa/totp/verify",
            json={"code": code or a_wrong_totp_code(app)},
            headers=self.bearer(session),
        )
        if not self.expect_session_answer(response, session, 200 if code else 400) or not code:
            return False
        user.authenticator, user.new_authenticator = app, None
        return True

    def set_totp_with(self, session: ModelSession, turn_on: bool) -> None:
        """PUT /users/me/mfa/preference: TOTP on (and preferred), or off; on needs an
        authenticator verified (400 before)."""
        user = self.model.users[session.username]
        response = self.call(
            "PUT",
            "/users/me/mfa/preference",
            json={"totp": {"enabled": turn_on, "preferred": turn_on}},
            headers=self.bearer(session),
        )
        refused = turn_on and user.authenticator is None
        if not self.expect_session_answer(response, session, 400 if refused else 200):
            return
        if refused:
            return
        user.totp_on = turn_on
        assert_mfa_status(response, turn_on)

    @precondition(lambda self: self.model.sessions)
    @rule(data=st.data())
    def turn_on_totp(self, data: st.DataObject) -> None:
        """The whole set-up, as a user follows it: a new secret, its code, TOTP on."""
        session = data.draw(st.sampled_from(self.model.sessions), label="session")
        if self.start_totp_setup_with(session) and self.verify_totp_with(session, True):
            self.set_totp_with(session, turn_on=True)

    @precondition(lambda self: self.model.sessions)
    @rule(data=st.data())
    def start_totp_setup(self, data: st.DataObject) -> None:
        self.start_totp_setup_with(data.draw(st.sampled_from(self.model.sessions), label="session"))

    @precondition(lambda self: self.model.sessions)
    @rule(data=st.data(), right_code=st.booleans())
    def verify_totp(self, data: st.DataObject, right_code: bool) -> None:
        """A code of the app being set up (else of the one in force, which verifies too)."""
        session = data.draw(st.sampled_from(self.model.sessions), label="session")
        self.verify_totp_with(session, right_code)

    @precondition(lambda self: self.model.sessions)
    @rule(data=st.data(), turn_on=st.booleans())
    def set_totp(self, data: st.DataObject, turn_on: bool) -> None:
        self.set_totp_with(
            data.draw(st.sampled_from(self.model.sessions), label="session"), turn_on
        )

    @precondition(lambda self: self.model.sessions)
    @rule(data=st.data())
    def read_mfa(self, data: st.DataObject) -> None:
        session = data.draw(st.sampled_from(self.model.sessions), label="session")
        response = self.call("GET", "/users/me/mfa", headers=self.bearer(session))
        if not self.expect_session_answer(response, session, 200):
            return
        assert_mfa_status(response, self.model.users[session.username].totp_on)

    # ---- forgotten password ---------------------------------------------------------------------

    @rule(name=st.sampled_from(NAMES))
    def forgot_password(self, name: str) -> None:
        username = self.username(name)
        user = self.model_user(username)
        response = self.call("POST", "/users/password/forgot", json={"username": username})
        # Always 202 (no enumeration); a code is sent only to a confirmed (verified email),
        # enabled user.
        self.expect(response, 202)
        if user is not None and user.confirmed and not user.disabled_in_cognito:
            user.reset_code_pending = True

    @rule(name=st.sampled_from(NAMES), right_code=st.booleans())
    def confirm_forgot_password(self, name: str, right_code: bool) -> None:
        username = self.username(name)
        user = self.model_user(username)
        delivered = self.service.latest_code(username, RESET_PURPOSES)
        # Not for a user disabled in Cognito since the code was sent: Cognito refuses the reset
        # (CodeMismatchException, AWS developer guide "Managing error responses"), the emulator
        # does not.
        use_right_code = (
            right_code
            and user is not None
            and user.reset_code_pending
            and not user.disabled_in_cognito
        )
        code = delivered if use_right_code and delivered else a_code_other_than(delivered)
        proposed = next(p for p in STRONG_PASSWORDS if user is None or p != user.password)
        response = self.call(
            "POST",
            "/users/password/confirm",
            json={"username": username, "confirmation_code": code, "new_password": proposed},
        )
        if user is not None and use_right_code:
            self.expect(response, 200)
            user.password = proposed
            user.reset_code_pending = False
            if user.totp_on:
                self.sessions_end_by_the_logout_mark_alone(username)
            else:
                self.revoke_sessions_of(username)
        else:
            self.expect(response, 400)

    # ---- administration -------------------------------------------------------------------------

    @precondition(lambda self: self.model.users)
    @rule(data=st.data())
    def toggle_disabled_in_db(self, data: st.DataObject) -> None:
        """An administrator flips the users table's ``disabled`` flag, straight in the database,
        then waits out the rows the service's workers may hold, as its own admin route does."""
        user = data.draw(
            st.sampled_from(sorted(self.model.users.values(), key=lambda u: u.username))
        )
        user.disabled_in_db = not user.disabled_in_db
        with Session(self.service.engine) as db:
            db.execute(
                update(User)
                .where(col(User.username) == user.username)
                .values(disabled=user.disabled_in_db)
            )
            db.commit()
        time.sleep(self.service.settings.USER_ROW_MAX_AGE_SECONDS)

    @precondition(lambda self: self.model.users)
    @rule(data=st.data())
    def disable_in_cognito(self, data: st.DataObject) -> None:
        """An administrator disables the user in Cognito (AdminDisableUser)."""
        user = data.draw(
            st.sampled_from(sorted(self.model.users.values(), key=lambda u: u.username))
        )
        self.service.admin.admin_disable_user(
            UserPoolId=self.service.pool.user_pool_id, Username=user.username
        )
        user.disabled_in_cognito = True
        for session in self.model.sessions_of(user.username):
            if session.state == VALID:
                session.state = INDETERMINATE

    # ---- machines -------------------------------------------------------------------------------

    @rule(scopes=st.sampled_from(MACHINE_SCOPES))
    def machine_lists_users(self, scopes: tuple[str, ...]) -> None:
        response = self.call("GET", "/admin/users", headers=self.machine_bearer(scopes))
        if READ_USERS_SCOPE not in scopes:
            self.expect_insufficient_scope(response, READ_USERS_SCOPE)
            return
        self.expect(response, 200)
        rows = self.row_count()
        assert response.json()["count"] == rows, (
            f"GET /admin/users counts {response.json()['count']} users; the table has {rows}"
        )

    @rule()
    def machine_reads_me(self) -> None:
        """/users/me acts for a user; a machine's token names none."""
        headers = self.machine_bearer((READ_USERS_SCOPE, WRITE_USERS_SCOPE))
        response = self.call("GET", "/users/me", headers=headers)
        self.expect(response, 403)
        assert response.json() == {"detail": USER_REQUIRED}

    @precondition(lambda self: self.model.users)
    @rule(data=st.data(), scopes=st.sampled_from(MACHINE_SCOPES), disabled=st.booleans())
    def machine_sets_disabled(
        self, data: st.DataObject, scopes: tuple[str, ...], disabled: bool
    ) -> None:
        """PATCH /admin/users/{sub}: the machine disables or re-enables a user's row."""
        user = data.draw(
            st.sampled_from(sorted(self.model.users.values(), key=lambda u: u.username))
        )
        response = self.call(
            "PATCH",
            f"/admin/users/{self.sub_of(user.username)}",
            json={"disabled": disabled},
            headers=self.machine_bearer(scopes),
        )
        if WRITE_USERS_SCOPE not in scopes:
            self.expect_insufficient_scope(response, WRITE_USERS_SCOPE)
            return
        self.expect(response, 200)
        assert response.json()["disabled"] is disabled
        user.disabled_in_db = disabled

    # ---- invariants -----------------------------------------------------------------------------

    @invariant()
    def database_holds_the_model_users(self) -> None:
        with Session(self.service.engine) as db:
            rows = db.exec(select(User).where(User.username.startswith(self.prefix))).all()
        in_database = {row.username: row.disabled for row in rows}
        in_model = {user.username: user.disabled_in_db for user in self.model.users.values()}
        assert in_database == in_model, f"users table {in_database} != model {in_model}"

    @invariant()
    def only_signed_up_users_add_rows(self) -> None:
        """The table grew by the users the model signed up, and by nothing else (a machine)."""
        added, signed_up = self.row_count() - self.rows_before, len(self.model.users)
        assert added == signed_up, (
            f"the users table grew by {added} rows; the model signed up {signed_up}: a row for "
            "a caller who never signed up (a machine?)"
        )


@pytest.fixture(scope="module")
def lifecycle_service() -> ServiceUnderTest:
    return service_under_test("contract-lifecycle")


def run_lifecycle(
    service: ServiceUnderTest, *, only_rules: frozenset[str] | None = None, **overrides: Any
) -> None:
    """Runs the machine with the active hypothesis profile (``overrides`` adjust it).

    ``only_rules`` keeps just those rules (the others are shadowed by non-rules in a subclass):
    the tests of the tests use it to aim the search at the routes a mutation touches.
    """
    shadowed: dict[str, Any] = {}
    if only_rules is not None:
        shadowed = {name: None for name in RULE_NAMES if name not in only_rules}
    with TestClient(service.app) as client:
        machine = type(
            "UserLifecycleOnService",
            (UserLifecycle,),
            {"service": service, "client": client, **shadowed},
        )
        run_state_machine_as_test(machine, settings=settings(stateful_step_count=30, **overrides))


# The rules (not the initialize step or invariants): hypothesis marks them with this attribute.
RULE_NAMES = frozenset(
    name
    for name, value in vars(UserLifecycle).items()
    if hasattr(value, "hypothesis_stateful_rule")
)


def test_the_user_lifecycle_matches_the_model(lifecycle_service: ServiceUnderTest) -> None:
    run_lifecycle(lifecycle_service)
