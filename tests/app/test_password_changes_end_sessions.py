"""A password change or a confirmed reset ends every earlier session, as a logout does: Cognito
keeps honouring the earlier access and refresh tokens after either (aws-amplify/amplify-js#6559),
so the service signs the user out everywhere (GlobalSignOut plus its durable logout mark)."""

from typing import Any

from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from tests.app.mfa_flows import offer_mfa, turn_on_totp
from tests.app.service_harness import PASSWORD, Flows, ServiceUser, bearer

NEW_PASSWORD = "New-Passw0rd!"


def change_password(flows: Flows, user: ServiceUser) -> Any:
    body = {"previous_password": PASSWORD, "proposed_password": NEW_PASSWORD}
    return flows.client.post("/users/password/change", headers=user.bearer, json=body)


def reset_password(flows: Flows, username: str) -> Any:
    flows.client.post("/users/password/forgot", json={"username": username})
    body = {
        "username": username,
        "confirmation_code": flows.code(username),
        "new_password": NEW_PASSWORD,
    }
    return flows.client.post("/users/password/confirm", json=body)


def refresh(flows: Flows, user: ServiceUser) -> Any:
    body = {"username": user.username, "refresh_token": user.tokens["refresh_token"]}
    return flows.client.post("/users/token/refresh", json=body)


def assert_earlier_tokens_refused_and_new_login_works(flows: Flows, user: ServiceUser) -> None:
    me = flows.client.get("/users/me", headers=user.bearer)
    refreshed = refresh(flows, user)
    new_login = flows.login(user.username, NEW_PASSWORD)

    assert (me.status_code, me.json()) == (401, {"detail": "Token has been revoked"})
    assert me.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert refreshed.status_code == 401
    assert new_login.status_code == 200
    new_token = bearer(new_login.json()["access_token"])
    assert flows.client.get("/users/me", headers=new_token).status_code == 200
    new_session = ServiceUser(**{**vars(user), "tokens": new_login.json()})
    assert refresh(flows, new_session).status_code == 200


def test_a_password_change_ends_every_earlier_session(flows: Flows) -> None:
    user = flows.registered_user("alice")
    other_device = ServiceUser(**{**vars(user), "tokens": flows.login("alice").json()})
    assert flows.client.get("/users/me", headers=user.bearer).status_code == 200  # now cached

    response = change_password(flows, user)

    assert (response.status_code, response.content) == (204, b"")
    assert_earlier_tokens_refused_and_new_login_works(flows, user)
    assert flows.client.get("/users/me", headers=other_device.bearer).status_code == 401


def test_a_confirmed_reset_ends_every_earlier_session(flows: Flows) -> None:
    user = flows.registered_user("alice")
    assert flows.client.get("/users/me", headers=user.bearer).status_code == 200  # now cached

    response = reset_password(flows, "alice")

    assert (response.status_code, response.json()) == (200, {"message": "Password has been reset"})
    assert_earlier_tokens_refused_and_new_login_works(flows, user)


def test_a_refused_password_change_keeps_the_session(flows: Flows) -> None:
    user = flows.registered_user("alice")
    body = {"previous_password": "Not-The-One-1", "proposed_password": NEW_PASSWORD}

    response = flows.client.post("/users/password/change", headers=user.bearer, json=body)

    assert response.status_code == 400
    assert response.json() == {"detail": "Incorrect previous password"}
    assert flows.client.get("/users/me", headers=user.bearer).status_code == 200
    assert refresh(flows, user).status_code == 200


def test_when_the_sessions_cannot_be_ended_the_answer_says_the_password_changed(
    flows: Flows,
) -> None:
    user = flows.registered_user("alice")
    flows.emulator.add_fault("GlobalSignOut", "InternalErrorException")

    response = change_password(flows, user)

    assert response.status_code == 503
    assert response.json() == {
        "detail": "The password was changed, but earlier sessions could not be signed out: "
        "log in with the new password and log out to end them"
    }
    assert response.headers["Retry-After"] == "5"
    assert flows.login("alice", NEW_PASSWORD).status_code == 200


def test_when_a_reset_cannot_sign_in_to_end_the_sessions_the_answer_says_so(
    flows: Flows,
) -> None:
    flows.registered_user("alice")
    flows.emulator.add_fault("InitiateAuth", "TooManyRequestsException")

    response = reset_password(flows, "alice")

    assert response.status_code == 503
    assert response.json()["detail"].startswith("The password was changed, but earlier sessions")
    flows.emulator.clear_faults()
    assert flows.login("alice", NEW_PASSWORD).status_code == 200


def test_a_confirmed_reset_of_a_user_with_mfa_ends_the_sessions_this_service_admits(
    flows: Flows, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """The sign-in for GlobalSignOut stops at the user's second factor, which the service
    cannot answer: the reset succeeds and the logout mark alone refuses the earlier session here
    (its access token, and its refresh through the service). The session began a minute ago on
    the emulator's clock, so the mark decides without asking Cognito (app/core/revocation.py)."""
    offer_mfa(flows, cognito_idp_client)
    flows.emulator.advance_clock(-60)
    user = flows.registered_user("alice")
    turn_on_totp(flows, user)
    flows.emulator.advance_clock(60)
    assert flows.client.get("/users/me", headers=user.bearer).status_code == 200  # now cached

    response = reset_password(flows, "alice")

    assert (response.status_code, response.json()) == (200, {"message": "Password has been reset"})
    me = flows.client.get("/users/me", headers=user.bearer)
    assert (me.status_code, me.json()) == (401, {"detail": "Token has been revoked"})
    assert refresh(flows, user).status_code == 401
    challenged = flows.login("alice", NEW_PASSWORD)
    assert challenged.json()["challenge"] == "SOFTWARE_TOKEN_MFA"


def test_a_confirmed_reset_of_an_mfa_user_who_never_signed_in_here_succeeds(
    flows: Flows, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """MFA required and none set up (the sign-in stops at MFA_SETUP), no row of the user: nothing
    of this service's to end, and the reset answers as for anyone."""
    offer_mfa(flows, cognito_idp_client, "ON")
    assert flows.signup("bob").status_code == 201
    assert flows.verify("bob").status_code == 200

    response = reset_password(flows, "bob")

    assert (response.status_code, response.json()) == (200, {"message": "Password has been reset"})
