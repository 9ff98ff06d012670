"""pycognito against the emulator: an app's Python code signing its users in with SRP.

pycognito's `Cognito` is given a boto3 client pointed at the emulator and the emulator's signing
keys rather than `endpoint_url`: with `endpoint_url` pycognito also expects tokens issued by
`{endpoint_url}/{pool}` (its `user_pool_url`), while Cognito, and so the emulator, always issues
them as `https://cognito-idp.{region}.amazonaws.com/{pool}`. A TOTP sign-in in pycognito is
`authenticate` raising SoftwareTokenMFAChallengeException, answered with
`respond_to_software_token_mfa_challenge`; its refresh is `renew_access_token`
(REFRESH_TOKEN_AUTH), which `check_token(renew=True)` calls only once the token has expired.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pyotp
from botocore.exceptions import ClientError
from pycognito import Cognito
from pycognito.exceptions import SoftwareTokenMFAChallengeException

from cognito_emulator.pytest_plugin import idp_client
from cognito_emulator.server import EmulatorServer
from sdk_checks.pool import CheckPool
from sdk_checks.results import CheckResult
from sdk_checks.scenarios import CheckFailed, Step, expect, run_scenario

SDK = "pycognito"
BASE32 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


@dataclass(frozen=True)
class Person:
    username: str
    password: str
    email: str

    @classmethod
    def new(cls, prefix: str) -> Person:
        suffix = secrets.token_hex(4)
        username = f"{prefix}-{suffix}"
        return cls(username, f"Aa1!{secrets.token_urlsafe(12)}", f"{username}@example.com")


class PycognitoChecks:
    def __init__(self, server: EmulatorServer, pool: CheckPool) -> None:
        self.server = server
        self.pool = pool
        jwks_url = f"{pool.endpoint_url}/{pool.user_pool_id}/.well-known/jwks.json"
        self.jwks: dict[str, Any] = httpx.get(jwks_url).raise_for_status().json()

    def run(self, record: Callable[[CheckResult], None]) -> bool:
        """Every scenario, each with a user of its own; whether all passed."""
        password = run_scenario(SDK, "password", self._password_steps(), record)
        totp = run_scenario(SDK, "totp", self._totp_steps(), record)
        return password and totp

    def _cognito(self, username: str) -> Cognito:
        cognito = Cognito(self.pool.user_pool_id, self.pool.client_id, username=username)
        cognito.client = idp_client(self.pool.endpoint_url, self.pool.region)
        cognito.pool_jwk = self.jwks
        return cognito

    def _sign_up_steps(self, person: Person, cognito: Cognito) -> list[Step]:
        def sign_up() -> None:
            cognito.set_base_attributes(email=person.email)
            answer = cognito.register(person.username, person.password)
            expect(answer["UserConfirmed"] is False, f"UserConfirmed is {answer['UserConfirmed']}")

        def confirm() -> None:
            cognito.confirm_sign_up(self._sign_up_code(person.username))

        def sign_in() -> None:
            cognito.authenticate(person.password)
            expect(cognito.access_claims["username"] == person.username, "another user's token")

        return [
            ("register", sign_up),
            ("confirm_sign_up with the emailed code", confirm),
            ("authenticate (SRP)", sign_in),
        ]

    def _password_steps(self) -> list[Step]:
        person = Person.new("pycognito")
        cognito = self._cognito(person.username)
        tokens: dict[str, str] = {}

        def read_user() -> None:
            email = cognito.get_user().email
            expect(email == person.email, f"email is {email!r}")

        def renew() -> None:
            tokens["access"] = cognito.access_token
            cognito.renew_access_token()  # REFRESH_TOKEN_AUTH, tokens verified
            expect(cognito.access_token != tokens["access"], "the same access token came back")

        def logout() -> None:
            access_token = cognito.access_token
            cognito.logout()  # GlobalSignOut
            refused = _refusal(lambda: cognito.client.get_user(AccessToken=access_token))
            expect(refused == "NotAuthorizedException", f"the old access token: {refused}")

        return [
            *self._sign_up_steps(person, cognito),
            ("get_user", read_user),
            ("renew_access_token", renew),
            ("logout ends the access token", logout),
        ]

    def _totp_steps(self) -> list[Step]:
        person = Person.new("pycognito-totp")
        cognito = self._cognito(person.username)
        secret: list[str] = []

        def associate() -> None:
            secret.append(cognito.associate_software_token())
            expect(_is_base32_secret(secret[0]), f"SecretCode {secret[0]!r} is no base32 secret")

        def verify() -> None:
            verified = cognito.verify_software_token(self._next_totp_code(secret[0]), "sdk-checks")
            expect(verified, "VerifySoftwareToken's Status is not SUCCESS")

        def prefer_totp() -> None:
            cognito.set_user_mfa_preference(False, True, "SOFTWARE_TOKEN")

        def sign_in_with_code() -> None:
            signing_in = self._cognito(person.username)
            try:
                signing_in.authenticate(person.password)
            except SoftwareTokenMFAChallengeException:
                signing_in.respond_to_software_token_mfa_challenge(self._next_totp_code(secret[0]))
            else:
                raise CheckFailed("signed in without being asked for the TOTP code")
            signing_in.logout()

        return [
            *self._sign_up_steps(person, cognito),
            ("associate_software_token", associate),
            ("verify_software_token", verify),
            ("set_user_mfa_preference (TOTP preferred)", prefer_totp),
            ("authenticate asks for the TOTP code, answered; logout", sign_in_with_code),
        ]

    def _sign_up_code(self, username: str) -> str:
        messages = self.server.outbox(self.pool.user_pool_id, username)
        codes = [message["code"] for message in messages if message["purpose"] == "sign_up"]
        if not codes:
            raise LookupError(f"no sign-up code in the outbox for {username}")
        return str(codes[-1])

    def _next_totp_code(self, secret: str) -> str:
        """The code of the next 30-second step on the emulator's clock: each step's code is taken
        once, so the clock moves on a step as a user waiting for the next code would."""
        now = self.server.advance_clock(30)
        return pyotp.TOTP(secret).at(now)


def _is_base32_secret(text: str) -> bool:
    """Cognito's SecretCode: base32 without padding, 16 characters at the least (botocore's
    SecretCodeType has min 16)."""
    return len(text) >= 16 and all(character in BASE32 for character in text)


def _refusal(call: Callable[[], object]) -> str:
    """The error code `call` is refused with; raises CheckFailed if it is accepted."""
    try:
        call()
    except ClientError as error:
        return str(error.response["Error"]["Code"])
    raise CheckFailed("accepted")
