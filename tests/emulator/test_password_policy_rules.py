"""A pool's PasswordPolicy, rule by rule, as SignUp, ChangePassword and ConfirmForgotPassword
apply it: each rule refuses a password that breaks only that rule, with Cognito's message, and is
off unless the pool turns it on.

What counts as a symbol is Cognito's documented set: "Special character from the following set.
The space character is also treated as a special character.
^ $ * . [ ] { } ( ) ? " ! @ # % & / \\ , > < ' : ; | _ ~ ` = + -"
(Amazon Cognito Developer Guide, "Adding user pool password requirements",
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-policies.html).
A space can only be inside a password: the API's PasswordType pattern is `[\\S]+`.
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from botocore.exceptions import ClientError

from cognito_emulator.server import EmulatorServer

DOCUMENTED_SYMBOLS = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- "
NOT_SYMBOLS = ("é", "€", "£", "§", "¿", "÷", "ü")
POLICY_PREFIX = "Password did not conform with policy: "


def a_pool_client(client: Any, **password_policy: Any) -> tuple[str, str]:
    """(pool id, client id) of a pool with this PasswordPolicy and a public client."""
    pool_id = client.create_user_pool(
        PoolName=f"policy-{secrets.token_hex(3)}",
        Policies={"PasswordPolicy": password_policy},
    )["UserPool"]["Id"]
    client_id = client.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def a_pool(client: Any, **password_policy: Any) -> str:
    """The client id of a pool with this PasswordPolicy."""
    return a_pool_client(client, **password_policy)[1]


def sign_up(client: Any, client_id: str, password: str) -> dict[str, Any]:
    """SignUp's answer, or its error as {"Code", "Message"}."""
    try:
        response = client.sign_up(
            ClientId=client_id, Username=f"user-{secrets.token_hex(4)}", Password=password
        )
    except ClientError as error:
        return {key: error.response["Error"][key] for key in ("Code", "Message")}
    return {"UserConfirmed": response["UserConfirmed"]}


def refused(problem: str) -> dict[str, str]:
    return {"Code": "InvalidPasswordException", "Message": POLICY_PREFIX + problem}


ADMITTED = {"UserConfirmed": False}


@pytest.mark.parametrize(
    ("rule", "breaks_only_that_rule", "problem"),
    [
        ("RequireSymbols", "Abcdefg1", "Password must have symbol characters"),
        ("RequireNumbers", "Abcdefg!", "Password must have numeric characters"),
        ("RequireUppercase", "abcdef1!", "Password must have uppercase characters"),
        ("RequireLowercase", "ABCDEF1!", "Password must have lowercase characters"),
    ],
)
def test_each_character_rule_refuses_a_password_breaking_only_it(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: Any,
    rule: str,
    breaks_only_that_rule: str,
    problem: str,
) -> None:
    enforced = a_pool(cognito_idp_client, MinimumLength=6, **{rule: True})
    off = a_pool(cognito_idp_client, MinimumLength=6, **{rule: False})

    assert sign_up(cognito_idp_client, enforced, breaks_only_that_rule) == refused(problem)
    assert sign_up(cognito_idp_client, off, breaks_only_that_rule) == ADMITTED


@pytest.mark.parametrize("symbol", list(DOCUMENTED_SYMBOLS), ids=repr)
def test_every_documented_symbol_counts_as_one(
    cognito_emulator: EmulatorServer, cognito_idp_client: Any, symbol: str
) -> None:
    client_id = a_pool(cognito_idp_client, MinimumLength=6, RequireSymbols=True)

    assert sign_up(cognito_idp_client, client_id, f"abc{symbol}def") == ADMITTED


@pytest.mark.parametrize("character", NOT_SYMBOLS)
def test_characters_outside_the_documented_set_are_not_symbols(
    cognito_emulator: EmulatorServer, cognito_idp_client: Any, character: str
) -> None:
    client_id = a_pool(cognito_idp_client, MinimumLength=6, RequireSymbols=True)

    assert sign_up(cognito_idp_client, client_id, f"abc{character}def") == refused(
        "Password must have symbol characters"
    )


def test_minimum_length_counts_characters_and_admits_exactly_the_minimum(
    cognito_emulator: EmulatorServer, cognito_idp_client: Any
) -> None:
    client_id = a_pool(cognito_idp_client, MinimumLength=10)

    assert sign_up(cognito_idp_client, client_id, "a" * 9) == refused("Password not long enough")
    assert sign_up(cognito_idp_client, client_id, "a" * 10) == ADMITTED
    assert sign_up(cognito_idp_client, client_id, "é" * 10) == ADMITTED  # 20 bytes, 10 characters


def test_a_policy_without_minimum_length_needs_eight_characters(
    cognito_emulator: EmulatorServer, cognito_idp_client: Any
) -> None:
    client_id = a_pool(cognito_idp_client, RequireSymbols=False)

    assert sign_up(cognito_idp_client, client_id, "a" * 7) == refused("Password not long enough")
    assert sign_up(cognito_idp_client, client_id, "a" * 8) == ADMITTED


def test_a_password_meeting_every_rule_is_admitted(
    cognito_emulator: EmulatorServer, cognito_idp_client: Any
) -> None:
    client_id = a_pool(
        cognito_idp_client,
        MinimumLength=8,
        RequireUppercase=True,
        RequireLowercase=True,
        RequireNumbers=True,
        RequireSymbols=True,
    )

    assert sign_up(cognito_idp_client, client_id, "Abcdef1!") == ADMITTED


def test_changing_or_resetting_a_password_applies_the_symbol_rule(
    cognito_emulator: EmulatorServer, cognito_idp_client: Any
) -> None:
    pool_id, client_id = a_pool_client(cognito_idp_client, MinimumLength=6, RequireSymbols=True)
    cognito_idp_client.sign_up(
        ClientId=client_id,
        Username="pat",
        Password="first!pass",
        UserAttributes=[{"Name": "email", "Value": "pat@example.com"}],
    )
    cognito_idp_client.admin_confirm_sign_up(UserPoolId=pool_id, Username="pat")
    cognito_idp_client.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username="pat",
        UserAttributes=[{"Name": "email_verified", "Value": "true"}],
    )
    access_token = cognito_idp_client.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "pat", "PASSWORD": "first!pass"},
    )["AuthenticationResult"]["AccessToken"]

    with pytest.raises(ClientError) as change:
        cognito_idp_client.change_password(
            AccessToken=access_token, PreviousPassword="first!pass", ProposedPassword="nosymbols"
        )
    cognito_idp_client.forgot_password(ClientId=client_id, Username="pat")
    with pytest.raises(ClientError) as reset:
        cognito_idp_client.confirm_forgot_password(
            ClientId=client_id,
            Username="pat",
            ConfirmationCode=cognito_emulator.latest_code(pool_id, "pat"),
            Password="nosymbols",
        )

    for error in (change, reset):
        assert error.value.response["Error"] == {
            "Code": "InvalidPasswordException",
            "Message": POLICY_PREFIX + "Password must have symbol characters",
        }
