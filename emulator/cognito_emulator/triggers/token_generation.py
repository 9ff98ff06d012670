"""The pre token generation trigger: the claims, scopes and groups of the tokens Cognito is about
to issue, as the pool's function changes them (user-pool-lambda-pre-token-generation.md).

When it runs ("Pre token generation Lambda trigger sources"): TokenGeneration_Authentication (an
API sign-in completed), _NewPasswordChallenge (one completed by answering NEW_PASSWORD_REQUIRED),
_HostedAuth (tokens for a sign-in on the managed login pages: the authorization code and implicit
grants), _RefreshTokens (REFRESH_TOKEN_AUTH and the refresh_token grant: every refresh runs the
trigger again), and _ClientCredentials, a machine's token, only for a version 3 function ("Your
user pool only sends this event when your event version is V3_0"). _AuthenticateDevice never
happens here: the emulator remembers no devices.

The event's version is the pool's LambdaVersion (V1_0 → "1", V2_0 → "2", V3_0 → "3"). A version
1 answer (`claimsOverrideDetails`) changes the ID token, and `cognito:groups` in both tokens
("Group overrides are the only changes to the access token that version 1 events can make"); a
version 2 or 3 answer (`claimsAndScopeOverrideDetails`) changes each token apart and the access
token's scopes. Claim values: strings in version 1 ("Response objects to version one events can
return strings"); in versions 2 and 3 also numbers, booleans, arrays of those and JSON objects,
but no array or object for the ID token's phone_number_verified, email_verified, updated_at and
address. Another value, or an answer of the wrong shape, is InvalidLambdaResponseException.

What an answer cannot change ("Claims and scopes reference"): the claims Cognito owns (sub, iss,
aud, token_use, exp, iat, auth_time, jti, origin_jti, event_id, client_id, username, version,
cognito:username and every other `cognito:` claim but the group ones, ...) and `dev:` attributes,
which may only be suppressed. An access token may get an `aud` claim equal to its app client ID
(note 4). The guide does not say what Cognito does with an answer that names such a claim; here
the claim is left as Cognito made it and the attempt is logged (our reading). A claim both added
and suppressed is suppressed ("If your function both suppresses and replaces a claim value, then
Amazon Cognito suppresses the claim"); suppressing `cognito:groups` also suppresses
`cognito:roles` and `cognito:preferred_role` (note 3).

`groupOverrideDetails` replaces the user's groups: "If you provide an empty or null object in the
response, then Amazon Cognito suppresses the groups"; left out, the groups stay as they are.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Literal

from cognito_emulator.exceptions import InvalidLambdaResponseException
from cognito_emulator.moto_adapter import Pool, User
from cognito_emulator.triggers.invocation import (
    PoolTriggers,
    optional_string,
    optional_string_list,
    unrecognizable,
    user_attributes,
)
from cognito_emulator.triggers.lambda_config import Trigger, token_generation_version

logger = logging.getLogger("cognito_emulator.triggers")

TRIGGER: Trigger = "PreTokenGeneration"
UserTokenSource = Literal[
    "TokenGeneration_Authentication",
    "TokenGeneration_NewPasswordChallenge",
    "TokenGeneration_HostedAuth",
    "TokenGeneration_RefreshTokens",
]
CLIENT_CREDENTIALS = "TokenGeneration_ClientCredentials"
TokenUse = Literal["id", "access"]

# Claims an answer can neither add, change nor suppress ("Claims and scopes reference": the rows
# with No, No, No), besides every `cognito:` claim; `scope` changes through scopesToAdd and
# scopesToSuppress only.
FIXED_CLAIMS = frozenset(
    {
        "acr",
        "amr",
        "at_hash",
        "aud",
        "auth_time",
        "azp",
        "client_id",
        "device_key",
        "event_id",
        "exp",
        "iat",
        "identities",
        "iss",
        "jti",
        "nbf",
        "nonce",
        "origin_jti",
        "scope",
        "sub",
        "token_use",
        "username",
        "version",
    }
)
GROUPS_CLAIM = "cognito:groups"
# What groupOverrideDetails sets, and suppressing cognito:groups removes (note 3).
GROUP_CLAIMS = (GROUPS_CLAIM, "cognito:roles", "cognito:preferred_role")
# "In the ID token, you can populate complex objects to the values of claims except for ...".
SIMPLE_ID_CLAIMS = frozenset({"phone_number_verified", "email_verified", "updated_at", "address"})
# The `response` of the event as Cognito sends it, per version (events captured from Cognito,
# e.g. the TokenGeneration_RefreshTokens event in awslabs/visual-asset-management-system's
# README: "response": {"claimsOverrideDetails": null}).
V1_DETAILS = "claimsOverrideDetails"
V2_DETAILS = "claimsAndScopeOverrideDetails"


@dataclass(frozen=True, slots=True)
class GroupOverride:
    """An answer's groupOverrideDetails: `cognito:groups` in both tokens, `cognito:roles` and
    `cognito:preferred_role` in the ID token; empty ones leave the claim out."""

    groups: tuple[str, ...] = ()
    iam_roles: tuple[str, ...] = ()
    preferred_role: str | None = None


@dataclass(frozen=True, slots=True)
class TokenCustomization:
    """What a pre token generation answer changes, checked: claims to add or override and to
    suppress in each token (never a claim Cognito owns), scopes to add to and suppress from the
    access token, and the groups replacing the user's (None: the user's own)."""

    id_claims: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    id_suppressed: frozenset[str] = frozenset()
    access_claims: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    access_suppressed: frozenset[str] = frozenset()
    scopes_to_add: tuple[str, ...] = ()
    scopes_to_suppress: frozenset[str] = frozenset()
    groups: GroupOverride | None = None

    def customize_id_token(self, claims: dict[str, Any]) -> None:
        """Change an ID token's claims (in place) as the answer says."""
        if self.groups is not None:
            for name in GROUP_CLAIMS:
                claims.pop(name, None)
            if self.groups.groups:
                claims[GROUPS_CLAIM] = list(self.groups.groups)
            if self.groups.iam_roles:
                claims["cognito:roles"] = list(self.groups.iam_roles)
            if self.groups.preferred_role:
                claims["cognito:preferred_role"] = self.groups.preferred_role
        claims.update(self.id_claims)
        for name in self.id_suppressed:
            for suppressed in GROUP_CLAIMS if name == GROUPS_CLAIM else (name,):
                claims.pop(suppressed, None)

    def customize_access_token(self, claims: dict[str, Any]) -> None:
        """Change an access token's claims (in place) as the answer says. A token left with no
        scope has no `scope` claim."""
        if self.groups is not None:
            claims.pop(GROUPS_CLAIM, None)
            if self.groups.groups:
                claims[GROUPS_CLAIM] = list(self.groups.groups)
        if self.scopes_to_add or self.scopes_to_suppress:
            granted = str(claims.get("scope", "")).split()
            scopes = [
                scope
                for scope in dict.fromkeys([*granted, *self.scopes_to_add])
                if scope not in self.scopes_to_suppress
            ]
            if scopes:
                claims["scope"] = " ".join(scopes)
            else:
                claims.pop("scope", None)
        claims.update(self.access_claims)
        for name in self.access_suppressed:
            claims.pop(name, None)


def user_token_customization(
    triggers: PoolTriggers,
    pool: Pool,
    source: UserTokenSource,
    *,
    user: User,
    client_id: str,
    scopes: tuple[str, ...],
    client_metadata: Mapping[str, str] | None = None,
) -> TokenCustomization | None:
    """What the pool's function changes in the tokens `user` is about to get from `client_id`
    with `scopes`; None when the pool has no such function (then no event is built)."""
    if not triggers.configured(pool, TRIGGER):
        return None
    version = token_generation_version(pool.settings)
    request = _request(user_attributes(user), user.group_names, version, scopes, client_metadata)
    answer = triggers.invoke(
        pool,
        TRIGGER,
        source,
        username=user.username,
        client_id=client_id,
        request=request,
        response={V1_DETAILS if version == "1" else V2_DETAILS: None},
        version=version,
    )
    if answer is None:
        return None
    return _customization(answer, version, client_id=client_id, pool_id=pool.id)


def client_token_customization(
    triggers: PoolTriggers,
    pool: Pool,
    *,
    client_id: str,
    scopes: tuple[str, ...],
    client_metadata: Mapping[str, str] | None = None,
) -> TokenCustomization | None:
    """What the pool's version 3 function changes in a machine's access token (None for no
    function, or one of version 1 or 2). The event names no user: userName is the app client
    (the token's `sub`), with no attributes and no groups (our reading: the guide shows no
    such event)."""
    if not triggers.configured(pool, TRIGGER):
        return None
    version = token_generation_version(pool.settings)
    if version != "3":
        return None
    answer = triggers.invoke(
        pool,
        TRIGGER,
        CLIENT_CREDENTIALS,
        username=client_id,
        client_id=client_id,
        request=_request({}, (), version, scopes, client_metadata),
        response={V2_DETAILS: None},
        version=version,
    )
    if answer is None:
        return None
    # A machine's token has no groups to override.
    return replace(
        _customization(answer, version, client_id=client_id, pool_id=pool.id), groups=None
    )


def _request(
    attributes: dict[str, str],
    groups: tuple[str, ...],
    version: str,
    scopes: tuple[str, ...],
    client_metadata: Mapping[str, str] | None,
) -> dict[str, Any]:
    """The event's request: `scopes` from version 2 on; clientMetadata only when given. Its
    groupConfiguration as Cognito sends it (captured events); the roles and preferred role come
    from the groups' IAM roles, which the emulator does not keep."""
    request: dict[str, Any] = {"userAttributes": attributes}
    if version != "1":
        request["scopes"] = list(scopes)
    request["groupConfiguration"] = {
        "groupsToOverride": list(groups),
        "iamRolesToOverride": [],
        "preferredRole": None,
    }
    if client_metadata:
        request["clientMetadata"] = dict(client_metadata)
    return request


def _customization(
    response: Mapping[str, Any], version: str, *, client_id: str, pool_id: str
) -> TokenCustomization:
    answer = _Answer(pool_id, client_id, version)
    if version == "1":
        details = answer.optional_object(response, V1_DETAILS)
        if details is None:
            return TokenCustomization()
        return TokenCustomization(
            id_claims=answer.claims_to_add(details, "id"),
            id_suppressed=answer.claims_to_suppress(details, "id"),
            groups=answer.group_override(details),
        )
    details = answer.optional_object(response, V2_DETAILS)
    if details is None:
        return TokenCustomization()
    id_token = answer.optional_object(details, "idTokenGeneration") or {}
    access_token = answer.optional_object(details, "accessTokenGeneration") or {}
    return TokenCustomization(
        id_claims=answer.claims_to_add(id_token, "id"),
        id_suppressed=answer.claims_to_suppress(id_token, "id"),
        access_claims=answer.claims_to_add(access_token, "access"),
        access_suppressed=answer.claims_to_suppress(access_token, "access"),
        scopes_to_add=answer.scopes_to_add(access_token),
        scopes_to_suppress=frozenset(answer.strings(access_token, "scopesToSuppress")),
        groups=answer.group_override(details),
    )


@dataclass(frozen=True, slots=True)
class _Answer:
    """Reads one answer: InvalidLambdaResponseException for a wrong shape; what the answer may
    not change is dropped (and logged)."""

    pool_id: str
    client_id: str
    version: str

    def refuse(self, why: str) -> InvalidLambdaResponseException:
        return unrecognizable(TRIGGER, self.pool_id, why)

    def optional_object(self, parent: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
        value = parent.get(name)
        if value is not None and not isinstance(value, dict):
            raise self.refuse(f"{name} is not an object")
        return value

    def strings(self, parent: Mapping[str, Any], name: str) -> list[str]:
        return optional_string_list(parent, name, TRIGGER, self.pool_id)

    def claims_to_add(self, parent: Mapping[str, Any], token: TokenUse) -> Mapping[str, Any]:
        claims = self.optional_object(parent, "claimsToAddOrOverride") or {}
        allowed: dict[str, Any] = {}
        for name, value in claims.items():
            if not self._acceptable_value(name, value, token):
                raise self.refuse(f"claimsToAddOrOverride.{name} has a value of a wrong type")
            if self._may_add(name, value, token):
                allowed[name] = value
            else:
                self._ignored("added or overridden", name, token)
        return MappingProxyType(allowed)

    def claims_to_suppress(self, parent: Mapping[str, Any], token: TokenUse) -> frozenset[str]:
        suppressed = set()
        for name in self.strings(parent, "claimsToSuppress"):
            if name == GROUPS_CLAIM or not (name in FIXED_CLAIMS or name.startswith("cognito:")):
                suppressed.add(name)
            else:
                self._ignored("suppressed", name, token)
        return frozenset(suppressed)

    def scopes_to_add(self, parent: Mapping[str, Any]) -> tuple[str, ...]:
        scopes = self.strings(parent, "scopesToAdd")
        # "You can't add scope values that contain one or more blank-space characters."
        if any(not scope or any(char.isspace() for char in scope) for scope in scopes):
            raise self.refuse("scopesToAdd holds a scope that is empty or has a blank")
        return tuple(scopes)

    def group_override(self, details: Mapping[str, Any]) -> GroupOverride | None:
        if "groupOverrideDetails" not in details:
            return None
        value = self.optional_object(details, "groupOverrideDetails") or {}
        groups = optional_string_list(value, "groupsToOverride", TRIGGER, self.pool_id)
        roles = optional_string_list(value, "iamRolesToOverride", TRIGGER, self.pool_id)
        preferred = optional_string(value, "preferredRole", TRIGGER, self.pool_id)
        return GroupOverride(tuple(groups), tuple(roles), preferred or None)

    def _acceptable_value(self, name: str, value: Any, token: TokenUse) -> bool:
        if self.version == "1":
            return isinstance(value, str)
        if _is_scalar(value):
            return True
        if token == "id" and name in SIMPLE_ID_CLAIMS:
            return False
        if isinstance(value, list):
            return all(_is_scalar(item) for item in value)
        return isinstance(value, dict)

    def _may_add(self, name: str, value: Any, token: TokenUse) -> bool:
        if name == "aud" and token == "access":
            # Note 4: "its value must match the app client ID of the current session".
            return value == self.client_id
        return not (name in FIXED_CLAIMS or name.startswith(("cognito:", "dev:")))

    def _ignored(self, change: str, name: str, token: TokenUse) -> None:
        logger.warning(
            "PreTokenGeneration trigger of pool %s: claim %r of the %s token cannot be %s; "
            "left as Cognito made it",
            self.pool_id,
            name,
            token,
            change,
        )


def _is_scalar(value: Any) -> bool:
    """A string, a boolean or a finite number (JSON has no NaN or infinity)."""
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, str | int)
