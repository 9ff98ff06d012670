"""The Cognito error table, and what clients see when Cognito throttles, fails or is unreachable
(the emulator's fault injection, over HTTP)."""

import logging
import socket
from http import HTTPStatus
from typing import Any

import botocore.session
import pytest
from fastapi.testclient import TestClient

from app.core.cognito import CognitoClient
from app.core.cognito_errors import (
    ANSWERS_BY_CODE,
    ANSWERS_BY_OPERATION,
    MISCONFIGURED,
    UNAVAILABLE,
    UNEXPECTED,
    answer_for,
)
from app.main import create_app
from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import secret_hash
from tests.app.service_harness import PASSWORD, Flows, make_settings

# The service's operation names → the Cognito API operation each one calls.
OPERATIONS = {
    "SignUp": "SignUp",
    "ConfirmSignUp": "ConfirmSignUp",
    "ResendConfirmationCode": "ResendConfirmationCode",
    "InitiateAuth": "InitiateAuth",
    "RefreshTokenAuth": "InitiateAuth",
    "GlobalSignOut": "GlobalSignOut",
    "ForgotPassword": "ForgotPassword",
    "ConfirmForgotPassword": "ConfirmForgotPassword",
    "ChangePassword": "ChangePassword",
    "GetUser": "GetUser",
    "RespondToAuthChallenge": "RespondToAuthChallenge",
    "AssociateSoftwareToken": "AssociateSoftwareToken",
    "SignInAssociateSoftwareToken": "AssociateSoftwareToken",
    "VerifySoftwareToken": "VerifySoftwareToken",
    "SignInVerifySoftwareToken": "VerifySoftwareToken",
    "SetUserMFAPreference": "SetUserMFAPreference",
}


def documented_errors(api_operation: str) -> list[str]:
    model = botocore.session.get_session().get_service_model("cognito-idp")
    return [shape.name for shape in model.operation_model(api_operation).error_shapes]


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_error_cognito_documents_for_an_operation_is_in_the_table(operation: str) -> None:
    unmapped = [
        code
        for code in documented_errors(OPERATIONS[operation])
        if (operation, code) not in ANSWERS_BY_OPERATION and code not in ANSWERS_BY_CODE
    ]
    assert unmapped == []


def test_no_answer_is_a_server_error_and_every_retryable_one_says_when() -> None:
    for answer in [*ANSWERS_BY_CODE.values(), *ANSWERS_BY_OPERATION.values()]:
        assert answer.status != HTTPStatus.INTERNAL_SERVER_ERROR
        if answer.status in (HTTPStatus.TOO_MANY_REQUESTS, HTTPStatus.SERVICE_UNAVAILABLE):
            assert answer.retry_after_seconds is not None


@pytest.mark.parametrize(
    ("operation", "code", "status"),
    [
        ("SignUp", "UsernameExistsException", 409),
        ("SignUp", "InvalidPasswordException", 400),
        ("SignUp", "NotAuthorizedException", 403),
        ("ConfirmSignUp", "CodeMismatchException", 400),
        ("ConfirmSignUp", "ExpiredCodeException", 400),
        ("ConfirmSignUp", "NotAuthorizedException", 400),
        ("InitiateAuth", "NotAuthorizedException", 401),
        ("InitiateAuth", "UserNotFoundException", 401),
        ("InitiateAuth", "UserNotConfirmedException", 403),
        ("InitiateAuth", "TooManyRequestsException", 429),
        ("InitiateAuth", "InternalErrorException", 503),
        ("InitiateAuth", "ResourceNotFoundException", 503),
        ("RefreshTokenAuth", "NotAuthorizedException", 401),
        ("ChangePassword", "NotAuthorizedException", 400),
        ("GetUser", "NotAuthorizedException", 401),
        ("RespondToAuthChallenge", "NotAuthorizedException", 401),
        ("RespondToAuthChallenge", "UserNotFoundException", 401),
        ("RespondToAuthChallenge", "ExpiredCodeException", 401),
        ("RespondToAuthChallenge", "CodeMismatchException", 400),
        ("RespondToAuthChallenge", "MFAMethodNotFoundException", 400),
        ("RespondToAuthChallenge", "InvalidPasswordException", 400),
        ("SignInAssociateSoftwareToken", "NotAuthorizedException", 401),
        ("SignInVerifySoftwareToken", "NotAuthorizedException", 401),
        ("SignInVerifySoftwareToken", "EnableSoftwareTokenMFAException", 400),
        ("VerifySoftwareToken", "EnableSoftwareTokenMFAException", 400),
        ("VerifySoftwareToken", "CodeMismatchException", 400),
        ("AssociateSoftwareToken", "NotAuthorizedException", 401),
        ("AssociateSoftwareToken", "SoftwareTokenMFANotFoundException", 503),
        ("SetUserMFAPreference", "NotAuthorizedException", 401),
        ("SetUserMFAPreference", "InvalidParameterException", 400),
    ],
)
def test_the_table_answers(operation: str, code: str, status: int) -> None:
    assert answer_for(operation, code).status == status


def test_unknown_users_get_the_answers_of_known_ones() -> None:
    assert answer_for("InitiateAuth", "UserNotFoundException") == answer_for(
        "InitiateAuth", "NotAuthorizedException"
    )
    for operation, account_states in (
        ("ConfirmSignUp", ("NotAuthorizedException", "ExpiredCodeException")),
        (
            "ConfirmForgotPassword",
            ("NotAuthorizedException", "ExpiredCodeException", "InvalidPasswordException"),
        ),
    ):
        unknown = answer_for(operation, "UserNotFoundException")
        assert unknown == answer_for(operation, "CodeMismatchException")
        assert all(answer_for(operation, code) == unknown for code in account_states)
    assert answer_for("ResendConfirmationCode", "UserNotFoundException").answer_as_success
    assert answer_for("ForgotPassword", "UserNotFoundException").answer_as_success


def test_codes_not_in_the_table_fall_back_on_cognitos_status() -> None:
    assert answer_for("SignUp", "BrandNewException", "", 500) is UNAVAILABLE
    assert answer_for("SignUp", "BrandNewException", "", 400) is UNEXPECTED


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("NotAuthorizedException", "Unable to verify secret hash for client abc"),
        (
            "NotAuthorizedException",
            "Client abc is configured for secret but secret was not received",
        ),
        ("InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client"),
    ],
)
def test_operator_mistakes_are_misconfigurations_not_client_errors(code: str, message: str) -> None:
    assert answer_for("InitiateAuth", code, message) is MISCONFIGURED


SECRET_HASH_MISMATCH = "Unable to verify secret hash for client abc"


def test_a_refresh_whose_username_fails_the_secret_hash_is_an_invalid_token() -> None:
    """The refresh token names its user; the request's username is the client's input, and a
    hash over another username is an invalid refresh request, not a wrong secret."""
    answer = answer_for("RefreshTokenAuth", "NotAuthorizedException", SECRET_HASH_MISMATCH)

    assert answer is not MISCONFIGURED
    assert answer == answer_for("RefreshTokenAuth", "NotAuthorizedException", "Invalid token")
    assert answer.status == HTTPStatus.UNAUTHORIZED


@pytest.mark.parametrize(
    "operation",
    [
        "InitiateAuth",
        "SignUp",
        "ConfirmSignUp",
        "ResendConfirmationCode",
        "ForgotPassword",
        "ConfirmForgotPassword",
    ],
)
def test_a_secret_hash_mismatch_is_a_misconfiguration_where_the_service_hashed_what_it_sent(
    operation: str,
) -> None:
    """These operations send the username the hash is over: only a wrong secret can fail it."""
    assert answer_for(operation, "NotAuthorizedException", SECRET_HASH_MISMATCH) is MISCONFIGURED


def test_a_challenge_answered_with_another_username_than_the_challenges_is_a_bad_request() -> None:
    """Cognito checks an answer's SECRET_HASH over the name it knows the user by (the challenge's
    USER_ID_FOR_SRP): a client sending back the alias it logged in with fails it. The service
    hashes what the client sent, so the secret is not what is wrong."""
    answer = answer_for("RespondToAuthChallenge", "NotAuthorizedException", SECRET_HASH_MISMATCH)

    assert answer.status == HTTPStatus.BAD_REQUEST
    assert answer.detail == (
        "The username is not the one the challenge named: send back the challenge's `username`"
    )
    missing = "Client abc is configured for secret but secret was not received"
    assert answer_for("RespondToAuthChallenge", "NotAuthorizedException", missing) is MISCONFIGURED


def test_a_refresh_without_the_secret_the_client_needs_is_still_a_misconfiguration() -> None:
    message = "Client abc is configured for secret but secret was not received"
    assert answer_for("RefreshTokenAuth", "NotAuthorizedException", message) is MISCONFIGURED


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("UserNotFoundException", "Username/client id combination not found."),
        ("NotAuthorizedException", "User is disabled."),
        ("NotAuthorizedException", "Contact administrator to reset password."),
        (
            "InvalidParameterException",
            "Cannot reset password for the user as there is no registered/verified email or "
            "phone_number",
        ),
    ],
)
def test_a_password_reset_no_code_was_sent_for_answers_as_sent(code: str, message: str) -> None:
    answer = answer_for("ForgotPassword", code, message)

    assert answer.answer_as_success
    assert answer.detail is not None and answer.detail.startswith("no code sent")


def test_other_invalid_parameters_of_a_password_reset_stay_bad_requests() -> None:
    answer = answer_for("ForgotPassword", "InvalidParameterException", "Invalid username")

    assert (answer.status, answer.answer_as_success) == (HTTPStatus.BAD_REQUEST, False)


# ---- over HTTP, with the emulator's fault injection --------------------------------------------


def login(client: TestClient, username: str = "alice") -> Any:
    return client.post("/users/login", data={"username": username, "password": PASSWORD})


@pytest.mark.parametrize(
    ("error_code", "status"),
    [
        ("TooManyRequestsException", 429),
        ("LimitExceededException", 429),
        ("InternalErrorException", 503),
        ("ServiceUnavailable", 503),
        ("ResourceNotFoundException", 503),
        ("SomethingNewException", 502),
    ],
)
def test_injected_cognito_failures_reach_the_client_mapped(
    flows: Flows, error_code: str, status: int
) -> None:
    flows.registered_user("alice")
    flows.emulator.add_fault("InitiateAuth", error_code, count=1)

    response = login(flows.client)

    assert response.status_code == status, response.text
    assert response.json()["detail"]
    if status in (429, 503):
        assert int(response.headers["Retry-After"]) > 0
    assert login(flows.client).status_code == 200  # the fault fired once


@pytest.mark.parametrize(
    ("method", "path", "operation", "body"),
    [
        ("post", "/users/signup", "SignUp", {"username": "bob", "email": "b@example.com"}),
        ("post", "/users/verify", "ConfirmSignUp", {"username": "bob", "confirmation_code": "1"}),
        ("post", "/users/verify/resend", "ResendConfirmationCode", {"username": "bob"}),
        ("post", "/users/password/forgot", "ForgotPassword", {"username": "bob"}),
        (
            "post",
            "/users/password/confirm",
            "ConfirmForgotPassword",
            {"username": "bob", "confirmation_code": "1", "new_password": PASSWORD},
        ),
    ],
)
def test_throttling_is_429_on_every_cognito_route(
    flows: Flows, method: str, path: str, operation: str, body: dict[str, str]
) -> None:
    flows.emulator.add_fault(operation, "TooManyRequestsException")

    response = flows.client.request(method, path, json={"password": PASSWORD} | body)

    assert response.status_code == 429
    assert response.headers["Retry-After"] == "1"


def test_throttled_logout_keeps_the_session(flows: Flows) -> None:
    user = flows.registered_user("alice")
    flows.emulator.add_fault("GlobalSignOut", "TooManyRequestsException")

    assert flows.client.post("/users/logout", headers=user.bearer).status_code == 429
    assert flows.client.get("/users/me", headers=user.bearer).status_code == 200


def test_slow_cognito_times_out_as_503(
    cognito_pool: PoolConfig, cognito_emulator: Any, database_url: str
) -> None:
    settings = make_settings(cognito_pool, database_url, COGNITO_READ_TIMEOUT_SECONDS=0.2)
    cognito_emulator.add_fault("InitiateAuth", None, latency_ms=1500)

    with TestClient(create_app(settings)) as client:
        response = login(client)

    assert response.status_code == 503
    assert response.headers["Retry-After"]


def test_unreachable_cognito_is_503(cognito_pool: PoolConfig, database_url: str) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = make_settings(cognito_pool, database_url, AWS_COGNITO_ENDPOINT_URL=dead)

    with TestClient(create_app(settings)) as client:
        responses = [
            login(client),
            client.post(
                "/users/signup",
                json={"username": "a", "email": "a@example.com", "password": PASSWORD},
            ),
            client.post("/users/verify/resend", json={"username": "a"}),
        ]

    assert [response.status_code for response in responses] == [503, 503, 503]
    assert all(response.headers["Retry-After"] for response in responses)


def test_retries_are_bounded_and_absorb_a_transient_failure(
    cognito_pool: PoolConfig, cognito_emulator: Any, database_url: str
) -> None:
    settings = make_settings(cognito_pool, database_url, COGNITO_MAX_ATTEMPTS=2)
    with TestClient(create_app(settings)) as client:
        cognito_emulator.add_fault("ResendConfirmationCode", "InternalErrorException", count=1)
        absorbed = client.post("/users/verify/resend", json={"username": "a"})
        cognito_emulator.add_fault("ResendConfirmationCode", "InternalErrorException", count=2)
        exhausted = client.post("/users/verify/resend", json={"username": "a"})

    assert absorbed.status_code == 200
    assert exhausted.status_code == 503


def test_a_wrong_client_secret_is_503_not_401(
    cognito_pool: PoolConfig, database_url: str, flows: Flows
) -> None:
    flows.registered_user("alice")
    settings = make_settings(
        cognito_pool, database_url, AWS_COGNITO_APP_CLIENT_SECRET="not-the-secret"
    )

    with TestClient(create_app(settings)) as client:
        response = login(client)

    assert response.status_code == 503


# ---- the client wrapper --------------------------------------------------------------------------


def test_secret_hash_is_cognitos(cognito_pool: PoolConfig) -> None:
    cognito = CognitoClient(
        region=cognito_pool.region,
        client_id=cognito_pool.client_id,
        client_secret=make_settings(cognito_pool, "sqlite://").AWS_COGNITO_APP_CLIENT_SECRET,
    )
    assert cognito.secret_hash("alice") == secret_hash(
        "alice", cognito_pool.client_id, cognito_pool.client_secret
    )
    keyless = CognitoClient(region="us-east-1", client_id="c", client_secret=None)
    assert keyless.secret_hash("alice") is None


def test_calls_have_explicit_timeouts_and_bounded_retries(cognito_pool: PoolConfig) -> None:
    settings = make_settings(
        cognito_pool,
        "sqlite://",
        COGNITO_CONNECT_TIMEOUT_SECONDS=1.5,
        COGNITO_READ_TIMEOUT_SECONDS=4,
        COGNITO_MAX_ATTEMPTS=3,
    )
    config = CognitoClient.from_settings(settings)._client.meta.config

    assert (config.connect_timeout, config.read_timeout) == (1.5, 4)
    assert config.retries == {"total_max_attempts": 3, "mode": "standard"}


def test_secrets_never_reach_a_log_even_at_debug_level(
    flows: Flows, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    user = flows.registered_user("alice")
    flows.login("alice", "Wrong-Password-1")
    flows.emulator.add_fault("InitiateAuth", "InternalErrorException", count=1)
    flows.login("alice")

    assert caplog.records
    for secret in (
        flows.pool.client_secret,
        PASSWORD,
        secret_hash("alice", flows.pool.client_id, flows.pool.client_secret),
        user.tokens["access_token"],
        user.tokens["refresh_token"],
    ):
        assert secret not in caplog.text
    assert flows.pool.client_secret not in repr(flows.client.app.state.services.get().settings)
