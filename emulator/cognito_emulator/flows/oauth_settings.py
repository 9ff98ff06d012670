"""A pool's OAuth configuration: its domain, resource servers and app clients' OAuth settings.

moto stores all three and checks almost nothing, so a setup that real Cognito refuses would work
on the emulator and fail on AWS. Here are Cognito's checks, with Cognito's error codes and
messages (the tests name the source of each, and say where Cognito's wording is unknown and the
message is the emulator's own):

- Domains: one per pool; a prefix is lower-case letters, digits and inner hyphens (at most 63),
  without the reserved words aws, amazon and cognito, and unique; UpdateUserPoolDomain and
  DeleteUserPoolDomain need the pool the domain belongs to; DescribeUserPoolDomain of an unknown
  domain answers an empty DomainDescription. A prefix domain's description is Cognito's, not
  moto's (no CloudFrontDomain on create, a 12-digit account, a managed login version). A pool
  that still has a domain cannot be deleted (`moto_adapter` refuses it, where moto deletes).
- Resource servers: identifier, name and scope names as the API model's patterns allow;
  UpdateResourceServer and DeleteResourceServer, which moto lacks.
- App clients (CreateUserPoolClient, UpdateUserPoolClient): OAuth flows, scopes, callback and
  sign-out URLs, the default redirect URI and the identity providers; a client without OAuth
  settings is passed to moto untouched. Their RefreshTokenRotation (whether a refresh gives a new
  refresh token, `flows/refresh.py`) is checked against the API model's enum and range and
  stored whole, as DescribeUserPoolClient answers it.

A resource server's scopes stay in the AllowedOAuthScopes of the clients that list them when the
server is deleted (the DeleteResourceServer reference says only that tokens can no longer be
issued with them); such a client's next UpdateUserPoolClient must drop them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from botocore.model import ListShape, Shape, StructureShape

from cognito_emulator.domain_names import (
    CUSTOM_DOMAIN,
    LOOPBACK_HOSTS,
    PREFIX_DOMAIN,
    reserved_word_in,
)
from cognito_emulator.exceptions import CognitoError, InvalidParameterException
from cognito_emulator.moto_adapter import EMULATOR_ACCOUNT_ID, Domain, MotoAdapter, Pool
from cognito_emulator.oauth import STANDARD_SCOPES
from cognito_emulator.validation import input_shapes, required

Handler = Callable[[dict[str, Any]], dict[str, Any]]

MANAGED_LOGIN_VERSIONS = (1, 2)
DEFAULT_MANAGED_LOGIN_VERSION = 1  # the classic hosted UI
# Cognito's own message lists the flows in this order (not the API model's).
OAUTH_FLOWS = ("implicit", "client_credentials", "code")
BROWSER_FLOWS = frozenset({"code", "implicit"})
LOCAL_IDENTITY_PROVIDER = "COGNITO"


@dataclass(frozen=True, slots=True)
class OAuthSettingsFlows:
    moto: MotoAdapter

    def handlers(self) -> dict[str, Handler]:
        """The operations this module answers, by their API names."""
        return {
            "CreateUserPoolDomain": self.create_user_pool_domain,
            "DescribeUserPoolDomain": self.describe_user_pool_domain,
            "UpdateUserPoolDomain": self.update_user_pool_domain,
            "DeleteUserPoolDomain": self.delete_user_pool_domain,
            "CreateResourceServer": self.create_resource_server,
            "ListResourceServers": self.list_resource_servers,
            "UpdateResourceServer": self.update_resource_server,
            "DeleteResourceServer": self.delete_resource_server,
            "CreateUserPoolClient": self.create_user_pool_client,
            "UpdateUserPoolClient": self.update_user_pool_client,
        }

    # -- domains ----------------------------------------------------------------------------------

    def create_user_pool_domain(self, body: dict[str, Any]) -> dict[str, Any]:
        pool = self.moto.pool(required(body, "UserPoolId"))
        name = required(body, "Domain")
        custom_domain_config = body.get("CustomDomainConfig") or {}
        if custom_domain_config:
            _check_custom_domain(name)
        else:
            _check_prefix(name)
        if pool.domain is not None:
            raise InvalidParameterException("User pool already has a domain configured.")
        if self.moto.find_domain(name) is not None:
            raise InvalidParameterException("Domain already associated with another user pool.")
        domain = self.moto.create_domain(
            pool,
            name,
            custom_domain_config=custom_domain_config,
            managed_login_version=_managed_login_version(body),
        )
        return _domain_change_response(domain)

    def describe_user_pool_domain(self, body: dict[str, Any]) -> dict[str, Any]:
        domain = self.moto.find_domain(required(body, "Domain"))
        return {"DomainDescription": _description(domain) if domain is not None else {}}

    def update_user_pool_domain(self, body: dict[str, Any]) -> dict[str, Any]:
        """Changes the managed login version, and a custom domain's certificate."""
        domain = self._owned_domain(body)
        custom_domain_config = body.get("CustomDomainConfig")
        if custom_domain_config:
            if not domain.custom_domain_config:
                raise InvalidParameterException(
                    f"{domain.name} is a prefix domain: CustomDomainConfig applies only to a "
                    "custom domain."
                )
            domain.custom_domain_config = custom_domain_config
        if "ManagedLoginVersion" in body:
            domain.managed_login_version = _managed_login_version(body)
        return _domain_change_response(domain)

    def delete_user_pool_domain(self, body: dict[str, Any]) -> dict[str, Any]:
        self.moto.delete_domain(self._owned_domain(body))
        return {}

    def _owned_domain(self, body: dict[str, Any]) -> Domain:
        """The request's domain, if it belongs to the request's pool (one message for either
        not existing, as Cognito's)."""
        domain = self.moto.find_domain(required(body, "Domain"))
        if domain is None or domain.pool_id != required(body, "UserPoolId"):
            raise InvalidParameterException("No such domain or user pool exists.")
        return domain

    # -- resource servers -------------------------------------------------------------------------

    def create_resource_server(self, body: dict[str, Any]) -> dict[str, Any]:
        _check_model_constraints("CreateResourceServer", body)
        self.moto.pool(body["UserPoolId"])
        return self.moto.call("CreateResourceServer", body)

    def list_resource_servers(self, body: dict[str, Any]) -> dict[str, Any]:
        """moto's answer, once the pool is known to exist (moto fails on an unknown one)."""
        self.moto.pool(required(body, "UserPoolId"))
        return self.moto.call("ListResourceServers", body)

    def update_resource_server(self, body: dict[str, Any]) -> dict[str, Any]:
        """Replaces the name and scopes: scopes left out are removed, as the reference says
        ("If you don't provide a value for an attribute, it is set to the default value")."""
        _check_model_constraints("UpdateResourceServer", body)
        pool = self.moto.pool(body["UserPoolId"])
        identifier = body["Identifier"]
        self.moto.update_resource_server(pool, identifier, body["Name"], body.get("Scopes") or [])
        return self.moto.call(
            "DescribeResourceServer", {"UserPoolId": pool.id, "Identifier": identifier}
        )

    def delete_resource_server(self, body: dict[str, Any]) -> dict[str, Any]:
        _check_model_constraints("DeleteResourceServer", body)
        self.moto.delete_resource_server(self.moto.pool(body["UserPoolId"]), body["Identifier"])
        return {}

    # -- app clients' OAuth settings --------------------------------------------------------------

    def create_user_pool_client(self, body: dict[str, Any]) -> dict[str, Any]:
        pool = self.moto.pool(required(body, "UserPoolId"))
        has_secret = bool(body.get("GenerateSecret")) or bool(body.get("ClientSecret"))
        _check_oauth_settings(pool, body, has_secret=has_secret)
        return self.moto.call("CreateUserPoolClient", _with_refresh_token_rotation(body))

    def update_user_pool_client(self, body: dict[str, Any]) -> dict[str, Any]:
        pool = self.moto.pool(required(body, "UserPoolId"))
        client_id = required(body, "ClientId")
        client = pool.client(client_id)
        if client is None:
            raise CognitoError(
                f"User pool client {client_id} does not exist.", code="ResourceNotFoundException"
            )
        _check_oauth_settings(pool, body, has_secret=client.secret is not None)
        return self.moto.call("UpdateUserPoolClient", _with_refresh_token_rotation(body))


# -- domains ------------------------------------------------------------------------------------


def _check_prefix(name: str) -> None:
    if not PREFIX_DOMAIN.fullmatch(name):
        raise InvalidParameterException(
            "The domain name contains an invalid character. Domain names can only contain "
            "lower-case letters, numbers, and hyphens. Please enter a different name that "
            f"follows this format: ^{PREFIX_DOMAIN.pattern}$"
        )
    reserved = reserved_word_in(name)
    if reserved is not None:
        raise InvalidParameterException(f"Domain cannot contain reserved word: {reserved}")


def _check_custom_domain(name: str) -> None:
    if not CUSTOM_DOMAIN.fullmatch(name):
        raise InvalidParameterException(
            f"{name} is not a fully qualified domain name such as auth.example.com."
        )


def _managed_login_version(body: Mapping[str, Any]) -> int:
    version = body.get("ManagedLoginVersion", DEFAULT_MANAGED_LOGIN_VERSION)
    if version not in MANAGED_LOGIN_VERSIONS:
        raise InvalidParameterException(
            "ManagedLoginVersion must be 1 (hosted UI, classic) or 2 (managed login)."
        )
    return int(version)


def _domain_change_response(domain: Domain) -> dict[str, Any]:
    """Create and Update answer the managed login version, and a CloudFrontDomain only for a
    custom domain ("If you set an Amazon Cognito prefix domain, this parameter returns null")."""
    response: dict[str, Any] = {"ManagedLoginVersion": domain.managed_login_version}
    if domain.custom_domain_config:
        response["CloudFrontDomain"] = _cloudfront_distribution(domain.name)
    return response


def _description(domain: Domain) -> dict[str, Any]:
    """DescribeUserPoolDomain's DomainDescription, as Cognito answers it for an active domain.
    (Cognito's S3Bucket names its own asset bucket; there is none here, so it is left out.)"""
    description: dict[str, Any] = {
        "UserPoolId": domain.pool_id,
        "AWSAccountId": EMULATOR_ACCOUNT_ID,
        "Domain": domain.name,
        "CloudFrontDistribution": _cloudfront_distribution(domain.name),
        "Version": domain.version,
        "Status": "ACTIVE",
        "ManagedLoginVersion": domain.managed_login_version,
    }
    if domain.custom_domain_config:
        description["CustomDomainConfig"] = domain.custom_domain_config
    return description


def _cloudfront_distribution(seed: str) -> str:
    """A CloudFront host of the shape Cognito answers (`d111111abcdef8.cloudfront.net`)."""
    return f"d{hashlib.sha256(seed.encode()).hexdigest()[:13]}.cloudfront.net"


# -- the API model's constraints ----------------------------------------------------------------


def _check_model_constraints(operation: str, body: dict[str, Any]) -> None:
    """Length and pattern constraints of the API model, checked as AWS's front end does:
    InvalidParameterException "2 validation errors detected: Value 'a b' at 'identifier' failed
    to satisfy constraint: Member must satisfy regular expression pattern: ...; ...".
    (Only for operations whose patterns Python's `re` reads as Java does.)"""
    shape = input_shapes()[operation]
    if shape is None:
        return
    errors: list[str] = []
    _collect_violations(shape, body, "", errors)
    if errors:
        count = f"{len(errors)} validation error{'s' if len(errors) > 1 else ''}"
        raise InvalidParameterException(f"{count} detected: " + "; ".join(errors))


def _collect_violations(shape: Shape, value: object, path: str, errors: list[str]) -> None:
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        for name, member in shape.members.items():
            if name in value:
                member_path = f"{path}.{_field(name)}" if path else _field(name)
                _collect_violations(member, value[name], member_path, errors)
    elif isinstance(shape, ListShape) and isinstance(value, list):
        for position, item in enumerate(value, 1):
            _collect_violations(shape.member, item, f"{path}.{position}.member", errors)
    elif shape.type_name == "string" and isinstance(value, str):
        violation = _string_violation(shape.metadata, value)
        if violation is not None:
            errors.append(f"Value '{value}' at '{path}' failed to satisfy constraint: {violation}")


def _string_violation(constraints: Mapping[str, Any], value: str) -> str | None:
    if "min" in constraints and len(value) < constraints["min"]:
        return f"Member must have length greater than or equal to {constraints['min']}"
    if "max" in constraints and len(value) > constraints["max"]:
        return f"Member must have length less than or equal to {constraints['max']}"
    pattern = constraints.get("pattern")
    if pattern is not None and not re.fullmatch(pattern, value, flags=re.ASCII):
        return f"Member must satisfy regular expression pattern: {pattern}"
    return None


def _field(member: str) -> str:
    return f"{member[:1].lower()}{member[1:]}"


# -- app clients' OAuth settings ----------------------------------------------------------------


def _check_oauth_settings(pool: Pool, body: Mapping[str, Any], *, has_secret: bool) -> None:
    """CreateUserPoolClient's and UpdateUserPoolClient's OAuth members, checked as Cognito
    does; a request without them passes unchanged."""
    flows: list[str] = body.get("AllowedOAuthFlows") or []
    scopes: list[str] = body.get("AllowedOAuthScopes") or []
    callback_urls: list[str] = body.get("CallbackURLs") or []
    unknown_flows = [flow for flow in flows if flow not in OAUTH_FLOWS]
    if unknown_flows:
        raise InvalidParameterException(
            f"1 validation error detected: Value '[{', '.join(flows)}]' at 'allowedOAuthFlows' "
            "failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy "
            f"enum value set: [{', '.join(OAUTH_FLOWS)}]]"
        )
    _check_urls(callback_urls, fragment_allowed=False)
    _check_urls(body.get("LogoutURLs") or [], fragment_allowed=True)
    default_redirect = body.get("DefaultRedirectURI")
    if default_redirect is not None and default_redirect not in callback_urls:
        raise InvalidParameterException(
            f"The default redirect URI {default_redirect} is not in the callback URIs list."
        )
    existing_scopes = pool.resource_server_scopes().union(STANDARD_SCOPES)
    for scope in scopes:
        if scope not in existing_scopes:
            raise CognitoError(
                f"Invalid scope requested: {scope}", code="ScopeDoesNotExistException"
            )
    for provider in body.get("SupportedIdentityProviders") or []:
        if provider != LOCAL_IDENTITY_PROVIDER and provider not in pool.identity_provider_names():
            raise InvalidParameterException(f"The provider {provider} does not exist for User Pool")
    if body.get("AllowedOAuthFlowsUserPoolClient") and not (flows and scopes):
        raise InvalidParameterException(
            "AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is "
            "allowed to use OAuth flows."
        )
    _check_flows(set(flows), scopes, callback_urls, has_secret=has_secret)


def _check_flows(
    flows: set[str], scopes: Iterable[str], callback_urls: list[str], *, has_secret: bool
) -> None:
    if "client_credentials" in flows:
        if flows & BROWSER_FLOWS:
            raise _invalid_oauth_flow(
                "client_credentials flow can not be selected along with code flow or implicit flow."
            )
        if not has_secret:
            raise _invalid_oauth_flow(
                "client_credentials flow can not be selected if client does not have a client "
                "secret."
            )
        for scope in scopes:
            if scope in STANDARD_SCOPES:
                raise _invalid_oauth_flow(f"{scope} is not supported with client_credentials flow")
    elif flows & BROWSER_FLOWS and not callback_urls:
        raise _invalid_oauth_flow(
            "CallbackUrls can not be empty when code flow or implicit flow is selected"
        )


def _check_urls(urls: Iterable[str], *, fragment_allowed: bool) -> None:
    """Absolute URLs (an app's own scheme such as myapp://callback too), https except to a
    loopback host, and for callbacks no fragment (RFC 6749 §3.1.2)."""
    for url in urls:
        try:
            parts = urlsplit(url)
        except ValueError:  # such as an unclosed IPv6 bracket
            raise InvalidParameterException(f"{url} is not an absolute URL.") from None
        if not parts.scheme or (parts.scheme in ("http", "https") and not parts.hostname):
            raise InvalidParameterException(f"{url} is not an absolute URL.")
        if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
            raise InvalidParameterException(f"{url} cannot use the HTTP protocol.")
        if "#" in url and not fragment_allowed:
            raise InvalidParameterException(f"{url} cannot use fragment")


def _invalid_oauth_flow(message: str) -> CognitoError:
    return CognitoError(message, code="InvalidOAuthFlowException")


# -- app clients' refresh token rotation ---------------------------------------------------------


def _rotation_members() -> Mapping[str, Shape]:
    """RefreshTokenRotationType's members in botocore's model (their enum and range)."""
    request = input_shapes()["CreateUserPoolClient"]
    assert request is not None
    rotation = request.members["RefreshTokenRotation"]
    assert isinstance(rotation, StructureShape)
    return rotation.members


def _with_refresh_token_rotation(body: Mapping[str, Any]) -> dict[str, Any]:
    """The request with its RefreshTokenRotation checked and whole: rotation off when left out
    (an update, too, "sets it to its default value", API_UpdateUserPoolClient), and
    RetryGracePeriodSeconds 0 when left out. Cognito describes every client with both members
    (hashicorp/terraform-provider-aws#47374: it returns "the default disabled
    refresh_token_rotation object"; #50085: "AWS Cognito automatically defaults
    RetryGracePeriodSeconds to 0")."""
    rotation: Mapping[str, Any] = body.get("RefreshTokenRotation") or {}
    feature = rotation.get("Feature", "DISABLED")
    grace = rotation.get("RetryGracePeriodSeconds", 0)
    members = _rotation_members()
    features: list[str] = members["Feature"].metadata["enum"]
    least = members["RetryGracePeriodSeconds"].metadata["min"]
    most = members["RetryGracePeriodSeconds"].metadata["max"]
    errors: list[str] = []
    if feature not in features:
        errors.append(
            f"Value '{feature}' at 'refreshTokenRotation.feature' failed to satisfy constraint: "
            f"Member must satisfy enum value set: [{', '.join(features)}]"
        )
    grace_path = f"Value '{grace}' at 'refreshTokenRotation.retryGracePeriodSeconds'"
    if grace < least:
        errors.append(
            f"{grace_path} failed to satisfy constraint: Member must have value greater than "
            f"or equal to {least}"
        )
    if grace > most:
        errors.append(
            f"{grace_path} failed to satisfy constraint: Member must have value less than or "
            f"equal to {most}"
        )
    if errors:
        count = f"{len(errors)} validation error{'s' if len(errors) > 1 else ''}"
        raise InvalidParameterException(f"{count} detected: " + "; ".join(errors))
    return {
        **body,
        "RefreshTokenRotation": {"Feature": feature, "RetryGracePeriodSeconds": grace},
    }
