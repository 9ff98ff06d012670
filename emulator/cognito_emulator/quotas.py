"""Cognito's default request-rate quotas (`--quotas aws`), answered with TooManyRequestsException.

Cognito groups user-pool operations into categories that share one requests-per-second quota per
account and Region (AWS docs, "Quotas in Amazon Cognito", user pools API operation categories).
Each category here is a token bucket holding one second's worth of requests that refills
continuously at the category's rate; a request that finds it empty is refused with "Rate
exceeded". Operations in no category are not limited.

The buckets run on real monotonic time, not the emulator clock: a quota limits how fast a client
really calls, and shifting the emulator clock (to expire tokens or codes) must neither refill
nor drain them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

QUOTA_PRESETS = ("off", "aws")

# category: (default requests per second, operations)
AWS_DEFAULT_QUOTAS: dict[str, tuple[float, tuple[str, ...]]] = {
    # A refresh by GetTokensFromRefreshToken counts as a sign-in, as the refresh_token grant does
    # (AWS's answer in re:Post "cognito token endpoint quotas"; the operation's own category is
    # not listed).
    "UserAuthentication": (120, ("InitiateAuth", "AdminInitiateAuth", "GetTokensFromRefreshToken")),
    # Answers to auth challenges have their own quota, three times UserAuthentication's, so that
    # multi-step sign-ins (MFA) are not throttled by the logins that started them.
    "UserAuthenticationChallenge": (
        360,
        ("RespondToAuthChallenge", "AdminRespondToAuthChallenge"),
    ),
    "UserCreation": (50, ("SignUp", "ConfirmSignUp", "AdminCreateUser", "AdminConfirmSignUp")),
    "UserAccountRecovery": (
        30,
        (
            "ForgotPassword",
            "ConfirmForgotPassword",
            "ResendConfirmationCode",
            "AdminResetUserPassword",
        ),
    ),
    "UserRead": (
        120,
        (
            "GetUser",
            "AdminGetUser",
            "AdminListGroupsForUser",
            "AdminListDevices",
            "AdminGetDevice",
            "AdminListUserAuthEvents",
            "GetDevice",
            "ListDevices",
        ),
    ),
    "UserList": (30, ("ListUsers", "ListUsersInGroup")),
    "UserToken": (120, ("RevokeToken", "GlobalSignOut", "AdminUserGlobalSignOut")),
    "UserUpdate": (
        25,
        (
            "AdminAddUserToGroup",
            "AdminDeleteUser",
            "AdminDeleteUserAttributes",
            "AdminDisableUser",
            "AdminEnableUser",
            "AdminForgetDevice",
            "AdminRemoveUserFromGroup",
            "AdminSetUserMFAPreference",
            "AdminSetUserPassword",
            "AdminSetUserSettings",
            "AdminUpdateAuthEventFeedback",
            "AdminUpdateDeviceStatus",
            "AdminUpdateUserAttributes",
            "AssociateSoftwareToken",
            "ChangePassword",
            "ConfirmDevice",
            "DeleteUser",
            "DeleteUserAttributes",
            "ForgetDevice",
            "GetUserAttributeVerificationCode",
            "SetUserMFAPreference",
            "SetUserSettings",
            "UpdateAuthEventFeedback",
            "UpdateDeviceStatus",
            "UpdateUserAttributes",
            "VerifySoftwareToken",
            "VerifyUserAttribute",
        ),
    ),
    "UserFederation": (25, ("AdminDisableProviderForUser", "AdminLinkProviderForUser")),
    "UserPoolRead": (
        15,
        (
            "DescribeUserPool",
            "DescribeUserPoolClient",
            "DescribeUserPoolDomain",
            "GetUserPoolMfaConfig",
            "ListUserPoolClients",
            "ListUserPools",
        ),
    ),
    "UserPoolUpdate": (
        15,
        (
            "CreateUserPool",
            "CreateUserPoolClient",
            "CreateUserPoolDomain",
            "DeleteUserPool",
            "DeleteUserPoolClient",
            "DeleteUserPoolDomain",
            "SetUserPoolMfaConfig",
            "UpdateUserPool",
            "UpdateUserPoolClient",
            "UpdateUserPoolDomain",
            "AddCustomAttributes",
        ),
    ),
    "UserPoolResourceRead": (
        20,
        (
            "DescribeIdentityProvider",
            "DescribeResourceServer",
            "GetGroup",
            "GetIdentityProviderByIdentifier",
            "ListGroups",
            "ListIdentityProviders",
            "ListResourceServers",
            "ListTagsForResource",
        ),
    ),
    "UserPoolResourceUpdate": (
        15,
        (
            "CreateGroup",
            "DeleteGroup",
            "UpdateGroup",
            "CreateIdentityProvider",
            "DeleteIdentityProvider",
            "UpdateIdentityProvider",
            "CreateResourceServer",
            "DeleteResourceServer",
            "UpdateResourceServer",
            "TagResource",
            "UntagResource",
        ),
    ),
}


class _TokenBucket:
    __slots__ = ("capacity", "rate", "tokens", "updated")

    def __init__(self, rate: float, now: float) -> None:
        self.rate = rate
        self.capacity = rate
        self.tokens = rate
        self.updated = now

    def take(self, now: float) -> bool:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class QuotaLimiter:
    """Per-category token buckets; `allow(operation)` says whether a request may proceed."""

    def __init__(
        self,
        quotas: dict[str, tuple[float, tuple[str, ...]]],
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._quotas = quotas
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._category_of = {
            operation: category
            for category, (_, operations) in quotas.items()
            for operation in operations
        }
        self._buckets: dict[str, _TokenBucket] = {}
        self.reset()

    @classmethod
    def from_preset(cls, preset: str | None) -> QuotaLimiter | None:
        """None for "off" (or None), the AWS defaults for "aws"; ValueError otherwise."""
        if preset is None or preset == "off":
            return None
        if preset == "aws":
            return cls(AWS_DEFAULT_QUOTAS)
        raise ValueError(f"quotas must be one of {', '.join(QUOTA_PRESETS)}, got {preset!r}")

    def category(self, operation: str) -> str | None:
        return self._category_of.get(operation)

    def describe(self) -> list[tuple[str, float, tuple[str, ...]]]:
        """(category, requests per second, operations) of every quota, for the console."""
        return [
            (category, rate, operations) for category, (rate, operations) in self._quotas.items()
        ]

    def allow(self, operation: str) -> bool:
        category = self._category_of.get(operation)
        if category is None:
            return True
        with self._lock:
            return self._buckets[category].take(self._monotonic())

    def reset(self) -> None:
        """Full buckets, as after a quiet second."""
        now = self._monotonic()
        with self._lock:
            self._buckets = {
                category: _TokenBucket(rate, now) for category, (rate, _) in self._quotas.items()
            }
