"""The user pool the SDK checks run in, created through boto3 as a project would create its own.

One pool with everything the checks use: optional MFA with TOTP and email codes, choice-based
sign-in with password or an emailed code first, and two public app clients (SDKs in browsers
and apps have no client secret): one with the classic flows, one with refresh-token rotation,
which is what Amplify v6 refreshes on (GetTokensFromRefreshToken). The emulator sends no email,
but Cognito takes EmailMfaConfiguration only from a pool that sends through SES (DEVELOPER), on
the Essentials plan or above, so the pool says so as a real one would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_cognito_idp.literals import ExplicitAuthFlowsTypeType

SENDER = "no-reply@example.com"
# Only the region and account matter to Cognito's checks; the emulator's account is 123456789012.
SENDER_ARN = f"arn:aws:ses:us-east-1:123456789012:identity/{SENDER}"
CLIENT_AUTH_FLOWS: list[ExplicitAuthFlowsTypeType] = [
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
]


@dataclass(frozen=True)
class CheckPool:
    """Where the SDKs are pointed: what an app's configuration would hold."""

    endpoint_url: str
    region: str
    user_pool_id: str
    client_id: str
    rotating_client_id: str

    def sdk_config(self) -> dict[str, str]:
        """The Node scripts' configuration (their SDK_CHECKS_CONFIG)."""
        return {
            "endpoint": self.endpoint_url,
            "region": self.region,
            "userPoolId": self.user_pool_id,
            "clientId": self.client_id,
            "rotatingClientId": self.rotating_client_id,
        }


def create_check_pool(
    idp: CognitoIdentityProviderClient, endpoint_url: str, region: str
) -> CheckPool:
    """Create the pool, its MFA configuration and both clients; Cognito's errors propagate."""
    pool_id = idp.create_user_pool(
        PoolName="sdk-checks",
        AutoVerifiedAttributes=["email"],
        UserPoolTier="ESSENTIALS",
        EmailConfiguration={
            "EmailSendingAccount": "DEVELOPER",
            "SourceArn": SENDER_ARN,
            "From": SENDER,
        },
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}},
    )["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration="OPTIONAL",
        SoftwareTokenMfaConfiguration={"Enabled": True},
        EmailMfaConfiguration={"Subject": "Your sign-in code", "Message": "Your code is {####}"},
    )
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="sdk-checks", ExplicitAuthFlows=CLIENT_AUTH_FLOWS
    )["UserPoolClient"]["ClientId"]
    rotating_client_id = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="sdk-checks-rotating",
        # With rotation, refresh is GetTokensFromRefreshToken only (API reference,
        # RefreshTokenRotationType): what Amplify v6 calls.
        ExplicitAuthFlows=CLIENT_AUTH_FLOWS,
        RefreshTokenRotation={"Feature": "ENABLED"},
    )["UserPoolClient"]["ClientId"]
    return CheckPool(endpoint_url, region, pool_id, client_id, rotating_client_id)
