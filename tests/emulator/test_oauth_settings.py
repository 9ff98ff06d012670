"""App clients' OAuth settings: CreateUserPoolClient and UpdateUserPoolClient refuse what
Cognito refuses (flows, scopes, callback and sign-out URLs, the default redirect URI, identity
providers), with Cognito's codes and messages; plain moto stores anything."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.server import EmulatorServer

CODE_CLIENT: dict[str, Any] = {
    "ClientName": "web",
    "AllowedOAuthFlowsUserPoolClient": True,
    "AllowedOAuthFlows": ["code"],
    "AllowedOAuthScopes": ["openid", "email"],
    "CallbackURLs": ["https://app.example.com/callback"],
    "SupportedIdentityProviders": ["COGNITO"],
}
MACHINE_CLIENT: dict[str, Any] = {
    "ClientName": "machine",
    "GenerateSecret": True,
    "AllowedOAuthFlowsUserPoolClient": True,
    "AllowedOAuthFlows": ["client_credentials"],
    "AllowedOAuthScopes": ["orders/orders.read"],
}


def error_of(call: Any, **kwargs: Any) -> dict[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    error: dict[str, str] = raised.value.response["Error"]
    return error


def invalid_parameter(message: str) -> dict[str, str]:
    return {"Code": "InvalidParameterException", "Message": message}


def invalid_oauth_flow(message: str) -> dict[str, str]:
    return {"Code": "InvalidOAuthFlowException", "Message": message}


@pytest.fixture
def pool_id(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> str:
    pool_id = cognito_idp_client.create_user_pool(PoolName="clients")["UserPool"]["Id"]
    cognito_idp_client.create_resource_server(
        UserPoolId=pool_id,
        Identifier="orders",
        Name="Orders",
        Scopes=[{"ScopeName": "orders.read", "ScopeDescription": "Read orders"}],
    )
    return pool_id


def create_client(
    client: CognitoIdentityProviderClient, pool_id: str, settings: dict[str, Any], **changes: Any
) -> dict[str, str]:
    return error_of(client.create_user_pool_client, UserPoolId=pool_id, **{**settings, **changes})


def test_clients_with_valid_oauth_settings_are_created_as_asked(
    pool_id: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """Standard and resource-server scopes, loopback http and an app's own scheme are all
    allowed ("Amazon Cognito requires HTTPS over HTTP except for callback URLs to
    http://localhost, http://127.0.0.1 and http://[::1] ... App callback URLs such as
    myapp://example are also supported", CreateUserPoolClient reference)."""
    callbacks = [
        "https://app.example.com/callback",
        "http://localhost:3000/callback",
        "http://127.0.0.1/callback",
        "http://[::1]:8080/callback",
        "myapp://callback",
    ]
    web = cognito_idp_client.create_user_pool_client(
        UserPoolId=pool_id,
        **{
            **CODE_CLIENT,
            "AllowedOAuthFlows": ["code", "implicit"],
            "AllowedOAuthScopes": ["openid", "aws.cognito.signin.user.admin", "orders/orders.read"],
            "CallbackURLs": callbacks,
            "DefaultRedirectURI": "myapp://callback",
            "LogoutURLs": ["http://localhost:3000/#signed-out"],
        },
    )["UserPoolClient"]
    machine = cognito_idp_client.create_user_pool_client(UserPoolId=pool_id, **MACHINE_CLIENT)[
        "UserPoolClient"
    ]

    assert web["AllowedOAuthFlows"] == ["code", "implicit"]
    assert web["CallbackURLs"] == callbacks
    assert web["DefaultRedirectURI"] == "myapp://callback"
    assert machine["AllowedOAuthFlows"] == ["client_credentials"]
    assert machine["AllowedOAuthScopes"] == ["orders/orders.read"]


def test_a_client_without_oauth_settings_is_unchanged(
    pool_id: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    created = cognito_idp_client.create_user_pool_client(UserPoolId=pool_id, ClientName="api")[
        "UserPoolClient"
    ]

    assert created["AllowedOAuthFlowsUserPoolClient"] is False
    assert "AllowedOAuthFlows" not in created


def test_an_unknown_flow_is_refused(
    pool_id: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """The message of awsdocs/aws-cloudformation-user-guide#563 (for ['code', 'token'])."""
    error = create_client(
        cognito_idp_client, pool_id, CODE_CLIENT, AllowedOAuthFlows=["code", "token"]
    )

    assert error == invalid_parameter(
        "1 validation error detected: Value '[code, token]' at 'allowedOAuthFlows' failed to "
        "satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value "
        "set: [implicit, client_credentials, code]]"
    )


@pytest.mark.parametrize("scope", ["Cognito", "orders/orders.delete", "photos/read"])
def test_a_scope_that_does_not_exist_is_refused(
    scope: str, pool_id: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """Scopes are the standard ones or a resource server's: "Invalid scope requested: Cognito"
    (ScopeDoesNotExistException, awsdocs/aws-cloudformation-user-guide#564)."""
    error = create_client(
        cognito_idp_client, pool_id, CODE_CLIENT, AllowedOAuthScopes=["openid", scope]
    )

    assert error == {
        "Code": "ScopeDoesNotExistException",
        "Message": f"Invalid scope requested: {scope}",
    }


def test_oauth_needs_flows_and_scopes(
    pool_id: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """hashicorp/terraform-provider-aws#5140 and the provider's acceptance tests."""
    settings = {"ClientName": "half", "AllowedOAuthFlowsUserPoolClient": True}

    no_scopes = create_client(cognito_idp_client, pool_id, settings, AllowedOAuthFlows=["code"])
    nothing = create_client(cognito_idp_client, pool_id, settings)

    expected = invalid_parameter(
        "AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to "
        "use OAuth flows."
    )
    assert no_scopes == expected
    assert nothing == expected


@pytest.mark.parametrize("flow", ["code", "implicit"])
def test_browser_flows_need_callback_urls(
    flow: str, pool_id: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """cisagov/crossfeed#440; terraform-provider-aws's acceptance tests."""
    settings = {key: value for key, value in CODE_CLIENT.items() if key != "CallbackURLs"}

    error = create_client(cognito_idp_client, pool_id, settings, AllowedOAuthFlows=[flow])

    assert error == invalid_oauth_flow(
        "CallbackUrls can not be empty when code flow or implicit flow is selected"
    )


@pytest.mark.parametrize("other", ["code", "implicit"])
def test_client_credentials_is_a_flow_of_its_own(
    other: str, pool_id: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """ "To create an app client that generates client credentials grants, you must add
    client_credentials as the only allowed OAuth flow" (CreateUserPoolClient reference,
    aws/aws-sdk-js-v3#2650); the message as quoted in terraform configurations and AgentCore
    gateway notes ("Cognito rejects it outright: ...")."""
    error = create_client(
        cognito_idp_client,
        pool_id,
        MACHINE_CLIENT,
        AllowedOAuthFlows=["client_credentials", other],
        CallbackURLs=["https://app.example.com/callback"],
    )

    assert error == invalid_oauth_flow(
        "client_credentials flow can not be selected along with code flow or implicit flow."
    )


def test_client_credentials_needs_a_client_secret(
    pool_id: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """ "InvalidOAuthFlowException: client_credentials flow can not be selected if client does
    not have a client secret." (terraform configurations of wellcomecollection)."""
    error = create_client(cognito_idp_client, pool_id, MACHINE_CLIENT, GenerateSecret=False)

    assert error == invalid_oauth_flow(
        "client_credentials flow can not be selected if client does not have a client secret."
    )


@pytest.mark.parametrize("scope", ["openid", "email", "aws.cognito.signin.user.admin"])
def test_client_credentials_takes_resource_server_scopes_only(
    scope: str, pool_id: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """ "InvalidOAuthFlowException: openid is not supported with client_credentials flow"
    (hashicorp/terraform-provider-aws#4984): a machine has no user to describe."""
    error = create_client(
        cognito_idp_client,
        pool_id,
        MACHINE_CLIENT,
        AllowedOAuthScopes=["orders/orders.read", scope],
    )

    assert error == invalid_oauth_flow(f"{scope} is not supported with client_credentials flow")


@pytest.mark.parametrize(
    ("member", "url", "message"),
    [
        # "Amazon Cognito requires HTTPS over HTTP except for callback URLs to http://localhost,
        # http://127.0.0.1 and http://[::1]" (CreateUserPoolClient reference); the message as
        # reported by users deploying S3 website URLs ("http://...s3-website-us-east-1.
        # amazonaws.com cannot use the HTTP protocol."), for sign-out URLs as well.
        (
            "CallbackURLs",
            "http://app.example.com/cb",
            "http://app.example.com/cb cannot use the HTTP protocol.",
        ),
        (
            "CallbackURLs",
            "http://localhost.example.com/cb",
            "http://localhost.example.com/cb cannot use the HTTP protocol.",
        ),
        (
            "LogoutURLs",
            "http://192.168.1.50:5001/",
            "http://192.168.1.50:5001/ cannot use the HTTP protocol.",
        ),
        # "A redirect URI must ... Not include a fragment component" (CreateUserPoolClient
        # reference; RFC 6749 §3.1.2). Wording from a CDK preflight rule set, not confirmed
        # against AWS.
        (
            "CallbackURLs",
            "https://app.example.com/cb#done",
            "https://app.example.com/cb#done cannot use fragment",
        ),
        # "A redirect URI must ... Be an absolute URI". The wording is the emulator's own.
        ("CallbackURLs", "/auth/callback", "/auth/callback is not an absolute URL."),
        ("LogoutURLs", "https:///signed-out", "https:///signed-out is not an absolute URL."),
        ("CallbackURLs", "http://[::1/cb", "http://[::1/cb is not an absolute URL."),
    ],
)
def test_urls_are_absolute_https_and_without_fragment(
    member: str,
    url: str,
    message: str,
    pool_id: str,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    urls = {"CallbackURLs": ["https://app.example.com/callback"], member: [url]}

    error = create_client(cognito_idp_client, pool_id, CODE_CLIENT, **urls)

    assert error == invalid_parameter(message)


def test_the_default_redirect_uri_is_one_of_the_callback_urls(
    pool_id: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """ "Must be in the CallbackURLs list" (CreateUserPoolClient reference, DefaultRedirectURI);
    wording from a CDK preflight rule set, not confirmed against AWS."""
    error = create_client(
        cognito_idp_client,
        pool_id,
        CODE_CLIENT,
        DefaultRedirectURI="https://app.example.com/elsewhere",
    )

    assert error == invalid_parameter(
        "The default redirect URI https://app.example.com/elsewhere is not in the callback URIs "
        "list."
    )


def test_identity_providers_are_cognito_or_the_pools_own(
    pool_id: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """SupportedIdentityProviders: COGNITO or "the names that you configured for the SAML and
    OIDC IdPs in your user pool" (CreateUserPoolClient reference); wording from a CDK preflight
    rule set, not confirmed against AWS."""
    refused = create_client(
        cognito_idp_client, pool_id, CODE_CLIENT, SupportedIdentityProviders=["COGNITO", "Google"]
    )
    cognito_idp_client.create_identity_provider(
        UserPoolId=pool_id,
        ProviderName="Google",
        ProviderType="Google",
        ProviderDetails={"client_id": "id", "client_secret": "s", "authorize_scopes": "email"},
    )
    accepted = cognito_idp_client.create_user_pool_client(
        UserPoolId=pool_id, **{**CODE_CLIENT, "SupportedIdentityProviders": ["COGNITO", "Google"]}
    )["UserPoolClient"]

    assert refused == invalid_parameter("The provider Google does not exist for User Pool")
    assert accepted["SupportedIdentityProviders"] == ["COGNITO", "Google"]


def test_updates_are_checked_like_creation(
    pool_id: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """UpdateUserPoolClient has the same errors; whether the client has a secret is the
    client's own (GenerateSecret is not an update member)."""
    public = cognito_idp_client.create_user_pool_client(UserPoolId=pool_id, ClientName="spa")[
        "UserPoolClient"
    ]["ClientId"]
    update = {key: value for key, value in MACHINE_CLIENT.items() if key != "GenerateSecret"}

    no_secret = error_of(
        cognito_idp_client.update_user_pool_client, UserPoolId=pool_id, ClientId=public, **update
    )
    bad_url = error_of(
        cognito_idp_client.update_user_pool_client,
        UserPoolId=pool_id,
        ClientId=public,
        CallbackURLs=["http://app.example.com/cb"],
    )
    cognito_idp_client.update_user_pool_client(
        UserPoolId=pool_id, ClientId=public, **{**CODE_CLIENT, "ClientName": "spa"}
    )
    unknown = error_of(
        cognito_idp_client.update_user_pool_client,
        UserPoolId=pool_id,
        ClientId="nosuchclient",
        **CODE_CLIENT,
    )

    assert no_secret == invalid_oauth_flow(
        "client_credentials flow can not be selected if client does not have a client secret."
    )
    assert bad_url == invalid_parameter("http://app.example.com/cb cannot use the HTTP protocol.")
    assert cognito_idp_client.describe_user_pool_client(UserPoolId=pool_id, ClientId=public)[
        "UserPoolClient"
    ]["AllowedOAuthFlows"] == ["code"]
    assert unknown == {
        "Code": "ResourceNotFoundException",
        "Message": "User pool client nosuchclient does not exist.",
    }
