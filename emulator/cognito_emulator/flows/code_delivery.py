"""Sending a code: the message text (the pool's, or its CustomMessage trigger's), then the code.

Shared by the flows that send codes (sign-up, password recovery, attribute verification), so
that every message a user gets passes the CustomMessage trigger the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from cognito_emulator import policy
from cognito_emulator.codes import CodeBook, Medium, Purpose
from cognito_emulator.moto_adapter import Pool, User
from cognito_emulator.triggers.invocation import PoolTriggers
from cognito_emulator.triggers.messages import CustomMessageSource, custom_message


@dataclass(frozen=True, slots=True)
class CodeSender:
    codes: CodeBook
    triggers: PoolTriggers

    def send(
        self,
        pool: Pool,
        user: User,
        purpose: Purpose,
        channel: policy.Channel,
        *,
        source: CustomMessageSource,
        client_id: str | None,
        client_metadata: dict[str, str] | None,
    ) -> dict[str, str]:
        """Send a code for `purpose` by `channel`; returns the delivery details."""
        return self.send_to(
            pool,
            user,
            purpose,
            channel.destination,
            channel.medium,
            channel.attribute,
            source=source,
            client_id=client_id,
            client_metadata=client_metadata,
        )

    def send_to(
        self,
        pool: Pool,
        user: User,
        purpose: Purpose,
        destination: str,
        medium: Medium,
        attribute: str,
        *,
        source: CustomMessageSource,
        client_id: str | None,
        client_metadata: dict[str, str] | None,
    ) -> dict[str, str]:
        text = custom_message(
            self.triggers,
            pool,
            source,
            user=user,
            client_id=client_id,
            medium=medium,
            client_metadata=client_metadata,
        )
        return self.codes.issue(
            pool.id,
            user.username,
            purpose,
            destination,
            medium,
            attribute,
            message=text.body,
            subject=text.subject,
        )
