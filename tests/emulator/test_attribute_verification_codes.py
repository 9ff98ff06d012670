"""Attribute verification keeps one code per attribute: asking for a phone code does not replace
the email's, and a code verifies only the attribute it was sent for."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import CognitoUser
from cognito_emulator.server import EmulatorServer

MISMATCH = {
    "Code": "CodeMismatchException",
    "Message": "Invalid verification code provided, please try again.",
}


def test_email_and_phone_codes_are_kept_apart(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_idp_client: Any,
) -> None:
    token = cognito_user.access_token
    cognito_idp_client.admin_update_user_attributes(
        UserPoolId=cognito_pool.user_pool_id,
        Username=cognito_user.username,
        UserAttributes=[{"Name": "phone_number", "Value": "+15555550100"}],
    )

    def code_for(attribute: str) -> str:
        cognito_idp_client.get_user_attribute_verification_code(
            AccessToken=token, AttributeName=attribute
        )
        messages = cognito_emulator.outbox(cognito_pool.user_pool_id, cognito_user.username)
        return str(messages[-1]["code"])

    email_code = code_for("email")
    phone_code = code_for("phone_number")

    with pytest.raises(ClientError) as crossed:
        cognito_idp_client.verify_user_attribute(
            AccessToken=token, AttributeName="email", Code=phone_code
        )
    assert {k: crossed.value.response["Error"][k] for k in ("Code", "Message")} == MISMATCH
    cognito_idp_client.verify_user_attribute(
        AccessToken=token, AttributeName="email", Code=email_code
    )
    cognito_idp_client.verify_user_attribute(
        AccessToken=token, AttributeName="phone_number", Code=phone_code
    )
    attributes = cognito_idp_client.get_user(AccessToken=token)["UserAttributes"]
    verified = {a["Name"]: a["Value"] for a in attributes if a["Name"].endswith("_verified")}
    assert verified == {"email_verified": "true", "phone_number_verified": "true"}
