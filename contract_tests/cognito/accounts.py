"""Users a contract test creates on its target, and removes again (a real pool stays clean)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from contract_tests.targets import CognitoTarget

# Satisfies the bootstrap policy (and Cognito's default one): 8+ chars, upper, lower, digit, symbol.
PASSWORD = "Correct-Horse-7"
OTHER_PASSWORD = "Battery-Staple-8"
TEMPORARY_PASSWORD = "Temporary-Pass-9"


@dataclass(frozen=True)
class ContractUser:
    """A user a contract test signed up on its target, with the sub Cognito gave it."""

    username: str
    password: str
    email: str
    sub: str


class Accounts:
    """Signs users up on one target through the public API, as the service does."""

    def __init__(self, target: CognitoTarget) -> None:
        self.target = target
        self._created: list[str] = []

    @staticmethod
    def new_username() -> str:
        return f"contract-{uuid.uuid4().hex[:12]}"

    def sign_up(self, username: str | None = None, password: str = PASSWORD) -> ContractUser:
        username = username or self.new_username()
        email = f"{username}@example.com"
        response = self.target.client.sign_up(
            ClientId=self.target.client_id,
            SecretHash=self.target.secret_hash(username),
            Username=username,
            Password=password,
            UserAttributes=[{"Name": "email", "Value": email}],
        )
        self._created.append(username)
        return ContractUser(username, password, email, response["UserSub"])

    def confirmed(self) -> ContractUser:
        """A confirmed user with a verified email, as a confirmation code would leave them.

        Through the admin API, so it works on every target without reading a code: Cognito's
        AdminConfirmSignUp does not verify the email (ForgotPassword would then refuse), so the
        email is marked verified explicitly.
        """
        account = self.sign_up()
        self.target.client.admin_confirm_sign_up(
            UserPoolId=self.target.user_pool_id, Username=account.username
        )
        self.target.client.admin_update_user_attributes(
            UserPoolId=self.target.user_pool_id,
            Username=account.username,
            UserAttributes=[{"Name": "email_verified", "Value": "true"}],
        )
        return account

    def admin_created(self, temporary_password: str = TEMPORARY_PASSWORD) -> ContractUser:
        """A user an administrator created (AdminCreateUser) with a temporary password and a
        verified email; no invitation is sent (MessageAction SUPPRESS), so a real pool mails
        nothing. Their ``password`` is the temporary one."""
        username = self.new_username()
        email = f"{username}@example.com"
        response = self.target.client.admin_create_user(
            UserPoolId=self.target.user_pool_id,
            Username=username,
            TemporaryPassword=temporary_password,
            MessageAction="SUPPRESS",
            UserAttributes=[
                {"Name": "email", "Value": email},
                {"Name": "email_verified", "Value": "true"},
            ],
        )
        self._created.append(username)
        attributes = {a["Name"]: a["Value"] for a in response["User"].get("Attributes", [])}
        return ContractUser(username, temporary_password, email, attributes.get("sub", ""))

    def sign_in(self, account: ContractUser, password: str | None = None) -> dict[str, Any]:
        """USER_PASSWORD_AUTH with SECRET_HASH; returns Cognito's whole answer: tokens in
        AuthenticationResult, or a ChallengeName with its Session."""
        response = self.target.client.initiate_auth(
            ClientId=self.target.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={
                "USERNAME": account.username,
                "PASSWORD": password or account.password,
                "SECRET_HASH": self.target.secret_hash(account.username),
            },
        )
        return dict(response)

    def log_in(self, account: ContractUser, password: str | None = None) -> dict[str, Any]:
        """USER_PASSWORD_AUTH with SECRET_HASH; returns AuthenticationResult."""
        response = self.sign_in(account, password)
        assert "AuthenticationResult" in response, (
            f"expected tokens, Cognito asked for {response.get('ChallengeName')}"
        )
        result: dict[str, Any] = response["AuthenticationResult"]
        return result

    def answer(
        self, account: ContractUser, challenge: dict[str, Any], responses: dict[str, str]
    ) -> dict[str, Any]:
        """RespondToAuthChallenge to ``challenge`` (an answer with ChallengeName and Session)
        with ``responses``, plus USERNAME and SECRET_HASH; returns Cognito's whole answer."""
        response = self.target.client.respond_to_auth_challenge(
            ClientId=self.target.client_id,
            ChallengeName=challenge["ChallengeName"],
            Session=challenge["Session"],
            ChallengeResponses={
                "USERNAME": account.username,
                "SECRET_HASH": self.target.secret_hash(account.username),
                **responses,
            },
        )
        return dict(response)

    def refresh(self, account: ContractUser, refresh_token: str) -> dict[str, Any]:
        response = self.target.client.initiate_auth(
            ClientId=self.target.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={
                "REFRESH_TOKEN": refresh_token,
                "SECRET_HASH": self.target.secret_hash(account.username),
            },
        )
        result: dict[str, Any] = response["AuthenticationResult"]  # type: ignore[assignment]
        return result

    def delete_all(self) -> None:
        for username in self._created:
            try:
                self.target.client.admin_delete_user(
                    UserPoolId=self.target.user_pool_id, Username=username
                )
            except ClientError:
                continue
        self._created.clear()
