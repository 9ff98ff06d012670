"""FastAPI dependencies, as `Annotated` aliases (the full-stack template's style).

An authenticated route's caller comes from one chain, whatever the database: the Bearer token →
its verified claims → for a user, the user's row (read through SQLAlchemy, app/core/user_rows.py);
for a machine (a client-credentials token), nothing more — admitted by app/core/auth.py. Routes
that act for a user (`CurrentAuth`, `CurrentUser`) refuse machines; `require_admin` admits the
admin group or a resource-server scope, so machines with that scope too.
"""

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app import crud
from app.api.errors import insufficient_scope, invalid_token, not_authenticated, user_disabled
from app.core.auth import (
    Authenticated,
    Caller,
    Machine,
    UserDisabledError,
    admit,
    admit_machine,
    granted_scopes,
)
from app.core.cognito import CognitoClient, CognitoProfile
from app.core.revocation import TokenRevokedError, session_started_at
from app.core.services import Services, ServicesProvider
from app.core.tokens import InvalidTokenError, is_machine_token
from app.models import User


def services_of(request: Request) -> Services:
    """The app's services, read straight from the request (cheaper than one more dependency
    level on every authenticated request)."""
    provider: ServicesProvider = request.app.state.services
    return provider.get()


async def get_services(request: Request) -> Services:
    return services_of(request)


ServicesDep = Annotated[Services, Depends(get_services)]


def get_session(services: ServicesDep) -> Iterator[Session]:
    with Session(services.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


async def get_cognito(services: ServicesDep) -> CognitoClient:
    return services.cognito


CognitoDep = Annotated[CognitoClient, Depends(get_cognito)]


@dataclass(frozen=True)
class VerifiedToken:
    """A Bearer access token and its verified claims."""

    token: str
    claims: dict[str, Any]


class BearerToken(OAuth2PasswordBearer):
    """The OAuth2 password flow in the OpenAPI document (Swagger UI's Authorize posts the login
    form to tokenUrl and sends the access token as Bearer; app/api/docs.py adds the
    authorization-code flow when web sign-in is configured), and the token of the Authorization
    header with its verified claims; 401 without a token (an empty one included) or with one
    that does not verify."""

    async def __call__(self, request: Request) -> VerifiedToken:  # type: ignore[override]
        authorization = request.headers.get("Authorization")
        if authorization:
            scheme, _, token = authorization.partition(" ")
            token = token.strip()
            if token and scheme.lower() == "bearer":
                return VerifiedToken(token, await verified_claims(token, services_of(request)))
        raise not_authenticated()


async def verified_claims(token: str, services: Services) -> dict[str, Any]:
    """The token's verified access-token claims: from the verifier's cache when it has them
    (a token seen before, until it expires), else verified in a worker thread (the signature
    costs CPU, and a JWKS fetch may block)."""
    verifier = services.verifier
    try:
        claims = verifier.cached_access_claims(token)
        if claims is None:
            claims = await run_in_threadpool(verifier.verify_access_token, token)
    except InvalidTokenError as error:
        raise invalid_token(str(error)) from error
    return claims


# Swagger UI shows this in its Authorize dialog, above boxes for client_id and client_secret that
# it cannot hide (the OAuth2 password flow has them) and that /users/login ignores.
AUTHORIZE_HELP = (
    "Enter a verified user's **username** and **password** only. Leave **client_id** and "
    "**client_secret** empty: the service holds the app client's secret and signs in with "
    "Cognito itself."
)
bearer_token = BearerToken(
    tokenUrl="/users/login", scheme_name="Cognito", description=AUTHORIZE_HELP
)
VerifiedTokenDep = Annotated[VerifiedToken, Depends(bearer_token)]

# The 401 detail for a token issued before its user's last logout.
REVOKED = "Token has been revoked"


async def get_caller(verified: VerifiedTokenDep, request: Request) -> Caller:
    """The caller. A machine is admitted on its verified token alone (it has no row). A user:
    their row (app/core/user_rows.py; rebuilt if the sign-up's write was lost), admitted by the
    one rule of app/core/auth.py; whatever may block (the database, Cognito settling a token
    issued within seconds of a logout) runs in a worker thread. FastAPI solves it once per
    request, however many of a route's dependencies ask for it."""
    token, claims = verified.token, verified.claims
    if is_machine_token(claims):
        return admit_machine(claims)
    services = services_of(request)
    user = await services.users.read(claims["sub"])
    if user is None:
        user = await run_in_threadpool(_rebuild_row, services, token, claims)
    started = session_started_at(claims)
    try:
        if services.revocation.decides_alone(token, started, user.tokens_valid_after):
            return admit(services.revocation, user, claims, token)
        return await run_in_threadpool(admit, services.revocation, user, claims, token)
    except TokenRevokedError as error:
        raise invalid_token(REVOKED) from error
    except UserDisabledError as error:
        raise user_disabled() from error


CallerDep = Annotated[Caller, Depends(get_caller)]

# The 403 detail for a machine's token on a route that acts for a user.
USER_REQUIRED = "This route acts for a signed-in user; a client-credentials token has none"


async def get_authenticated(caller: CallerDep) -> Authenticated:
    """The caller, who must be a user: a machine's token is refused (403)."""
    if isinstance(caller, Machine):
        raise HTTPException(status.HTTP_403_FORBIDDEN, USER_REQUIRED)
    return caller


def _rebuild_row(services: Services, token: str, claims: dict[str, Any]) -> User:
    """The row of a user whose sign-up write was lost (or who signed up elsewhere), with the
    email Cognito has now."""
    email = services.cognito.get_user(token).email
    profile = CognitoProfile(sub=claims["sub"], username=claims["username"], email=email)
    with Session(services.engine) as session:
        return crud.ensure_user(session, profile)


CurrentAuth = Annotated[Authenticated, Depends(get_authenticated)]


async def get_current_user(auth: CurrentAuth) -> User:
    return auth.user


CurrentUser = Annotated[User, Depends(get_current_user)]

# Cognito takes a user's access token for operations on their own account (AssociateSoftwareToken,
# VerifySoftwareToken, SetUserMFAPreference, GetUser) only if it carries this scope; without it
# Cognito answers NotAuthorizedException "Access Token does not have required scopes". Password
# sign-ins always get it; a web sign-in only when it asks for it (app/core/web_sign_in.py), and
# Swagger UI's Authorize lets a person untick it.
ACCOUNT_SCOPE = "aws.cognito.signin.user.admin"


async def get_account_owner(auth: CurrentAuth) -> Authenticated:
    """The signed-in user, with a token Cognito accepts for changes to their own account: 403
    insufficient_scope naming the scope, not a 401 that reads as a bad token."""
    if ACCOUNT_SCOPE not in granted_scopes(auth.claims):
        raise insufficient_scope(f"Requires scope {ACCOUNT_SCOPE}", scope=ACCOUNT_SCOPE)
    return auth


AccountOwner = Annotated[Authenticated, Depends(get_account_owner)]


def require_groups(*groups: str) -> Callable[[Authenticated], Awaitable[Authenticated]]:
    """A dependency admitting users in at least one of `groups` (the token's
    `cognito:groups`); others get 403 insufficient_scope."""
    required = frozenset(groups)

    async def check_groups(auth: CurrentAuth) -> Authenticated:
        if not _member_of_any(auth, required):
            raise insufficient_scope(f"Requires membership in: {', '.join(sorted(required))}")
        return auth

    return check_groups


def require_scopes(*scopes: str) -> Callable[[Caller], Awaitable[Caller]]:
    """A dependency admitting callers, users or machines, whose tokens carry every one of
    `scopes` (the token's space-separated `scope` claim, OAuth semantics); others get 403
    insufficient_scope."""
    required = frozenset(scopes)

    async def check_scopes(caller: CallerDep) -> Caller:
        if not required <= granted_scopes(caller.claims):
            wanted = " ".join(sorted(required))
            raise insufficient_scope(f"Requires scopes: {wanted}", scope=wanted)
        return caller

    return check_scopes


def require_admin(group: str, scope_name: str) -> Callable[[Caller, Request], Awaitable[Caller]]:
    """A dependency admitting a user in `group`, or any caller — a machine included — whose
    token carries this API's resource-server scope `scope_name` (settings'
    AWS_COGNITO_RESOURCE_SERVER_ID + "/" + `scope_name`, which only the app clients allowed it
    can obtain); others get 403 insufficient_scope naming both."""

    async def check_admin(caller: CallerDep, request: Request) -> Caller:
        scope = services_of(request).settings.resource_server_scope(scope_name)
        if scope in granted_scopes(caller.claims) or (
            isinstance(caller, Authenticated) and _member_of_any(caller, frozenset({group}))
        ):
            return caller
        raise insufficient_scope(
            f"Requires scope {scope} or membership in group {group}", scope=scope
        )

    return check_admin


def _member_of_any(auth: Authenticated, groups: frozenset[str]) -> bool:
    member_of = auth.claims.get("cognito:groups")
    return isinstance(member_of, list) and any(
        isinstance(group, str) and group in groups for group in member_of
    )
