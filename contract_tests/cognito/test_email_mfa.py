"""MFA by email (EMAIL_OTP): the challenge and the code the pool mails.

Email MFA needs a pool that sends email through Amazon SES (EmailSendingAccount DEVELOPER,
Developer Guide "Email MFA") and a code someone can read: it runs where the test can read the
outbox (the emulator), in a pool of its own, and skips elsewhere before creating anything. The
sign-in answers EMAIL_OTP, to be answered "with the code that your user pool delivered in an
email message, as EMAIL_OTP_CODE" (InitiateAuth, ChallengeName).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from contract_tests.cognito.accounts import PASSWORD, Accounts
from contract_tests.targets import CognitoTarget

EMAIL_OTP = "EMAIL_OTP"
MFA_PURPOSES = ("mfa",)
# An SES identity the emulator takes at its word (our choice: no real SES is reached).
SES_IDENTITY = "arn:aws:ses:us-east-1:123456789012:identity/mfa@example.com"


@dataclass(frozen=True)
class EmailMfaPool:
    user_pool_id: str
    client_id: str


@pytest.fixture
def email_mfa_pool(cognito_target: CognitoTarget) -> Iterator[EmailMfaPool]:
    """A pool with optional email MFA and an app client without a secret (deleted afterwards)."""
    cognito_target.require_outbox()
    client = cognito_target.client
    pool_id = client.create_user_pool(
        PoolName="contract-email-mfa",
        EmailConfiguration={"EmailSendingAccount": "DEVELOPER", "SourceArn": SES_IDENTITY},
        AutoVerifiedAttributes=["email"],
    )["UserPool"]["Id"]
    try:
        client.set_user_pool_mfa_config(
            UserPoolId=pool_id, MfaConfiguration="OPTIONAL", EmailMfaConfiguration={}
        )
        client_id = client.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName="contract-email-mfa",
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
        yield EmailMfaPool(pool_id, client_id)
    finally:
        client.delete_user_pool(UserPoolId=pool_id)


def test_an_email_mfa_user_signs_in_with_the_mailed_code(
    cognito_target: CognitoTarget, email_mfa_pool: EmailMfaPool
) -> None:
    """With email MFA on, the password answers EMAIL_OTP; the mailed code answers tokens."""
    client, pool_id = cognito_target.client, email_mfa_pool.user_pool_id
    username = Accounts.new_username()
    client.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": f"{username}@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    client.admin_set_user_password(
        UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True
    )
    client.admin_set_user_mfa_preference(
        UserPoolId=pool_id,
        Username=username,
        EmailMfaSettings={"Enabled": True, "PreferredMfa": True},
    )
    challenge = client.initiate_auth(
        ClientId=email_mfa_pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
    )
    assert challenge.get("ChallengeName") == EMAIL_OTP, challenge.get("ChallengeName")
    assert challenge["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "EMAIL"
    code = cognito_target.read_code(username, MFA_PURPOSES, pool_id=pool_id)
    result = client.respond_to_auth_challenge(
        ClientId=email_mfa_pool.client_id,
        ChallengeName=EMAIL_OTP,
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": username, "EMAIL_OTP_CODE": code},
    )
    access_token = result["AuthenticationResult"]["AccessToken"]
    assert client.get_user(AccessToken=access_token)["Username"] == username
