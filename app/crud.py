"""User rows, kept in step with Cognito (the source of truth for who exists).

A row is created at sign-up, and again — if that write was lost — from verified token claims at
the first login or authenticated request. Creation is race-safe: the primary key (Cognito's
`sub`) and the unique username make a concurrent duplicate fail, and the loser re-reads the
winner's row.
"""

from datetime import datetime

from sqlalchemy import Engine, bindparam, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col
from sqlmodel import select as select_models

from app.core.cognito import CognitoProfile
from app.models import User, utc_now

_CREATE_ATTEMPTS = 3

_USER_BY_SUB = select(User).where(col(User.sub) == bindparam("sub"))


def read_user(engine: Engine, sub: str) -> User | None:
    """The user's row as committed now, by any worker: a read-only snapshot attached to no
    session (app/core/user_rows.py makes this SELECT for authenticated requests: no ORM session)."""
    with engine.connect() as connection:
        found = connection.execute(_USER_BY_SUB, {"sub": sub}).first()
    return None if found is None else User.model_construct(**found._mapping)


def read_user_by_username(session: Session, username: str) -> User | None:
    """The row of the user Cognito knows by `username` (as Cognito spells it)."""
    return session.exec(select_models(User).where(User.username == username)).first()


def ensure_user(session: Session, profile: CognitoProfile) -> User:
    """The row for a Cognito user, created if missing."""
    conflicts_left = _CREATE_ATTEMPTS
    while True:
        user = session.get(User, profile.sub)
        if user is not None:
            return user
        user = User(sub=profile.sub, username=profile.username, email=profile.email)
        session.add(user)
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            conflicts_left -= 1
            if not conflicts_left:
                raise
            if session.get(User, profile.sub) is None:
                _release_username(session, profile.username)
            continue
        session.refresh(user)
        return user


def _release_username(session: Session, username: str) -> None:
    """Cognito usernames are unique, so a row holding the name under another `sub` belongs to a
    user since deleted from Cognito: keep the row (and whatever refers to it) but free the name."""
    stale = read_user_by_username(session, username)
    if stale is None:
        return
    stale.username = f"released:{stale.sub}"
    stale.disabled = True
    stale.updated_at = utc_now()
    session.add(stale)
    session.commit()


def record_sign_in(
    session: Session, user: User, profile: CognitoProfile, at: datetime | None
) -> User:
    """Sync the row with what Cognito just said about the user: its username as Cognito spells
    it (a case-insensitive pool answers in lower case whatever case the sign-up used), and an
    email changed in Cognito; `at` records a password login."""
    changed = False
    if user.username != profile.username:
        _release_username(session, profile.username)  # a row of a user deleted since
        user.username = profile.username
        changed = True
    email = profile.email
    if email and user.email != email:
        user.email = email
        changed = True
    if at is not None:
        user.last_login_at = at
        changed = True
    if changed:
        user.updated_at = utc_now()
        session.add(user)
        session.commit()
        session.refresh(user)
    return user


def revoke_tokens_issued_before(session: Session, sub: str, at: datetime) -> None:
    """Move the user's logout mark forward to `at` (never back: concurrent logouts keep the
    latest), in one atomic UPDATE."""
    mark = col(User.tokens_valid_after)
    session.execute(
        update(User)
        .where(col(User.sub) == sub, or_(mark.is_(None), mark < at))
        .values(tokens_valid_after=at, updated_at=utc_now())
    )
    session.commit()


def list_users(session: Session, *, offset: int, limit: int) -> tuple[list[User], int]:
    count = session.exec(select_models(func.count()).select_from(User)).one()
    page = select_models(User).order_by(col(User.created_at), col(User.sub))
    users = session.exec(page.offset(offset).limit(limit)).all()
    return list(users), count


def set_disabled(session: Session, sub: str, disabled: bool) -> User | None:
    user = session.get(User, sub)
    if user is None:
        return None
    user.disabled = disabled
    user.updated_at = utc_now()
    session.add(user)
    session.commit()
    session.refresh(user)
    return user
