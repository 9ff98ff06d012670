"""Redeeming a code (/users/verify, /users/password/confirm) answers an unknown username exactly as
it answers any account, whatever the account's state: no code requested, already confirmed, a
new password the policy refuses. With PreventUserExistenceErrors=ENABLED Cognito itself answers
ConfirmForgotPassword with CodeMismatchException for unknown users but ExpiredCodeException for
an account that requested no code (AWS developer guide, "Managing error responses"), and checks
the password policy only for accounts that exist: the service maps all of them to one answer."""

from typing import Any

import pytest

from tests.app.service_harness import PASSWORD, Flows

RESET_REFUSED = {
    "detail": "Invalid or expired verification code, or a new password the policy refuses"
}
CODE_REFUSED = {"detail": "Invalid or expired verification code"}
STRONG = "New-Passw0rd!"
WEAK = "weak"


def confirm_reset(flows: Flows, username: str, code: str, new_password: str) -> Any:
    body = {"username": username, "confirmation_code": code, "new_password": new_password}
    return flows.client.post("/users/password/confirm", json=body)


def answer(response: Any) -> tuple[int, Any]:
    return response.status_code, response.json()


@pytest.mark.parametrize("new_password", [STRONG, WEAK])
def test_a_reset_nobody_requested_answers_as_for_an_unknown_user(
    flows: Flows, new_password: str
) -> None:
    flows.registered_user("alice")

    known = confirm_reset(flows, "alice", "123456", new_password)
    unknown = confirm_reset(flows, "nobody", "123456", new_password)

    assert answer(known) == answer(unknown) == (400, RESET_REFUSED)


@pytest.mark.parametrize("new_password", [STRONG, WEAK])
def test_a_wrong_reset_code_answers_as_for_an_unknown_user(flows: Flows, new_password: str) -> None:
    flows.registered_user("alice")
    flows.client.post("/users/password/forgot", json={"username": "alice"})
    wrong = "000000" if flows.code("alice") != "000000" else "111111"

    known = confirm_reset(flows, "alice", wrong, new_password)
    unknown = confirm_reset(flows, "nobody", wrong, new_password)

    assert answer(known) == answer(unknown) == (400, RESET_REFUSED)


def test_the_right_reset_code_with_a_password_outside_the_policy_changes_nothing(
    flows: Flows,
) -> None:
    flows.registered_user("alice")
    flows.client.post("/users/password/forgot", json={"username": "alice"})

    response = confirm_reset(flows, "alice", flows.code("alice"), WEAK)

    assert answer(response) == (400, RESET_REFUSED)
    assert flows.login("alice").status_code == 200


def test_a_reset_refused_for_the_accounts_state_answers_as_for_an_unknown_user(
    flows: Flows,
) -> None:
    """NotAuthorizedException: what an app client with PreventUserExistenceErrors=LEGACY gets
    for a disabled user (an ENABLED one gets CodeMismatchException, as for unknown users)."""
    flows.registered_user("alice")
    flows.client.post("/users/password/forgot", json={"username": "alice"})
    code = flows.code("alice")
    flows.emulator.add_fault("ConfirmForgotPassword", "NotAuthorizedException", count=1)

    known = confirm_reset(flows, "alice", code, STRONG)
    unknown = confirm_reset(flows, "nobody", code, STRONG)

    assert answer(known) == answer(unknown) == (400, RESET_REFUSED)


def test_verifying_a_confirmed_account_answers_as_for_an_unknown_user(flows: Flows) -> None:
    flows.signup("alice")
    code = flows.code("alice")
    assert flows.verify("alice").status_code == 200

    known = flows.client.post(
        "/users/verify", json={"username": "alice", "confirmation_code": code}
    )
    unknown = flows.client.post(
        "/users/verify", json={"username": "nobody", "confirmation_code": code}
    )

    assert answer(known) == answer(unknown) == (400, CODE_REFUSED)
    assert flows.login("alice", PASSWORD).status_code == 200


def test_an_expired_sign_up_code_answers_as_for_an_unknown_user(flows: Flows) -> None:
    flows.signup("alice")
    code = flows.code("alice")
    flows.emulator.advance_clock(25 * 3600)  # sign-up codes are valid for 24 h

    known = flows.client.post(
        "/users/verify", json={"username": "alice", "confirmation_code": code}
    )
    unknown = flows.client.post(
        "/users/verify", json={"username": "nobody", "confirmation_code": code}
    )

    assert answer(known) == answer(unknown) == (400, CODE_REFUSED)
