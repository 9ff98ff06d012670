"""A deleted user's unused codes die with them, and only theirs: a user created later under the
same name cannot redeem them, while other users' codes — in the same pool, or under the same name
in another pool — still work."""

from __future__ import annotations

import secrets
from typing import Any

from botocore.exceptions import ClientError

from cognito_emulator.server import EmulatorServer

PASSWORD = "Passw0rd!"
NEW_PASSWORD = "N3w-Passw0rd!"
EXPIRED = {
    "Code": "ExpiredCodeException",
    "Message": "Invalid code provided, please request a code again.",
}


class Pool:
    """A pool with a public client; users are confirmed with a verified email."""

    def __init__(self, client: Any, emulator: EmulatorServer) -> None:
        self.client = client
        self.emulator = emulator
        self.pool_id = client.create_user_pool(
            PoolName=f"codes-{secrets.token_hex(3)}", AutoVerifiedAttributes=["email"]
        )["UserPool"]["Id"]
        self.client_id = client.create_user_pool_client(UserPoolId=self.pool_id, ClientName="app")[
            "UserPoolClient"
        ]["ClientId"]

    def confirmed_user(self, username: str) -> None:
        self.client.sign_up(
            ClientId=self.client_id,
            Username=username,
            Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
        )
        self.client.confirm_sign_up(
            ClientId=self.client_id,
            Username=username,
            ConfirmationCode=self.emulator.latest_code(self.pool_id, username),
        )

    def reset_code(self, username: str) -> str:
        self.client.forgot_password(ClientId=self.client_id, Username=username)
        return self.emulator.latest_code(self.pool_id, username)

    def reset(self, username: str, code: str) -> dict[str, str]:
        """{} when the code reset the password, else the error as {"Code", "Message"}."""
        try:
            self.client.confirm_forgot_password(
                ClientId=self.client_id,
                Username=username,
                ConfirmationCode=code,
                Password=NEW_PASSWORD,
            )
        except ClientError as error:
            return {key: error.response["Error"][key] for key in ("Code", "Message")}
        return {}

    def delete(self, username: str) -> None:
        self.client.admin_delete_user(UserPoolId=self.pool_id, Username=username)


def test_a_deleted_users_reset_code_does_not_work_for_the_next_user_of_that_name(
    cognito_emulator: EmulatorServer, cognito_idp_client: Any
) -> None:
    pool = Pool(cognito_idp_client, cognito_emulator)
    pool.confirmed_user("sam")
    old_code = pool.reset_code("sam")
    pool.delete("sam")

    pool.confirmed_user("sam")

    assert pool.reset("sam", old_code) == EXPIRED


def test_deleting_a_user_keeps_the_codes_of_everyone_else(
    cognito_emulator: EmulatorServer, cognito_idp_client: Any
) -> None:
    pool, other_pool = (
        Pool(cognito_idp_client, cognito_emulator),
        Pool(cognito_idp_client, cognito_emulator),
    )
    for name in ("sam", "tom"):
        pool.confirmed_user(name)
    other_pool.confirmed_user("sam")
    codes = {
        "tom": pool.reset_code("tom"),
        "other sam": other_pool.reset_code("sam"),
    }
    pool.reset_code("sam")

    pool.delete("sam")

    assert pool.reset("tom", codes["tom"]) == {}
    assert other_pool.reset("sam", codes["other sam"]) == {}
