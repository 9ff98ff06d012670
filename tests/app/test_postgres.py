"""The service on PostgreSQL. CI sets DATABASE_URL=postgresql+psycopg://...; then every test of
tests/app runs on PostgreSQL, and these add PostgreSQL-specific checks. Without it they skip."""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from app.models import User
from tests.app.service_harness import Flows, postgres_url

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def require_postgres() -> None:
    url = postgres_url()
    if url is None:
        pytest.skip(
            "PostgreSQL tests skipped: DATABASE_URL is not set to a postgresql+psycopg:// URL"
        )
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError:
        shown = make_url(url).render_as_string(hide_password=True)
        pytest.skip(f"PostgreSQL not reachable at {shown}")
    finally:
        engine.dispose()


def test_the_service_runs_on_postgresql(flows: Flows) -> None:
    engine = flows.client.app.state.services.get().engine
    user = flows.registered_user("alice")

    me = flows.client.get("/users/me", headers=user.bearer)
    logout = flows.client.post("/users/logout", headers=user.bearer)
    after = flows.client.get("/users/me", headers=user.bearer)

    assert engine.dialect.name == "postgresql"
    assert (me.status_code, logout.status_code, after.status_code) == (200, 204, 401)
    with Session(engine) as session:
        row = session.exec(select(User)).one()
    assert row.tokens_valid_after is not None
    assert row.tokens_valid_after.tzinfo == UTC
    assert row.tokens_valid_after.microsecond or row.updated_at.microsecond  # sub-second kept


def test_the_schema_enforces_one_row_per_sub_and_username(flows: Flows) -> None:
    engine = flows.client.app.state.services.get().engine
    inspector = inspect(engine)

    unique_columns = [set(c["column_names"]) for c in inspector.get_unique_constraints("user")]
    unique_columns += [set(i["column_names"]) for i in inspector.get_indexes("user") if i["unique"]]
    assert inspector.get_pk_constraint("user")["constrained_columns"] == ["sub"]
    assert {"username"} in unique_columns


def test_concurrent_signups_make_one_row_on_postgresql(flows: Flows) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: flows.signup("alice").status_code, range(8)))

    assert Counter(statuses) == {201: 1, 409: 7}
    with Session(flows.client.app.state.services.get().engine) as session:
        assert len(session.exec(select(User)).all()) == 1
