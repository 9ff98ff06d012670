"""The checks' pool as Cognito reads it back: the MFA, sign-in and client settings they rely on."""

from __future__ import annotations

from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.server import EmulatorServer
from sdk_checks.pool import CLIENT_AUTH_FLOWS, create_check_pool


def test_the_pool_offers_totp_and_email_mfa_and_passwordless_email_sign_in(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = create_check_pool(cognito_idp_client, cognito_emulator.endpoint_url, "us-east-1")

    mfa = cognito_idp_client.get_user_pool_mfa_config(UserPoolId=pool.user_pool_id)
    described = cognito_idp_client.describe_user_pool(UserPoolId=pool.user_pool_id)["UserPool"]
    assert mfa["MfaConfiguration"] == "OPTIONAL"
    assert mfa["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
    assert mfa["EmailMfaConfiguration"] == {
        "Subject": "Your sign-in code",
        "Message": "Your code is {####}",
    }
    assert described["Policies"]["SignInPolicy"] == {
        "AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]
    }


def test_both_clients_are_public_and_only_the_second_rotates_refresh_tokens(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = create_check_pool(cognito_idp_client, cognito_emulator.endpoint_url, "us-east-1")

    clients = [
        cognito_idp_client.describe_user_pool_client(
            UserPoolId=pool.user_pool_id, ClientId=client_id
        )["UserPoolClient"]
        for client_id in (pool.client_id, pool.rotating_client_id)
    ]
    assert [client.get("ClientSecret") for client in clients] == [None, None]
    assert [client["ExplicitAuthFlows"] for client in clients] == [CLIENT_AUTH_FLOWS] * 2
    rotating = [
        client.get("RefreshTokenRotation", {}).get("Feature") == "ENABLED" for client in clients
    ]
    assert rotating == [False, True]
    assert pool.sdk_config() == {
        "endpoint": cognito_emulator.endpoint_url,
        "region": "us-east-1",
        "userPoolId": pool.user_pool_id,
        "clientId": pool.client_id,
        "rotatingClientId": pool.rotating_client_id,
    }
