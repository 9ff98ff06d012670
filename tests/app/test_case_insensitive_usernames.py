"""The kit's pool ignores the case of usernames (`UsernameConfiguration.CaseSensitive=False`, see
cognito_emulator.pool_definition), as Cognito does for such pools: `Alice` and `alice` are one user.
The service keeps one row for them, whatever case a request uses; from the first sign-in on, under
the username Cognito answers with (lower case: "flattened to lowercase in user pool text output",
AWS developer guide, "User pool case sensitivity")."""

from sqlmodel import Session, select

from app.models import User
from tests.app.service_harness import PASSWORD, Flows, bearer


def rows(flows: Flows) -> list[User]:
    with Session(flows.client.app.state.services.get().engine) as session:
        return list(session.exec(select(User)).all())


def test_one_user_whatever_the_case_of_the_username(flows: Flows) -> None:
    signed_up = flows.signup("Alice")
    assert signed_up.status_code == 201
    assert flows.verify("ALICE").status_code == 200

    logins = [flows.login(name) for name in ("alice", "ALICE", "Alice")]

    assert [login.status_code for login in logins] == [200, 200, 200]
    for login in logins:
        me = flows.client.get("/users/me", headers=bearer(login.json()["access_token"])).json()
        assert (me["sub"], me["username"]) == (signed_up.json()["sub"], "alice")
    assert [(row.sub, row.username) for row in rows(flows)] == [(signed_up.json()["sub"], "alice")]


def test_another_capitalization_of_a_taken_username_cannot_sign_up(flows: Flows) -> None:
    first = flows.signup("Bob")

    again = flows.signup("bob", email="other@example.com")

    assert again.status_code == 409
    assert again.json()["detail"].startswith("User already exists and is not confirmed")
    assert [row.sub for row in rows(flows)] == [first.json()["sub"]]


def test_a_password_reset_asked_in_another_case_reaches_the_user(flows: Flows) -> None:
    flows.registered_user("carol")

    asked = flows.client.post("/users/password/forgot", json={"username": "CAROL"})
    code = flows.code("carol")
    confirmed = flows.client.post(
        "/users/password/confirm",
        json={"username": "Carol", "confirmation_code": code, "new_password": PASSWORD + "x"},
    )

    assert (asked.status_code, confirmed.status_code) == (202, 200)
    assert flows.login("carol", PASSWORD + "x").status_code == 200
