"""Locust scenarios for the service: new users, returning users, token-verified reads, machine
clients and web sign-in through the pool's login page.

Run through `python -m load_tests` (which starts the stack and provisions accounts), or directly:

    LOAD_MACHINE_CLIENT_SECRET=... PYTHONPATH=. locust -f load_tests/locustfile.py \\
        --host http://127.0.0.1:8000 --emulator-url http://127.0.0.1:9229 --pool-id us-east-1_xxx \\
        --cognito-domain http://127.0.0.1:9229/domains/kit --machine-client-id CLIENT_ID \\
        --accounts-file load-results/accounts.json --records-dir load-results/records

User classes (pick some by name on the command line; tags select tasks within them):
- NewUserJourney (weight 1, tags journey, signup): signup → code from the emulator outbox (or a
  fixed code) → verify → login → /users/me several times → refresh → /users/me → logout → the
  revoked token is refused. Without an outbox (a real pool, `--emulator-url` empty and no
  `--fixed-code`) it cannot confirm a signup, so it skips signup and verify and runs the rest on
  a pre-provisioned account.
- ReturningUser (weight 2, tags login, reads): login, then reads with think time.
- ReadsOnly (weight 3, tag reads): one login at start, then only token-verified reads.
- MachineClient (weight 1, tag machine): a service calling the API as itself. One
  client-credentials token from the pool's /oauth2/token at start (renewed only when it is about
  to expire: real Cognito bills every machine token request), asking for the read scope only;
  then GET /admin/users (200), and on its first call and every fourth the routes that token
  must not pass: GET /users/me (403, a machine is no user) and PATCH /admin/users/{sub} (403
  insufficient_scope).
  Needs --cognito-domain, --machine-client-id and the secret (LOAD_MACHINE_CLIENT_SECRET).
- WebSignIn (weight 1, tag web): a browser app's sign-in, as a new browser each visit: GET
  /auth/login → the pool's authorize endpoint → its login form (read from the page, CSRF field
  and cookie included) → posted with a pre-provisioned account → the redirect to the service's
  /auth/callback with the code and state, sent with the service's state cookie → tokens →
  /users/me several times.

Each Locust user that uses a pre-provisioned account holds it alone (a claim file under
--records-dir, shared by every Locust process on this machine): a journey's logout signs its
account out everywhere, which would fail anyone else's reads on it. So provision at least as many
accounts as users (`python -m load_tests` does, by default).

Request names are "METHOD /route" so each route is one row of the stats. Complete new-user
journeys are recorded beside them (--records-dir), not as requests, so the Aggregated row counts
requests only; the runner reports journeys/s and their percentiles.
"""

from __future__ import annotations

import secrets
import time
import uuid
from functools import cache
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import parse_qsl, urljoin, urlsplit

from locust import HttpUser, between, events, tag, task
from locust.argument_parser import LocustArgumentParser
from locust.clients import ResponseContextManager
from locust.exception import StopUser

from cognito_emulator.html_forms import HtmlForm, page_message, parse_forms
from load_tests import request_names as names
from load_tests.run_files import (
    Account,
    claim_account,
    read_accounts,
    record_confirmed,
    record_journey,
    record_sign_up,
    release_account,
)

# A machine token is reused until this long before it expires (so no call carries an expired
# one), not fetched per call: Cognito charges per successful client-credentials token response
# and advises caching and reusing tokens ("How to monitor, optimize, and secure Amazon Cognito
# machine-to-machine authorization", AWS Security Blog).
TOKEN_RENEWAL_MARGIN_SECONDS = 60
# A machine user checks the routes its token must not pass on one call in this many.
REFUSALS_EVERY = 4
# Pages from the authorize endpoint to the callback: redirects, the form, its answer.
MAX_POOL_PAGES = 10
INSUFFICIENT_SCOPE = 'error="insufficient_scope"'


@events.init_command_line_parser.add_listener
def add_arguments(parser: LocustArgumentParser) -> None:
    """Custom options (Locust lists them under "Custom parameters"; the web UI shows the
    tunable ones and forwards them to workers)."""
    parser.add_argument(
        "--emulator-url",
        default="",
        env_var="LOAD_EMULATOR_URL",
        help="Cognito emulator URL; new users read their code from its outbox",
    )
    parser.add_argument(
        "--pool-id", default="", env_var="LOAD_POOL_ID", help="user pool id (outbox filter)"
    )
    parser.add_argument(
        "--fixed-code",
        default="",
        env_var="LOAD_FIXED_CODE",
        help="confirmation code to use instead of the outbox (emulator started with it)",
    )
    parser.add_argument(
        "--accounts-file",
        default="",
        env_var="LOAD_ACCOUNTS_FILE",
        include_in_web_ui=False,
        help="JSON list of pre-provisioned accounts (username, password, email)",
    )
    parser.add_argument(
        "--records-dir",
        default="",
        env_var="LOAD_RECORDS_DIR",
        include_in_web_ui=False,
        help="folder where confirmed usernames and account claims are written",
    )
    parser.add_argument(
        "--run-id",
        default="",
        env_var="LOAD_RUN_ID",
        include_in_web_ui=False,
        help="prefix of the new users' names (default: random)",
    )
    parser.add_argument(
        "--reads-per-visit",
        type=int,
        default=3,
        env_var="LOAD_READS_PER_VISIT",
        help="GET /users/me calls per login (3)",
    )
    parser.add_argument(
        "--cognito-domain",
        default="",
        env_var="LOAD_COGNITO_DOMAIN",
        help="the pool's domain as a URL (its /oauth2/token, login pages)",
    )
    parser.add_argument(
        "--machine-client-id",
        default="",
        env_var="LOAD_MACHINE_CLIENT_ID",
        help="the machine app client (client credentials grant) of MachineClient",
    )
    parser.add_argument(
        "--machine-client-secret",
        default="",
        env_var="LOAD_MACHINE_CLIENT_SECRET",
        include_in_web_ui=False,
        help="its secret; prefer the environment variable (a command line is visible to all)",
    )
    parser.add_argument(
        "--machine-scope",
        default="cognito-kit/users.read",
        env_var="LOAD_MACHINE_SCOPE",
        help="the scope MachineClient asks for: the read scope, so a change is refused",
    )
    parser.add_argument(
        "--think-scale",
        type=float,
        default=1.0,
        env_var="LOAD_THINK_SCALE",
        help="multiplies every user's think time; 0 = no think time, for peak throughput (1)",
    )


@cache
def _accounts(path: str) -> list[Account]:
    return read_accounts(Path(path)) if path else []


@cache
def _run_id(configured: str) -> str:
    return configured or uuid.uuid4().hex[:6]


def _bearer(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}"}


def _scaled_between(low: float, high: float) -> Any:
    """Locust's `between`, scaled by --think-scale at the moment it is used."""
    base = between(low, high)

    def wait_time(user: HttpUser) -> float:
        options = user.environment.parsed_options
        scale = options.think_scale if options is not None else 1.0
        return float(base(user)) * scale

    return wait_time


class CognitoUser(HttpUser):
    """The calls every scenario makes, each checked and named by route."""

    abstract = True
    account: Account | None = None

    @property
    def options(self) -> Any:
        return self.environment.parsed_options

    @property
    def claims_dir(self) -> Path:
        return Path(self.options.records_dir or ".") / "claims"

    def claim(self) -> Account:
        """Hold a pre-provisioned account for this user's life, or fail the run visibly."""
        account = claim_account(self.claims_dir, _accounts(self.options.accounts_file))
        if account is None:
            self.stop_for_setup(
                "claim a pre-provisioned account",
                "no free account: provision at least one per user",
            )
        self.account = account
        return account

    def stop_for_setup(self, what: str, why: str) -> NoReturn:
        """Count a setup step that cannot be done as a failure, and stop this user."""
        self.record_failure("SETUP", what, why)
        raise StopUser()

    def record_failure(self, request_type: str, name: str, why: str) -> None:
        """A failure that is no single request's, in the stats beside the requests."""
        self.environment.events.request.fire(
            request_type=request_type,
            name=name,
            response_time=0,
            response_length=0,
            exception=LookupError(why),
            context={},
        )

    def on_stop(self) -> None:
        if self.account is not None:
            release_account(self.claims_dir, self.account)
            self.account = None

    def expect(self, response: ResponseContextManager, status: int) -> dict[str, Any] | None:
        """Mark the request failed unless it has the expected status; return its JSON body."""
        if response.status_code != status:
            response.failure(
                f"expected {status}, got {response.status_code}: {response.text[:200]}"
            )
            return None
        response.success()
        if not response.content:
            return {}
        body: dict[str, Any] = response.json()
        return body

    def login(self, username: str, password: str) -> dict[str, Any] | None:
        with self.client.post(
            "/users/login",
            data={"username": username, "password": password},
            name=names.LOGIN,
            catch_response=True,
        ) as response:
            tokens = self.expect(response, 200)
            if tokens is not None and not tokens.get("access_token"):
                response.failure("no access_token in the login answer")
                return None
            return tokens

    def read_me(self, access_token: str, username: str) -> bool:
        with self.client.get(
            "/users/me", headers=_bearer(access_token), name=names.ME, catch_response=True
        ) as response:
            me = self.expect(response, 200)
            if me is None:
                return False
            if me.get("username") != username:
                response.failure(f"/users/me answered for {me.get('username')!r}, not {username!r}")
                return False
            return True

    def read_me_several_times(self, access_token: str, username: str) -> bool:
        for _ in range(self.options.reads_per_visit):
            if not self.read_me(access_token, username):
                return False
            self.wait()
        return True

    def refresh(self, username: str, refresh_token: str) -> str | None:
        with self.client.post(
            "/users/token/refresh",
            json={"username": username, "refresh_token": refresh_token},
            name=names.REFRESH,
            catch_response=True,
        ) as response:
            tokens = self.expect(response, 200)
            return None if tokens is None else tokens.get("access_token")

    def expect_refusal(
        self, response: ResponseContextManager, status: int, challenge: str = ""
    ) -> None:
        """Mark the request failed unless it was refused with `status`, a `{"detail"}` and, if
        given, `challenge` in its WWW-Authenticate header."""
        if response.status_code != status:
            response.failure(
                f"expected {status}, got {response.status_code}: {response.text[:200]}"
            )
            return
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or "detail" not in body:
            response.failure(f"a {status} without a detail: {response.text[:200]}")
        elif challenge not in response.headers.get("WWW-Authenticate", ""):
            response.failure(f"a {status} without {challenge} in its WWW-Authenticate header")
        else:
            response.success()

    def logout_and_check_revoked(self, access_token: str) -> bool:
        with self.client.post(
            "/users/logout",
            headers=_bearer(access_token),
            name=names.LOGOUT,
            catch_response=True,
        ) as response:
            if self.expect(response, 204) is None:
                return False
        with self.client.get(
            "/users/me", headers=_bearer(access_token), name=names.ME_REVOKED, catch_response=True
        ) as response:
            return self.expect(response, 401) is not None


class NewUserJourney(CognitoUser):
    weight = 1
    wait_time = _scaled_between(0.2, 0.8)

    def on_start(self) -> None:
        if not self.has_outbox:
            self.claim()

    @property
    def has_outbox(self) -> bool:
        return bool(self.options.emulator_url or self.options.fixed_code)

    @tag("journey", "signup")
    @task
    def journey(self) -> None:
        started = time.perf_counter()
        if self.account is not None:
            username, password = self.account.username, self.account.password
        else:
            username = f"load-{_run_id(self.options.run_id)}-{uuid.uuid4().hex[:12]}"
            password = f"Load-{secrets.token_urlsafe(12)}-9a!"
            if self.options.records_dir:
                record_sign_up(Path(self.options.records_dir), username)
            if not self.sign_up_and_verify(username, password):
                return
        tokens = self.login(username, password)
        if tokens is None or not self.read_me_several_times(tokens["access_token"], username):
            return
        access_token = self.refresh(username, tokens["refresh_token"])
        if access_token is None or not self.read_me(access_token, username):
            return
        if not self.logout_and_check_revoked(access_token):
            return
        if self.options.records_dir:
            record_journey(Path(self.options.records_dir), time.perf_counter() - started)

    def sign_up_and_verify(self, username: str, password: str) -> bool:
        with self.client.post(
            "/users/signup",
            json={"username": username, "email": f"{username}@example.com", "password": password},
            name=names.SIGNUP,
            catch_response=True,
        ) as response:
            if self.expect(response, 201) is None:
                return False
        code = self.options.fixed_code or self.code_from_outbox(username)
        if not code:
            return False
        self.wait()
        with self.client.post(
            "/users/verify",
            json={"username": username, "confirmation_code": code},
            name=names.VERIFY,
            catch_response=True,
        ) as response:
            if self.expect(response, 200) is None:
                return False
        if self.options.records_dir:
            record_confirmed(Path(self.options.records_dir), username)
        self.wait()
        return True

    def code_from_outbox(self, username: str) -> str | None:
        with self.client.get(
            f"{self.options.emulator_url}/_emulator/outbox",
            params={"pool_id": self.options.pool_id, "username": username},
            name=names.OUTBOX,
            catch_response=True,
        ) as response:
            outbox = self.expect(response, 200)
            if outbox is None:
                return None
            codes = [m["code"] for m in outbox.get("messages", []) if m["purpose"] == "sign_up"]
            if not codes:
                response.failure(f"no sign-up code in the outbox for {username}")
                return None
            return str(codes[-1])


class ReturningUser(CognitoUser):
    weight = 2
    wait_time = _scaled_between(0.5, 2.0)

    def on_start(self) -> None:
        self.claim()

    @tag("login", "reads")
    @task
    def visit(self) -> None:
        assert self.account is not None
        tokens = self.login(self.account.username, self.account.password)
        if tokens is not None:
            self.read_me_several_times(tokens["access_token"], self.account.username)


class ReadsOnly(CognitoUser):
    weight = 3
    wait_time = _scaled_between(0.5, 1.5)

    access_token: str | None = None

    def on_start(self) -> None:
        account = self.claim()
        tokens = self.login(account.username, account.password)
        if tokens is not None:
            self.access_token = tokens["access_token"]

    @tag("reads")
    @task
    def me(self) -> None:
        if self.account is None or self.access_token is None:
            raise StopUser()  # its login failed, and was counted as a failure
        self.read_me(self.access_token, self.account.username)


class MachineClient(CognitoUser):
    """A service calling the API with a client-credentials token: no user, no account, and no
    database row (the run's consistency check counts them)."""

    weight = 1
    wait_time = _scaled_between(0.5, 1.5)

    access_token: str | None = None
    renew_at = 0.0
    listed_sub: str | None = None
    calls = 0

    def on_start(self) -> None:
        options = self.options
        if not (options.cognito_domain and options.machine_client_id):
            self.stop_for_setup(
                "machine client settings",
                "MachineClient needs --cognito-domain, --machine-client-id and "
                "LOAD_MACHINE_CLIENT_SECRET",
            )
        self.renew_token()

    def renew_token(self) -> None:
        """The client credentials grant at the pool's token endpoint, the client authenticated
        with HTTP Basic; stops this user when refused (counted as a failure)."""
        options = self.options
        with self.client.post(
            f"{options.cognito_domain.rstrip('/')}/oauth2/token",
            data={"grant_type": "client_credentials", "scope": options.machine_scope},
            auth=(options.machine_client_id, options.machine_client_secret),
            name=names.MACHINE_TOKEN,
            catch_response=True,
        ) as response:
            tokens = self.expect(response, 200)
            if tokens is None:
                raise StopUser()
            if not tokens.get("access_token") or "refresh_token" in tokens:
                response.failure("not a client-credentials answer (no access_token, or a refresh)")
                raise StopUser()
        self.access_token = tokens["access_token"]
        expires_in = float(tokens.get("expires_in", 3600))
        self.renew_at = time.monotonic() + expires_in - TOKEN_RENEWAL_MARGIN_SECONDS

    def token(self) -> str:
        if self.access_token is None or time.monotonic() >= self.renew_at:
            self.renew_token()
        assert self.access_token is not None
        return self.access_token

    @tag("machine")
    @task
    def call_api(self) -> None:
        """The listing each time; the two refusals on the first call and every few after, so
        even a short run checks them."""
        self.calls += 1
        self.list_users()
        if self.calls % REFUSALS_EVERY == 1:
            self.read_me_refused()
            self.change_refused()

    def list_users(self) -> None:
        with self.client.get(
            "/admin/users",
            params={"limit": 10},
            headers=_bearer(self.token()),
            name=names.ADMIN_USERS,
            catch_response=True,
        ) as response:
            listing = self.expect(response, 200)
            if listing is None:
                return
            users = listing.get("data")
            if not isinstance(users, list) or not isinstance(listing.get("count"), int):
                response.failure(f"not a user listing: {response.text[:200]}")
                return
            if users:
                self.listed_sub = str(users[0]["sub"])

    def read_me_refused(self) -> None:
        """A machine is no user: /users/me refuses it (and must not make it a row)."""
        with self.client.get(
            "/users/me", headers=_bearer(self.token()), name=names.ME_MACHINE, catch_response=True
        ) as response:
            self.expect_refusal(response, 403)

    def change_refused(self) -> None:
        """A change needs the write scope this token lacks: 403 insufficient_scope. The body
        re-enables the user, so even a wrongly accepted request changes nothing."""
        if self.listed_sub is None:
            return
        with self.client.patch(
            f"/admin/users/{self.listed_sub}",
            json={"disabled": False},
            headers=_bearer(self.token()),
            name=names.ADMIN_CHANGE_REFUSED,
            catch_response=True,
        ) as response:
            self.expect_refusal(response, 403, INSUFFICIENT_SCOPE)


class WebSignIn(CognitoUser):
    """A browser app's sign-in through the service's /auth routes and the pool's login page,
    with a new browser (no cookies) each visit, so the login form is filled in every time."""

    weight = 1
    wait_time = _scaled_between(0.5, 2.0)

    def on_start(self) -> None:
        self.claim()

    @tag("web")
    @task
    def visit(self) -> None:
        assert self.account is not None
        self.client.cookies.clear()
        authorize_url = self.start_sign_in()
        if authorize_url is None:
            return
        callback_url = self.sign_in_on_pool_pages(authorize_url, self.account)
        if callback_url is None:
            return
        tokens = self.finish_sign_in(callback_url)
        if tokens is not None:
            self.read_me_several_times(tokens["access_token"], self.account.username)

    def start_sign_in(self) -> str | None:
        """GET /auth/login: a redirect to the pool's authorize endpoint (and the state cookie)."""
        with self.client.get(
            "/auth/login", allow_redirects=False, name=names.AUTH_LOGIN, catch_response=True
        ) as response:
            location = response.headers.get("Location", "")
            authorize = f"{self.options.cognito_domain.rstrip('/')}/oauth2/authorize?"
            if response.status_code != 302:
                response.failure(f"expected 302, got {response.status_code}: {response.text[:200]}")
                return None
            if self.options.cognito_domain and not location.startswith(authorize):
                response.failure(f"redirected to {location[:200]!r}, not to {authorize!r}")
                return None
            response.success()
            return location

    def sign_in_on_pool_pages(self, authorize_url: str, account: Account) -> str | None:
        """From the authorize URL through the login form to the redirect back to the service:
        the URL of that redirect (not visited here), or None when a page failed."""
        redirect_uri = dict(parse_qsl(urlsplit(authorize_url).query)).get("redirect_uri", "")
        url, method, form_fields = authorize_url, "GET", None
        posted, pages = False, 0
        while True:
            pages += 1
            with self.client.request(
                method,
                url,
                params=form_fields if method == "GET" else None,
                data=form_fields if method != "GET" else None,
                allow_redirects=False,
                name=self.pool_request_name(method, url),
                catch_response=True,
            ) as response:
                if 300 <= response.status_code < 400:
                    location = urljoin(url, response.headers.get("Location", ""))
                    if _is_callback(location, redirect_uri):
                        return _callback_or_failure(response, location)
                    next_url, next_method, next_fields = location, "GET", None
                elif response.status_code != 200 or posted:
                    response.failure(
                        f"{response.status_code} instead of a redirect to {redirect_uri!r}: "
                        f"{page_message(response.text)[:200]!r}"
                    )
                    return None
                else:
                    form = _login_form(response.text)
                    if form is None:
                        response.failure(f"no login form: {page_message(response.text)[:200]!r}")
                        return None
                    values = {"username": account.username, "password": account.password}
                    next_url, next_method = urljoin(url, form.action or url), form.method
                    next_fields, posted = form.submission(values), True
                if pages == MAX_POOL_PAGES:
                    response.failure(f"no redirect to {redirect_uri!r} in {MAX_POOL_PAGES} pages")
                    return None
                response.success()
            url, method, form_fields = next_url, next_method, next_fields

    def pool_request_name(self, method: str, url: str) -> str:
        """`pool: GET /login`: the path under the pool's domain, without the query."""
        domain = self.options.cognito_domain.rstrip("/")
        path = url[len(domain) :] if domain and url.startswith(domain) else url
        return names.pool_request(method, urlsplit(path).path or "/")

    def finish_sign_in(self, callback_url: str) -> dict[str, Any] | None:
        """The callback's code and state, sent to the service under load with its state cookie
        (whatever host the redirect names: the one Locust loads is the service's)."""
        with self.client.get(
            f"/auth/callback?{urlsplit(callback_url).query}",
            name=names.AUTH_CALLBACK,
            catch_response=True,
        ) as response:
            tokens = self.expect(response, 200)
            if tokens is None:
                return None
            missing = [
                key for key in ("access_token", "id_token", "refresh_token") if not tokens.get(key)
            ]
            if missing:
                response.failure(f"the callback's answer lacks {', '.join(missing)}")
                return None
            return tokens


def _is_callback(location: str, redirect_uri: str) -> bool:
    """Whether a redirect goes to the redirect_uri, with the answer as its query."""
    if not redirect_uri or not location.startswith(redirect_uri):
        return False
    rest = location[len(redirect_uri) :]
    return rest == "" or rest[0] in "?&#"


def _callback_or_failure(response: ResponseContextManager, location: str) -> str | None:
    """The redirect to the callback, unless it carries an OAuth error instead of a code."""
    answer = dict(parse_qsl(urlsplit(location).query))
    if "error" in answer or not answer.get("code"):
        response.failure(
            f"back to the callback without a code: {answer.get('error', '')} "
            f"{answer.get('error_description', '')}".strip()
        )
        return None
    response.success()
    return location


def _login_form(page: str) -> HtmlForm | None:
    """The page's form with a `username` field and a `password` input, if it has one."""
    for form in parse_forms(page):
        if form.has_input("username") and form.has_input("password", "password"):
            return form
    return None
