"""NEW_PASSWORD_REQUIRED: what a user with a temporary password is asked, and their answer.

An administrator's user (AdminCreateUser, or AdminSetUserPassword with Permanent false) signs in
with the temporary password and must choose their own (API_AdminCreateUser: "the user must
change their password ... the first time they sign in"). Cognito's rules, as the emulator
applies them:

- The temporary password lasts the pool's Policies.PasswordPolicy.TemporaryPasswordValidityDays
  (7 by default, API_PasswordPolicyType); after that the right temporary password is answered
  NotAuthorizedException "Temporary password has expired and must be reset by an
  administrator." (the message real pools give, handled by name in public apps' sign-in code).
- The challenge's parameters: USER_ID_FOR_SRP (the username as stored), requiredAttributes (a
  JSON list of the pool's required attributes the user lacks, each as "userAttributes.NAME") and
  userAttributes (a JSON object of the user's attributes but `sub`), as real pools answer, e.g.
  {"USER_ID_FOR_SRP": "AppUser", "requiredAttributes": "[]", "userAttributes":
  "{\"email_verified\":\"true\",\"email\":\"...\"}"}.
- The answer: NEW_PASSWORD, checked against the pool's password policy
  (InvalidPasswordException), and "userAttributes.NAME" entries, which must fill every required
  attribute the user lacks (InvalidParameterException "Invalid attributes given, NAME is
  missing", aws-sdk-js#1290) and may not change one that has a value (NotAuthorizedException
  "Cannot modify an already provided email": "In a NEW_PASSWORD_REQUIRED challenge response,
  you can't modify a required attribute that already has a value", API_RespondToAuthChallenge).
  The user is then CONFIRMED with the new password.
"""

from __future__ import annotations

import json

from cognito_emulator import policy
from cognito_emulator.exceptions import InvalidParameterException, NotAuthorizedException
from cognito_emulator.moto_adapter import MotoAdapter, Pool, User
from cognito_emulator.validation import required_parameter

TEMPORARY_PASSWORD_EXPIRED = "Temporary password has expired and must be reset by an administrator."
DEFAULT_TEMPORARY_PASSWORD_VALIDITY_DAYS = 7
ATTRIBUTE_PREFIX = "userAttributes."
# Attributes the challenge's userAttributes leave out: Cognito assigns them.
HIDDEN_ATTRIBUTES = frozenset({"sub"})


def check_temporary_password_current(pool: Pool, user: User, now: float) -> None:
    """Refuse a temporary password older than the pool lets one live."""
    issued_at = user.temporary_password_issued_at
    if issued_at is None:
        return
    password_policy = (pool.settings.get("Policies") or {}).get("PasswordPolicy") or {}
    days = password_policy.get("TemporaryPasswordValidityDays")
    validity_days = int(days) if days else DEFAULT_TEMPORARY_PASSWORD_VALIDITY_DAYS
    if now >= issued_at + validity_days * 24 * 3600:
        raise NotAuthorizedException(TEMPORARY_PASSWORD_EXPIRED)


def challenge_parameters(moto: MotoAdapter, pool: Pool, user: User) -> dict[str, str]:
    """NEW_PASSWORD_REQUIRED's ChallengeParameters for `user`."""
    values = user.attribute_values()
    missing = [name for name in required_attributes(moto, pool) if not values.get(name)]
    shown = {name: value for name, value in values.items() if name not in HIDDEN_ATTRIBUTES}
    return {
        "USER_ID_FOR_SRP": user.username,
        "requiredAttributes": parameter_json([f"{ATTRIBUTE_PREFIX}{name}" for name in missing]),
        "userAttributes": parameter_json(shown),
    }


def set_new_password(moto: MotoAdapter, pool: Pool, user: User, responses: dict[str, str]) -> None:
    """Apply a NEW_PASSWORD_REQUIRED answer: the new password and attributes, then CONFIRMED;
    nothing changes when the answer is refused."""
    new_password = required_parameter(responses, "NEW_PASSWORD")
    policy.check_password(pool, new_password)
    given = {
        name.removeprefix(ATTRIBUTE_PREFIX): value
        for name, value in responses.items()
        if name.startswith(ATTRIBUTE_PREFIX)
    }
    values = user.attribute_values()
    for name in required_attributes(moto, pool):
        if values.get(name) and name in given:
            raise NotAuthorizedException(f"Cannot modify an already provided {name}")
        if not values.get(name) and not given.get(name):
            raise InvalidParameterException(f"Invalid attributes given, {name} is missing")
    if given:
        moto.update_attributes(
            pool, user, [{"Name": name, "Value": value} for name, value in given.items()]
        )
    user.password = new_password
    user.status = "CONFIRMED"
    user.temporary_password_issued_at = None


def required_attributes(moto: MotoAdapter, pool: Pool) -> list[str]:
    """The attributes the pool's schema requires (as DescribeUserPool lists them) but `sub`."""
    described = moto.call("DescribeUserPool", {"UserPoolId": pool.id})["UserPool"]
    return [
        str(attribute["Name"])
        for attribute in described.get("SchemaAttributes") or ()
        if attribute.get("Required") and attribute.get("Name") not in HIDDEN_ATTRIBUTES
    ]


def parameter_json(value: object) -> str:
    """A list or object as Cognito writes it into a challenge parameter, without spaces:
    '["userAttributes.email"]' (MFAS_CAN_CHOOSE and MFAS_CAN_SETUP alike)."""
    return json.dumps(value, separators=(",", ":"))
