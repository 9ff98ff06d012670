"""Locust scenarios for the service: new users, returning users and token-verified reads.

Run through `python -m load_tests` (which starts the stack and provisions accounts), or directly:

    PYTHONPATH=. locust -f load_tests/locustfile.py --host http://127.0.0.1:8000 \\
        --emulator-url http://127.0.0.1:9229 --pool-id us-east-1_xxx \\
        --accounts-file load-results/accounts.json --records-dir load-results/records

User classes (pick some by name on the command line; tags select tasks within them):
- NewUserJourney (weight 1, tags journey, signup): signup → code from the emulator outbox (or a
  fixed code) → verify → login → /users/me several times → refresh → /users/me → logout → the
  revoked token is refused. Without an outbox (a real pool, `--emulator-url` empty and no
  `--fixed-code`) it cannot confirm a signup, so it skips signup and verify and runs the rest on
  a pre-provisioned account.
- ReturningUser (weight 2, tags login, reads): login, then reads with think time.
- ReadsOnly (weight 3, tag reads): one login at start, then only token-verified reads.

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
from typing import Any

from locust import HttpUser, between, events, tag, task
from locust.argument_parser import LocustArgumentParser
from locust.clients import ResponseContextManager
from locust.exception import StopUser

from load_tests.run_files import (
    Account,
    claim_account,
    read_accounts,
    record_confirmed,
    record_journey,
    release_account,
)

ME = "GET /users/me"
ME_REVOKED = "GET /users/me (revoked token)"


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
            self.environment.events.request.fire(
                request_type="SETUP",
                name="claim a pre-provisioned account",
                response_time=0,
                response_length=0,
                exception=LookupError("no free account: provision at least one per user"),
                context={},
            )
            raise StopUser()
        self.account = account
        return account

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
            name="POST /users/login",
            catch_response=True,
        ) as response:
            tokens = self.expect(response, 200)
            if tokens is not None and not tokens.get("access_token"):
                response.failure("no access_token in the login answer")
                return None
            return tokens

    def read_me(self, access_token: str, username: str) -> bool:
        with self.client.get(
            "/users/me", headers=_bearer(access_token), name=ME, catch_response=True
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
            name="POST /users/token/refresh",
            catch_response=True,
        ) as response:
            tokens = self.expect(response, 200)
            return None if tokens is None else tokens.get("access_token")

    def logout_and_check_revoked(self, access_token: str) -> bool:
        with self.client.post(
            "/users/logout",
            headers=_bearer(access_token),
            name="POST /users/logout",
            catch_response=True,
        ) as response:
            if self.expect(response, 204) is None:
                return False
        with self.client.get(
            "/users/me", headers=_bearer(access_token), name=ME_REVOKED, catch_response=True
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
            name="POST /users/signup",
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
            name="POST /users/verify",
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
            name="emulator: GET /_emulator/outbox",
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
