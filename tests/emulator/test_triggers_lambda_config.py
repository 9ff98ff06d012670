"""A pool's LambdaConfig through boto3: checked as Cognito checks it, stored, described.

CreateUserPool and UpdateUserPool take LambdaConfig (API_LambdaConfigType); DescribeUserPool
returns it. PreTokenGeneration and PreTokenGenerationConfig.LambdaArn "have the same value"
(API_PreTokenGenerationVersionConfigType), so setting either shows both.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.server import EmulatorServer
from cognito_emulator.triggers.lambda_config import (
    TRIGGERS,
    function_arn,
    normalized,
    token_generation_version,
)


def arn(name: str) -> str:
    return f"arn:aws:lambda:us-east-1:123456789012:function:{name}"


# Cognito's pattern for every ARN in LambdaConfig (ArnType), as its error message quotes it.
ARN_PATTERN = (
    r"arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+"
    r"(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?"
)


def error_of(call: Any, **params: Any) -> dict[str, str]:
    with pytest.raises(ClientError) as refused:
        call(**params)
    error = refused.value.response["Error"]
    return {"Code": error.get("Code", ""), "Message": error.get("Message", "")}


def test_every_trigger_set_at_creation_is_described(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    config: Any = {trigger: arn(trigger.lower()) for trigger in TRIGGERS}

    created = cognito_idp_client.create_user_pool(PoolName="triggers", LambdaConfig=config)
    pool_id = created["UserPool"]["Id"]
    described = cognito_idp_client.describe_user_pool(UserPoolId=pool_id)["UserPool"]

    expected = {
        **config,
        "PreTokenGenerationConfig": {
            "LambdaArn": arn("pretokengeneration"),
            "LambdaVersion": "V1_0",
        },
    }
    assert created["UserPool"]["LambdaConfig"] == expected
    assert described["LambdaConfig"] == expected


@pytest.mark.parametrize("version", ["V1_0", "V2_0", "V3_0"])
def test_a_versioned_pre_token_generation_function_is_also_the_plain_one(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    version: Any,
) -> None:
    versioned: Any = {"LambdaArn": arn("claims"), "LambdaVersion": version}

    pool_id = cognito_idp_client.create_user_pool(
        PoolName="tokens", LambdaConfig={"PreTokenGenerationConfig": versioned}
    )["UserPool"]["Id"]

    assert cognito_idp_client.describe_user_pool(UserPoolId=pool_id)["UserPool"][
        "LambdaConfig"
    ] == {"PreTokenGeneration": arn("claims"), "PreTokenGenerationConfig": versioned}


def test_both_names_of_the_same_pre_token_generation_function_are_accepted(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    config: Any = {
        "PreTokenGeneration": arn("claims"),
        "PreTokenGenerationConfig": {"LambdaArn": arn("claims"), "LambdaVersion": "V2_0"},
    }

    created = cognito_idp_client.create_user_pool(PoolName="tokens", LambdaConfig=config)

    assert created["UserPool"]["LambdaConfig"] == config


def test_two_different_pre_token_generation_functions_are_refused(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    # The wording is ours: no example of Cognito's own message was found.
    error = error_of(
        cognito_idp_client.create_user_pool,
        PoolName="tokens",
        LambdaConfig={
            "PreTokenGeneration": arn("one"),
            "PreTokenGenerationConfig": {"LambdaArn": arn("other"), "LambdaVersion": "V2_0"},
        },
    )

    assert error == {
        "Code": "InvalidParameterException",
        "Message": "PreTokenGeneration and PreTokenGenerationConfig.LambdaArn must name the "
        "same function.",
    }


def test_a_version_pre_token_generation_does_not_have_is_refused(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    error = error_of(
        cognito_idp_client.create_user_pool,
        PoolName="tokens",
        LambdaConfig={
            "PreTokenGenerationConfig": {"LambdaArn": arn("claims"), "LambdaVersion": "V4_0"}
        },
    )

    assert error == {
        "Code": "InvalidParameterException",
        "Message": "1 validation error detected: Value 'V4_0' at "
        "'lambdaConfig.preTokenGenerationConfig.lambdaVersion' failed to satisfy constraint: "
        "Member must satisfy enum value set: [V1_0, V2_0, V3_0]",
    }


def test_a_malformed_arn_is_refused_with_cognitos_message(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    # Cognito's answer to this very value, quoted in aws-amplify/amplify-js#3731.
    error = error_of(
        cognito_idp_client.create_user_pool,
        PoolName="triggers",
        LambdaConfig={"CustomMessage": "functionvdp3dcf8667CustomMessageArn"},
    )

    assert error == {
        "Code": "InvalidParameterException",
        "Message": "1 validation error detected: Value 'functionvdp3dcf8667CustomMessageArn' "
        "at 'lambdaConfig.customMessage' failed to satisfy constraint: Member must satisfy "
        f"regular expression pattern: {ARN_PATTERN}",
    }


def test_a_malformed_arn_inside_a_versioned_member_names_its_path(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    error = error_of(
        cognito_idp_client.create_user_pool,
        PoolName="triggers",
        LambdaConfig={
            "CustomSMSSender": {
                "LambdaArn": "not an arn, though long enough",
                "LambdaVersion": "V1_0",
            }
        },
    )

    assert error["Message"] == (
        "1 validation error detected: Value 'not an arn, though long enough' at "
        "'lambdaConfig.customSMSSender.lambdaArn' failed to satisfy constraint: Member must "
        f"satisfy regular expression pattern: {ARN_PATTERN}"
    )


def test_a_refused_update_leaves_the_triggers_as_they_were(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    pool_id = cognito_pool.user_pool_id
    cognito_idp_client.update_user_pool(UserPoolId=pool_id, LambdaConfig={"PreSignUp": arn("gate")})

    error = error_of(
        cognito_idp_client.update_user_pool,
        UserPoolId=pool_id,
        LambdaConfig={"PreSignUp": "functionvdp3dcf8667CustomMessageArn"},
    )

    assert error["Code"] == "InvalidParameterException"
    described = cognito_idp_client.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert described["LambdaConfig"] == {"PreSignUp": arn("gate")}


def test_update_user_pool_replaces_the_triggers_and_without_lambda_config_removes_them(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    """UpdateUserPool sets what a request leaves out to its default (API_UpdateUserPool)."""
    pool_id = cognito_pool.user_pool_id
    cognito_idp_client.update_user_pool(
        UserPoolId=pool_id,
        LambdaConfig={"PreSignUp": arn("gate"), "PostConfirmation": arn("welcome")},
    )
    cognito_idp_client.update_user_pool(
        UserPoolId=pool_id, LambdaConfig={"PreAuthentication": arn("audit")}
    )
    replaced = cognito_idp_client.describe_user_pool(UserPoolId=pool_id)["UserPool"]

    cognito_idp_client.update_user_pool(UserPoolId=pool_id)
    removed = cognito_idp_client.describe_user_pool(UserPoolId=pool_id)["UserPool"]

    assert replaced["LambdaConfig"] == {"PreAuthentication": arn("audit")}
    # Cognito describes a pool without triggers with "LambdaConfig": {} (aws-cli's
    # describe-user-pool example); the emulator leaves the member out. Both say: none.
    assert removed.get("LambdaConfig", {}) == {}


def test_senders_and_their_key_are_stored_and_described_with_a_warning_they_never_run(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    config: Any = {
        "CustomEmailSender": {"LambdaArn": arn("mailer"), "LambdaVersion": "V1_0"},
        "KMSKeyID": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    }

    with caplog.at_level(logging.WARNING, logger="cognito_emulator.triggers"):
        created = cognito_idp_client.create_user_pool(PoolName="senders", LambdaConfig=config)

    assert created["UserPool"]["LambdaConfig"] == config
    assert [record.getMessage() for record in caplog.records] == [
        "LambdaConfig.CustomEmailSender is stored but never invoked: the emulator delivers "
        "every message to its outbox and has no federation"
    ]


# -- reading a pool's settings ------------------------------------------------------------------


def test_normalized_keeps_only_lambda_config_members() -> None:
    assert normalized({"PreSignUp": arn("gate"), "Unknown": "x"}) == {"PreSignUp": arn("gate")}


def test_function_arn_is_the_arn_configured_for_that_trigger() -> None:
    settings = {"LambdaConfig": {"PreSignUp": arn("gate")}}

    assert function_arn(settings, "PreSignUp") == arn("gate")
    assert function_arn(settings, "PostConfirmation") is None
    assert function_arn({}, "PreSignUp") is None
    assert function_arn({"LambdaConfig": {}}, "PreSignUp") is None


@pytest.mark.parametrize(
    ("lambda_config", "version"),
    [
        ({}, "1"),
        ({"PreTokenGeneration": arn("claims")}, "1"),
        ({"PreTokenGenerationConfig": {"LambdaArn": arn("c"), "LambdaVersion": "V1_0"}}, "1"),
        ({"PreTokenGenerationConfig": {"LambdaArn": arn("c"), "LambdaVersion": "V2_0"}}, "2"),
        ({"PreTokenGenerationConfig": {"LambdaArn": arn("c"), "LambdaVersion": "V3_0"}}, "3"),
    ],
)
def test_token_generation_version_follows_lambda_version(
    lambda_config: dict[str, Any], version: str
) -> None:
    assert token_generation_version({"LambdaConfig": normalized(lambda_config)}) == version
