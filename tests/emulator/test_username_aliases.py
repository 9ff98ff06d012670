"""Pools whose users sign in with their email or phone number (UsernameAttributes): the address
finds its current owner, and only while it is theirs.

The emulator remembers which user an address found; these tests change the address under it.
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from botocore.exceptions import ClientError

from cognito_emulator.server import EmulatorServer

PASSWORD = "Passw0rd!"
OTHER_PASSWORD = "Other-Passw0rd!"
INCORRECT = {"Code": "NotAuthorizedException", "Message": "Incorrect username or password."}
ADDRESSES = {
    "email": ("ana@example.com", "ana.new@example.com"),
    "phone_number": ("+15550100001", "+15550100002"),
}


class AliasPool:
    """A pool with one UsernameAttribute and a public client with password sign-in."""

    def __init__(self, client: Any, attribute: str) -> None:
        self.client = client
        self.attribute = attribute
        self.pool_id = client.create_user_pool(
            PoolName=f"aliases-{secrets.token_hex(3)}", UsernameAttributes=[attribute]
        )["UserPool"]["Id"]
        self.client_id = client.create_user_pool_client(
            UserPoolId=self.pool_id,
            ClientName="app",
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]

    def sign_up(self, address: str, password: str) -> str:
        """A confirmed user signed up with `address`; returns their sub."""
        sub = self.client.sign_up(ClientId=self.client_id, Username=address, Password=password)[
            "UserSub"
        ]
        self.client.admin_confirm_sign_up(UserPoolId=self.pool_id, Username=address)
        return str(sub)

    def sign_in(self, address: str, password: str) -> dict[str, Any]:
        """{"sub": ...} of whom the address signed in, or the error as {"Code", "Message"}."""
        try:
            result = self.client.initiate_auth(
                ClientId=self.client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": address, "PASSWORD": password},
            )["AuthenticationResult"]
        except ClientError as error:
            return {key: error.response["Error"][key] for key in ("Code", "Message")}
        attributes = self.client.get_user(AccessToken=result["AccessToken"])["UserAttributes"]
        return {"sub": next(a["Value"] for a in attributes if a["Name"] == "sub")}

    def change_address(self, address: str, new_address: str) -> None:
        self.client.admin_update_user_attributes(
            UserPoolId=self.pool_id,
            Username=address,
            UserAttributes=[{"Name": self.attribute, "Value": new_address}],
        )


@pytest.fixture(params=sorted(ADDRESSES))
def alias_pool(request: pytest.FixtureRequest, cognito_idp_client: Any) -> AliasPool:
    return AliasPool(cognito_idp_client, request.param)


def test_the_address_signs_its_user_in(
    cognito_emulator: EmulatorServer, alias_pool: AliasPool
) -> None:
    old, _ = ADDRESSES[alias_pool.attribute]
    sub = alias_pool.sign_up(old, PASSWORD)

    assert alias_pool.sign_in(old, PASSWORD) == {"sub": sub}
    assert alias_pool.sign_in(old, PASSWORD) == {"sub": sub}  # found again, the same user


def test_after_a_change_the_old_address_finds_nobody_and_the_new_one_finds_the_user(
    cognito_emulator: EmulatorServer, alias_pool: AliasPool
) -> None:
    old, new = ADDRESSES[alias_pool.attribute]
    sub = alias_pool.sign_up(old, PASSWORD)
    assert alias_pool.sign_in(old, PASSWORD) == {"sub": sub}

    alias_pool.change_address(old, new)

    assert alias_pool.sign_in(old, PASSWORD) == {
        "Code": "UserNotFoundException",
        "Message": "User does not exist.",
    }
    assert alias_pool.sign_in(new, PASSWORD) == {"sub": sub}


def test_a_released_address_finds_the_user_who_takes_it_next(
    cognito_emulator: EmulatorServer, alias_pool: AliasPool
) -> None:
    old, new = ADDRESSES[alias_pool.attribute]
    first = alias_pool.sign_up(old, PASSWORD)
    assert alias_pool.sign_in(old, PASSWORD) == {"sub": first}
    alias_pool.change_address(old, new)

    second = alias_pool.sign_up(old, OTHER_PASSWORD)

    assert second != first
    assert alias_pool.sign_in(old, OTHER_PASSWORD) == {"sub": second}
    assert alias_pool.sign_in(old, PASSWORD) == INCORRECT
    assert alias_pool.sign_in(new, PASSWORD) == {"sub": first}
