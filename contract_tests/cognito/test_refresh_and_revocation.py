"""REFRESH_TOKEN_AUTH, GetTokensFromRefreshToken, GlobalSignOut and RevokeToken: what
/token/refresh and /logout rely on."""

from __future__ import annotations

from contract_tests.cognito.accounts import Accounts
from contract_tests.cognito.errors import cognito_error
from contract_tests.targets import CognitoTarget


def test_refresh_issues_new_access_and_id_tokens(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """REFRESH_TOKEN_AUTH with SECRET_HASH of the username issues new access and ID tokens."""
    account = accounts.confirmed()
    first = accounts.log_in(account)
    refreshed = accounts.refresh(account, first["RefreshToken"])
    assert refreshed["AccessToken"] and refreshed["IdToken"]
    assert refreshed["AccessToken"] != first["AccessToken"]
    assert cognito_target.client.get_user(AccessToken=refreshed["AccessToken"])["Username"] == (
        account.username
    )


def test_refresh_without_secret_hash_is_refused(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """REFRESH_TOKEN_AUTH without SECRET_HASH: NotAuthorizedException."""
    refresh_token = accounts.log_in(accounts.confirmed())["RefreshToken"]
    cognito_error(
        lambda: cognito_target.client.initiate_auth(
            ClientId=cognito_target.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh_token},
        ),
        "NotAuthorizedException",
    )


def test_an_unknown_refresh_token_is_refused(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """REFRESH_TOKEN_AUTH with a refresh token Cognito never issued: NotAuthorizedException."""
    account = accounts.confirmed()
    cognito_error(
        lambda: accounts.refresh(account, "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.forged"),
        "NotAuthorizedException",
    )


def test_global_sign_out_revokes_access_and_refresh_tokens(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """After GlobalSignOut, GetUser and REFRESH_TOKEN_AUTH: NotAuthorizedException."""
    account = accounts.confirmed()
    tokens = accounts.log_in(account)
    cognito_target.client.global_sign_out(AccessToken=tokens["AccessToken"])
    cognito_error(
        lambda: cognito_target.client.get_user(AccessToken=tokens["AccessToken"]),
        "NotAuthorizedException",
    )
    cognito_error(
        lambda: accounts.refresh(account, tokens["RefreshToken"]), "NotAuthorizedException"
    )


def test_admin_global_sign_out_revokes_refresh_tokens(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """After AdminUserGlobalSignOut, REFRESH_TOKEN_AUTH: NotAuthorizedException."""
    account = accounts.confirmed()
    tokens = accounts.log_in(account)
    cognito_target.client.admin_user_global_sign_out(
        UserPoolId=cognito_target.user_pool_id, Username=account.username
    )
    cognito_error(
        lambda: accounts.refresh(account, tokens["RefreshToken"]), "NotAuthorizedException"
    )


def test_revoke_token_revokes_the_refresh_token_and_its_access_tokens(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """After RevokeToken, the refresh token and access tokens issued from it are refused."""
    account = accounts.confirmed()
    tokens = accounts.log_in(account)
    cognito_target.client.revoke_token(
        Token=tokens["RefreshToken"],
        ClientId=cognito_target.client_id,
        ClientSecret=cognito_target.client_secret,
    )
    cognito_error(
        lambda: accounts.refresh(account, tokens["RefreshToken"]), "NotAuthorizedException"
    )
    cognito_error(
        lambda: cognito_target.client.get_user(AccessToken=tokens["AccessToken"]),
        "NotAuthorizedException",
    )


def test_revoke_token_needs_the_client_secret(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """RevokeToken with a wrong client secret: UnauthorizedException; the token still works.

    RevokeToken is the one operation here whose declared errors use UnauthorizedException.
    """
    account = accounts.confirmed()
    tokens = accounts.log_in(account)
    cognito_error(
        lambda: cognito_target.client.revoke_token(
            Token=tokens["RefreshToken"],
            ClientId=cognito_target.client_id,
            ClientSecret=cognito_target.client_secret + "x",
        ),
        "UnauthorizedException",
    )
    assert accounts.refresh(account, tokens["RefreshToken"])["AccessToken"]


def test_get_tokens_from_refresh_token_issues_new_tokens(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """GetTokensFromRefreshToken (what Amplify v6 refreshes with) issues new access and ID tokens.

    "If refresh token rotation is disabled, issues new ID and access tokens only" (API
    reference, GetTokensFromRefreshToken): the kit's client does not rotate, so no new refresh
    token comes back, and the one given keeps working.
    """
    account = accounts.confirmed()
    first = accounts.log_in(account)
    refreshed = cognito_target.client.get_tokens_from_refresh_token(
        RefreshToken=first["RefreshToken"],
        ClientId=cognito_target.client_id,
        ClientSecret=cognito_target.client_secret,
    )["AuthenticationResult"]
    assert refreshed["AccessToken"] != first["AccessToken"]
    assert refreshed["IdToken"]
    assert "RefreshToken" not in refreshed
    assert cognito_target.client.get_user(AccessToken=refreshed["AccessToken"])["Username"] == (
        account.username
    )
    assert accounts.refresh(account, first["RefreshToken"])["AccessToken"]
