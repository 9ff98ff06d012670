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
from app.core.tokens import InvalidTokenError, TokenVerifier
from app.models import User

# Swagger UI's "Authorize" posts the login form here and sends the access token as Bearer.
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/users/login", auto_error=False)


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


async def get_verifier(services: ServicesDep) -> TokenVerifier:
    return services.verifier


VerifierDep = Annotated[TokenVerifier, Depends(get_verifier)]
TokenDep = Annotated[str | None, Depends(oauth2_scheme)]


@dataclass(frozen=True)
class Authenticated:
    """The caller: their row, their verified access-token claims and the token itself."""

    user: User
    claims: dict[str, Any]
    token: str


async def get_authenticated(request: Request, token: TokenDep) -> Authenticated:
    if not token:
        raise not_authenticated()
    services = await get_services(request)
    if services.local_database:
        known = authenticate_without_io(services, token)
        if known is not None:
            return known
    # Everything that may wait on the network (JWKS, Cognito, a database server) runs in a
    # worker thread, in one hop.
    return await run_in_threadpool(authenticate, services, token)


def authenticate_without_io(services: Services, token: str) -> Authenticated | None:
    """The common case, on the event loop: claims already verified (cached), the row read from
    a local SQLite file, the logout mark decisive. None when anything needs the network."""
    claims = services.verifier.cached_access_claims(token)
    if claims is None:
        return None
    user = crud.read_user(services.engine, claims["sub"])
    if user is None:
        return None
    verdict = services.revocation.verdict_without_cognito(
        token, session_started_at(claims), user.tokens_valid_after
    )
    if verdict is None:
        return None
    return _admitted(user, claims, token, revoked=not verdict)


def authenticate(services: Services, token: str) -> Authenticated:
    """Verify the token, load (or rebuild) the user's row, refuse revoked tokens and disabled
    users. May block: JWKS fetch, database, Cognito."""
    try:
        claims = services.verifier.verify_access_token(token)
    except InvalidTokenError as error:
        raise invalid_token(str(error)) from error
    user = crud.read_user(services.engine, claims["sub"])
    if user is None:
        # The sign-up's row was lost (or the user signed up elsewhere): rebuild it, with the
        # email Cognito has now.
        email = services.cognito.get_user(token).email
        profile = CognitoProfile(sub=claims["sub"], username=claims["username"], email=email)
        with Session(services.engine) as session:
            user = crud.ensure_user(session, profile)
    try:
        services.revocation.check(token, session_started_at(claims), user.tokens_valid_after)
    except TokenRevokedError:
        return _admitted(user, claims, token, revoked=True)
    return _admitted(user, claims, token, revoked=False)


def _admitted(user: User, claims: dict[str, Any], token: str, *, revoked: bool) -> Authenticated:
    if revoked:
        raise invalid_token("Token has been revoked")
    if user.disabled:
        raise user_disabled()
    return Authenticated(user=user, claims=claims, token=token)


CurrentAuth = Annotated[Authenticated, Depends(get_authenticated)]


async def get_current_user(auth: CurrentAuth) -> User:
    return auth.user


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
