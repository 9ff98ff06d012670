"""Confirmation codes: random, delivered to the outbox, checked, expiring on the emulator clock.

Plain moto sends no sign-up code at all and accepts any confirmation code.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from cognito_emulator import codes
from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.clock import Clock
from cognito_emulator.pytest_plugin import CognitoUser, idp_client, secret_hash
from cognito_emulator.server import EmulatorServer

CODE_MISMATCH = {
    "Code": "CodeMismatchException",
    "Message": "Invalid verification code provided, please try again.",
}
CODE_EXPIRED = {
    "Code": "ExpiredCodeException",
    "Message": "Invalid code provided, please request a code again.",
}


class Journey:
    """One user's sign-up journey through boto3, with the SECRET_HASH the pool's client needs."""

    def __init__(self, client: Any, pool: PoolConfig, username: str) -> None:
        self.client, self.pool, self.username = client, pool, username
        self.hash = secret_hash(username, pool.client_id, pool.client_secret)

    def sign_up(self, password: str = "Passw0rd!") -> dict[str, Any]:
        response: dict[str, Any] = self.client.sign_up(
            ClientId=self.pool.client_id,
            Username=self.username,
            Password=password,
            SecretHash=self.hash,
            UserAttributes=[{"Name": "email", "Value": f"{self.username}@example.com"}],
        )
        return response

    def confirm(self, code: str) -> None:
        self.client.confirm_sign_up(
            ClientId=self.pool.client_id,
            Username=self.username,
            SecretHash=self.hash,
            ConfirmationCode=code,
        )

    def error(self, call: Any, **kwargs: Any) -> dict[str, str]:
        with pytest.raises(ClientError) as raised:
            call(**kwargs)
        error: dict[str, str] = raised.value.response["Error"]
        return error


def test_sign_up_sends_a_random_six_digit_code_to_the_outbox(
    cognito_emulator: EmulatorServer, cognito_pool: PoolConfig, cognito_idp_client: Any
) -> None:
    response = Journey(cognito_idp_client, cognito_pool, "nina").sign_up()

    assert response["UserConfirmed"] is False
    assert response["CodeDeliveryDetails"] == {
        "Destination": "n***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    [message] = cognito_emulator.outbox(pool_id=cognito_pool.user_pool_id, username="nina")
    assert message["pool_id"] == cognito_pool.user_pool_id
    assert message["username"] == "nina"
    assert message["destination"] == "nina@example.com"
    assert message["medium"] == "EMAIL"
    assert message["purpose"] == "sign_up"
    assert re.fullmatch(r"\d{6}", message["code"])
    assert message["sent_at"]
    assert cognito_emulator.outbox(username="nina@example.com") == [message]

    Journey(cognito_idp_client, cognito_pool, "omar").sign_up()
    codes_sent = [m["code"] for m in cognito_emulator.outbox(pool_id=cognito_pool.user_pool_id)]
    assert [m["username"] for m in cognito_emulator.outbox()] == ["nina", "omar"]
    assert len(set(codes_sent)) == 2


def test_codes_are_logged(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="cognito_emulator.codes"):
        Journey(cognito_idp_client, cognito_pool, "pia").sign_up()

    code = cognito_emulator.latest_code(cognito_pool.user_pool_id, "pia")
    assert any(
        record.name == "cognito_emulator.codes" and code in record.getMessage()
        for record in caplog.records
    )


def test_wrong_code_is_refused_and_the_right_one_confirms(
    cognito_emulator: EmulatorServer, cognito_pool: PoolConfig, cognito_idp_client: Any
) -> None:
    journey = Journey(cognito_idp_client, cognito_pool, "quinn")
    journey.sign_up()
    code = cognito_emulator.latest_code(cognito_pool.user_pool_id, "quinn")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    assert journey.error(journey.confirm, code=wrong) == CODE_MISMATCH
    journey.confirm(code)

    user = cognito_idp_client.admin_get_user(UserPoolId=cognito_pool.user_pool_id, Username="quinn")
    assert user["UserStatus"] == "CONFIRMED"
    assert {"Name": "email_verified", "Value": "true"} in user["UserAttributes"]
    assert journey.error(journey.confirm, code=code) == {
        "Code": "NotAuthorizedException",
        "Message": "User cannot be confirmed. Current status is CONFIRMED",
    }


def test_sign_up_code_expires_after_24_hours_of_emulator_time(
    cognito_emulator: EmulatorServer, cognito_pool: PoolConfig, cognito_idp_client: Any
) -> None:
    early, late = (Journey(cognito_idp_client, cognito_pool, name) for name in ("rita", "sam"))
    early.sign_up()
    late.sign_up()
    cognito_emulator.advance_clock(24 * 3600 - 60)
    early.confirm(cognito_emulator.latest_code(cognito_pool.user_pool_id, "rita"))

    cognito_emulator.advance_clock(120)

    code = cognito_emulator.latest_code(cognito_pool.user_pool_id, "sam")
    assert late.error(late.confirm, code=code) == CODE_EXPIRED


def test_resend_sends_a_new_code_and_retires_the_old_one(
    cognito_emulator: EmulatorServer, cognito_pool: PoolConfig, cognito_idp_client: Any
) -> None:
    """Plain moto has no ResendConfirmationCode (HTTP 500)."""
    journey = Journey(cognito_idp_client, cognito_pool, "tara")
    journey.sign_up()
    first = cognito_emulator.latest_code(cognito_pool.user_pool_id, "tara")

    response = cognito_idp_client.resend_confirmation_code(
        ClientId=cognito_pool.client_id, Username="tara", SecretHash=journey.hash
    )

    assert response["CodeDeliveryDetails"]["Destination"] == "t***@e***"
    messages = cognito_emulator.outbox(username="tara")
    assert [m["purpose"] for m in messages] == ["sign_up", "resend"]
    second = messages[-1]["code"]
    if first != second:
        assert journey.error(journey.confirm, code=first) == CODE_MISMATCH
    journey.confirm(second)
    assert journey.error(
        cognito_idp_client.resend_confirmation_code,
        ClientId=cognito_pool.client_id,
        Username="tara",
        SecretHash=journey.hash,
    ) == {"Code": "InvalidParameterException", "Message": "User is already confirmed."}


def test_forgot_password_code_is_valid_for_one_hour_and_only_once(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_idp_client: Any,
) -> None:
    hashed = secret_hash(cognito_user.username, cognito_pool.client_id, cognito_pool.client_secret)

    def forgot() -> dict[str, Any]:
        response: dict[str, Any] = cognito_idp_client.forgot_password(
            ClientId=cognito_pool.client_id, Username=cognito_user.username, SecretHash=hashed
        )
        return response

    def confirm(code: str, password: str = "N3w-Passw0rd!") -> None:
        cognito_idp_client.confirm_forgot_password(
            ClientId=cognito_pool.client_id,
            Username=cognito_user.username,
            SecretHash=hashed,
            ConfirmationCode=code,
            Password=password,
        )

    journey = Journey(cognito_idp_client, cognito_pool, cognito_user.username)
    assert forgot()["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    message = cognito_emulator.outbox(username=cognito_user.username)[-1]
    assert message["purpose"] == "forgot_password"
    cognito_emulator.advance_clock(3600 + 1)
    assert journey.error(confirm, code=message["code"]) == CODE_EXPIRED

    forgot()
    code = cognito_emulator.latest_code(cognito_pool.user_pool_id, cognito_user.username)
    assert journey.error(confirm, code=f"{(int(code) + 1) % 1_000_000:06d}") == CODE_MISMATCH
    cognito_emulator.advance_clock(3600 - 60)
    confirm(code)
    assert journey.error(confirm, code=code, password="An0ther-Passw0rd!") == CODE_EXPIRED

    def login(password: str) -> Any:
        return cognito_idp_client.initiate_auth(
            ClientId=cognito_pool.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={
                "USERNAME": cognito_user.username,
                "PASSWORD": password,
                "SECRET_HASH": hashed,
            },
        )

    assert login("N3w-Passw0rd!")["AuthenticationResult"]["AccessToken"]
    assert journey.error(login, password=cognito_user.password)["Code"] == (
        "NotAuthorizedException"
    )


def test_forgot_password_needs_a_verified_email(
    cognito_pool: PoolConfig, cognito_idp_client: Any
) -> None:
    journey = Journey(cognito_idp_client, cognito_pool, "uma")
    journey.sign_up()  # not confirmed: email not verified

    assert journey.error(
        cognito_idp_client.forgot_password,
        ClientId=cognito_pool.client_id,
        Username="uma",
        SecretHash=journey.hash,
    ) == {
        "Code": "InvalidParameterException",
        "Message": "Cannot reset password for the user as there is no registered/verified "
        "email or phone_number",
    }


@pytest.mark.parametrize("verified", ["True", "TRUE"])
def test_forgot_password_takes_an_email_verified_in_any_case(
    verified: str,
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: Any,
) -> None:
    """Cognito reads email_verified case-insensitively: "True" is verified (DESIGN.md, Cognito
    facts), so ForgotPassword sends the code rather than refusing for want of a channel."""
    journey = Journey(cognito_idp_client, cognito_pool, "tess")
    journey.sign_up()
    cognito_idp_client.admin_confirm_sign_up(UserPoolId=cognito_pool.user_pool_id, Username="tess")
    cognito_idp_client.admin_update_user_attributes(
        UserPoolId=cognito_pool.user_pool_id,
        Username="tess",
        UserAttributes=[{"Name": "email_verified", "Value": verified}],
    )

    response = cognito_idp_client.forgot_password(
        ClientId=cognito_pool.client_id, Username="tess", SecretHash=journey.hash
    )

    assert response["CodeDeliveryDetails"] == {
        "Destination": "t***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    message = cognito_emulator.outbox(username="tess")[-1]
    assert (message["purpose"], message["destination"]) == ("forgot_password", "tess@example.com")


def test_changing_email_unverifies_it_and_sends_a_verification_code(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_idp_client: Any,
) -> None:
    token = cognito_user.access_token

    response = cognito_idp_client.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "email", "Value": "moved@example.org"}]
    )

    assert response["CodeDeliveryDetailsList"] == [
        {"Destination": "m***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    ]
    attributes = cognito_idp_client.get_user(AccessToken=token)["UserAttributes"]
    assert {"Name": "email_verified", "Value": "false"} in attributes
    message = cognito_emulator.outbox(username="moved@example.org")[-1]
    assert message["purpose"] == "verify_attribute"

    journey = Journey(cognito_idp_client, cognito_pool, cognito_user.username)
    wrong = f"{(int(message['code']) + 1) % 1_000_000:06d}"
    assert (
        journey.error(
            cognito_idp_client.verify_user_attribute,
            AccessToken=token,
            AttributeName="email",
            Code=wrong,
        )
        == CODE_MISMATCH
    )
    resent = cognito_idp_client.get_user_attribute_verification_code(
        AccessToken=token, AttributeName="email"
    )
    assert resent["CodeDeliveryDetails"]["AttributeName"] == "email"
    code = cognito_emulator.latest_code(cognito_pool.user_pool_id, cognito_user.username)
    cognito_idp_client.verify_user_attribute(AccessToken=token, AttributeName="email", Code=code)

    attributes = cognito_idp_client.get_user(AccessToken=token)["UserAttributes"]
    assert {"Name": "email_verified", "Value": "true"} in attributes


@pytest.fixture(scope="module")
def fixed_code_server() -> Iterator[EmulatorServer]:
    with EmulatorServer(fixed_code="424242") as server:
        yield server


def test_fixed_code_makes_every_code_the_same_for_load_runs(
    fixed_code_server: EmulatorServer,
) -> None:
    pool = fixed_code_server.bootstrap()
    client = idp_client(fixed_code_server.endpoint_url, fixed_code_server.region)
    for name in ("vera", "wes"):
        journey = Journey(client, pool, name)
        journey.sign_up()
        journey.confirm("424242")

    assert {m["code"] for m in fixed_code_server.outbox(pool_id=pool.user_pool_id)} == {"424242"}


def test_outbox_keeps_only_the_newest_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(codes, "OUTBOX_CAP", 3)
    book = codes.CodeBook(Clock())

    for number in range(5):
        book.issue("pool", f"user{number}", "sign_up", f"u{number}@example.com", "EMAIL", "email")

    assert [m["username"] for m in book.outbox()] == ["user2", "user3", "user4"]


def test_destinations_are_masked_like_cognito() -> None:
    assert codes.mask_destination("someone@example.com", "EMAIL") == "s***@e***"
    assert codes.mask_destination("+15555550100", "SMS") == "+*******0100"
