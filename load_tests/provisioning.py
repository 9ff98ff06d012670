"""The admin step before a run: confirmed accounts for the scenarios that log in, never sign up.

A real pool has no outbox to read confirmation codes from, and creating users through self
sign-up would send real e-mails; an admin creates them instead (AdminCreateUser without a
message, then AdminSetUserPassword permanent, which leaves them CONFIRMED). The same step runs on
the emulator, so both targets are loaded the same way. Each account then logs in once through
the service, which creates its database row from the verified claims and proves the setup works
before any load is applied.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

import boto3
import httpx

from load_tests.run_files import Account

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient


@dataclass(frozen=True)
class ServicePool:
    """The user pool the service under load uses, reached with admin rights for the setup step;
    endpoint_url None means real AWS (default credential chain)."""

    region: str
    user_pool_id: str
    endpoint_url: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = None

    def admin_client(self) -> CognitoIdentityProviderClient:
        return boto3.client(
            "cognito-idp",
            region_name=self.region,
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=self.secret_access_key,
        )


class ProvisioningError(RuntimeError):
    """An account could not be created or could not log in through the service."""


def new_password() -> str:
    """Random, and satisfying Cognito's default policy (upper, lower, digit, symbol, 8+)."""
    return f"Load-{secrets.token_urlsafe(12)}-9a!"


def provision_accounts(
    pool: ServicePool, service_url: str, *, count: int, name_prefix: str
) -> list[Account]:
    cognito = pool.admin_client()
    accounts = []
    with httpx.Client(base_url=service_url, timeout=30) as service:
        for number in range(count):
            username = f"{name_prefix}-{number:04d}"
            account = Account(username, new_password(), f"{username}@example.com")
            cognito.admin_create_user(
                UserPoolId=pool.user_pool_id,
                Username=account.username,
                UserAttributes=[
                    {"Name": "email", "Value": account.email},
                    {"Name": "email_verified", "Value": "true"},
                ],
                MessageAction="SUPPRESS",
            )
            cognito.admin_set_user_password(
                UserPoolId=pool.user_pool_id,
                Username=account.username,
                Password=account.password,
                Permanent=True,
            )
            login = service.post(
                "/users/login", data={"username": account.username, "password": account.password}
            )
            if login.status_code != 200:
                raise ProvisioningError(
                    f"{account.username} was created but cannot log in through the service: "
                    f"{login.status_code} {login.text[:300]}"
                )
            accounts.append(account)
    return accounts


def user_statuses(pool: ServicePool) -> dict[str, str]:
    """Every user of the pool and their UserStatus (CONFIRMED, UNCONFIRMED, ...): everyone the
    run signed up, on the emulator's fresh pool (not meant for a real one)."""
    cognito = pool.admin_client()
    pages = cognito.get_paginator("list_users").paginate(UserPoolId=pool.user_pool_id)
    return {
        user["Username"]: user.get("UserStatus", "UNKNOWN")
        for page in pages
        for user in page["Users"]
    }
