"""USER_SRP_AUTH proves the password: SRP-6a as Cognito runs it, checked by the emulator.

Plain moto accepts any signature: its PASSWORD_VERIFIER challenge carries a random SRP_B and
any PASSWORD_CLAIM_SIGNATURE signs anyone in. Here an independent client implementation,
pycognito's AWSSRP (which signs in to real Cognito), talks to the emulator through boto3.
"""

from __future__ import annotations

import datetime
import json
import urllib.request
from typing import Any

import jwt
import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP
from pycognito.exceptions import ForceChangePasswordException

from cognito_emulator import srp as srp_module
from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import CognitoUser, create_confirmed_user, secret_hash
from cognito_emulator.server import EmulatorServer

INCORRECT = {"Code": "NotAuthorizedException", "Message": "Incorrect username or password."}


def aws_srp(
    client: Any,
    pool: PoolConfig,
    username: str,
    password: str,
    *,
    client_id: str | None = None,
    client_secret: str | None = "pool's",
) -> AWSSRP:
    return AWSSRP(
        username=username,
        password=password,
        pool_id=pool.user_pool_id,
        client_id=client_id or pool.client_id,
        client=client,
        client_secret=pool.client_secret if client_secret == "pool's" else client_secret,
    )


def initiate(client: Any, pool: PoolConfig, srp: AWSSRP, *, admin: bool = False) -> Any:
    call = client.admin_initiate_auth if admin else client.initiate_auth
    extra = {"UserPoolId": pool.user_pool_id} if admin else {}
    return call(
        ClientId=srp.client_id,
        AuthFlow="USER_SRP_AUTH",
        AuthParameters=srp.get_auth_params(),
        **extra,
    )


def respond(
    client: Any,
    pool: PoolConfig,
    srp: AWSSRP,
    challenge: Any,
    *,
    admin: bool = False,
    **changes: Any,
) -> Any:
    answer = srp.process_challenge(challenge["ChallengeParameters"], srp.get_auth_params())
    answer.update(changes)
    answer = {name: value for name, value in answer.items() if value is not None}
    call = client.admin_respond_to_auth_challenge if admin else client.respond_to_auth_challenge
    extra = {"UserPoolId": pool.user_pool_id} if admin else {}
    return call(
        ClientId=srp.client_id,
        ChallengeName="PASSWORD_VERIFIER",
        ChallengeResponses=answer,
        **extra,
    )


def error_of(call: Any, *args: Any, **kwargs: Any) -> dict[str, str]:
    with pytest.raises(ClientError) as raised:
        call(*args, **kwargs)
    error: dict[str, str] = raised.value.response["Error"]
    return error


def verified_claims(token: str, pool: PoolConfig, client_id: str) -> dict[str, Any]:
    """PyJWT against the pool's published JWKS: RS256, exact issuer, the app client."""
    url = f"{pool.endpoint_url}/{pool.user_pool_id}/.well-known/jwks.json"
    with urllib.request.urlopen(url, timeout=5) as response:
        jwks = json.load(response)
    kid = jwt.get_unverified_header(token)["kid"]
    key = jwt.PyJWK.from_dict(next(k for k in jwks["keys"] if k["kid"] == kid)).key
    is_id_token = jwt.decode(token, options={"verify_signature": False})["token_use"] == "id"
    claims: dict[str, Any] = jwt.decode(
        token,
        key,
        algorithms=["RS256"],
        issuer=f"https://cognito-idp.{pool.region}.amazonaws.com/{pool.user_pool_id}",
        audience=client_id if is_id_token else None,
        options={"verify_aud": is_id_token},
    )
    if not is_id_token:
        assert claims["client_id"] == client_id
    return claims


def make_client(client: Any, pool: PoolConfig, **settings: Any) -> str:
    client_id: str = client.create_user_pool_client(
        UserPoolId=pool.user_pool_id, ClientName="srp", **settings
    )["UserPoolClient"]["ClientId"]
    return client_id


def signing_at(srp: AWSSRP, timestamp: str) -> AWSSRP:
    """The client signs this TIMESTAMP instead of the current time's."""
    srp.get_cognito_formatted_timestamp = lambda _now: timestamp
    return srp


# --------------------------------------------------------------------- the password is proven


def test_right_password_gets_tokens_that_verify_against_the_jwks(
    cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    srp = aws_srp(cognito_idp_client, cognito_pool, cognito_user.username, cognito_user.password)

    result = srp.authenticate_user()["AuthenticationResult"]

    access = verified_claims(result["AccessToken"], cognito_pool, cognito_pool.client_id)
    identity = verified_claims(result["IdToken"], cognito_pool, cognito_pool.client_id)
    assert access["token_use"] == "access"
    assert access["sub"] == identity["sub"] == cognito_user.sub
    assert access["username"] == identity["cognito:username"] == cognito_user.username
    assert identity["email"] == cognito_user.email
    assert result["RefreshToken"]
    user = cognito_idp_client.get_user(AccessToken=result["AccessToken"])
    assert user["Username"] == cognito_user.username


def test_wrong_password_is_refused(
    cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    srp = aws_srp(cognito_idp_client, cognito_pool, cognito_user.username, "Wr0ng-Passw0rd!")

    assert error_of(srp.authenticate_user) == INCORRECT


def test_challenge_looks_like_cognitos_and_the_salt_is_stable_per_user(
    cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    srp = aws_srp(cognito_idp_client, cognito_pool, cognito_user.username, cognito_user.password)

    first = initiate(cognito_idp_client, cognito_pool, srp)
    second = initiate(cognito_idp_client, cognito_pool, srp)

    assert first["ChallengeName"] == "PASSWORD_VERIFIER"
    assert "Session" not in first  # the state travels in SECRET_BLOCK, as in Cognito
    parameters = first["ChallengeParameters"]
    assert set(parameters) == {"SALT", "SRP_B", "SECRET_BLOCK", "USERNAME", "USER_ID_FOR_SRP"}
    assert parameters["USER_ID_FOR_SRP"] == parameters["USERNAME"] == cognito_user.username
    assert parameters["SALT"] == second["ChallengeParameters"]["SALT"]
    assert parameters["SRP_B"] != second["ChallengeParameters"]["SRP_B"]
    assert parameters["SECRET_BLOCK"] != second["ChallengeParameters"]["SECRET_BLOCK"]


def test_admin_initiate_and_respond_check_the_proof_too(
    cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    """moto's AdminInitiateAuth does not offer USER_SRP_AUTH at all; Cognito does."""
    right = aws_srp(cognito_idp_client, cognito_pool, cognito_user.username, cognito_user.password)
    wrong = aws_srp(cognito_idp_client, cognito_pool, cognito_user.username, "Wr0ng-Passw0rd!")

    challenge = initiate(cognito_idp_client, cognito_pool, right, admin=True)
    result = respond(cognito_idp_client, cognito_pool, right, challenge, admin=True)
    refused = initiate(cognito_idp_client, cognito_pool, wrong, admin=True)

    assert verified_claims(
        result["AuthenticationResult"]["AccessToken"], cognito_pool, cognito_pool.client_id
    )["username"] == (cognito_user.username)
    assert (
        error_of(respond, cognito_idp_client, cognito_pool, wrong, refused, admin=True) == INCORRECT
    )


def test_answer_naming_another_user_is_refused(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_idp_client: Any,
) -> None:
    other = create_confirmed_user(cognito_emulator, cognito_pool, cognito_idp_client)
    srp = aws_srp(cognito_idp_client, cognito_pool, cognito_user.username, cognito_user.password)
    challenge = initiate(cognito_idp_client, cognito_pool, srp)

    error = error_of(
        respond,
        cognito_idp_client,
        cognito_pool,
        srp,
        challenge,
        USERNAME=other.username,
        SECRET_HASH=secret_hash(other.username, cognito_pool.client_id, cognito_pool.client_secret),
    )

    assert error == INCORRECT


def test_password_changed_after_the_challenge_refuses_the_old_one(
    cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    srp = aws_srp(cognito_idp_client, cognito_pool, cognito_user.username, cognito_user.password)
    challenge = initiate(cognito_idp_client, cognito_pool, srp)
    cognito_idp_client.admin_set_user_password(
        UserPoolId=cognito_pool.user_pool_id,
        Username=cognito_user.username,
        Password="N3w-Passw0rd!",
        Permanent=True,
    )

    assert error_of(respond, cognito_idp_client, cognito_pool, srp, challenge) == INCORRECT
    renewed = aws_srp(cognito_idp_client, cognito_pool, cognito_user.username, "N3w-Passw0rd!")
    assert renewed.authenticate_user()["AuthenticationResult"]["AccessToken"]


def test_email_alias_signs_in_with_the_internal_username_as_user_id_for_srp(
    cognito_emulator: EmulatorServer, cognito_idp_client: Any
) -> None:
    """In a pool whose users sign in with their email, USER_ID_FOR_SRP is the generated
    username: the client hashes the password with it and answers (and hashes) as it."""
    pool_id = cognito_idp_client.create_user_pool(
        PoolName="email-as-username", UsernameAttributes=["email"], AutoVerifiedAttributes=["email"]
    )["UserPool"]["Id"]
    created = cognito_idp_client.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="app",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    pool = PoolConfig(
        region=cognito_emulator.region,
        user_pool_id=pool_id,
        client_id=created["ClientId"],
        client_secret=created["ClientSecret"],
        endpoint_url=cognito_emulator.endpoint_url,
    )
    email = "dora@example.com"
    hashed = secret_hash(email, pool.client_id, pool.client_secret)
    cognito_idp_client.sign_up(
        ClientId=pool.client_id, Username=email, Password="Passw0rd!", SecretHash=hashed
    )
    cognito_idp_client.confirm_sign_up(
        ClientId=pool.client_id,
        Username=email,
        SecretHash=hashed,
        ConfirmationCode=cognito_emulator.latest_code(pool_id, email),
    )
    srp = aws_srp(cognito_idp_client, pool, email, "Passw0rd!")

    challenge = initiate(cognito_idp_client, pool, srp)
    result = respond(cognito_idp_client, pool, srp, challenge)["AuthenticationResult"]

    user_id = challenge["ChallengeParameters"]["USER_ID_FOR_SRP"]
    assert user_id != email
    assert verified_claims(result["AccessToken"], pool, pool.client_id)["username"] == user_id


def test_force_change_password_user_is_asked_for_a_new_password_after_the_proof(
    cognito_pool: PoolConfig, cognito_idp_client: Any
) -> None:
    cognito_idp_client.admin_create_user(
        UserPoolId=cognito_pool.user_pool_id,
        Username="frank",
        TemporaryPassword="Temp-Passw0rd!",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": "frank@example.com"}],
    )
    wrong = aws_srp(cognito_idp_client, cognito_pool, "frank", "Wr0ng-Passw0rd!")
    temporary = aws_srp(cognito_idp_client, cognito_pool, "frank", "Temp-Passw0rd!")

    assert error_of(wrong.authenticate_user) == INCORRECT
    with pytest.raises(ForceChangePasswordException):
        temporary.authenticate_user()
    result = temporary.set_new_password_challenge("N3w-Passw0rd!")["AuthenticationResult"]

    claims = verified_claims(result["AccessToken"], cognito_pool, cognito_pool.client_id)
    assert claims["username"] == "frank"
    renewed = aws_srp(cognito_idp_client, cognito_pool, "frank", "N3w-Passw0rd!")
    assert renewed.authenticate_user()["AuthenticationResult"]["AccessToken"]


# --------------------------------------------------------------------- SECRET_HASH and flows


def test_secret_client_needs_secret_hash_on_both_steps(
    cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    missing = {
        "Code": "NotAuthorizedException",
        "Message": (
            f"Client {cognito_pool.client_id} is configured for secret but secret was not received"
        ),
    }
    wrong = {
        "Code": "NotAuthorizedException",
        "Message": f"Unable to verify secret hash for client {cognito_pool.client_id}",
    }
    unhashed = aws_srp(
        cognito_idp_client,
        cognito_pool,
        cognito_user.username,
        cognito_user.password,
        client_secret=None,
    )
    hashed = aws_srp(cognito_idp_client, cognito_pool, cognito_user.username, cognito_user.password)

    assert error_of(initiate, cognito_idp_client, cognito_pool, unhashed) == missing
    for answer_hash, expected in ((None, missing), ("d3JvbmcgaGFzaA==", wrong)):
        challenge = initiate(cognito_idp_client, cognito_pool, hashed)
        error = error_of(
            respond, cognito_idp_client, cognito_pool, hashed, challenge, SECRET_HASH=answer_hash
        )
        assert error == expected
    challenge = initiate(cognito_idp_client, cognito_pool, hashed)
    assert respond(cognito_idp_client, cognito_pool, hashed, challenge)["AuthenticationResult"]


def test_client_without_secret_needs_no_hash(
    cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    client_id = make_client(
        cognito_idp_client, cognito_pool, ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"]
    )
    srp = aws_srp(
        cognito_idp_client,
        cognito_pool,
        cognito_user.username,
        cognito_user.password,
        client_id=client_id,
        client_secret=None,
    )

    result = srp.authenticate_user()["AuthenticationResult"]

    assert verified_claims(result["AccessToken"], cognito_pool, client_id)["client_id"] == client_id


@pytest.mark.parametrize("admin", [False, True], ids=["InitiateAuth", "AdminInitiateAuth"])
def test_flow_not_enabled_for_the_client_is_refused(
    admin: bool, cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    client_id = make_client(
        cognito_idp_client,
        cognito_pool,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"],
    )
    srp = aws_srp(
        cognito_idp_client,
        cognito_pool,
        cognito_user.username,
        cognito_user.password,
        client_id=client_id,
        client_secret=None,
    )

    assert error_of(initiate, cognito_idp_client, cognito_pool, srp, admin=admin) == {
        "Code": "InvalidParameterException",
        "Message": "USER_SRP_AUTH flow not enabled for this client",
    }


def test_challenge_answered_by_another_client_is_refused(
    cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    client_id = make_client(
        cognito_idp_client, cognito_pool, ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"]
    )
    issued = aws_srp(
        cognito_idp_client,
        cognito_pool,
        cognito_user.username,
        cognito_user.password,
        client_id=client_id,
        client_secret=None,
    )
    challenge = initiate(cognito_idp_client, cognito_pool, issued)
    other = aws_srp(cognito_idp_client, cognito_pool, cognito_user.username, cognito_user.password)
    other.large_a_value, other.small_a_value = issued.large_a_value, issued.small_a_value

    assert error_of(respond, cognito_idp_client, cognito_pool, other, challenge) == INCORRECT


# --------------------------------------------------------------------- who may not sign in


def test_unconfirmed_user_is_refused(cognito_pool: PoolConfig, cognito_idp_client: Any) -> None:
    cognito_idp_client.sign_up(
        ClientId=cognito_pool.client_id,
        SecretHash=secret_hash("gina", cognito_pool.client_id, cognito_pool.client_secret),
        Username="gina",
        Password="Passw0rd!",
        UserAttributes=[{"Name": "email", "Value": "gina@example.com"}],
    )
    srp = aws_srp(cognito_idp_client, cognito_pool, "gina", "Passw0rd!")

    assert error_of(srp.authenticate_user) == {
        "Code": "UserNotConfirmedException",
        "Message": "User is not confirmed.",
    }


def test_disabled_user_is_refused_at_either_step(
    cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    disabled = {"Code": "NotAuthorizedException", "Message": "User is disabled."}
    srp = aws_srp(cognito_idp_client, cognito_pool, cognito_user.username, cognito_user.password)
    challenge = initiate(cognito_idp_client, cognito_pool, srp)
    cognito_idp_client.admin_disable_user(
        UserPoolId=cognito_pool.user_pool_id, Username=cognito_user.username
    )

    assert error_of(respond, cognito_idp_client, cognito_pool, srp, challenge) == disabled
    assert error_of(initiate, cognito_idp_client, cognito_pool, srp) == disabled


def test_unknown_user_gets_a_decoy_challenge_when_the_client_hides_user_existence(
    cognito_pool: PoolConfig, cognito_idp_client: Any
) -> None:
    """The bootstrapped client has PreventUserExistenceErrors ENABLED: an unknown username gets
    a challenge like any other (same salt every time), and every answer is refused as a wrong
    password would be."""
    srp = aws_srp(cognito_idp_client, cognito_pool, "nobody", "Passw0rd!")

    challenge = initiate(cognito_idp_client, cognito_pool, srp)
    again = initiate(cognito_idp_client, cognito_pool, srp)

    assert challenge["ChallengeParameters"]["SALT"] == again["ChallengeParameters"]["SALT"]
    assert error_of(respond, cognito_idp_client, cognito_pool, srp, challenge) == INCORRECT


def test_unknown_user_is_named_when_the_client_does_not_hide_it(
    cognito_pool: PoolConfig, cognito_idp_client: Any
) -> None:
    client_id = make_client(
        cognito_idp_client, cognito_pool, ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"]
    )
    srp = aws_srp(
        cognito_idp_client,
        cognito_pool,
        "nobody",
        "Passw0rd!",
        client_id=client_id,
        client_secret=None,
    )

    assert error_of(srp.authenticate_user) == {
        "Code": "UserNotFoundException",
        "Message": "User does not exist.",
    }


# --------------------------------------------------------------------- the challenge itself


def test_replayed_answer_is_refused(
    cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    srp = aws_srp(cognito_idp_client, cognito_pool, cognito_user.username, cognito_user.password)
    challenge = initiate(cognito_idp_client, cognito_pool, srp)
    answer = srp.process_challenge(challenge["ChallengeParameters"], srp.get_auth_params())

    def send() -> Any:
        return cognito_idp_client.respond_to_auth_challenge(
            ClientId=cognito_pool.client_id,
            ChallengeName="PASSWORD_VERIFIER",
            ChallengeResponses=answer,
        )

    assert send()["AuthenticationResult"]["AccessToken"]
    assert error_of(send) == INCORRECT


def test_unknown_secret_block_is_refused(
    cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    srp = aws_srp(cognito_idp_client, cognito_pool, cognito_user.username, cognito_user.password)
    challenge = initiate(cognito_idp_client, cognito_pool, srp)
    forged = dict(challenge)
    forged["ChallengeParameters"] = {
        **challenge["ChallengeParameters"],
        "SECRET_BLOCK": "Zm9yZ2VkIHNlY3JldCBibG9jaw==",
    }

    assert error_of(respond, cognito_idp_client, cognito_pool, srp, forged) == INCORRECT


def test_expired_challenge_is_refused(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_idp_client: Any,
) -> None:
    """A challenge lasts the client's AuthSessionValidity (3 minutes unless set)."""
    srp = aws_srp(cognito_idp_client, cognito_pool, cognito_user.username, cognito_user.password)
    challenge = initiate(cognito_idp_client, cognito_pool, srp)
    cognito_emulator.advance_clock(181)

    assert error_of(respond, cognito_idp_client, cognito_pool, srp, challenge) == {
        "Code": "NotAuthorizedException",
        "Message": "Invalid session for the user, session is expired.",
    }


def test_auth_session_validity_of_the_client_is_honoured(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_idp_client: Any,
) -> None:
    client_id = make_client(
        cognito_idp_client,
        cognito_pool,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"],
        AuthSessionValidity=10,
    )
    srp = aws_srp(
        cognito_idp_client,
        cognito_pool,
        cognito_user.username,
        cognito_user.password,
        client_id=client_id,
        client_secret=None,
    )
    challenge = initiate(cognito_idp_client, cognito_pool, srp)
    cognito_emulator.advance_clock(9 * 60)

    assert respond(cognito_idp_client, cognito_pool, srp, challenge)["AuthenticationResult"]


def test_timestamp_must_be_in_cognitos_own_format(
    cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    """Cognito signs its own rendering of TIMESTAMP: a zero-padded day or a wrong weekday fails
    the proof even when signed correctly; text that does not parse is a parameter error."""
    moment = datetime.datetime(2026, 11, 5, 7, 8, 9)
    canonical = AWSSRP.get_cognito_formatted_timestamp(moment)
    assert canonical == "Thu Nov 5 07:08:09 UTC 2026"

    def answer_signed_at(timestamp: str) -> Any:
        srp = aws_srp(
            cognito_idp_client, cognito_pool, cognito_user.username, cognito_user.password
        )
        challenge = initiate(cognito_idp_client, cognito_pool, srp)
        return respond(cognito_idp_client, cognito_pool, signing_at(srp, timestamp), challenge)

    assert answer_signed_at(canonical)["AuthenticationResult"]["AccessToken"]
    assert error_of(answer_signed_at, "Thu Nov 05 07:08:09 UTC 2026") == INCORRECT
    assert error_of(answer_signed_at, "Fri Nov 5 07:08:09 UTC 2026") == INCORRECT
    assert error_of(answer_signed_at, "2026-11-05T07:08:09Z") == {
        "Code": "InvalidParameterException",
        "Message": "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.",
    }


@pytest.mark.parametrize("srp_a", ["0", srp_module.N_HEX, "not-hex"])
def test_invalid_srp_a_is_refused(
    srp_a: str, cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    error = error_of(
        cognito_idp_client.initiate_auth,
        ClientId=cognito_pool.client_id,
        AuthFlow="USER_SRP_AUTH",
        AuthParameters={
            "USERNAME": cognito_user.username,
            "SRP_A": srp_a,
            "SECRET_HASH": secret_hash(
                cognito_user.username, cognito_pool.client_id, cognito_pool.client_secret
            ),
        },
    )

    assert error["Code"] == "InvalidParameterException"


def test_pending_challenges_are_bounded(
    monkeypatch: pytest.MonkeyPatch,
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_idp_client: Any,
) -> None:
    """Memory stays flat however many sign-ins are started: past the cap the oldest challenge
    is forgotten (and its answer refused)."""
    monkeypatch.setattr(srp_module, "MAX_PENDING_CHALLENGES", 5)
    srp = aws_srp(cognito_idp_client, cognito_pool, cognito_user.username, cognito_user.password)
    oldest = initiate(cognito_idp_client, cognito_pool, srp)
    for _ in range(10):
        initiate(cognito_idp_client, cognito_pool, srp)

    assert cognito_emulator.backend.stats()["srp_challenges"] == 5
    assert error_of(respond, cognito_idp_client, cognito_pool, srp, oldest) == INCORRECT
