"""What the deployer cannot deploy is named before anything is written: a resource type, a
property (top-level or nested), a function, a pseudo parameter, a name or an attribute, each
with its resource and what is supported."""

from __future__ import annotations

import pytest

from cognito_emulator.cloudformation import TemplateError, deploy, parse_template
from cognito_emulator.server import EmulatorServer
from tests.emulator.cloudformation.recording import RecordedCalls

SUPPORTED_TYPES = (
    "AWS::Cognito::UserPool, AWS::Cognito::UserPoolClient, AWS::Cognito::UserPoolGroup, "
    "AWS::Cognito::UserPoolDomain, AWS::Cognito::UserPoolResourceServer"
)
POOL_PROPERTIES = (
    "AccountRecoverySetting, AdminCreateUserConfig, AliasAttributes, AutoVerifiedAttributes, "
    "DeletionProtection, DeviceConfiguration, EmailAuthenticationMessage, "
    "EmailAuthenticationSubject, EmailConfiguration, EmailVerificationMessage, "
    "EmailVerificationSubject, EnabledMfas, LambdaConfig, MfaConfiguration, Policies, Schema, "
    "SmsAuthenticationMessage, SmsConfiguration, SmsVerificationMessage, "
    "UserAttributeUpdateSettings, UserPoolAddOns, UserPoolName, UserPoolTags, UserPoolTier, "
    "UsernameAttributes, UsernameConfiguration, VerificationMessageTemplate"
)
CLIENT_PROPERTIES = (
    "AccessTokenValidity, AllowedOAuthFlows, AllowedOAuthFlowsUserPoolClient, "
    "AllowedOAuthScopes, AnalyticsConfiguration, AuthSessionValidity, CallbackURLs, ClientName, "
    "DefaultRedirectURI, EnablePropagateAdditionalUserContextData, EnableTokenRevocation, "
    "ExplicitAuthFlows, GenerateSecret, IdTokenValidity, LogoutURLs, PreventUserExistenceErrors, "
    "ReadAttributes, RefreshTokenRotation, RefreshTokenValidity, SupportedIdentityProviders, "
    "TokenValidityUnits, UserPoolId, WriteAttributes"
)
FUNCTIONS = (
    "Ref, Fn::GetAtt, Fn::Sub, Fn::If, Fn::Join, Fn::Select, Fn::Split, Fn::Equals, Fn::Not, "
    "Fn::And, Fn::Or"
)
POOL = "  Pool:\n    Type: AWS::Cognito::UserPool\n    Properties:\n      UserPoolName: checked\n"


def refusal(text: str, server: EmulatorServer, account_id: str | None = "000000000000") -> str:
    """The deployer's TemplateError for the template `text`, checked to have written nothing."""
    recorded = RecordedCalls(server.app.dispatch)
    with pytest.raises(TemplateError) as refused:
        deploy(parse_template(text, "t.yaml"), recorded, region="us-east-1", account_id=account_id)
    assert recorded.writes == []
    assert server.app.pool_ids() == []
    return str(refused.value)


def test_an_unsupported_resource_type_is_named_with_the_supported_ones(
    cognito_emulator: EmulatorServer,
) -> None:
    text = "Resources:\n" + POOL + "  Bucket:\n    Type: AWS::S3::Bucket\n"

    assert refusal(text, cognito_emulator) == (
        "resource Bucket: the type AWS::S3::Bucket is not supported by the deployer "
        f"(supported: {SUPPORTED_TYPES})"
    )


@pytest.mark.parametrize(
    ("resource", "message"),
    [
        (
            "  Pool:\n    Type: AWS::Cognito::UserPool\n    Properties:\n"
            "      WebAuthnRelyingPartyID: example.com\n",
            "resource Pool (AWS::Cognito::UserPool): property WebAuthnRelyingPartyID is not "
            f"supported by the deployer (supported: {POOL_PROPERTIES})",
        ),
        (
            "  Client:\n    Type: AWS::Cognito::UserPoolClient\n    Properties:\n"
            "      UserPoolId: x\n      ClientSecret: s3cret\n",
            "resource Client (AWS::Cognito::UserPoolClient): property ClientSecret is not "
            f"supported by the deployer (supported: {CLIENT_PROPERTIES})",
        ),
        (
            "  Admins:\n    Type: AWS::Cognito::UserPoolGroup\n    Properties:\n"
            "      UserPoolId: x\n      Members: [ada]\n",
            "resource Admins (AWS::Cognito::UserPoolGroup): property Members is not supported by "
            "the deployer (supported: Description, GroupName, Precedence, RoleArn, UserPoolId)",
        ),
        (
            "  Login:\n    Type: AWS::Cognito::UserPoolDomain\n    Properties:\n"
            "      UserPoolId: x\n      Domain: login\n      Routing: {}\n",
            "resource Login (AWS::Cognito::UserPoolDomain): property Routing is not supported by "
            "the deployer (supported: CustomDomainConfig, Domain, ManagedLoginVersion, "
            "UserPoolId)",
        ),
        (
            "  Api:\n    Type: AWS::Cognito::UserPoolResourceServer\n    Properties:\n"
            "      UserPoolId: x\n      Identifier: api\n      Name: API\n      Tags: {}\n",
            "resource Api (AWS::Cognito::UserPoolResourceServer): property Tags is not supported "
            "by the deployer (supported: Identifier, Name, Scopes, UserPoolId)",
        ),
        (
            "  Api:\n    Type: AWS::Cognito::UserPoolResourceServer\n    Properties:\n"
            "      UserPoolId: x\n      Identifier: api\n",
            "resource Api (AWS::Cognito::UserPoolResourceServer): property Name is required",
        ),
        (
            "  Client:\n    Type: AWS::Cognito::UserPoolClient\n    Properties:\n"
            "      ClientName: app\n",
            "resource Client (AWS::Cognito::UserPoolClient): property UserPoolId is required",
        ),
    ],
    ids=["pool", "client", "group", "domain", "resource server", "required", "required too"],
)
def test_an_unsupported_or_missing_property_is_named_with_its_resource_and_type(
    resource: str, message: str, cognito_emulator: EmulatorServer
) -> None:
    assert refusal("Resources:\n" + resource, cognito_emulator) == message


@pytest.mark.parametrize(
    ("properties", "message"),
    [
        (
            "      Policies:\n        PasswordPolicy:\n          MinLength: 8\n",
            "resource Pool: Policies.PasswordPolicy.MinLength is not supported: PasswordPolicyType "
            "has MinimumLength, RequireUppercase, RequireLowercase, RequireNumbers, "
            "RequireSymbols, PasswordHistorySize, TemporaryPasswordValidityDays",
        ),
        (
            "      Policies:\n        PasswordPolicy:\n          MinimumLength: eight\n",
            "resource Pool: Policies.PasswordPolicy.MinimumLength: expected an integer, got "
            "'eight'",
        ),
        (
            "      UsernameConfiguration:\n        CaseSensitive: maybe\n",
            "resource Pool: UsernameConfiguration.CaseSensitive: expected true or false, got "
            "'maybe'",
        ),
        (
            "      AutoVerifiedAttributes: email\n",
            "resource Pool: AutoVerifiedAttributes: expected a list",
        ),
        (
            "      EnabledMfas: [SOFTWARE_TOKEN_MFA, WEB_AUTHN]\n",
            "resource Pool: EnabledMfas: a list of SOFTWARE_TOKEN_MFA, SMS_MFA, EMAIL_OTP, got "
            "['SOFTWARE_TOKEN_MFA', 'WEB_AUTHN']",
        ),
    ],
)
def test_a_nested_property_or_value_the_api_would_not_take_is_named_by_its_path(
    properties: str, message: str, cognito_emulator: EmulatorServer
) -> None:
    assert refusal("Resources:\n" + POOL + properties, cognito_emulator) == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "!Base64 name",
            f"resource Pool: Fn::Base64 is not supported by the deployer (supported: {FUNCTIONS})",
        ),
        (
            "!FindInMap [Names, dev, pool]",
            "resource Pool: Fn::FindInMap is not supported by the deployer (supported: "
            f"{FUNCTIONS})",
        ),
        (
            "!ImportValue shared-name",
            "resource Pool: Fn::ImportValue is not supported by the deployer (supported: "
            f"{FUNCTIONS})",
        ),
        ("!Ref Missing", "resource Pool: Missing is neither a parameter nor a resource"),
        ("!Sub '${Missing}-pool'", "resource Pool: Missing is neither a parameter nor a resource"),
        (
            "!Ref AWS::StackId",
            "resource Pool: the pseudo parameter AWS::StackId is not supported by the deployer "
            "(supported: AWS::Region, AWS::AccountId, AWS::StackName, AWS::Partition, "
            "AWS::URLSuffix, AWS::NoValue)",
        ),
        (
            "!GetAtt Other.Name",
            "resource Pool: Fn::GetAtt Other.Name: AWS::Cognito::UserPool has Arn, ProviderName, "
            "ProviderURL, UserPoolId",
        ),
        (
            "!Sub '${Other.Nope}'",
            "resource Pool: Fn::GetAtt Other.Nope: AWS::Cognito::UserPool has Arn, ProviderName, "
            "ProviderURL, UserPoolId",
        ),
        ("!GetAtt Nowhere.Arn", "resource Pool: Fn::GetAtt Nowhere.Arn: no such resource"),
        ("!If [Unknown, a, b]", "resource Pool: Fn::If names no condition of the template"),
    ],
)
def test_an_unsupported_function_or_unknown_name_is_named(
    value: str, message: str, cognito_emulator: EmulatorServer
) -> None:
    text = (
        "Resources:\n  Pool:\n    Type: AWS::Cognito::UserPool\n    Properties:\n"
        f"      UserPoolName: {value}\n"
        "  Other:\n    Type: AWS::Cognito::UserPool\n"
    )

    assert refusal(text, cognito_emulator) == message


def test_the_account_id_is_an_error_where_the_deployer_does_not_know_it(
    cognito_emulator: EmulatorServer,
) -> None:
    """Through the cognito-idp API alone (`nox -s provision`) the account is not known."""
    text = "Resources:\n" + POOL + "      UserPoolTags: {Owner: !Ref AWS::AccountId}\n"

    assert refusal(text, cognito_emulator, account_id=None) == (
        "resource Pool: AWS::AccountId is not known here (deploying through the cognito-idp "
        "API does not learn the account)"
    )


def test_a_reference_to_a_resource_its_condition_leaves_out_is_named(
    cognito_emulator: EmulatorServer,
) -> None:
    text = (
        "Parameters:\n  Domain: {Type: String, Default: ''}\n"
        "Conditions:\n  HasDomain: !Not [!Equals [!Ref Domain, '']]\n"
        "Resources:\n" + POOL + "  Login:\n    Type: AWS::Cognito::UserPoolDomain\n"
        "    Condition: HasDomain\n"
        "    Properties: {UserPoolId: !Ref Pool, Domain: !Ref Domain}\n"
        "  Admins:\n    Type: AWS::Cognito::UserPoolGroup\n"
        "    Properties: {UserPoolId: !Ref Pool, Description: !Ref Login}\n"
    )

    assert refusal(text, cognito_emulator) == (
        "resource Admins.Description: Login is left out, its condition HasDomain being false"
    )
