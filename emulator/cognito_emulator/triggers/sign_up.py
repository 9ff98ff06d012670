"""The sign-up triggers: PreSignUp and PostConfirmation (user-pool-lambda-pre-sign-up.md,
user-pool-lambda-post-confirmation.md).

PreSignUp runs just before a user is created, by SignUp (PreSignUp_SignUp) or AdminCreateUser
(PreSignUp_AdminCreateUser); raising refuses the sign-up. Its answer may confirm the user and
mark the email or phone number verified — ignored for AdminCreateUser ("Response parameters
autoVerifyPhone, autoVerifyEmail and autoConfirmUser are ignored by Amazon Cognito when the Pre
Sign-up lambda is triggered by the AdminCreateUser API"). The event's response starts with all
three false (the example event of aws_lambda_events' fixtures; Powertools' PreSignupTriggerSchema).

PostConfirmation runs after a user is confirmed: by ConfirmSignUp, AdminConfirmSignUp or a
PreSignUp answer that confirmed the user (PostConfirmation_ConfirmSignUp — its clientMetadata may
come from SignUp), and by ConfirmForgotPassword (PostConfirmation_ConfirmForgotPassword). The
confirmation has happened when it runs ("Amazon Cognito invokes this trigger after a new user is
confirmed"), so a function that raises makes the call answer UserLambdaValidationException while
the user stays confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from cognito_emulator.moto_adapter import Pool, User
from cognito_emulator.triggers.invocation import PoolTriggers, optional_boolean, user_attributes

PreSignUpSource = Literal["PreSignUp_SignUp", "PreSignUp_AdminCreateUser"]
PostConfirmationSource = Literal[
    "PostConfirmation_ConfirmSignUp", "PostConfirmation_ConfirmForgotPassword"
]


@dataclass(frozen=True, slots=True)
class PreSignUpAnswer:
    auto_confirm_user: bool = False
    auto_verify_email: bool = False
    auto_verify_phone: bool = False


NO_CHANGE = PreSignUpAnswer()


def pre_sign_up(
    triggers: PoolTriggers,
    pool: Pool,
    source: PreSignUpSource,
    *,
    username: str,
    client_id: str | None,
    attributes: dict[str, str],
    validation_data: dict[str, str] | None,
    client_metadata: dict[str, str] | None,
) -> PreSignUpAnswer:
    """What the pool's PreSignUp function says of a user about to be created (NO_CHANGE without
    one, and always for AdminCreateUser)."""
    request: dict[str, Any] = {"userAttributes": attributes, "validationData": validation_data}
    if client_metadata:
        request["clientMetadata"] = client_metadata
    response = triggers.invoke(
        pool,
        "PreSignUp",
        source,
        username=username,
        client_id=client_id,
        request=request,
        response={"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False},
    )
    if response is None or source == "PreSignUp_AdminCreateUser":
        return NO_CHANGE
    return PreSignUpAnswer(
        auto_confirm_user=optional_boolean(response, "autoConfirmUser", "PreSignUp", pool.id),
        auto_verify_email=optional_boolean(response, "autoVerifyEmail", "PreSignUp", pool.id),
        auto_verify_phone=optional_boolean(response, "autoVerifyPhone", "PreSignUp", pool.id),
    )


def post_confirmation(
    triggers: PoolTriggers,
    pool: Pool,
    source: PostConfirmationSource,
    *,
    user: User,
    client_id: str | None,
    client_metadata: dict[str, str] | None,
) -> None:
    """Tell the pool's PostConfirmation function that `user` is confirmed."""
    request: dict[str, Any] = {"userAttributes": user_attributes(user)}
    if client_metadata:
        request["clientMetadata"] = client_metadata
    triggers.invoke(
        pool,
        "PostConfirmation",
        source,
        username=user.username,
        client_id=client_id,
        request=request,
    )
