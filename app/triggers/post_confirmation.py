"""PostConfirmation trigger: the confirmed user's row, created before their first login (the
tutorial's "keep the database user in sync"), whoever signed them up: this service, the pool's
managed login pages, or another app calling Cognito directly.

Which events: PostConfirmation_ConfirmSignUp (ConfirmSignUp, AdminConfirmSignUp, the managed login
pages' confirmation, a PreSignUp answer that confirmed the user). A password reset fires the same
trigger (PostConfirmation_ConfirmForgotPassword, user-pool-lambda-post-confirmation.md) but makes
no user: its event is answered unchanged without touching the database, so a reset never waits
on it.

Idempotent: "your Lambda function must respond within 5 seconds. If it does not, Amazon Cognito
retries the call" (cognito-user-pools-working-with-lambda-triggers.md, "Important
considerations"), so one confirmation may deliver its event twice, even while the first call
still runs. `crud.ensure_user` creates the row only when no row has the user's `sub`, and settles
a concurrent duplicate by reading the winner's row: a second call creates nothing.

A database that cannot be written: Cognito has already confirmed the user when this runs ("The
post confirmation Lambda function is triggered just after Amazon Cognito confirms a new user",
user-pool-lambda-post-confirmation.md). Raising would make ConfirmSignUp answer
UserLambdaValidationException for a user who is in fact confirmed; the app would ask them to
confirm again and Cognito would refuse ("User cannot be confirm. Current status is CONFIRMED",
aws-amplify/amplify-js#2797). So a database error is logged and the event returned: the
confirmation succeeds and the service builds the row from the verified tokens at the user's first
login or authenticated request (app/api/sign_in.py, app/api/deps.py), as it does for any row whose
write was lost. A database that hangs is the same outage: the handler's connect, statement and
pool waits are capped (TIME_LIMITS) so it answers well inside Cognito's 5 s; past them Cognito
would fail the confirmation too (UnexpectedLambdaException "... Socket timeout ...").
"""

import functools
import logging
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from app import crud
from app.core.cognito import CognitoProfile
from app.core.config import DatabaseSettings
from app.core.db import is_unavailable, make_engine

logger = logging.getLogger(__name__)

SIGN_UP_CONFIRMED = "PostConfirmation_ConfirmSignUp"

# The longest each database wait may take here, whatever DATABASE_* says (lower values are kept).
# Connecting once (2 s, libpq's minimum) and the few statements of `ensure_user` fit in 5 s.
TIME_LIMITS = {
    "DATABASE_CONNECT_TIMEOUT_SECONDS": 2,
    "DATABASE_STATEMENT_TIMEOUT_SECONDS": 0.5,
    "DATABASE_POOL_TIMEOUT_SECONDS": 0.5,
}


class PostConfirmation:
    """The handler, on one database. Its engine is built once, with the instance: a Lambda
    container serves many events and keeps its connections between them."""

    def __init__(self, settings: DatabaseSettings) -> None:
        capped = {name: min(getattr(settings, name), limit) for name, limit in TIME_LIMITS.items()}
        self.engine = make_engine(settings.model_copy(update=capped))

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        if event["triggerSource"] != SIGN_UP_CONFIRMED:
            return event
        attributes = event["request"]["userAttributes"]
        profile = CognitoProfile(
            sub=attributes["sub"], username=event["userName"], email=attributes.get("email")
        )
        try:
            with Session(self.engine) as session:
                crud.ensure_user(session, profile)
        except SQLAlchemyError as error:
            outage = is_unavailable(error)
            logger.log(
                logging.WARNING if outage else logging.ERROR,
                "Row of confirmed user %s not stored (%s): the first login creates it",
                profile.sub,
                "database unavailable" if outage else "database error",
                exc_info=True,
            )
        return event

    def close(self) -> None:
        """Close the pooled connections (a process that outlives the handler)."""
        self.engine.dispose()


@functools.cache
def _from_environment() -> PostConfirmation:
    return PostConfirmation(DatabaseSettings())


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The Lambda entry point (`app.triggers.post_confirmation.handler`): the database of
    DATABASE_URL, its engine built at the first event and kept for the process's life."""
    return _from_environment()(event, context)
