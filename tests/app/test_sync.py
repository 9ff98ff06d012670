"""The database stays in step with Cognito: nothing lost, nothing duplicated."""

import re
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
from sqlalchemy import Engine, event, func
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from app.models import User
from tests.app.service_harness import Flows, bearer, direct_login

USERS_INSERT = re.compile(r'\s*INSERT INTO "?user"?\s', re.IGNORECASE)


def engine_of(flows: Flows) -> Engine:
    engine: Engine = flows.client.app.state.services.get().engine
    return engine


def rows(flows: Flows) -> list[User]:
    with Session(engine_of(flows)) as session:
        return list(session.exec(select(User)).all())


@pytest.fixture
def failing_inserts(flows: Flows) -> Iterator[None]:
    """The next INSERT into the users table fails, as a full disk or a lost connection would."""
    engine = engine_of(flows)
    armed = [True]

    def fail(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if armed[0] and USERS_INSERT.match(statement):
            armed[0] = False
            raise OperationalError(statement, None, Exception("disk I/O error"))

    event.listen(engine, "before_cursor_execute", fail)
    yield
    event.remove(engine, "before_cursor_execute", fail)


def test_a_lost_signup_row_is_rebuilt_at_the_first_authenticated_request(
    flows: Flows, failing_inserts: None, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    signup = flows.signup("alice")
    assert signup.status_code == 201
    assert rows(flows) == []
    flows.verify("alice")

    me = flows.client.get(
        "/users/me", headers=bearer(direct_login(flows, cognito_idp_client, "alice"))
    )

    assert me.status_code == 200
    assert me.json()["sub"] == signup.json()["sub"]
    assert [(row.username, row.email) for row in rows(flows)] == [("alice", "alice@example.com")]


def test_a_lost_signup_row_is_rebuilt_at_the_first_login(
    flows: Flows, failing_inserts: None
) -> None:
    signup = flows.signup("alice")
    flows.verify("alice")

    login = flows.login("alice")

    assert login.status_code == 200
    [row] = rows(flows)
    assert (row.sub, row.email, row.last_login_at is not None) == (
        signup.json()["sub"],
        "alice@example.com",
        True,
    )


def test_concurrent_signups_of_one_username_make_one_user(flows: Flows) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: flows.signup("alice").status_code, range(8)))

    assert Counter(statuses) == {201: 1, 409: 7}
    assert len(rows(flows)) == 1


def test_concurrent_first_requests_rebuild_one_row(
    flows: Flows, failing_inserts: None, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    flows.signup("alice")
    flows.verify("alice")
    token = direct_login(flows, cognito_idp_client, "alice")

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(
            pool.map(
                lambda _: flows.client.get("/users/me", headers=bearer(token)).status_code, range(8)
            )
        )

    assert statuses == [200] * 8
    with Session(engine_of(flows)) as session:
        assert session.exec(select(func.count()).select_from(User)).one() == 1


def test_an_email_changed_in_cognito_reaches_the_row_at_the_next_login(
    flows: Flows, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    user = flows.registered_user("alice")
    cognito_idp_client.admin_update_user_attributes(
        UserPoolId=flows.pool.user_pool_id,
        Username="alice",
        UserAttributes=[
            {"Name": "email", "Value": "alice@new.example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
    )

    login = flows.login("alice")

    assert login.status_code == 200
    me = flows.client.get("/users/me", headers=bearer(login.json()["access_token"])).json()
    assert me["email"] == "alice@new.example.com"
    assert me["sub"] == user.sub


def test_a_username_reused_after_deletion_in_cognito_gets_a_fresh_row(
    flows: Flows, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    old = flows.registered_user("alice")
    cognito_idp_client.admin_delete_user(UserPoolId=flows.pool.user_pool_id, Username="alice")

    new = flows.registered_user("alice")

    assert new.sub != old.sub
    by_sub = {row.sub: row for row in rows(flows)}
    assert (by_sub[new.sub].username, by_sub[new.sub].disabled) == ("alice", False)
    assert (by_sub[old.sub].username, by_sub[old.sub].disabled) == (f"released:{old.sub}", True)
    assert flows.client.get("/users/me", headers=new.bearer).json()["sub"] == new.sub
