"""Every /users route and its error paths, over HTTP, against the emulator."""

import logging
import re

import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
from sqlmodel import Session

from app.models import User, UserPublic
from tests.app.service_harness import PASSWORD, Flows, bearer

# ---- sign-up ---------------------------------------------------------------------------------


def test_signup_creates_the_user_in_cognito_and_the_database(flows: Flows) -> None:
    response = flows.signup("alice")

    assert response.status_code == 201
    body = response.json()
    assert body["message"] == "User created successfully"
    assert body["sub"]
    with Session(flows.client.app.state.services.get().engine) as session:
        row = session.get(User, body["sub"])
    assert row is not None
    assert (row.username, row.email, row.disabled) == ("alice", "alice@example.com", False)
    assert flows.emulator.outbox(flows.pool.user_pool_id, "alice")[0]["purpose"] == "sign_up"


def test_signup_of_an_existing_username_is_a_conflict(flows: Flows) -> None:
    assert flows.signup("alice").status_code == 201

    response = flows.signup("alice", email="other@example.com")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "User already exists and is not confirmed: a new confirmation code was sent to "
        "the email address it signed up with"
    }


def test_signup_with_a_password_outside_the_policy_is_a_bad_request(flows: Flows) -> None:
    response = flows.signup("alice", password="password")

    assert response.status_code == 400
    assert "password" in response.json()["detail"].lower()


@pytest.mark.parametrize(
    "body",
    [
        {"username": "a b"},  # whitespace is not allowed in Cognito usernames
        {"username": ""},
        {"username": "x" * 129},
        {"username": "nul\x00byte"},
        {"email": "not-an-email"},
        {"password": "p" * 257},
        {"password": "with space"},
        {"password": ""},
    ],
)
def test_signup_with_malformed_fields_is_unprocessable(flows: Flows, body: dict[str, str]) -> None:
    payload = {"username": "valid-name", "email": "a@example.com", "password": PASSWORD} | body
    assert flows.client.post("/users/signup", json=payload).status_code == 422


@pytest.mark.parametrize(
    ("email", "stored"),
    [
        ("ann@example.test", "ann@example.test"),
        ("ann@Example.TEST", "ann@example.test"),
        ("ann@mail.invalid", "ann@mail.invalid"),
        ("ann@localhost", "ann@localhost"),
        ("ann@printer.local", "ann@printer.local"),
    ],
)
def test_signup_accepts_special_use_domains_as_cognito_does(
    flows: Flows, email: str, stored: str
) -> None:
    """RFC-valid addresses at special-use domains (`example.test` is what tests use); stored
    normalized like any address."""
    response = flows.signup("ann", email=email)

    assert response.status_code == 201, response.text
    with Session(flows.client.app.state.services.get().engine) as session:
        row = session.get(User, response.json()["sub"])
    assert row is not None and row.email == stored


@pytest.mark.parametrize(
    "password",
    [
        "Correct\u0085Horse-7",  # NEL: Unicode whitespace, but not Cognito's (Java's) \s
        "Correct\u00a0Horse-7",  # no-break space: likewise
        "Correct\ufeffHorse-7",  # BOM: ECMA-262's \s, not Cognito's
    ],
)
def test_passwords_with_non_ascii_spaces_are_cognitos_to_judge(flows: Flows, password: str) -> None:
    """Cognito refuses only ASCII whitespace in passwords (PasswordType's pattern `[\\S]+` in
    botocore's cognito-idp model, a Java regex); the schema says the same. These meet the pool's
    policy (upper and lower case, a number, the symbol "-"), so Cognito takes them as sent."""
    response = flows.signup("ann", password=password)

    assert response.status_code == 201, response.text
    assert flows.verify("ann").status_code == 200
    assert flows.login("ann", password).status_code == 200


@pytest.mark.parametrize("password", ["Correct\vHorse-7", "Correct\x0cHorse-7", "Correct\tH-7"])
def test_passwords_with_ascii_whitespace_are_unprocessable(flows: Flows, password: str) -> None:
    assert flows.signup("ann", password=password).status_code == 422


def test_signup_without_a_json_body_is_unprocessable(flows: Flows) -> None:
    assert flows.client.post("/users/signup", content=b"\xff\x00garbage").status_code == 422


def test_odd_but_acceptable_inputs_never_cause_a_server_error(flows: Flows) -> None:
    unicode_name = flows.signup("Zoë-用户-😀")
    nul_password = flows.signup("nul-password", password="Ab1!\x00xyzw")
    longest_name = flows.signup("n" * 128)

    assert unicode_name.status_code == 201
    assert nul_password.status_code == 201  # NUL is not whitespace to Cognito's `[\S]+`
    assert longest_name.status_code == 201
    assert flows.verify("Zoë-用户-😀").status_code == 200
    assert flows.login("Zoë-用户-😀").status_code == 200
    assert flows.verify("nul-password").status_code == 200
    assert flows.login("nul-password", "Ab1!\x00xyzw").status_code == 200


# ---- verification ------------------------------------------------------------------------------


def test_verify_with_the_emailed_code_confirms_the_account(flows: Flows) -> None:
    flows.signup("alice")

    response = flows.verify("alice")

    assert response.status_code == 200
    assert response.json() == {"message": "Account verified successfully"}
    assert flows.login("alice").status_code == 200


def test_verify_with_a_wrong_code_is_a_bad_request(flows: Flows) -> None:
    flows.signup("alice")
    wrong = "000000" if flows.code("alice") != "000000" else "111111"

    response = flows.client.post(
        "/users/verify", json={"username": "alice", "confirmation_code": wrong}
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid or expired verification code"}


def test_verify_for_an_unknown_user_looks_like_a_wrong_code(flows: Flows) -> None:
    response = flows.client.post(
        "/users/verify", json={"username": "nobody", "confirmation_code": "123456"}
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid or expired verification code"}


def test_verify_with_an_expired_code_is_a_bad_request(flows: Flows) -> None:
    flows.signup("alice")
    code = flows.code("alice")
    flows.emulator.advance_clock(25 * 3600)  # sign-up codes are valid for 24 h

    response = flows.client.post(
        "/users/verify", json={"username": "alice", "confirmation_code": code}
    )

    assert response.status_code == 400
    assert "expired" in response.json()["detail"]


@pytest.mark.parametrize("code", ["", " 123", "1" * 2049])
def test_verify_with_a_malformed_code_is_unprocessable(flows: Flows, code: str) -> None:
    response = flows.client.post(
        "/users/verify", json={"username": "alice", "confirmation_code": code}
    )
    assert response.status_code == 422


def test_resend_sends_a_new_code_that_verifies(flows: Flows) -> None:
    flows.signup("alice")

    response = flows.client.post("/users/verify/resend", json={"username": "alice"})

    assert response.status_code == 200
    messages = flows.emulator.outbox(flows.pool.user_pool_id, "alice")
    assert [message["purpose"] for message in messages] == ["sign_up", "resend"]
    assert flows.verify("alice").status_code == 200


def test_resend_for_an_unknown_user_answers_exactly_as_for_a_known_one(flows: Flows) -> None:
    flows.signup("alice")

    known = flows.client.post("/users/verify/resend", json={"username": "alice"})
    unknown = flows.client.post("/users/verify/resend", json={"username": "nobody"})

    assert (unknown.status_code, unknown.json()) == (known.status_code, known.json())


# ---- login -------------------------------------------------------------------------------------


def test_login_returns_bearer_tokens_and_records_the_login(flows: Flows) -> None:
    flows.signup("alice")
    flows.verify("alice")

    response = flows.login("alice")

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] > 0
    assert {"access_token", "refresh_token", "id_token"} <= body.keys()
    me = flows.client.get("/users/me", headers=bearer(body["access_token"])).json()
    assert me["last_login_at"] is not None


def test_wrong_password_and_unknown_user_get_the_same_401(flows: Flows) -> None:
    flows.signup("alice")
    flows.verify("alice")

    wrong_password = flows.login("alice", "Wrong-Password-1")
    unknown_user = flows.login("nobody", "Wrong-Password-1")

    assert wrong_password.status_code == unknown_user.status_code == 401
    assert (
        wrong_password.json() == unknown_user.json() == {"detail": "Incorrect username or password"}
    )
    assert wrong_password.headers["WWW-Authenticate"] == "Bearer"
    assert unknown_user.headers["WWW-Authenticate"] == "Bearer"


def test_login_before_verification_is_forbidden(flows: Flows) -> None:
    flows.signup("alice")

    response = flows.login("alice")

    assert response.status_code == 403
    assert "verify" in response.json()["detail"]


def test_login_takes_a_form_not_json(flows: Flows) -> None:
    flows.registered_user("alice")

    response = flows.client.post("/users/login", json={"username": "alice", "password": PASSWORD})

    assert response.status_code == 422


def test_login_rejects_another_grant_type(flows: Flows) -> None:
    response = flows.client.post(
        "/users/login",
        data={"username": "alice", "password": PASSWORD, "grant_type": "client_credentials"},
    )
    assert response.status_code == 422


def test_login_form_is_the_openapi_password_flow_for_swagger_authorize(flows: Flows) -> None:
    schema = flows.client.get("/openapi.json").json()

    flow = schema["components"]["securitySchemes"]["Cognito"]["flows"]["password"]
    assert flow["tokenUrl"] == "/users/login"
    login_body = schema["paths"]["/users/login"]["post"]["requestBody"]["content"]
    assert "application/x-www-form-urlencoded" in login_body


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_their_assets_from_the_service_not_a_cdn(flows: Flows, page: str) -> None:
    """Swagger UI must work offline and behind egress filters (FastAPI's default uses a CDN)."""
    html = flows.client.get(page).text

    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert assets
    for asset in assets:
        assert asset.startswith("/"), f"{page} loads {asset} from another host"
        assert flows.client.get(asset).status_code == 200


# ---- the current user ----------------------------------------------------------------------------


def test_me_returns_the_public_profile_without_secrets(flows: Flows) -> None:
    user = flows.registered_user("alice")

    response = flows.client.get("/users/me", headers=user.bearer)

    assert response.status_code == 200
    body = response.json()
    assert body["sub"] == user.sub
    assert (body["username"], body["email"], body["disabled"]) == (
        "alice",
        "alice@example.com",
        False,
    )
    assert not {"password", "hashed_password", "tokens_valid_after"} & body.keys()


def test_me_answers_exactly_what_the_user_public_model_gives(flows: Flows) -> None:
    user = flows.registered_user("alice")
    engine = flows.client.app.state.services.get().engine

    response = flows.client.get("/users/me", headers=user.bearer)

    with Session(engine) as session:
        row = session.get(User, user.sub)
    expected = UserPublic.model_validate(row, from_attributes=True).model_dump_json()
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.content == expected.encode()


def test_me_without_a_token_is_401_with_a_bare_bearer_challenge(flows: Flows) -> None:
    response = flows.client.get("/users/me")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("authorization", ["Bearer", "Bearer ", "Basic YWxpY2U6cHc=", "token"])
def test_me_with_a_malformed_authorization_header_is_401(flows: Flows, authorization: str) -> None:
    response = flows.client.get("/users/me", headers={"Authorization": authorization})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_disabled_users_are_forbidden(flows: Flows) -> None:
    user = flows.registered_user("alice")
    engine = flows.client.app.state.services.get().engine
    with Session(engine) as session:
        row = session.get(User, user.sub)
        assert row is not None
        row.disabled = True
        session.add(row)
        session.commit()

    me = flows.client.get("/users/me", headers=user.bearer)
    login = flows.login("alice")

    assert (me.status_code, me.json()) == (403, {"detail": "User is disabled"})
    assert (login.status_code, login.json()) == (403, {"detail": "User is disabled"})


# ---- refresh -----------------------------------------------------------------------------------


def test_refresh_returns_new_working_tokens(flows: Flows) -> None:
    user = flows.registered_user("alice")

    response = flows.client.post(
        "/users/token/refresh",
        json={"username": "alice", "refresh_token": user.tokens["refresh_token"]},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["id_token"]
    assert flows.client.get("/users/me", headers=bearer(body["access_token"])).status_code == 200


def test_refresh_answers_no_refresh_token_key_when_cognito_sends_none(flows: Flows) -> None:
    """Cognito sends a new refresh token only when the app client rotates them; the answer then
    has no `refresh_token` at all (never `null`): keep using the one you have."""
    user = flows.registered_user("alice")

    response = flows.client.post(
        "/users/token/refresh",
        json={"username": "alice", "refresh_token": user.tokens["refresh_token"]},
    )

    assert response.status_code == 200
    assert sorted(response.json()) == ["access_token", "expires_in", "id_token", "token_type"]


@pytest.mark.parametrize("refresh_token", ["not-a-real-token", "eyJ.eyJ.sig"])
def test_refresh_with_an_unknown_token_is_401(flows: Flows, refresh_token: str) -> None:
    flows.registered_user("alice")

    response = flows.client.post(
        "/users/token/refresh", json={"username": "alice", "refresh_token": refresh_token}
    )

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_refresh_with_another_users_username_is_an_invalid_token(
    flows: Flows, caplog: pytest.LogCaptureFixture
) -> None:
    """Cognito fails the SECRET_HASH (computed over the username sent) against the token's own
    user: the client's mistake, answered like any invalid refresh token — not a 503, and no
    operator alarm in the log."""
    alice = flows.registered_user("alice")
    flows.registered_user("bob")

    response = flows.client.post(
        "/users/token/refresh",
        json={"username": "bob", "refresh_token": alice.tokens["refresh_token"]},
    )

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert response.json() == {"detail": "Invalid or revoked refresh token"}
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def test_refresh_with_a_malformed_token_is_unprocessable(flows: Flows) -> None:
    response = flows.client.post(
        "/users/token/refresh", json={"username": "alice", "refresh_token": "has spaces"}
    )
    assert response.status_code == 422


# ---- passwords ---------------------------------------------------------------------------------


def test_forgot_and_confirm_reset_the_password(flows: Flows) -> None:
    flows.registered_user("alice")

    forgot = flows.client.post("/users/password/forgot", json={"username": "alice"})
    code = flows.code("alice")
    confirm = flows.client.post(
        "/users/password/confirm",
        json={"username": "alice", "confirmation_code": code, "new_password": "New-Passw0rd!"},
    )

    assert forgot.status_code == 202
    assert confirm.status_code == 200
    assert confirm.json() == {"message": "Password has been reset"}
    assert flows.login("alice", "New-Passw0rd!").status_code == 200
    assert flows.login("alice").status_code == 401


def test_forgot_for_an_unknown_user_answers_exactly_as_for_a_known_one(flows: Flows) -> None:
    flows.registered_user("alice")

    known = flows.client.post("/users/password/forgot", json={"username": "alice"})
    unknown = flows.client.post("/users/password/forgot", json={"username": "nobody"})

    assert (unknown.status_code, unknown.json()) == (known.status_code, known.json())
    assert known.status_code == 202


def test_forgot_for_unconfirmed_or_disabled_users_answers_as_for_any_other(
    flows: Flows,
    cognito_idp_client: CognitoIdentityProviderClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No enumeration: unconfirmed (no verified email) and Cognito-disabled users get the 202 of
    a user who got a code; no code is sent to them, and the log says why."""
    flows.registered_user("alice")
    flows.signup("carol")
    flows.registered_user("dave")
    cognito_idp_client.admin_disable_user(UserPoolId=flows.pool.user_pool_id, Username="dave")
    caplog.set_level(logging.INFO, logger="app.core.cognito")

    known = flows.client.post("/users/password/forgot", json={"username": "alice"})
    answers = {
        name: flows.client.post("/users/password/forgot", json={"username": name})
        for name in ("carol", "dave", "nobody")
    }

    assert known.status_code == 202
    for answer in answers.values():
        assert (answer.status_code, answer.json()) == (known.status_code, known.json())
    for name in ("carol", "dave"):
        purposes = [m["purpose"] for m in flows.emulator.outbox(flows.pool.user_pool_id, name)]
        assert "forgot_password" not in purposes
    reasons = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert any("InvalidParameterException" in r and "not confirmed" in r for r in reasons)
    assert any("NotAuthorizedException" in r and "disabled" in r for r in reasons)


def test_confirm_with_a_wrong_code_is_a_bad_request(flows: Flows) -> None:
    flows.registered_user("alice")
    flows.client.post("/users/password/forgot", json={"username": "alice"})
    wrong = "000000" if flows.code("alice") != "000000" else "111111"

    response = flows.client.post(
        "/users/password/confirm",
        json={"username": "alice", "confirmation_code": wrong, "new_password": "New-Passw0rd!"},
    )

    assert response.status_code == 400
    assert flows.login("alice").status_code == 200


def test_confirm_for_an_unknown_user_looks_like_a_wrong_code(flows: Flows) -> None:
    response = flows.client.post(
        "/users/password/confirm",
        json={"username": "nobody", "confirmation_code": "123456", "new_password": "New-Passw0rd!"},
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Invalid or expired verification code, or a new password the policy refuses"
    }


def test_change_password_needs_the_previous_one(flows: Flows) -> None:
    user = flows.registered_user("alice")

    wrong = flows.client.post(
        "/users/password/change",
        headers=user.bearer,
        json={"previous_password": "Not-The-One-1", "proposed_password": "New-Passw0rd!"},
    )
    right = flows.client.post(
        "/users/password/change",
        headers=user.bearer,
        json={"previous_password": PASSWORD, "proposed_password": "New-Passw0rd!"},
    )

    assert wrong.status_code == 400
    assert right.status_code == 204
    assert flows.login("alice", "New-Passw0rd!").status_code == 200


def test_change_password_without_a_token_is_401(flows: Flows) -> None:
    response = flows.client.post(
        "/users/password/change",
        json={"previous_password": PASSWORD, "proposed_password": "New-Passw0rd!"},
    )
    assert response.status_code == 401


def test_change_password_to_one_outside_the_policy_is_a_bad_request(flows: Flows) -> None:
    user = flows.registered_user("alice")

    response = flows.client.post(
        "/users/password/change",
        headers=user.bearer,
        json={"previous_password": PASSWORD, "proposed_password": "short"},
    )

    assert response.status_code == 400


def test_resend_for_a_confirmed_account_is_a_bad_request(flows: Flows) -> None:
    flows.registered_user("alice")

    response = flows.client.post("/users/verify/resend", json={"username": "alice"})

    assert response.status_code == 400


def test_refresh_for_a_disabled_user_is_forbidden(flows: Flows) -> None:
    user = flows.registered_user("alice")
    with Session(flows.client.app.state.services.get().engine) as session:
        row = session.get(User, user.sub)
        assert row is not None
        row.disabled = True
        session.add(row)
        session.commit()

    response = flows.client.post(
        "/users/token/refresh",
        json={"username": "alice", "refresh_token": user.tokens["refresh_token"]},
    )

    assert response.status_code == 403
