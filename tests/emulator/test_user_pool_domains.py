"""User pool domains: CreateUserPoolDomain, DescribeUserPoolDomain, UpdateUserPoolDomain and
DeleteUserPoolDomain answer as Cognito does, with Cognito's checks (plain moto has none)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.server import EmulatorServer

# Cognito's message for a prefix outside the API model's DomainType pattern
# (mineiros-io/terraform-aws-cognito-user-pool#69; the pattern: API reference,
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolDomain.html).
INVALID_PREFIX = (
    "The domain name contains an invalid character. Domain names can only contain lower-case "
    "letters, numbers, and hyphens. Please enter a different name that follows this format: "
    r"^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$"
)
# DeleteUserPoolDomain and UpdateUserPoolDomain of a domain that is not the pool's: the message
# aws-amplify/amplify-cli's e2e tests expect ("InvalidParameterException: No such domain or user
# pool exists.").
NOT_THE_POOLS = {
    "Code": "InvalidParameterException",
    "Message": "No such domain or user pool exists.",
}


def error_of(call: Any, **kwargs: Any) -> dict[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    error: dict[str, str] = raised.value.response["Error"]
    return error


def without_metadata(response: Any) -> dict[str, Any]:
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


def description_of(client: CognitoIdentityProviderClient, domain: str) -> dict[str, Any]:
    """DescribeUserPoolDomain's DomainDescription (`{}` for a domain no pool has)."""
    description: dict[str, Any] = client.describe_user_pool_domain(Domain=domain)[
        "DomainDescription"
    ]
    return description


@pytest.fixture
def pool_id(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> str:
    return cognito_idp_client.create_user_pool(PoolName="domains")["UserPool"]["Id"]


@pytest.fixture
def other_pool_id(pool_id: str, cognito_idp_client: CognitoIdentityProviderClient) -> str:
    """A second pool, made after `pool_id`'s."""
    return cognito_idp_client.create_user_pool(PoolName="other")["UserPool"]["Id"]


def test_a_prefix_domain_is_created_and_described_as_cognito_describes_it(
    pool_id: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """A prefix domain gets no CloudFrontDomain ("If you set an Amazon Cognito prefix domain,
    this parameter returns null", CreateUserPoolDomain reference) and defaults to the classic
    hosted UI. The description has the fields of the AWS CLI's describe-user-pool-domain example
    (account, CloudFront host, version, ACTIVE), the emulator's account, and DescribeUserPool
    names the domain."""
    created = cognito_idp_client.create_user_pool_domain(UserPoolId=pool_id, Domain="my-app-1")
    description = description_of(cognito_idp_client, "my-app-1")
    pool = cognito_idp_client.describe_user_pool(UserPoolId=pool_id)["UserPool"]

    assert without_metadata(created) == {"ManagedLoginVersion": 1}
    assert re.fullmatch(
        r"d[0-9a-f]{13}\.cloudfront\.net", description.pop("CloudFrontDistribution")
    )
    assert re.fullmatch(r"20[0-9]{12}", description.pop("Version"))
    assert description == {
        "UserPoolId": pool_id,
        "AWSAccountId": "000000000000",
        "Domain": "my-app-1",
        "Status": "ACTIVE",
        "ManagedLoginVersion": 1,
    }
    assert pool["Domain"] == "my-app-1"


def test_an_unknown_domain_is_described_as_empty(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """aws-amplify/amplify-cli's e2e tests expect `{ DomainDescription: {} }` for a deleted
    domain, not an error."""
    described = cognito_idp_client.describe_user_pool_domain(Domain="nobody-has-this")

    assert without_metadata(described) == {"DomainDescription": {}}


@pytest.mark.parametrize("prefix", ["My-App", "my_app", "-my-app", "my-app-", "my.app", "a" * 64])
def test_a_prefix_outside_the_pattern_is_refused(
    prefix: str, pool_id: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    error = error_of(cognito_idp_client.create_user_pool_domain, UserPoolId=pool_id, Domain=prefix)

    assert error == {"Code": "InvalidParameterException", "Message": INVALID_PREFIX}


@pytest.mark.parametrize(
    ("prefix", "word"),
    [
        ("my-aws-app", "aws"),
        ("amazonia", "amazon"),
        ("newcognito", "cognito"),
        ("cognito-kit", "cognito"),
    ],
)
def test_a_prefix_with_a_reserved_word_is_refused(
    prefix: str, word: str, pool_id: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """ "You can't use the text aws, amazon, or cognito in the domain prefix" (developer guide,
    cognito-user-pools-assign-domain-prefix); the message as in aws-amplify/amplify-cli#3854 and
    aws-solutions/content-analysis-on-aws#8 (a substring is enough: "newcognito")."""
    error = error_of(cognito_idp_client.create_user_pool_domain, UserPoolId=pool_id, Domain=prefix)

    assert error == {
        "Code": "InvalidParameterException",
        "Message": f"Domain cannot contain reserved word: {word}",
    }


def test_a_pool_has_one_domain(
    pool_id: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """ "User pool already has a domain configured." (aws-samples/websocket-chat-application#29;
    aws-cdk#10062 as quoted in aws-samples' READMEs)."""
    cognito_idp_client.create_user_pool_domain(UserPoolId=pool_id, Domain="first-domain")

    error = error_of(
        cognito_idp_client.create_user_pool_domain, UserPoolId=pool_id, Domain="second-domain"
    )

    assert error == {
        "Code": "InvalidParameterException",
        "Message": "User pool already has a domain configured.",
    }
    assert description_of(cognito_idp_client, "second-domain") == {}


def test_another_pools_domain_is_refused(
    pool_id: str, other_pool_id: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """ "Domain already associated with another user pool." (InvalidParameterException, 400:
    aws-samples/aws-cdk-examples#402, aws-samples/websocket-chat-application#56)."""
    cognito_idp_client.create_user_pool_domain(UserPoolId=other_pool_id, Domain="taken")

    error = error_of(cognito_idp_client.create_user_pool_domain, UserPoolId=pool_id, Domain="taken")

    assert error == {
        "Code": "InvalidParameterException",
        "Message": "Domain already associated with another user pool.",
    }
    assert description_of(cognito_idp_client, "taken")["UserPoolId"] == other_pool_id


def test_a_domain_for_an_unknown_pool_is_refused(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    error = error_of(
        cognito_idp_client.create_user_pool_domain, UserPoolId="us-east-1_nothere", Domain="x1"
    )

    assert error == {
        "Code": "ResourceNotFoundException",
        "Message": "User pool us-east-1_nothere does not exist.",
    }


def test_deleting_needs_the_pool_the_domain_belongs_to(
    pool_id: str, other_pool_id: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """moto deletes whichever pool's domain it is asked to."""
    cognito_idp_client.create_user_pool_domain(UserPoolId=pool_id, Domain="mine")

    wrong_pool = error_of(
        cognito_idp_client.delete_user_pool_domain, UserPoolId=other_pool_id, Domain="mine"
    )
    unknown = error_of(
        cognito_idp_client.delete_user_pool_domain, UserPoolId=pool_id, Domain="not-mine"
    )
    cognito_idp_client.delete_user_pool_domain(UserPoolId=pool_id, Domain="mine")

    assert wrong_pool == NOT_THE_POOLS
    assert unknown == NOT_THE_POOLS
    assert description_of(cognito_idp_client, "mine") == {}
    assert "Domain" not in cognito_idp_client.describe_user_pool(UserPoolId=pool_id)["UserPool"]


def test_a_deleted_domain_can_be_taken_again(
    pool_id: str, other_pool_id: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    cognito_idp_client.create_user_pool_domain(UserPoolId=pool_id, Domain="passed-on")
    cognito_idp_client.delete_user_pool_domain(UserPoolId=pool_id, Domain="passed-on")

    cognito_idp_client.create_user_pool_domain(UserPoolId=other_pool_id, Domain="passed-on")

    assert description_of(cognito_idp_client, "passed-on")["UserPoolId"] == other_pool_id


def test_a_pool_with_a_domain_cannot_be_deleted_until_the_domain_is(
    pool_id: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """ "InvalidParameterException: User pool cannot be deleted. It has a domain configured that
    should be deleted first." (hashicorp/terraform-provider-aws#16479, rebuy-de/aws-nuke#330).
    moto would delete the pool and leave its domain behind."""
    cognito_idp_client.create_user_pool_domain(UserPoolId=pool_id, Domain="keeps-pool")

    error = error_of(cognito_idp_client.delete_user_pool, UserPoolId=pool_id)
    cognito_idp_client.delete_user_pool_domain(UserPoolId=pool_id, Domain="keeps-pool")
    cognito_idp_client.delete_user_pool(UserPoolId=pool_id)

    assert error == {
        "Code": "InvalidParameterException",
        "Message": "User pool cannot be deleted. It has a domain configured that should be "
        "deleted first.",
    }
    assert pool_id not in [
        pool["Id"] for pool in cognito_idp_client.list_user_pools(MaxResults=60)["UserPools"]
    ]


def test_updating_changes_the_managed_login_version_of_the_pools_domain_only(
    pool_id: str, other_pool_id: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """UpdateUserPoolDomain "updates the branding version for user pool domains between 1 for
    hosted UI (classic) and 2 for managed login" (API reference)."""
    cognito_idp_client.create_user_pool_domain(UserPoolId=pool_id, Domain="branded")

    updated = cognito_idp_client.update_user_pool_domain(
        UserPoolId=pool_id, Domain="branded", ManagedLoginVersion=2
    )
    wrong_pool = error_of(
        cognito_idp_client.update_user_pool_domain,
        UserPoolId=other_pool_id,
        Domain="branded",
        ManagedLoginVersion=1,
    )

    assert without_metadata(updated) == {"ManagedLoginVersion": 2}
    assert wrong_pool == NOT_THE_POOLS
    assert description_of(cognito_idp_client, "branded")["ManagedLoginVersion"] == 2


def test_a_managed_login_version_other_than_1_or_2_is_refused(
    pool_id: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """Versions 1 (hosted UI, classic) and 2 (managed login) are the only ones the API reference
    names; the message is the emulator's own."""
    error = error_of(
        cognito_idp_client.create_user_pool_domain,
        UserPoolId=pool_id,
        Domain="version-three",
        ManagedLoginVersion=3,
    )

    assert error == {
        "Code": "InvalidParameterException",
        "Message": "ManagedLoginVersion must be 1 (hosted UI, classic) or 2 (managed login).",
    }


def test_a_custom_domain_has_its_certificate_and_cloudfront_target(
    pool_id: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """With CustomDomainConfig, Domain is the full name and Cognito answers the CloudFront
    distribution to alias it to (CreateUserPoolDomain reference); prefix rules do not apply."""
    certificate = "arn:aws:acm:us-east-1:000000000000:certificate/0a1b2c3d"

    created = cognito_idp_client.create_user_pool_domain(
        UserPoolId=pool_id,
        Domain="auth.example.com",
        CustomDomainConfig={"CertificateArn": certificate},
    )
    description = description_of(cognito_idp_client, "auth.example.com")

    assert re.fullmatch(r"d[0-9a-f]{13}\.cloudfront\.net", created["CloudFrontDomain"])
    assert description["CloudFrontDistribution"] == created["CloudFrontDomain"]
    assert description["CustomDomainConfig"] == {"CertificateArn": certificate}
    assert description["Domain"] == "auth.example.com"


def test_the_bootstrapped_pools_get_their_own_domains(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """The kit's pool name holds "cognito", which a prefix may not: its domain is "kit"; a
    second pool whose name gives "kit" too takes the next free one, and bootstrapping the
    first again keeps its domain."""
    first = cognito_emulator.bootstrap()
    second = cognito_emulator.bootstrap(pool_name="Cognito Kit")
    named = cognito_emulator.bootstrap(pool_name="Orders (AWS) app")
    again = cognito_emulator.bootstrap()

    assert (first.domain, second.domain, named.domain) == ("kit", "kit-2", "orders-app")
    assert (again.user_pool_id, again.domain) == (first.user_pool_id, "kit")
    assert first.domain_url == f"{cognito_emulator.endpoint_url}/domains/kit"
    assert description_of(cognito_idp_client, "kit-2")["UserPoolId"] == second.user_pool_id
