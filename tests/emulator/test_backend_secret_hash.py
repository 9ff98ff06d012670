"""SECRET_HASH is required wherever Cognito requires it for a client with a secret.

Plain moto ignores it on SignUp, ConfirmSignUp, ForgotPassword, ConfirmForgotPassword,
USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH (and has no ResendConfirmationCode); it checks it
only on USER_SRP_AUTH and REFRESH_TOKEN_AUTH, with an error message that is the hash itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import CognitoUser, secret_hash
from cognito_emulator.secret_hash import compute_secret_hash
from cognito_emulator.server import EmulatorServer

WRONG_HASH = "d3JvbmcgaGFzaA=="
Call = Callable[[Any, PoolConfig, CognitoUser, dict[str, str]], Any]


def _auth_parameters(extra: dict[str, str], hash_fields: dict[str, str]) -> dict[str, str]:
    return {**extra, **({"SECRET_HASH": hash_fields["SecretHash"]} if hash_fields else {})}


CALLS: dict[str, Call] = {
    "SignUp": lambda client, pool, user, hashed: client.sign_up(
        ClientId=pool.client_id,
        Username="newcomer",
        Password="Passw0rd!",
        UserAttributes=[{"Name": "email", "Value": "newcomer@example.com"}],
        **hashed,
    ),
    "ConfirmSignUp": lambda client, pool, user, hashed: client.confirm_sign_up(
        ClientId=pool.client_id, Username=user.username, ConfirmationCode="123456", **hashed
    ),
    "ResendConfirmationCode": lambda client, pool, user, hashed: client.resend_confirmation_code(
        ClientId=pool.client_id, Username=user.username, **hashed
    ),
    "ForgotPassword": lambda client, pool, user, hashed: client.forgot_password(
        ClientId=pool.client_id, Username=user.username, **hashed
    ),
    "ConfirmForgotPassword": lambda client, pool, user, hashed: client.confirm_forgot_password(
        ClientId=pool.client_id,
        Username=user.username,
        ConfirmationCode="123456",
        Password="N3w-Passw0rd!",
        **hashed,
    ),
    "InitiateAuth USER_PASSWORD_AUTH": lambda client, pool, user, hashed: client.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters=_auth_parameters(
            {"USERNAME": user.username, "PASSWORD": user.password}, hashed
        ),
    ),
    "InitiateAuth REFRESH_TOKEN_AUTH": lambda client, pool, user, hashed: client.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters=_auth_parameters({"REFRESH_TOKEN": user.refresh_token}, hashed),
    ),
    "InitiateAuth USER_SRP_AUTH": lambda client, pool, user, hashed: client.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_SRP_AUTH",
        AuthParameters=_auth_parameters({"USERNAME": user.username, "SRP_A": "abc123"}, hashed),
    ),
    "AdminInitiateAuth ADMIN_USER_PASSWORD_AUTH": lambda client, pool, user, hashed: (
        client.admin_initiate_auth(
            UserPoolId=pool.user_pool_id,
            ClientId=pool.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters=_auth_parameters(
                {"USERNAME": user.username, "PASSWORD": user.password}, hashed
            ),
        )
    ),
    "AdminInitiateAuth REFRESH_TOKEN_AUTH": lambda client, pool, user, hashed: (
        client.admin_initiate_auth(
            UserPoolId=pool.user_pool_id,
            ClientId=pool.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters=_auth_parameters({"REFRESH_TOKEN": user.refresh_token}, hashed),
        )
    ),
}


@pytest.mark.parametrize("operation", CALLS)
def test_missing_secret_hash_is_refused(
    operation: str, cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    with pytest.raises(ClientError) as error:
        CALLS[operation](cognito_idp_client, cognito_pool, cognito_user, {})

    assert error.value.response["Error"] == {
        "Code": "NotAuthorizedException",
        "Message": (
            f"Client {cognito_pool.client_id} is configured for secret but secret was not received"
        ),
    }


@pytest.mark.parametrize("operation", CALLS)
def test_wrong_secret_hash_is_refused(
    operation: str, cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    with pytest.raises(ClientError) as error:
        CALLS[operation](cognito_idp_client, cognito_pool, cognito_user, {"SecretHash": WRONG_HASH})

    assert error.value.response["Error"] == {
        "Code": "NotAuthorizedException",
        "Message": f"Unable to verify secret hash for client {cognito_pool.client_id}",
    }


@pytest.mark.parametrize("operation", CALLS)
def test_hash_of_another_username_is_refused(
    operation: str, cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    other = {
        "SecretHash": secret_hash(
            "someone-else", cognito_pool.client_id, cognito_pool.client_secret
        )
    }
    with pytest.raises(ClientError) as error:
        CALLS[operation](cognito_idp_client, cognito_pool, cognito_user, other)

    assert error.value.response["Error"]["Message"] == (
        f"Unable to verify secret hash for client {cognito_pool.client_id}"
    )


def test_correct_hashes_are_accepted_through_the_whole_journey(
    cognito_emulator: EmulatorServer, cognito_pool: PoolConfig, cognito_idp_client: Any
) -> None:
    hashed = secret_hash("carol", cognito_pool.client_id, cognito_pool.client_secret)
    cognito_idp_client.sign_up(
        ClientId=cognito_pool.client_id,
        Username="carol",
        Password="Passw0rd!",
        SecretHash=hashed,
        UserAttributes=[{"Name": "email", "Value": "carol@example.com"}],
    )
    cognito_idp_client.resend_confirmation_code(
        ClientId=cognito_pool.client_id, Username="carol", SecretHash=hashed
    )
    cognito_idp_client.confirm_sign_up(
        ClientId=cognito_pool.client_id,
        Username="carol",
        SecretHash=hashed,
        ConfirmationCode=cognito_emulator.latest_code(cognito_pool.user_pool_id, "carol"),
    )
    cognito_idp_client.forgot_password(
        ClientId=cognito_pool.client_id, Username="carol", SecretHash=hashed
    )
    cognito_idp_client.confirm_forgot_password(
        ClientId=cognito_pool.client_id,
        Username="carol",
        SecretHash=hashed,
        ConfirmationCode=cognito_emulator.latest_code(cognito_pool.user_pool_id, "carol"),
        Password="N3w-Passw0rd!",
    )
    tokens = cognito_idp_client.initiate_auth(
        ClientId=cognito_pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "carol", "PASSWORD": "N3w-Passw0rd!", "SECRET_HASH": hashed},
    )["AuthenticationResult"]
    refreshed = cognito_idp_client.admin_initiate_auth(
        UserPoolId=cognito_pool.user_pool_id,
        ClientId=cognito_pool.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"], "SECRET_HASH": hashed},
    )
    assert refreshed["AuthenticationResult"]["AccessToken"]
    srp = cognito_idp_client.initiate_auth(
        ClientId=cognito_pool.client_id,
        AuthFlow="USER_SRP_AUTH",
        AuthParameters={"USERNAME": "carol", "SRP_A": "abc123", "SECRET_HASH": hashed},
    )
    assert srp["ChallengeName"] == "PASSWORD_VERIFIER"


def test_refresh_hash_uses_the_username_the_token_belongs_to(
    cognito_emulator: EmulatorServer, cognito_idp_client: Any
) -> None:
    """In a pool where users sign in with their email, the username is a generated id: the
    refresh SECRET_HASH is over that id (the token's `username`), not over the email."""
    pool_id = cognito_idp_client.create_user_pool(
        PoolName="email-as-username",
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
    )["UserPool"]["Id"]
    client = cognito_idp_client.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="app",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    client_id, client_secret = client["ClientId"], client["ClientSecret"]
    email = "dora@example.com"
    by_email = compute_secret_hash(client_id, client_secret, email)
    cognito_idp_client.sign_up(
        ClientId=client_id, Username=email, Password="Passw0rd!", SecretHash=by_email
    )
    cognito_idp_client.confirm_sign_up(
        ClientId=client_id,
        Username=email,
        SecretHash=by_email,
        ConfirmationCode=cognito_emulator.latest_code(pool_id, email),
    )
    tokens = cognito_idp_client.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": "Passw0rd!", "SECRET_HASH": by_email},
    )["AuthenticationResult"]
    username = cognito_idp_client.get_user(AccessToken=tokens["AccessToken"])["Username"]
    assert username != email

    def refresh(hashed: str) -> Any:
        return cognito_idp_client.initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"], "SECRET_HASH": hashed},
        )

    assert refresh(compute_secret_hash(client_id, client_secret, username))["AuthenticationResult"]
    with pytest.raises(ClientError) as error:
        refresh(by_email)
    assert error.value.response["Error"]["Code"] == "NotAuthorizedException"


def test_client_without_secret_needs_no_hash(
    cognito_emulator: EmulatorServer, cognito_pool: PoolConfig, cognito_idp_client: Any
) -> None:
    client_id = cognito_idp_client.create_user_pool_client(
        UserPoolId=cognito_pool.user_pool_id,
        ClientName="public",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
    )["UserPoolClient"]["ClientId"]
    cognito_idp_client.sign_up(
        ClientId=client_id,
        Username="erin",
        Password="Passw0rd!",
        UserAttributes=[{"Name": "email", "Value": "erin@example.com"}],
    )
    cognito_idp_client.confirm_sign_up(
        ClientId=client_id,
        Username="erin",
        ConfirmationCode=cognito_emulator.latest_code(cognito_pool.user_pool_id, "erin"),
    )

    result = cognito_idp_client.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "erin", "PASSWORD": "Passw0rd!"},
    )
    assert result["AuthenticationResult"]["AccessToken"]
