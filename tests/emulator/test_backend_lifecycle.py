"""Token and user lifecycle: expiry, revocation, sign-out, refused users, Cognito's errors."""

from __future__ import annotations

import base64
import json
import urllib.request
from typing import Any

import jwt
import pytest
from botocore.exceptions import ClientError

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import CognitoUser, create_confirmed_user, secret_hash
from cognito_emulator.server import EmulatorServer

INCORRECT = {"Code": "NotAuthorizedException", "Message": "Incorrect username or password."}
INVALID_ACCESS_TOKEN = {"Code": "NotAuthorizedException", "Message": "Invalid Access Token"}
EXPIRED_ACCESS_TOKEN = {"Code": "NotAuthorizedException", "Message": "Access Token has expired"}


def error_of(call: Any, **kwargs: Any) -> dict[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    error: dict[str, str] = raised.value.response["Error"]
    return error


def login(client: Any, pool: PoolConfig, username: str, password: str) -> Any:
    return client.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": username,
            "PASSWORD": password,
            "SECRET_HASH": secret_hash(username, pool.client_id, pool.client_secret),
        },
    )


def refresh(client: Any, pool: PoolConfig, username: str, refresh_token: str) -> Any:
    return client.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={
            "REFRESH_TOKEN": refresh_token,
            "SECRET_HASH": secret_hash(username, pool.client_id, pool.client_secret),
        },
    )


ACCESS_TOKEN_CALLS: dict[str, Any] = {
    "GetUser": lambda client, token: client.get_user(AccessToken=token),
    "ChangePassword": lambda client, token: client.change_password(
        AccessToken=token, PreviousPassword="whatever1A!", ProposedPassword="N3w-Passw0rd!"
    ),
    "UpdateUserAttributes": lambda client, token: client.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "name", "Value": "x"}]
    ),
    "GetUserAttributeVerificationCode": lambda client, token: (
        client.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    ),
    "VerifyUserAttribute": lambda client, token: client.verify_user_attribute(
        AccessToken=token, AttributeName="email", Code="123456"
    ),
    "GlobalSignOut": lambda client, token: client.global_sign_out(AccessToken=token),
    "DeleteUser": lambda client, token: client.delete_user(AccessToken=token),
    "AssociateSoftwareToken": lambda client, token: client.associate_software_token(
        AccessToken=token
    ),
}


@pytest.mark.parametrize("operation", ACCESS_TOKEN_CALLS)
def test_access_token_calls_refuse_an_expired_token(
    operation: str,
    cognito_emulator: EmulatorServer,
    cognito_user: CognitoUser,
    cognito_idp_client: Any,
) -> None:
    """Plain moto never expires tokens."""
    cognito_emulator.advance_clock(3600 + 1)

    assert error_of(
        ACCESS_TOKEN_CALLS[operation],
        client=cognito_idp_client,
        token=cognito_user.access_token,
    ) == {"Code": "NotAuthorizedException", "Message": "Access Token has expired"}


@pytest.mark.parametrize("operation", ACCESS_TOKEN_CALLS)
def test_access_token_calls_refuse_a_token_they_did_not_issue(
    operation: str, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    header, payload, signature = cognito_user.access_token.split(".")
    tampered = f"{header}.{payload}.{signature[:-4]}AAAA"

    for token in ("not-a-token", tampered):
        assert error_of(ACCESS_TOKEN_CALLS[operation], client=cognito_idp_client, token=token) == {
            "Code": "NotAuthorizedException",
            "Message": "Invalid Access Token",
        }


def test_access_token_is_accepted_until_it_expires(
    cognito_emulator: EmulatorServer, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    cognito_emulator.advance_clock(3600 - 30)
    assert cognito_idp_client.get_user(AccessToken=cognito_user.access_token)["Username"] == (
        cognito_user.username
    )


def claims_of(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


def signed_with_the_pools_access_key(
    server: EmulatorServer, pool: PoolConfig, claims: dict[str, Any]
) -> str:
    """A token only the emulator could have made: signed with the pool's own access-token key,
    so what refuses it is the check of its claims, not of its signature."""
    keys = server.backend._keys
    key = server.app.locked(lambda: keys.signer(pool.user_pool_id, "access"))
    return jwt.encode(claims, key.private_key, algorithm="RS256", headers={"kid": key.kid})


def test_an_id_token_is_not_an_access_token(
    cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    assert error_of(cognito_idp_client.get_user, AccessToken=cognito_user.id_token) == (
        INVALID_ACCESS_TOKEN
    )


@pytest.mark.parametrize("token_use", ["id", None])
def test_a_token_of_the_pools_access_key_is_an_access_token_only_by_its_token_use(
    token_use: str | None,
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_idp_client: Any,
) -> None:
    """A good signature of the pool's key is not enough: the claims must say "access"."""
    claims = claims_of(cognito_user.access_token)
    del claims["token_use"]
    if token_use is not None:
        claims["token_use"] = token_use
    token = signed_with_the_pools_access_key(cognito_emulator, cognito_pool, claims)

    assert error_of(cognito_idp_client.get_user, AccessToken=token) == INVALID_ACCESS_TOKEN


def test_a_token_of_the_pools_key_naming_another_issuer_is_refused(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_idp_client: Any,
) -> None:
    claims = {**claims_of(cognito_user.access_token), "iss": "https://issuer.example.com"}
    token = signed_with_the_pools_access_key(cognito_emulator, cognito_pool, claims)

    assert error_of(cognito_idp_client.get_user, AccessToken=token) == INVALID_ACCESS_TOKEN


def test_a_token_whose_kid_is_not_a_string_is_refused_not_a_server_error(
    cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    """RFC 7515 §4.1.4: a kid is a string. The header is encoded by hand (PyJWT encodes no other
    kid); payload and signature are the user's real token's."""
    header = json.dumps({"alg": "RS256", "kid": [1]}).encode()
    _, payload, signature = cognito_user.access_token.split(".")
    encoded = base64.urlsafe_b64encode(header).rstrip(b"=").decode("ascii")

    token = f"{encoded}.{payload}.{signature}"

    assert error_of(cognito_idp_client.get_user, AccessToken=token) == INVALID_ACCESS_TOKEN


def test_a_token_without_exp_has_expired(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_idp_client: Any,
) -> None:
    """Every token the emulator signs has exp; one without has no time it is valid until."""
    claims = claims_of(cognito_user.access_token)
    del claims["exp"]
    token = signed_with_the_pools_access_key(cognito_emulator, cognito_pool, claims)

    assert error_of(cognito_idp_client.get_user, AccessToken=token) == EXPIRED_ACCESS_TOKEN


def test_an_access_token_has_expired_at_the_instant_of_its_exp(
    monkeypatch: pytest.MonkeyPatch,
    cognito_emulator: EmulatorServer,
    cognito_user: CognitoUser,
    cognito_idp_client: Any,
) -> None:
    """RFC 7519 §4.1.4: the token "MUST NOT be accepted" on or after its exp. The emulator clock
    is stopped at exp (it otherwise moves on with real time)."""
    expires_at = float(claims_of(cognito_user.access_token)["exp"])
    monkeypatch.setattr(cognito_emulator.backend.clock, "now", lambda: expires_at)

    assert error_of(cognito_idp_client.get_user, AccessToken=cognito_user.access_token) == (
        EXPIRED_ACCESS_TOKEN
    )


@pytest.mark.parametrize("hours", [-2, 2], ids=["clock-moved-back", "clock-moved-forward"])
def test_token_times_are_judged_by_the_emulator_clock_not_the_wall_clock(
    hours: int,
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: Any,
) -> None:
    """Tokens issued after the emulator clock moved are good on it: two hours back, exp is an
    hour in the wall clock's past; two hours ahead, iat is in the wall clock's future."""
    cognito_emulator.advance_clock(hours * 3600)
    user = create_confirmed_user(cognito_emulator, cognito_pool, cognito_idp_client)

    assert cognito_idp_client.get_user(AccessToken=user.access_token)["Username"] == user.username


def test_a_not_before_passed_on_the_emulator_clock_is_accepted(
    cognito_emulator: EmulatorServer, cognito_pool: PoolConfig, cognito_idp_client: Any
) -> None:
    """Cognito's tokens have no nbf; one that has passed on the emulator clock (though it is
    still in the wall clock's future) does not make a token unusable."""
    cognito_emulator.advance_clock(2 * 3600)
    user = create_confirmed_user(cognito_emulator, cognito_pool, cognito_idp_client)
    claims = claims_of(user.access_token)
    token = signed_with_the_pools_access_key(
        cognito_emulator, cognito_pool, {**claims, "nbf": claims["iat"]}
    )

    assert cognito_idp_client.get_user(AccessToken=token)["Username"] == user.username


def test_global_sign_out_revokes_access_and_refresh_tokens(
    cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    cognito_idp_client.global_sign_out(AccessToken=cognito_user.access_token)

    assert error_of(cognito_idp_client.get_user, AccessToken=cognito_user.access_token) == {
        "Code": "NotAuthorizedException",
        "Message": "Access Token has been revoked",
    }
    assert error_of(
        refresh,
        client=cognito_idp_client,
        pool=cognito_pool,
        username=cognito_user.username,
        refresh_token=cognito_user.refresh_token,
    ) == {"Code": "NotAuthorizedException", "Message": "Refresh Token has been revoked"}
    fresh = login(cognito_idp_client, cognito_pool, cognito_user.username, cognito_user.password)
    assert cognito_idp_client.get_user(AccessToken=fresh["AuthenticationResult"]["AccessToken"])


def test_admin_user_global_sign_out_revokes_every_session_of_the_user(
    cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    second = login(cognito_idp_client, cognito_pool, cognito_user.username, cognito_user.password)

    cognito_idp_client.admin_user_global_sign_out(
        UserPoolId=cognito_pool.user_pool_id, Username=cognito_user.username
    )

    for token in (cognito_user.access_token, second["AuthenticationResult"]["AccessToken"]):
        assert error_of(cognito_idp_client.get_user, AccessToken=token)["Message"] == (
            "Access Token has been revoked"
        )


def test_revoke_token_revokes_that_refresh_token_and_its_access_tokens_only(
    cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    """Plain moto has no RevokeToken (HTTP 500)."""
    other_session = login(
        cognito_idp_client, cognito_pool, cognito_user.username, cognito_user.password
    )["AuthenticationResult"]
    refreshed = refresh(
        cognito_idp_client, cognito_pool, cognito_user.username, cognito_user.refresh_token
    )["AuthenticationResult"]

    cognito_idp_client.revoke_token(
        Token=cognito_user.refresh_token,
        ClientId=cognito_pool.client_id,
        ClientSecret=cognito_pool.client_secret,
    )

    for token in (cognito_user.access_token, refreshed["AccessToken"]):
        assert error_of(cognito_idp_client.get_user, AccessToken=token)["Message"] == (
            "Access Token has been revoked"
        )
    assert error_of(
        refresh,
        client=cognito_idp_client,
        pool=cognito_pool,
        username=cognito_user.username,
        refresh_token=cognito_user.refresh_token,
    )["Message"] == ("Refresh Token has been revoked")
    assert cognito_idp_client.get_user(AccessToken=other_session["AccessToken"])
    assert refresh(
        cognito_idp_client, cognito_pool, cognito_user.username, other_session["RefreshToken"]
    )


def test_revoke_token_authenticates_the_client_and_takes_only_refresh_tokens(
    cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    def revoke(token: str, **secret: str) -> Any:
        return cognito_idp_client.revoke_token(
            Token=token, ClientId=cognito_pool.client_id, **secret
        )

    assert error_of(revoke, token=cognito_user.refresh_token)["Code"] == "UnauthorizedException"
    assert (
        error_of(
            revoke, token=cognito_user.refresh_token, ClientSecret="wrong-secret-of-enough-length"
        )["Code"]
        == "UnauthorizedException"
    )
    assert (
        error_of(revoke, token=cognito_user.access_token, ClientSecret=cognito_pool.client_secret)[
            "Code"
        ]
        == "UnsupportedTokenTypeException"
    )
    assert cognito_idp_client.get_user(AccessToken=cognito_user.access_token)


@pytest.mark.parametrize("api", ["InitiateAuth", "AdminInitiateAuth"])
def test_unknown_refresh_token_is_not_authorized_never_a_server_error(
    api: str, cognito_pool: PoolConfig, cognito_idp_client: Any
) -> None:
    """Plain moto raises KeyError here (HTTP 500) on AdminInitiateAuth."""
    parameters = {
        "REFRESH_TOKEN": "no-such-token",
        "SECRET_HASH": secret_hash("anyone", cognito_pool.client_id, cognito_pool.client_secret),
    }
    if api == "InitiateAuth":
        call = cognito_idp_client.initiate_auth
        kwargs: dict[str, Any] = {}
    else:
        call = cognito_idp_client.admin_initiate_auth
        kwargs = {"UserPoolId": cognito_pool.user_pool_id}

    assert error_of(
        call,
        ClientId=cognito_pool.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters=parameters,
        **kwargs,
    ) == {"Code": "NotAuthorizedException", "Message": "Invalid Refresh Token"}


def test_refresh_token_of_another_client_is_invalid(
    cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    other = cognito_idp_client.create_user_pool_client(
        UserPoolId=cognito_pool.user_pool_id,
        ClientName="other",
        ExplicitAuthFlows=["ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]

    assert error_of(
        cognito_idp_client.initiate_auth,
        ClientId=other,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": cognito_user.refresh_token},
    ) == {"Code": "NotAuthorizedException", "Message": "Invalid Refresh Token"}


def test_unconfirmed_users_cannot_sign_in_even_through_the_admin_api(
    cognito_pool: PoolConfig, cognito_idp_client: Any
) -> None:
    """Plain moto lets an unconfirmed user sign in through AdminInitiateAuth."""
    hashed = secret_hash("xena", cognito_pool.client_id, cognito_pool.client_secret)
    cognito_idp_client.sign_up(
        ClientId=cognito_pool.client_id,
        Username="xena",
        Password="Passw0rd!",
        SecretHash=hashed,
        UserAttributes=[{"Name": "email", "Value": "xena@example.com"}],
    )
    not_confirmed = {"Code": "UserNotConfirmedException", "Message": "User is not confirmed."}

    assert (
        error_of(
            cognito_idp_client.admin_initiate_auth,
            UserPoolId=cognito_pool.user_pool_id,
            ClientId=cognito_pool.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "xena", "PASSWORD": "Passw0rd!", "SECRET_HASH": hashed},
        )
        == not_confirmed
    )
    assert (
        error_of(
            login,
            client=cognito_idp_client,
            pool=cognito_pool,
            username="xena",
            password="Passw0rd!",
        )
        == not_confirmed
    )
    assert (
        error_of(
            login, client=cognito_idp_client, pool=cognito_pool, username="xena", password="wrong"
        )
        == INCORRECT
    )


def test_disabled_users_are_refused_and_their_tokens_revoked(
    cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    cognito_idp_client.admin_disable_user(
        UserPoolId=cognito_pool.user_pool_id, Username=cognito_user.username
    )

    disabled = {"Code": "NotAuthorizedException", "Message": "User is disabled."}
    assert (
        error_of(
            login,
            client=cognito_idp_client,
            pool=cognito_pool,
            username=cognito_user.username,
            password=cognito_user.password,
        )
        == disabled
    )
    assert error_of(cognito_idp_client.get_user, AccessToken=cognito_user.access_token)[
        "Message"
    ] == ("Access Token has been revoked")
    assert error_of(
        refresh,
        client=cognito_idp_client,
        pool=cognito_pool,
        username=cognito_user.username,
        refresh_token=cognito_user.refresh_token,
    )["Code"] == ("NotAuthorizedException")

    cognito_idp_client.admin_enable_user(
        UserPoolId=cognito_pool.user_pool_id, Username=cognito_user.username
    )
    assert login(cognito_idp_client, cognito_pool, cognito_user.username, cognito_user.password)


def test_wrong_password_and_unknown_user_get_the_same_answer(
    cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    """The bootstrap client has PreventUserExistenceErrors ENABLED, as Cognito's console sets."""
    assert (
        error_of(
            login,
            client=cognito_idp_client,
            pool=cognito_pool,
            username=cognito_user.username,
            password="Wr0ng-password",
        )
        == INCORRECT
    )
    assert (
        error_of(
            login,
            client=cognito_idp_client,
            pool=cognito_pool,
            username="nobody",
            password="Wr0ng-password",
        )
        == INCORRECT
    )


def test_legacy_client_reveals_unknown_users(
    cognito_pool: PoolConfig, cognito_idp_client: Any
) -> None:
    client_id = cognito_idp_client.create_user_pool_client(
        UserPoolId=cognito_pool.user_pool_id,
        ClientName="legacy",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
        PreventUserExistenceErrors="LEGACY",
    )["UserPoolClient"]["ClientId"]

    assert error_of(
        cognito_idp_client.initiate_auth,
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "nobody", "PASSWORD": "Passw0rd!"},
    ) == {"Code": "UserNotFoundException", "Message": "User does not exist."}


def test_sign_up_enforces_the_pools_password_policy_and_unique_usernames(
    cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    def sign_up(username: str, password: str) -> Any:
        return cognito_idp_client.sign_up(
            ClientId=cognito_pool.client_id,
            Username=username,
            Password=password,
            SecretHash=secret_hash(username, cognito_pool.client_id, cognito_pool.client_secret),
            UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
        )

    assert error_of(sign_up, username="yuri", password="Sh0rt!") == {
        "Code": "InvalidPasswordException",
        "Message": "Password did not conform with policy: Password not long enough",
    }
    assert error_of(sign_up, username="yuri", password="nouppercase1!") == {
        "Code": "InvalidPasswordException",
        "Message": "Password did not conform with policy: Password must have uppercase characters",
    }
    assert error_of(sign_up, username=cognito_user.username, password="Passw0rd!") == {
        "Code": "UsernameExistsException",
        "Message": "User already exists",
    }


def test_change_password_checks_the_previous_one_and_the_policy(
    cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    def change(previous: str, proposed: str) -> Any:
        return cognito_idp_client.change_password(
            AccessToken=cognito_user.access_token,
            PreviousPassword=previous,
            ProposedPassword=proposed,
        )

    assert error_of(change, previous="Wr0ng-password", proposed="N3w-Passw0rd!") == INCORRECT
    assert error_of(change, previous=cognito_user.password, proposed="weak")["Code"] == (
        "InvalidPasswordException"
    )
    change(cognito_user.password, "N3w-Passw0rd!")

    assert login(cognito_idp_client, cognito_pool, cognito_user.username, "N3w-Passw0rd!")


def test_deleted_users_tokens_are_refused(
    cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    cognito_idp_client.delete_user(AccessToken=cognito_user.access_token)

    assert error_of(cognito_idp_client.get_user, AccessToken=cognito_user.access_token)["Code"] == (
        "NotAuthorizedException"
    )
    assert (
        error_of(
            login,
            client=cognito_idp_client,
            pool=cognito_pool,
            username=cognito_user.username,
            password=cognito_user.password,
        )
        == INCORRECT
    )


def test_new_password_challenge_ends_with_tokens_from_the_pools_own_keys(
    cognito_pool: PoolConfig, cognito_idp_client: Any
) -> None:
    """Challenges are moto's; the tokens it then hands out are still the emulator's."""
    cognito_idp_client.admin_create_user(
        UserPoolId=cognito_pool.user_pool_id,
        Username="zoe",
        TemporaryPassword="Temp0rary!",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": "zoe@example.com"}],
    )
    hashed = secret_hash("zoe", cognito_pool.client_id, cognito_pool.client_secret)
    challenge = login(cognito_idp_client, cognito_pool, "zoe", "Temp0rary!")
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"

    answer = cognito_idp_client.respond_to_auth_challenge(
        ClientId=cognito_pool.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={
            "USERNAME": "zoe",
            "NEW_PASSWORD": "Perm4nent-Passw0rd!",
            "SECRET_HASH": hashed,
        },
    )["AuthenticationResult"]

    url = f"{cognito_pool.endpoint_url}/{cognito_pool.user_pool_id}/.well-known/jwks.json"
    with urllib.request.urlopen(url, timeout=5) as response:
        jwks = json.load(response)
    kid = jwt.get_unverified_header(answer["AccessToken"])["kid"]
    key = jwt.PyJWK.from_dict(next(k for k in jwks["keys"] if k["kid"] == kid)).key
    claims = jwt.decode(answer["AccessToken"], key, algorithms=["RS256"])
    assert claims["username"] == "zoe" and claims["client_id"] == cognito_pool.client_id
    assert cognito_idp_client.get_user(AccessToken=answer["AccessToken"])["Username"] == "zoe"
    assert refresh(cognito_idp_client, cognito_pool, "zoe", answer["RefreshToken"])


def test_operations_the_overlay_leaves_alone_still_reach_moto(
    cognito_emulator: EmulatorServer, cognito_pool: PoolConfig, cognito_idp_client: Any
) -> None:
    user = create_confirmed_user(cognito_emulator, cognito_pool, cognito_idp_client)

    pool = cognito_idp_client.describe_user_pool(UserPoolId=cognito_pool.user_pool_id)["UserPool"]
    assert pool["Id"] == cognito_pool.user_pool_id
    listed = cognito_idp_client.list_users(UserPoolId=cognito_pool.user_pool_id)["Users"]
    assert [u["Username"] for u in listed] == [user.username]
    cognito_idp_client.create_group(UserPoolId=cognito_pool.user_pool_id, GroupName="staff")
    groups = cognito_idp_client.list_groups(UserPoolId=cognito_pool.user_pool_id)["Groups"]
    assert [g["GroupName"] for g in groups] == ["admin", "staff"]
    with pytest.raises(cognito_idp_client.exceptions.ResourceNotFoundException):
        cognito_idp_client.describe_user_pool(UserPoolId="us-east-1_missing")


def test_admin_reset_user_password_sends_a_code_and_requires_the_reset(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_idp_client: Any,
) -> None:
    """Plain moto marks the user RESET_REQUIRED but sends no code to reset with."""
    cognito_idp_client.admin_reset_user_password(
        UserPoolId=cognito_pool.user_pool_id, Username=cognito_user.username
    )

    assert error_of(
        login,
        client=cognito_idp_client,
        pool=cognito_pool,
        username=cognito_user.username,
        password=cognito_user.password,
    ) == {
        "Code": "PasswordResetRequiredException",
        "Message": "Password reset required for the user",
    }
    message = cognito_emulator.outbox(username=cognito_user.username)[-1]
    assert message["purpose"] == "forgot_password"
    cognito_idp_client.confirm_forgot_password(
        ClientId=cognito_pool.client_id,
        Username=cognito_user.username,
        SecretHash=secret_hash(
            cognito_user.username, cognito_pool.client_id, cognito_pool.client_secret
        ),
        ConfirmationCode=message["code"],
        Password="N3w-Passw0rd!",
    )
    assert login(cognito_idp_client, cognito_pool, cognito_user.username, "N3w-Passw0rd!")


def test_admin_reset_user_password_without_a_recovery_channel_changes_nothing(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: Any,
) -> None:
    """The pool recovers by verified email only; a user with only a verified phone has no
    channel. The refusal leaves the user as they were: CONFIRMED, signing in with their
    password, no code sent."""
    user = create_confirmed_user(cognito_emulator, cognito_pool, cognito_idp_client)
    cognito_idp_client.admin_update_user_attributes(
        UserPoolId=cognito_pool.user_pool_id,
        Username=user.username,
        UserAttributes=[
            {"Name": "email_verified", "Value": "false"},
            {"Name": "phone_number", "Value": "+15555550100"},
            {"Name": "phone_number_verified", "Value": "true"},
        ],
    )
    sent_before = cognito_emulator.outbox(username=user.username)

    assert error_of(
        cognito_idp_client.admin_reset_user_password,
        UserPoolId=cognito_pool.user_pool_id,
        Username=user.username,
    ) == {
        "Code": "InvalidParameterException",
        "Message": "Cannot reset password for the user as there is no registered/verified "
        "email or phone_number",
    }
    status = cognito_idp_client.admin_get_user(
        UserPoolId=cognito_pool.user_pool_id, Username=user.username
    )["UserStatus"]
    assert status == "CONFIRMED"
    assert login(cognito_idp_client, cognito_pool, user.username, user.password)
    assert cognito_emulator.outbox(username=user.username) == sent_before


def test_sign_up_is_refused_when_only_admins_may_create_users(cognito_idp_client: Any) -> None:
    pool_id = cognito_idp_client.create_user_pool(
        PoolName="admin-only", AdminCreateUserConfig={"AllowAdminCreateUserOnly": True}
    )["UserPool"]["Id"]
    client_id = cognito_idp_client.create_user_pool_client(UserPoolId=pool_id, ClientName="app")[
        "UserPoolClient"
    ]["ClientId"]

    assert error_of(
        cognito_idp_client.sign_up, ClientId=client_id, Username="ivan", Password="Passw0rd!"
    ) == {"Code": "NotAuthorizedException", "Message": "SignUp is not permitted for this user pool"}
