"""UpdateUserPool changes what it can and keeps what only CreateUserPool sets.

UpdateUserPool's request has no UsernameConfiguration, UsernameAttributes or AliasAttributes
(botocore's service model, the API reference's request syntax): how usernames work is fixed when
the pool is created. moto's update replaces the pool's whole configuration, so without the
emulator's fix a case-insensitive pool became case sensitive after any update, and deploying the
kit's template a second time (which updates the pool) would have broken every mixed-case
sign-in. Each update here is such a second deployment.
"""

from __future__ import annotations

import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.cloudformation.kit_template import USER_POOL, kit_template
from cognito_emulator.server import EmulatorServer
from tests.emulator.kit_pools import kit_pool


def test_a_case_insensitive_pool_stays_so_after_an_update(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool_id = kit_pool(cognito_emulator, "updated").user_pool_id
    cognito_idp_client.admin_create_user(UserPoolId=pool_id, Username="Alice")
    policies = kit_template().edited_body()["Resources"][USER_POOL]["Properties"]["Policies"]
    policies["PasswordPolicy"]["MinimumLength"] = 12

    assert kit_pool(cognito_emulator, "updated", {"Policies": policies}).user_pool_id == pool_id

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
    pool_id = kit_pool(cognito_emulator, "updated", created_with).user_pool_id

    assert kit_pool(cognito_emulator, "updated", created_with).user_pool_id == pool_id

    pool = cognito_idp_client.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert {key: pool.get(key) for key in created_with} == created_with
