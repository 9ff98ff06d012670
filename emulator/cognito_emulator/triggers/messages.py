"""The CustomMessage trigger: the text of each message that carries a code
(user-pool-lambda-custom-message.md).

The event's request has the placeholders Cognito's has — codeParameter "{####}", linkParameter
"{##Click Here##}", usernameParameter null except for AdminCreateUser — and its response starts
with smsMessage, emailMessage and emailSubject null (events logged from real pools, e.g. the
CustomMessage_ForgotPassword and CustomMessage_SignUp events quoted in public handlers' tests).
A null answer keeps the pool's own text; a message without the code placeholder cannot deliver
the code ("Must include the codeParameter value received in the request") and is refused as an
unrecognizable answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from cognito_emulator.codes import CODE_PLACEHOLDER, DEFAULT_MESSAGE, Medium
from cognito_emulator.moto_adapter import Pool, User
from cognito_emulator.triggers.invocation import (
    PoolTriggers,
    optional_string,
    unrecognizable,
    user_attributes,
)

CustomMessageSource = Literal[
    "CustomMessage_SignUp",
    "CustomMessage_AdminCreateUser",
    "CustomMessage_ResendCode",
    "CustomMessage_ForgotPassword",
    "CustomMessage_UpdateUserAttribute",
    "CustomMessage_VerifyUserAttribute",
    "CustomMessage_Authentication",
]
CODE_PARAMETER = CODE_PLACEHOLDER
LINK_PARAMETER = "{##Click Here##}"
DEFAULT_SUBJECT = "Your verification code"


@dataclass(frozen=True, slots=True)
class MessageText:
    """A message with the code placeholder {####} still in it; the subject for email only."""

    body: str
    subject: str | None


def pool_message(settings: Mapping[str, Any], medium: Medium) -> MessageText:
    """The pool's own verification message (VerificationMessageTemplate, else the older
    EmailVerificationMessage / SmsVerificationMessage members, else Cognito's default)."""
    template = settings.get("VerificationMessageTemplate") or {}
    if medium == "SMS":
        body = template.get("SmsMessage") or settings.get("SmsVerificationMessage")
        return MessageText(body or DEFAULT_MESSAGE, None)
    body = template.get("EmailMessage") or settings.get("EmailVerificationMessage")
    subject = template.get("EmailSubject") or settings.get("EmailVerificationSubject")
    return MessageText(body or DEFAULT_MESSAGE, subject or DEFAULT_SUBJECT)


def custom_message(
    triggers: PoolTriggers,
    pool: Pool,
    source: CustomMessageSource,
    *,
    user: User,
    client_id: str | None,
    medium: Medium,
    client_metadata: dict[str, str] | None,
) -> MessageText:
    """The message to send `user` by `medium`: the pool's CustomMessage function's, where it
    gives one, else the pool's own."""
    default = pool_message(pool.settings, medium)
    request: dict[str, Any] = {
        "userAttributes": user_attributes(user),
        "codeParameter": CODE_PARAMETER,
        "linkParameter": LINK_PARAMETER,
        "usernameParameter": None,
    }
    if client_metadata:
        request["clientMetadata"] = client_metadata
    response = triggers.invoke(
        pool,
        "CustomMessage",
        source,
        username=user.username,
        client_id=client_id,
        request=request,
        response={"smsMessage": None, "emailMessage": None, "emailSubject": None},
    )
    if response is None:
        return default
    if medium == "SMS":
        body = optional_string(response, "smsMessage", "CustomMessage", pool.id)
        subject = None
    else:
        body = optional_string(response, "emailMessage", "CustomMessage", pool.id)
        subject = optional_string(response, "emailSubject", "CustomMessage", pool.id)
    if body is not None and CODE_PARAMETER not in body:
        raise unrecognizable(
            "CustomMessage", pool.id, f"the message lacks the code placeholder {CODE_PARAMETER}"
        )
    return MessageText(
        body if body is not None else default.body,
        subject if subject is not None else default.subject,
    )
