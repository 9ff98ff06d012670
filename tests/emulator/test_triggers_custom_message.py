"""The CustomMessage trigger: each code's message text comes from it, and the outbox records it.

The expected event is AWS's (user-pool-lambda-custom-message.md) as real pools send it — the
placeholders codeParameter "{####}" and linkParameter "{##Click Here##}", usernameParameter null
outside AdminCreateUser, and a response of three nulls — as logged from real pools in public
handlers' tests (e.g. a CustomMessage_ForgotPassword event with "usernameParameter": null and
"response": {"smsMessage": null, "emailMessage": null, "emailSubject": null}).
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import CognitoLambdas, CognitoUser, secret_hash
from cognito_emulator.server import EmulatorServer


class Recorder:
    def __init__(self, **response: Any) -> None:
        self.events: list[dict[str, Any]] = []
        self._response = response

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.events.append(event)
        event["response"].update(self._response)
        return event


WELCOME = {
    "emailSubject": "Welcome to the service",
    "emailMessage": "Thank you for signing up. {####} is your verification code",
}


def sign_up(client: CognitoIdentityProviderClient, pool: PoolConfig, username: str) -> str:
    return client.sign_up(
        ClientId=pool.client_id,
        SecretHash=secret_hash(username, pool.client_id, pool.client_secret),
        Username=username,
        Password="Passw0rd!",
        UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
        ClientMetadata={"locale": "en"},
    )["UserSub"]


def test_sign_up_asks_custom_message_for_the_text_and_the_outbox_records_it(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    handler = Recorder(**WELCOME)
    cognito_lambdas.register("custom-message", handler)
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, CustomMessage="custom-message")

    sub = sign_up(cognito_idp_client, cognito_pool, "ann")

    assert handler.events == [
        {
            "version": "1",
            "triggerSource": "CustomMessage_SignUp",
            "region": "us-east-1",
            "userPoolId": cognito_pool.user_pool_id,
            "userName": "ann",
            "callerContext": {
                "awsSdkVersion": "aws-sdk-unknown-unknown",
                "clientId": cognito_pool.client_id,
            },
            "request": {
                "userAttributes": {
                    "sub": sub,
                    "email": "ann@example.com",
                    "cognito:user_status": "UNCONFIRMED",
                },
                "codeParameter": "{####}",
                "linkParameter": "{##Click Here##}",
                "usernameParameter": None,
                "clientMetadata": {"locale": "en"},
            },
            "response": {
                "smsMessage": None,
                "emailMessage": "Thank you for signing up. {####} is your verification code",
                "emailSubject": "Welcome to the service",
            },
        }
    ]
    [message] = cognito_emulator.outbox(cognito_pool.user_pool_id, "ann")
    assert message["subject"] == "Welcome to the service"
    assert message["message"] == (
        f"Thank you for signing up. {message['code']} is your verification code"
    )


def test_a_null_answer_keeps_the_pools_own_message(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    cognito_lambdas.register("custom-message", Recorder())
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, CustomMessage="custom-message")

    sign_up(cognito_idp_client, cognito_pool, "ann")

    [message] = cognito_emulator.outbox(cognito_pool.user_pool_id, "ann")
    assert message["subject"] == "Your verification code"
    assert message["message"] == f"Your verification code is {message['code']}. "


@pytest.mark.parametrize(
    "response",
    [
        pytest.param({"emailMessage": "Welcome aboard"}, id="no-code-placeholder"),
        pytest.param({"emailMessage": 42}, id="not-a-string"),
    ],
)
def test_a_message_that_cannot_carry_the_code_is_unrecognizable(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
    response: dict[str, Any],
) -> None:
    """The message "Must include the codeParameter value received in the request"
    (user-pool-lambda-custom-message.md). No message is sent."""
    cognito_lambdas.register("custom-message", Recorder(**response))
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, CustomMessage="custom-message")

    with pytest.raises(ClientError) as raised:
        sign_up(cognito_idp_client, cognito_pool, "ann")

    error = raised.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "InvalidLambdaResponseException",
        "Unrecognizable lambda output",
    )
    assert cognito_emulator.outbox(cognito_pool.user_pool_id) == []


def test_each_code_names_its_own_source(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    """The trigger sources of user-pool-lambda-custom-message.md, one per way a code is sent."""
    handler = Recorder()
    cognito_lambdas.register("custom-message", handler)
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, CustomMessage="custom-message")
    hashed = secret_hash(cognito_user.username, cognito_pool.client_id, cognito_pool.client_secret)
    sign_up(cognito_idp_client, cognito_pool, "bob")

    cognito_idp_client.resend_confirmation_code(
        ClientId=cognito_pool.client_id,
        SecretHash=secret_hash("bob", cognito_pool.client_id, cognito_pool.client_secret),
        Username="bob",
    )
    cognito_idp_client.forgot_password(
        ClientId=cognito_pool.client_id, SecretHash=hashed, Username=cognito_user.username
    )
    cognito_idp_client.get_user_attribute_verification_code(
        AccessToken=cognito_user.access_token, AttributeName="email"
    )
    cognito_idp_client.admin_reset_user_password(
        UserPoolId=cognito_pool.user_pool_id, Username=cognito_user.username
    )
    cognito_idp_client.update_user_attributes(
        AccessToken=cognito_user.access_token,
        UserAttributes=[{"Name": "email", "Value": "new@example.com"}],
    )

    assert [(e["triggerSource"], e["callerContext"]["clientId"]) for e in handler.events] == [
        ("CustomMessage_SignUp", cognito_pool.client_id),
        ("CustomMessage_ResendCode", cognito_pool.client_id),
        ("CustomMessage_ForgotPassword", cognito_pool.client_id),
        ("CustomMessage_VerifyUserAttribute", cognito_pool.client_id),
        ("CustomMessage_ForgotPassword", "CLIENT_ID_NOT_APPLICABLE"),
        ("CustomMessage_UpdateUserAttribute", cognito_pool.client_id),
    ]
    messages = cognito_emulator.outbox(cognito_pool.user_pool_id)
    assert len(messages) == 1 + 6  # cognito_user's own sign-up code, then these six
