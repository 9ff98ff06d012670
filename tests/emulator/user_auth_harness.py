"""What the USER_AUTH tests share: a pool with AllowedFirstAuthFactors and an ALLOW_USER_AUTH
client, users with the attributes a factor needs, and the calls of the flow through boto3."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
from mypy_boto3_cognito_idp.literals import AuthFactorTypeType
from mypy_boto3_cognito_idp.type_defs import AttributeTypeTypeDef, UserPoolPolicyTypeTypeDef

from cognito_emulator.pytest_plugin import secret_hash

PASSWORD = "Passw0rd!long"
EMAIL_AND_SMS: list[AuthFactorTypeType] = ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]
SNS_ROLE = "arn:aws:iam::123456789012:role/cognito-sms"


@dataclass(frozen=True)
class UserAuthPool:
    pool_id: str
    client_id: str
    client_secret: str | None = None

    def hashed(self, username: str) -> dict[str, str]:
        """SECRET_HASH for a client with a secret, nothing otherwise."""
        if self.client_secret is None:
            return {}
        return {"SECRET_HASH": secret_hash(username, self.client_id, self.client_secret)}


def make_pool(
    idp: CognitoIdentityProviderClient,
    factors: list[AuthFactorTypeType] | None = None,
    *,
    hides_users: bool = False,
    flows: tuple[str, ...] = ("ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"),
    with_secret: bool = False,
) -> UserAuthPool:
    """A pool allowing `factors` as first factors (Cognito's default, PASSWORD, when None)."""
    policies: UserPoolPolicyTypeTypeDef = {}
    sms: dict[str, Any] = {}
    if factors is not None:
        policies["SignInPolicy"] = {"AllowedFirstAuthFactors": factors}
    if factors is not None and "SMS_OTP" in factors:
        sms["SmsConfiguration"] = {"SnsCallerArn": SNS_ROLE, "ExternalId": "user-auth"}
    pool_id = idp.create_user_pool(PoolName="user-auth", Policies=policies, **sms)["UserPool"]["Id"]
    client = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="app",
        ExplicitAuthFlows=list(flows),  # type: ignore[arg-type]
        GenerateSecret=with_secret,
        PreventUserExistenceErrors="ENABLED" if hides_users else "LEGACY",
    )["UserPoolClient"]
    return UserAuthPool(pool_id, client["ClientId"], client.get("ClientSecret"))


def make_user(
    idp: CognitoIdentityProviderClient,
    pool: UserAuthPool,
    username: str = "bob",
    *,
    email: str | None = "bob@example.com",
    email_verified: bool = True,
    phone: str | None = None,
    phone_verified: bool = True,
    permanent_password: bool = True,
) -> None:
    """A user with a password (a temporary one unless `permanent_password`) and addresses."""
    attributes: list[AttributeTypeTypeDef] = []
    if email is not None:
        attributes += [
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": str(email_verified).lower()},
        ]
    if phone is not None:
        attributes += [
            {"Name": "phone_number", "Value": phone},
            {"Name": "phone_number_verified", "Value": str(phone_verified).lower()},
        ]
    idp.admin_create_user(
        UserPoolId=pool.pool_id,
        Username=username,
        TemporaryPassword=PASSWORD,
        MessageAction="SUPPRESS",
        UserAttributes=attributes,
    )
    if permanent_password:
        idp.admin_set_user_password(
            UserPoolId=pool.pool_id, Username=username, Password=PASSWORD, Permanent=True
        )


def initiate(
    idp: CognitoIdentityProviderClient, pool: UserAuthPool, username: str = "bob", **parameters: str
) -> Any:
    """InitiateAuth USER_AUTH with USERNAME and `parameters` (PREFERRED_CHALLENGE, ...)."""
    return idp.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": username, **pool.hashed(username), **parameters},
    )


def respond(
    idp: CognitoIdentityProviderClient,
    pool: UserAuthPool,
    challenge: str,
    session: str,
    username: str = "bob",
    **responses: str,
) -> Any:
    """RespondToAuthChallenge naming `username`, with `responses` (ANSWER, EMAIL_OTP_CODE, ...)."""
    return idp.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName=challenge,  # type: ignore[arg-type]
        Session=session,
        ChallengeResponses={"USERNAME": username, **pool.hashed(username), **responses},
    )


def error_of(call: Any, *args: Any, **kwargs: Any) -> tuple[str, str]:
    """The code and message of the ClientError that `call(*args, **kwargs)` must raise."""
    with pytest.raises(ClientError) as raised:
        call(*args, **kwargs)
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def signed_in(idp: CognitoIdentityProviderClient, answer: Any, username: str = "bob") -> bool:
    """Whether `answer` carries tokens that GetUser accepts as `username`'s."""
    access_token = answer["AuthenticationResult"]["AccessToken"]
    return bool(idp.get_user(AccessToken=access_token)["Username"] == username)
