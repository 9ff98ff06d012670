"""FastAPI dependencies, as `Annotated` aliases (the full-stack template's style)."""

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app import crud
from app.api.errors import insufficient_scope, invalid_token, not_authenticated, user_disabled
from app.core.cognito import CognitoClient, CognitoProfile
from app.core.revocation import TokenRevokedError, session_started_at
from app.core.services import Services, ServicesProvider
from app.core.tokens import InvalidTokenError
from app.models import User


async def get_services(request: Request) -> Services:
    provider: ServicesProvider = request.app.state.services
    return provider.get()


ServicesDep = Annotated[Services, Depends(get_services)]


def get_session(services: ServicesDep) -> Iterator[Session]:
    with Session(services.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


async def get_cognito(services: ServicesDep) -> CognitoClient:
    return services.cognito


CognitoDep = Annotated[CognitoClient, Depends(get_cognito)]


@dataclass(frozen=True)
class Authenticated:
    """The caller: their row, their verified access-token claims and the token itself."""

    user: User
    claims: dict[str, Any]
    token: str


def bearer_token(request: Request) -> str:
    """The Bearer token of the Authorization header (parsed as OAuth2PasswordBearer does);
    401 without one."""
    authorization = request.headers.get("Authorization")
    if authorization:
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if token and scheme.lower() == "bearer":
            return token
    raise not_authenticated()


# Where a request keeps its caller once authenticated: CurrentUser, CurrentAuth and the
# group/scope guards on one route share one authentication.
_AUTHENTICATED_KEY = "cognito_kit.authenticated"

# The 401 detail for a token issued before its user's last logout.
REVOKED = "Token has been revoked"


async def authenticate_request(request: Request) -> Authenticated:
    """The caller of this request: token → verified claims → user row → logout mark and
    disabled flag, in one function (one dependency, not a chain of five)."""
    scope = request.scope
    known: Authenticated | None = scope.get(_AUTHENTICATED_KEY)
    if known is not None:
        return known
    token = bearer_token(request)
    provider: ServicesProvider = request.app.state.services
    services = provider.get()
    auth = authenticate_without_io(services, token) if services.local_database else None
    if auth is None:
        # Everything that may wait on the network (JWKS, Cognito, a database server) runs in a
        # worker thread, in one hop.
        auth = await run_in_threadpool(authenticate, services, token)
    scope[_AUTHENTICATED_KEY] = auth
    return auth


def authenticate_without_io(services: Services, token: str) -> Authenticated | None:
    """The common case, on the event loop: claims already verified (cached), the row read from
    a local SQLite file, the logout mark decisive. None when anything needs the network."""
    claims = services.verifier.cached_access_claims(token)
    if claims is None:
        return None
    user = services.users.read(claims["sub"])
    if user is None:
        return None
    verdict = services.revocation.verdict_without_cognito(
        token, session_started_at(claims), user.tokens_valid_after
    )
    if verdict is None:
        return None
    if not verdict:
        raise invalid_token(REVOKED)
    return _admitted(user, claims, token)


def authenticate(services: Services, token: str) -> Authenticated:
    """Verify the token, load (or rebuild) the user's row, refuse revoked tokens and disabled
    users. May block: JWKS fetch, database, Cognito."""
    try:
        claims = services.verifier.verify_access_token(token)
    except InvalidTokenError as error:
        raise invalid_token(str(error)) from error
    user = services.users.read(claims["sub"])
    if user is None:
        # The sign-up's row was lost (or the user signed up elsewhere): rebuild it, with the
        # email Cognito has now.
        email = services.cognito.get_user(token).email
        profile = CognitoProfile(sub=claims["sub"], username=claims["username"], email=email)
        with Session(services.engine) as session:
            user = crud.ensure_user(session, profile)
    try:
        services.revocation.check(token, session_started_at(claims), user.tokens_valid_after)
    except TokenRevokedError as error:
        raise invalid_token(REVOKED) from error
    return _admitted(user, claims, token)


def _admitted(user: User, claims: dict[str, Any], token: str) -> Authenticated:
    """The caller of a token that is still valid, unless their account is disabled."""
    if user.disabled:
        raise user_disabled()
    return Authenticated(user=user, claims=claims, token=token)


class BearerAuthentication(OAuth2PasswordBearer):
    """The OAuth2 password flow in the OpenAPI document (Swagger UI's Authorize), and the
    authentication itself: a dependency of its own, so FastAPI solves one dependency per
    authenticated route instead of a nested chain (each level costs microseconds per request)."""

    async def __call__(self, request: Request) -> Authenticated:  # type: ignore[override]
        return await authenticate_request(request)


class BearerUser(OAuth2PasswordBearer):
    """As BearerAuthentication, answering the caller's row."""

    async def __call__(self, request: Request) -> User:  # type: ignore[override]
        return (await authenticate_request(request)).user


# One security scheme in the OpenAPI document, whichever of the two a route uses: Swagger UI's
# "Authorize" posts the login form to tokenUrl and sends the access token as Bearer.
_SCHEME_NAME = "OAuth2PasswordBearer"
get_authenticated = BearerAuthentication(tokenUrl="/users/login", scheme_name=_SCHEME_NAME)
get_current_user = BearerUser(tokenUrl="/users/login", scheme_name=_SCHEME_NAME)

CurrentAuth = Annotated[Authenticated, Depends(get_authenticated)]
CurrentUser = Annotated[User, Depends(get_current_user)]


def require_groups(*groups: str) -> Callable[[Authenticated], Awaitable[Authenticated]]:
    """A dependency admitting members of at least one of `groups` (the token's
    `cognito:groups`); others get 403 insufficient_scope."""
    required = frozenset(groups)

    async def check_groups(auth: CurrentAuth) -> Authenticated:
        member_of = auth.claims.get("cognito:groups")
        if not isinstance(member_of, list) or not any(
            isinstance(group, str) and group in required for group in member_of
        ):
            raise insufficient_scope(f"Requires membership in: {', '.join(sorted(required))}")
        return auth

    return check_groups


def require_scopes(*scopes: str) -> Callable[[Authenticated], Awaitable[Authenticated]]:
    """A dependency admitting tokens that carry every one of `scopes` (the token's
    space-separated `scope` claim, OAuth semantics); others get 403 insufficient_scope."""
    required = frozenset(scopes)

    async def check_scopes(auth: CurrentAuth) -> Authenticated:
        scope = auth.claims.get("scope")
        granted = set(scope.split()) if isinstance(scope, str) else set()
        if not required <= granted:
            wanted = " ".join(sorted(required))
            raise insufficient_scope(f"Requires scopes: {wanted}", scope=wanted)
        return auth

    return check_scopes
