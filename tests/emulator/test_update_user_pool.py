"""UpdateUserPool changes what it can and keeps what only CreateUserPool sets.

UpdateUserPool's request has no UsernameConfiguration, UsernameAttributes or AliasAttributes
(botocore's service model, the API reference's request syntax): how usernames work is fixed when
the pool is created. moto's update replaces the pool's whole configuration, so without the
emulator's fix a case-insensitive pool became case sensitive after any update, and provisioning
run a second time (which updates the pool) would have broken every mixed-case sign-in.
"""

from __future__ import annotations

import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.pool_definition import (
    user_pool_mfa_config_request,
    user_pool_request,
    user_pool_update_request,
)
from cognito_emulator.server import EmulatorServer


def test_a_case_insensitive_pool_stays_so_after_an_update(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool_id = cognito_idp_client.create_user_pool(**user_pool_request("updated"))["UserPool"]["Id"]
    cognito_idp_client.admin_create_user(UserPoolId=pool_id, Username="Alice")
    cognito_idp_client.set_user_pool_mfa_config(**user_pool_mfa_config_request(pool_id))
    update = user_pool_update_request(pool_id, deletion_protection=False)
    update["Policies"]["PasswordPolicy"]["MinimumLength"] = 12

    cognito_idp_client.update_user_pool(**update)

    pool = cognito_idp_client.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert pool["UsernameConfiguration"] == {"CaseSensitive": False}
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 12
    found = cognito_idp_client.admin_get_user(UserPoolId=pool_id, Username="ALICE")
    assert found["Username"] == "alice"


@pytest.mark.parametrize(
    "created_with",
    [{"UsernameAttributes": ["email"]}, {"AliasAttributes": ["email", "preferred_username"]}],
)
def test_sign_in_attributes_stay_after_an_update(
    created_with: dict[str, list[str]],
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    request = {**user_pool_request("updated"), **created_with}
    pool_id = cognito_idp_client.create_user_pool(**request)["UserPool"]["Id"]
    cognito_idp_client.set_user_pool_mfa_config(**user_pool_mfa_config_request(pool_id))

    cognito_idp_client.update_user_pool(
        **user_pool_update_request(pool_id, deletion_protection=False)
    )

    pool = cognito_idp_client.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert {key: pool.get(key) for key in created_with} == created_with
