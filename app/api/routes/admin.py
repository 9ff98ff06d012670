"""Administration of the users table: the example of authorization by Cognito group
(`cognito:groups`) or by resource-server scope, so a user in the admin group and a machine client
with the scope (client credentials) may both call it."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, status
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app import crud
from app.api.deps import ServicesDep, SessionDep, require_admin
from app.api.responses import AUTHENTICATED, error_responses
from app.core.services import Services
from app.models import NO_CONTROL_CHARACTERS, User, UserPublic, UsersPublic, UserUpdate

ADMIN_GROUP = "admin"

GUARDED = AUTHENTICATED | {
    403: "User is disabled, or neither in the admin group nor holding the resource-server scope"
}

router = APIRouter(prefix="/admin", tags=["Admin"], responses=error_responses(GUARDED))


@router.get(
    "/users",
    response_model=UsersPublic,
    dependencies=[Depends(require_admin(ADMIN_GROUP, "users.read"))],
)
def list_users(
    session: SessionDep,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
) -> Any:
    users, count = crud.list_users(session, offset=offset, limit=limit)
    return UsersPublic(data=[UserPublic.model_validate(user) for user in users], count=count)


@router.patch(
    "/users/{sub}",
    response_model=UserPublic,
    dependencies=[Depends(require_admin(ADMIN_GROUP, "users.write"))],
    responses=error_responses({404: "No such user"}),
)
async def update_user(
    sub: Annotated[str, Path(min_length=1, max_length=64, pattern=NO_CONTROL_CHARACTERS)],
    body: UserUpdate,
    services: ServicesDep,
) -> Any:
    """Disable or re-enable a user here: their tokens are refused while disabled, in every
    worker by the time this answers (app/core/user_rows.py)."""
    user = await run_in_threadpool(_set_disabled, services, sub, body.disabled)
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "User not found")
    await services.users.wait_out_cached_rows()
    return user


def _set_disabled(services: Services, sub: str, disabled: bool) -> User | None:
    with Session(services.engine) as session:
        user = crud.set_disabled(session, sub, disabled)
    services.users.forget(sub)
    return user
