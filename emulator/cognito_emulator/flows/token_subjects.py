"""What a user's tokens say about them, and how long they last: one answer for every way tokens
are issued (the API's sign-in and refresh, the OAuth grants)."""

from __future__ import annotations

from cognito_emulator import policy
from cognito_emulator.moto_adapter import AppClient, User
from cognito_emulator.tokens import Principal, TokenLifetimes

# Attributes the ID token carries as JSON booleans.
BOOLEAN_ATTRIBUTES = frozenset({"email_verified", "phone_number_verified"})


def lifetimes_of(client: AppClient) -> TokenLifetimes:
    """The token lifetimes an app client's settings give."""
    return TokenLifetimes.from_client_config(client.settings)


def principal_of(client: AppClient, user: User) -> Principal:
    """What the tokens `client` gets say about `user`."""
    readable = policy.readable_attributes(client, user.attribute_values())
    attributes: dict[str, str | bool] = {
        name: policy.is_true(value) if name in BOOLEAN_ATTRIBUTES else value
        for name, value in readable.items()
    }
    return Principal(
        sub=user.sub, username=user.username, groups=user.group_names, attributes=attributes
    )
