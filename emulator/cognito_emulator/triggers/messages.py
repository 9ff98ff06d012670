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
# Sign-in and MFA codes without a template of the pool's (our wording: Cognito's default is
# not documented).
DEFAULT_AUTHENTICATION_MESSAGE = "Your authentication code is {####}. "
DEFAULT_AUTHENTICATION_SUBJECT = "Your authentication code"


@dataclass(frozen=True, slots=True)
class MessageText:
    """A message with the code placeholder {####} still in it; the subject for email only."""

    body: str
    subject: str | None


def pool_message(pool: Pool, medium: Medium, source: CustomMessageSource) -> MessageText:
    """The pool's own text for a message from `source`. Sign-in and MFA codes
    (CustomMessage_Authentication) use SmsMfaConfiguration's SmsAuthenticationMessage (or the
    pool's SmsAuthenticationMessage) and EmailMfaConfiguration's Message and Subject
    (SetUserPoolMfaConfig); every other code the verification message (VerificationMessageTemplate,
    else the older EmailVerificationMessage / SmsVerificationMessage members), else Cognito's
    default."""
    settings = pool.settings
    if source == "CustomMessage_Authentication":
        if medium == "SMS":
            sms = pool.sms_mfa_configuration or {}
            body = sms.get("SmsAuthenticationMessage") or settings.get("SmsAuthenticationMessage")
            return MessageText(body or DEFAULT_AUTHENTICATION_MESSAGE, None)
        email = pool.email_mfa_configuration or {}
        return MessageText(
            email.get("Message") or DEFAULT_AUTHENTICATION_MESSAGE,
            email.get("Subject") or DEFAULT_AUTHENTICATION_SUBJECT,
        )
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
    default = pool_message(pool, medium, source)
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
