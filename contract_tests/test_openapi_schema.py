"""Schema-driven: every operation of the service's OpenAPI, with every built-in schemathesis check.

The service runs in-process (ASGI) against the shared in-process emulator, with web sign-in on
(the pool's domain). Authenticated operations get a real user: the auth provider signs one up
through the service, reads the confirmation code from the emulator's outbox, verifies and logs in
(and does so again whenever a 401 shows the token was revoked, e.g. by a generated logout). The
admin operations run a second time with a machine's token (client credentials, both
resource-server scopes), the other caller they admit.

The schema is loaded at import time with ``schemathesis.openapi.from_asgi`` (pytest fixtures as a
schema source break on newer pytest).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from typing import Any

import hypothesis
import schemathesis
from requests.structures import CaseInsensitiveDict
from schemathesis import Case, CheckFunction
from schemathesis.core.parameters import ParameterLocation
from schemathesis.core.result import Ok
from schemathesis.core.transport import Response
from schemathesis.generation.stateful.state_machine import StepInput, StepOutput
from starlette.testclient import TestClient

from cognito_emulator.login_page_client import LoginPageClient
from cognito_emulator.pool_definition import ADMIN_GROUP, READ_USERS_SCOPE, WRITE_USERS_SCOPE
from contract_tests.body_validity import BodyValidity
from contract_tests.service import service_under_test

SERVICE = service_under_test("contract-schema")
PASSWORD = "Correct-Horse-7"
SIGN_UP_PURPOSES = ("sign_up", "resend")
MAX_USERNAME_LENGTH = 128
MAX_PASSWORD_LENGTH = 256
STEPS_PER_SCENARIO = 20
# Fewer scenarios do not reliably get all the way to a refresh and a logout.
MIN_SCENARIOS = 100
_user_numbers = itertools.count()

# A well-formed request to a Cognito-backed route may still be refused for what only Cognito knows:
# a wrong or expired code, a password outside the pool's policy, an already confirmed user; or, on
# the web sign-in's callback and token routes, for what only the browser holds: the sign-in's
# cookie and the code the login page gave it. Those routes document that 400, so schema-valid data
# may get it there (and only there).
POSITIVE_DATA_STATUSES = ["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]
CONFIG = schemathesis.Config.from_dict(
    {
        "operations": [
            {
                "include-path-regex": "^/(users|auth)/",
                "checks": {
                    "positive_data_acceptance": {"expected-statuses": POSITIVE_DATA_STATUSES}
                },
            }
        ]
    }
)


schema = schemathesis.openapi.from_asgi("/openapi.json", SERVICE.app, config=CONFIG)
client = TestClient(SERVICE.app)
BODY_VALIDITY = BodyValidity(SERVICE.app.openapi())


def signed_up_user_token() -> str:
    """A new user's access token, after sign-up, code from the outbox, verification and login,
    all through the service. The user is also in the admin group, so the group-guarded routes
    are exercised past their guard."""
    username = f"schema-{next(_user_numbers)}"
    created = client.post(
        "/users/signup",
        json={"username": username, "email": f"{username}@example.com", "password": PASSWORD},
    )
    assert created.status_code == 201, created.text
    code = SERVICE.latest_code(username, SIGN_UP_PURPOSES)
    verified = client.post("/users/verify", json={"username": username, "confirmation_code": code})
    assert verified.status_code == 200, verified.text
    add_to_admin_group(username)
    logged_in = client.post("/users/login", data={"username": username, "password": PASSWORD})
    assert logged_in.status_code == 200, logged_in.text
    token: str = logged_in.json()["access_token"]
    return token


def add_to_admin_group(username: str) -> None:
    """Into the group the pool definition creates, so the /admin routes are reached too."""
    SERVICE.admin.admin_add_user_to_group(
        UserPoolId=SERVICE.pool.user_pool_id, Username=username, GroupName=ADMIN_GROUP
    )


@schema.auth()
class CognitoUserAuth:
    """A real, verified user's access token; fetched again after any 401 (schemathesis' retry)."""

    def get(self, case: Case, context: schemathesis.AuthContext) -> str:
        return signed_up_user_token()

    def set(self, case: Case, data: str, context: schemathesis.AuthContext) -> None:
        set_header(case, "Authorization", f"Bearer {data}")


def set_header(case: Case, name: str, value: str) -> None:
    headers = CaseInsensitiveDict(case.headers or {})
    headers[name] = value
    case.headers = headers


def machine_token() -> str:
    """A client-credentials access token of the pool's machine client, from the pool's token
    endpoint, with both of the API's scopes: a machine that may list and change users."""
    pool = SERVICE.pool
    assert pool.domain_url and pool.machine_client_id and pool.machine_client_secret
    tokens = LoginPageClient(pool.domain_url).token_request(
        {"grant_type": "client_credentials", "scope": f"{READ_USERS_SCOPE} {WRITE_USERS_SCOPE}"},
        client_id=pool.machine_client_id,
        client_secret=pool.machine_client_secret,
    )
    return tokens.access_token


class MachineTokenAuth:
    """A machine's access token (no user, no row): the admin operations' other caller."""

    def get(self, case: Case, context: schemathesis.AuthContext) -> str:
        return machine_token()

    def set(self, case: Case, data: str, context: schemathesis.AuthContext) -> None:
        set_header(case, "Authorization", f"Bearer {data}")


@schema.parametrize()
def test_every_operation_conforms_to_the_schema(case: Case) -> None:
    case.call_and_validate(excluded_checks=BODY_VALIDITY.checks_with_a_false_premise(case))


# Every operation but the admin ones left out: `schema.include(path_regex=...)` keeps them all
# here (schemathesis ORs it with the filter its config's per-operation settings add).
ADMIN_OPERATIONS = schema.exclude(path_regex="^/(?!admin/)")


@ADMIN_OPERATIONS.parametrize()
@schema.auth(MachineTokenAuth)
def test_the_admin_operations_conform_for_a_machine(case: Case) -> None:
    """The same checks with a machine's token: admitted by scope, never answered 5xx (a machine
    has no row to look up)."""
    case.call_and_validate(excluded_checks=BODY_VALIDITY.checks_with_a_false_premise(case))


class LifecycleWorkflow(schema.as_state_machine()):  # type: ignore[misc]
    """signup → verify → login → me → refresh → logout, following the links the service's own
    schema declares (app/api/links.py); nothing is added to the schema here.

    Links carry what the previous response or request had (username, tokens). What no response
    can carry is filled in here: the confirmation code (from the emulator's outbox) and the
    password chosen at sign-up. Each scenario signs its users up under its own prefix, so a
    scenario replayed while shrinking meets the same (empty) pool, not users it created before.
    """

    def setup(self) -> None:
        self.prefix = f"w{next(_user_numbers)}-"
        self.passwords: dict[str, str] = {}

    def step(self, input: StepInput) -> StepOutput:
        """Where a link supplied the bearer token, send that one (the auth provider's user is
        for operations reached without a link)."""
        bearer = linked_bearer(input)
        if bearer is not None:
            set_header(input.case, "Authorization", bearer)
        return super().step(input)

    def before_call(self, case: Case) -> None:
        body = case.body if isinstance(case.body, dict) else None
        if body is None or not isinstance(body.get("username"), str):
            return
        username = str(body["username"])
        if case.path == "/users/signup" and is_positive(case):
            username = (self.prefix + username)[:MAX_USERNAME_LENGTH]
            # The pool's password policy is not in the schema; without this, random passwords
            # almost never pass it and scenarios rarely get past sign-up.
            password = str(body.get("password", ""))[: MAX_PASSWORD_LENGTH - 8] + "Aa1!Zz9#"
            body["username"], body["password"] = username, password
            self.passwords[username] = password
        if case.path == "/users/verify" and username in self.passwords:
            code = SERVICE.latest_code(username, SIGN_UP_PURPOSES)
            if code is not None:
                body["confirmation_code"] = code
        elif case.path == "/users/login" and username in self.passwords:
            body["password"] = self.passwords[username]

    def validate_response(
        self,
        response: Response,
        case: Case,
        additional_checks: list[CheckFunction] | None = None,
        **kwargs: Any,
    ) -> None:
        case.validate_response(
            response,
            additional_checks=additional_checks,
            excluded_checks=BODY_VALIDITY.checks_with_a_false_premise(case),
            transport_kwargs=kwargs or None,
            recorder=self.recorder,
        )

    def after_call(self, response: Response, case: Case) -> None:
        super().after_call(response, case)
        REACHED[f"{case.method} {case.path}"].add(response.status_code)


def linked_bearer(step_input: StepInput) -> str | None:
    """The Authorization value a link put into this step, if it did."""
    transition = step_input.transition
    if transition is None:
        return None
    if (ParameterLocation.HEADER, "Authorization") not in step_input.applied_parameters:
        return None
    linked = transition.parameters.get("headers", {}).get("Authorization")
    if linked is None or not isinstance(linked.value, Ok) or not isinstance(linked.value.ok(), str):
        return None
    value: str = linked.value.ok()
    return value


def is_positive(case: Case) -> bool:
    return case.meta is not None and not case.meta.generation.mode.is_negative


REACHED: defaultdict[str, set[int]] = defaultdict(set)
LIFECYCLE = {
    "POST /users/signup": 201,
    "POST /users/verify": 200,
    "POST /users/login": 200,
    "GET /users/me": 200,
    "POST /users/token/refresh": 200,
    "POST /users/logout": 204,
}


def test_the_stateful_phase_walks_the_lifecycle() -> None:
    """All checks on every step; and the links do lead all the way from signup to logout."""
    REACHED.clear()
    # The active hypothesis profile decides the number of scenarios (schemathesis' own default
    # would otherwise apply). No shrinking: replaying 20-step scenarios against the service and
    # emulator would take minutes, and the report already names the failing request (as curl).
    LifecycleWorkflow.run(
        settings=hypothesis.settings(
            max_examples=max(hypothesis.settings().max_examples, MIN_SCENARIOS),
            stateful_step_count=STEPS_PER_SCENARIO,
            phases=[phase for phase in hypothesis.Phase if phase != hypothesis.Phase.shrink],
        )
    )
    missing = {step: status for step, status in LIFECYCLE.items() if status not in REACHED[step]}
    assert not missing, f"the stateful phase never got {missing}; it reached {dict(REACHED)}"
