"""UsernameConfiguration CaseSensitive=False: any capitalization names the same user.

AWS API reference, UsernameConfigurationType: with CaseSensitive False "users can sign in using
username, USERNAME, or UserName"; without it (the API's default) a pool is case sensitive.
AWS developer guide, "User pool case sensitivity": "Mixed-case attribute values in
case-insensitive user pools are flattened to lowercase in user pool text output", such as
GetUser's; so the emulator stores such a pool's usernames in lower case, and answers and signs
tokens with that form. Plain moto ignores the setting: `Alice` and `alice` are two users there.
"""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import secret_hash
from cognito_emulator.server import EmulatorServer
from tests.emulator.kit_pools import kit_pool

PASSWORD = "Correct-Horse-7"


def make_pool(
    emulator: EmulatorServer, *, case_sensitive: bool | None, **settings: Any
) -> PoolConfig:
    """The kit's pool and app client (with a secret), the pool's `settings` added;
    `case_sensitive` None leaves UsernameConfiguration out."""
    configured = (
        {}
        if case_sensitive is None
        else {"UsernameConfiguration": {"CaseSensitive": case_sensitive}}
    )
    return kit_pool(
        emulator, "usernames", {**settings, **configured}, left_out=["UsernameConfiguration"]
    )


@pytest.fixture
def pool(cognito_emulator: EmulatorServer) -> PoolConfig:
    return make_pool(cognito_emulator, case_sensitive=False)


def hashed(pool: PoolConfig, username: str) -> str:
    return secret_hash(username, pool.client_id, pool.client_secret)


def sign_up(client: Any, pool: PoolConfig, username: str, email: str | None = None) -> Any:
    return client.sign_up(
        ClientId=pool.client_id,
        SecretHash=hashed(pool, username),
        Username=username,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": email or f"{username}@example.com"}],
    )


def confirmed(emulator: EmulatorServer, client: Any, pool: PoolConfig, username: str) -> None:
    """Sign `username` up and confirm them with the code from the outbox."""
    sign_up(client, pool, username)
    code = emulator.outbox(pool_id=pool.user_pool_id)[-1]["code"]
    client.confirm_sign_up(
        ClientId=pool.client_id,
        SecretHash=hashed(pool, username),
        Username=username,
        ConfirmationCode=code,
    )


def log_in(client: Any, pool: PoolConfig, username: str, password: str = PASSWORD) -> Any:
    return client.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": username,
            "PASSWORD": password,
            "SECRET_HASH": hashed(pool, username),
        },
    )


def answer(client: Any, pool: PoolConfig, challenge: Any, **responses: str) -> Any:
    """RespondToAuthChallenge in the challenge's session, with the SECRET_HASH of the USERNAME
    answered; returns the AuthenticationResult."""
    responses["SECRET_HASH"] = hashed(pool, responses["USERNAME"])
    return client.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName=challenge["ChallengeName"],
        Session=challenge["Session"],
        ChallengeResponses=responses,
    )["AuthenticationResult"]


def error_code(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    code: str = raised.value.response["Error"]["Code"]
    return code


def claims(token: str) -> dict[str, Any]:
    # The signature is checked against the JWKS in test_backend_tokens; here only the names.
    decoded: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return decoded


def test_sign_up_stores_the_username_in_lower_case(
    pool: PoolConfig, cognito_idp_client: Any
) -> None:
    sign_up(cognito_idp_client, pool, "Alice")

    user = cognito_idp_client.admin_get_user(UserPoolId=pool.user_pool_id, Username="ALICE")
    assert user["Username"] == "alice"
    listed = cognito_idp_client.list_users(UserPoolId=pool.user_pool_id)["Users"]
    assert [entry["Username"] for entry in listed] == ["alice"]


def test_the_same_name_in_another_case_is_taken(pool: PoolConfig, cognito_idp_client: Any) -> None:
    sign_up(cognito_idp_client, pool, "Alice")

    assert error_code(sign_up, client=cognito_idp_client, pool=pool, username="aLiCe") == (
        "UsernameExistsException"
    )
    assert error_code(
        cognito_idp_client.admin_create_user,
        UserPoolId=pool.user_pool_id,
        Username="ALICE",
        MessageAction="SUPPRESS",
    ) == ("UsernameExistsException")


def test_any_case_confirms_signs_in_and_refreshes(
    cognito_emulator: EmulatorServer, pool: PoolConfig, cognito_idp_client: Any
) -> None:
    """SECRET_HASH is over the username as sent; the tokens name the stored username."""
    confirmed(cognito_emulator, cognito_idp_client, pool, "Alice")

    tokens = log_in(cognito_idp_client, pool, "ALICE")["AuthenticationResult"]
    admin = cognito_idp_client.admin_initiate_auth(
        UserPoolId=pool.user_pool_id,
        ClientId=pool.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": "aLICE",
            "PASSWORD": PASSWORD,
            "SECRET_HASH": hashed(pool, "aLICE"),
        },
    )["AuthenticationResult"]

    assert claims(tokens["AccessToken"])["username"] == "alice"
    assert claims(tokens["IdToken"])["cognito:username"] == "alice"
    assert claims(admin["AccessToken"])["username"] == "alice"
    assert cognito_idp_client.get_user(AccessToken=tokens["AccessToken"])["Username"] == "alice"
    refreshed = cognito_idp_client.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={
            "REFRESH_TOKEN": tokens["RefreshToken"],
            "SECRET_HASH": hashed(pool, "alice"),
        },
    )["AuthenticationResult"]
    assert claims(refreshed["AccessToken"])["username"] == "alice"


def test_any_case_signs_in_over_srp(
    cognito_emulator: EmulatorServer, pool: PoolConfig, cognito_idp_client: Any
) -> None:
    """pycognito's SRP client (which signs in to real Cognito) proves the password for the
    USER_ID_FOR_SRP the challenge names, whatever case the user typed."""
    confirmed(cognito_emulator, cognito_idp_client, pool, "Alice")
    srp = AWSSRP(
        username="ALICE",
        password=PASSWORD,
        pool_id=pool.user_pool_id,
        client_id=pool.client_id,
        client=cognito_idp_client,
        client_secret=pool.client_secret,
    )

    tokens = srp.authenticate_user()["AuthenticationResult"]

    assert claims(tokens["AccessToken"])["username"] == "alice"


def test_the_new_password_challenge_takes_any_case(
    pool: PoolConfig, cognito_idp_client: Any
) -> None:
    """moto runs the challenge and finds users by their exact username: the emulator hands it
    the stored one."""
    cognito_idp_client.admin_create_user(
        UserPoolId=pool.user_pool_id,
        Username="Zoe",
        TemporaryPassword="Temp0rary!",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": "zoe@example.com"}],
    )
    challenge = log_in(cognito_idp_client, pool, "ZOE", "Temp0rary!")
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"

    tokens = answer(cognito_idp_client, pool, challenge, USERNAME="ZOE", NEW_PASSWORD=PASSWORD)

    assert claims(tokens["AccessToken"])["username"] == "zoe"
    assert log_in(cognito_idp_client, pool, "zoe")["AuthenticationResult"]


def test_an_mfa_answer_in_another_case_signs_the_user_in(
    cognito_emulator: EmulatorServer, pool: PoolConfig, cognito_idp_client: Any
) -> None:
    """The answer's USERNAME, in any case, names the user the challenge was for; its
    SECRET_HASH is over the username as the caller spells it."""
    confirmed(cognito_emulator, cognito_idp_client, pool, "Alice")
    cognito_idp_client.set_user_pool_mfa_config(
        UserPoolId=pool.user_pool_id,
        MfaConfiguration="OPTIONAL",
        SmsMfaConfiguration={
            "SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::123456789012:role/sns"}
        },
    )
    cognito_idp_client.admin_update_user_attributes(
        UserPoolId=pool.user_pool_id,
        Username="alice",
        UserAttributes=[{"Name": "phone_number", "Value": "+15555550100"}],
    )
    cognito_idp_client.admin_set_user_mfa_preference(
        UserPoolId=pool.user_pool_id,
        Username="alice",
        SMSMfaSettings={"Enabled": True, "PreferredMfa": True},
    )
    challenge = log_in(cognito_idp_client, pool, "ALICE")
    assert challenge["ChallengeName"] == "SMS_MFA"
    code = cognito_emulator.outbox(pool_id=pool.user_pool_id, username="alice")[-1]["code"]

    tokens = answer(cognito_idp_client, pool, challenge, USERNAME="ALICE", SMS_MFA_CODE=code)

    assert claims(tokens["AccessToken"])["username"] == "alice"


def test_administrators_name_the_user_in_any_case(
    cognito_emulator: EmulatorServer, pool: PoolConfig, cognito_idp_client: Any
) -> None:
    """Operations the emulator passes on to moto too (groups, attributes, enabling)."""
    confirmed(cognito_emulator, cognito_idp_client, pool, "Alice")
    cognito_idp_client.create_group(UserPoolId=pool.user_pool_id, GroupName="staff")

    cognito_idp_client.admin_add_user_to_group(
        UserPoolId=pool.user_pool_id, Username="ALICE", GroupName="staff"
    )
    cognito_idp_client.admin_update_user_attributes(
        UserPoolId=pool.user_pool_id,
        Username="aLiCe",
        UserAttributes=[{"Name": "name", "Value": "Alice A."}],
    )
    cognito_idp_client.admin_disable_user(UserPoolId=pool.user_pool_id, Username="ALICE")
    cognito_idp_client.admin_enable_user(UserPoolId=pool.user_pool_id, Username="Alice")

    groups = cognito_idp_client.admin_list_groups_for_user(
        UserPoolId=pool.user_pool_id, Username="alice"
    )["Groups"]
    assert [group["GroupName"] for group in groups] == ["staff"]
    user = cognito_idp_client.admin_get_user(UserPoolId=pool.user_pool_id, Username="ALICE")
    assert {"Name": "name", "Value": "Alice A."} in user["UserAttributes"]
    assert user["Enabled"] is True
    tokens = log_in(cognito_idp_client, pool, "Alice")["AuthenticationResult"]
    assert claims(tokens["AccessToken"])["cognito:groups"] == ["staff"]

    cognito_idp_client.admin_delete_user(UserPoolId=pool.user_pool_id, Username="ALICE")
    assert cognito_idp_client.list_users(UserPoolId=pool.user_pool_id)["Users"] == []


def test_password_recovery_takes_any_case(
    cognito_emulator: EmulatorServer, pool: PoolConfig, cognito_idp_client: Any
) -> None:
    confirmed(cognito_emulator, cognito_idp_client, pool, "Alice")

    cognito_idp_client.forgot_password(
        ClientId=pool.client_id, Username="ALICE", SecretHash=hashed(pool, "ALICE")
    )
    message = cognito_emulator.outbox(pool_id=pool.user_pool_id)[-1]
    assert (message["purpose"], message["username"]) == ("forgot_password", "alice")
    cognito_idp_client.confirm_forgot_password(
        ClientId=pool.client_id,
        Username="aLiCe",
        SecretHash=hashed(pool, "aLiCe"),
        ConfirmationCode=message["code"],
        Password="Battery-Staple-8",
    )

    assert log_in(cognito_idp_client, pool, "alice", "Battery-Staple-8")["AuthenticationResult"]


def test_an_email_username_matches_in_any_case(
    cognito_emulator: EmulatorServer, cognito_idp_client: Any
) -> None:
    """With UsernameAttributes=[email], the email alias is case insensitive too."""
    pool = make_pool(cognito_emulator, case_sensitive=False, UsernameAttributes=["email"])
    sign_up(cognito_idp_client, pool, "Bob@Example.com", email="Bob@Example.com")
    cognito_idp_client.admin_confirm_sign_up(
        UserPoolId=pool.user_pool_id, Username="bob@example.com"
    )

    assert error_code(
        sign_up, client=cognito_idp_client, pool=pool, username="BOB@example.com"
    ) == ("UsernameExistsException")
    tokens = log_in(cognito_idp_client, pool, "bob@EXAMPLE.com")["AuthenticationResult"]
    assert claims(tokens["IdToken"])["email"] == "bob@example.com"


def test_a_pool_without_username_configuration_stays_case_sensitive(
    cognito_emulator: EmulatorServer, cognito_idp_client: Any
) -> None:
    """The API's default: Alice and alice are two users, and ALICE is neither."""
    pool = make_pool(cognito_emulator, case_sensitive=None)
    sign_up(cognito_idp_client, pool, "Alice")
    sign_up(cognito_idp_client, pool, "alice")

    listed = cognito_idp_client.list_users(UserPoolId=pool.user_pool_id)["Users"]
    assert sorted(entry["Username"] for entry in listed) == ["Alice", "alice"]
    assert error_code(
        cognito_idp_client.admin_get_user, UserPoolId=pool.user_pool_id, Username="ALICE"
    ) == ("UserNotFoundException")


def test_the_outbox_finds_a_users_codes_by_any_capitalization(
    cognito_emulator: EmulatorServer, cognito_idp_client: Any, pool: PoolConfig
) -> None:
    sign_up(cognito_idp_client, pool, "Dana")

    for asked_as in ("Dana", "dana", "DANA"):
        messages = cognito_emulator.outbox(pool.user_pool_id, asked_as)
        assert [(m["username"], m["purpose"]) for m in messages] == [("dana", "sign_up")]
    assert cognito_emulator.outbox(pool.user_pool_id, "Dan") == []


def test_a_case_sensitive_pools_outbox_matches_the_exact_username(
    cognito_emulator: EmulatorServer, cognito_idp_client: Any
) -> None:
    strict = make_pool(cognito_emulator, case_sensitive=None)
    sign_up(cognito_idp_client, strict, "Dana")

    assert len(cognito_emulator.outbox(strict.user_pool_id, "Dana")) == 1
    assert cognito_emulator.outbox(strict.user_pool_id, "dana") == []
