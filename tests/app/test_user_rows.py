"""The caller's row, kept briefly by each worker (app/core/user_rows.py): a logout or a disable
still holds at once in every worker, because it answers only once no worker trusts an older row.

Two apps on one database stand for two workers (each has its own services and row cache). Their
caches share a manual clock whose `sleep` moves it, so "once the wait is over" is exact."""

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from app import crud
from app.core.services import ServicesProvider
from app.core.user_rows import UserRows
from app.main import create_app
from app.models import User
from cognito_emulator.bootstrap import PoolConfig
from tests.app.service_harness import Flows, bearer, make_settings

MAX_AGE = 0.5  # the default; exact in binary, so the manual clock meets it exactly


class ManualClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The subs whose row was read from the database."""
    read_from_database: list[str] = []
    real_read = crud.read_user

    def counting_read(engine: Any, sub: str) -> User | None:
        read_from_database.append(sub)
        return real_read(engine, sub)

    monkeypatch.setattr(crud, "read_user", counting_read)
    return read_from_database


def worker(
    pool: PoolConfig, database_url: str, clock: ManualClock, max_age: float = MAX_AGE
) -> Iterator[TestClient]:
    app: FastAPI = create_app(make_settings(pool, database_url, USER_ROW_MAX_AGE_SECONDS=max_age))
    with TestClient(app) as client:
        provider: ServicesProvider = app.state.services
        rows = provider.get().users
        rows.clock, rows.sleep = clock, clock.sleep
        yield client


@pytest.fixture
def first_worker(
    cognito_pool: PoolConfig, database_url: str, clock: ManualClock
) -> Iterator[TestClient]:
    yield from worker(cognito_pool, database_url, clock)


@pytest.fixture
def second_worker(
    cognito_pool: PoolConfig, database_url: str, clock: ManualClock
) -> Iterator[TestClient]:
    yield from worker(cognito_pool, database_url, clock)


@pytest.fixture
def first_flows(first_worker: TestClient, flows: Flows) -> Flows:
    return Flows(client=first_worker, emulator=flows.emulator, pool=flows.pool)


def test_a_burst_of_requests_reads_the_row_once(
    first_flows: Flows, clock: ManualClock, reads: list[str]
) -> None:
    alice = first_flows.registered_user("alice")
    reads.clear()

    for _ in range(5):
        assert first_flows.client.get("/users/me", headers=alice.bearer).status_code == 200
    clock.now += MAX_AGE - 0.001
    assert first_flows.client.get("/users/me", headers=alice.bearer).status_code == 200

    assert reads == [alice.sub]


def test_a_row_older_than_its_max_age_is_read_again(
    first_flows: Flows, clock: ManualClock, reads: list[str]
) -> None:
    alice = first_flows.registered_user("alice")
    first_flows.client.get("/users/me", headers=alice.bearer)
    reads.clear()

    clock.now += MAX_AGE
    assert first_flows.client.get("/users/me", headers=alice.bearer).status_code == 200

    assert reads == [alice.sub]


def test_a_logout_in_one_worker_refuses_the_token_at_once_in_another(
    first_flows: Flows, second_worker: TestClient, clock: ManualClock
) -> None:
    alice = first_flows.registered_user("alice")
    assert second_worker.get("/users/me", headers=alice.bearer).status_code == 200  # row cached

    assert first_flows.client.post("/users/logout", headers=alice.bearer).status_code == 204

    assert clock.slept == [MAX_AGE]
    refused = second_worker.get("/users/me", headers=alice.bearer)
    assert refused.status_code == 401
    assert refused.json() == {"detail": "Token has been revoked"}


def test_a_disable_in_one_worker_refuses_the_user_at_once_in_another(
    first_flows: Flows,
    second_worker: TestClient,
    clock: ManualClock,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    root = first_flows.registered_user("root")
    cognito_idp_client.admin_add_user_to_group(
        UserPoolId=first_flows.pool.user_pool_id, Username="root", GroupName="admin"
    )
    admin_token = first_flows.login("root").json()["access_token"]
    alice = first_flows.registered_user("alice")
    assert second_worker.get("/users/me", headers=alice.bearer).status_code == 200  # row cached

    disabled = first_flows.client.patch(
        f"/admin/users/{alice.sub}", json={"disabled": True}, headers=bearer(admin_token)
    )

    assert disabled.status_code == 200
    assert clock.slept == [MAX_AGE]
    assert second_worker.get("/users/me", headers=alice.bearer).status_code == 403
    assert root.sub != alice.sub


def test_a_login_shows_at_once_in_the_same_worker(first_flows: Flows) -> None:
    alice = first_flows.registered_user("alice")
    before = first_flows.client.get("/users/me", headers=alice.bearer).json()["last_login_at"]

    again = first_flows.login("alice").json()["access_token"]
    after = first_flows.client.get("/users/me", headers=bearer(again)).json()["last_login_at"]

    assert after > before


def test_without_a_max_age_every_request_reads_and_nothing_waits(
    cognito_pool: PoolConfig,
    database_url: str,
    clock: ManualClock,
    flows: Flows,
    reads: list[str],
) -> None:
    for client in worker(cognito_pool, database_url, clock, max_age=0):
        uncached = Flows(client=client, emulator=flows.emulator, pool=flows.pool)
        alice = uncached.registered_user("alice")
        reads.clear()

        for _ in range(3):
            assert client.get("/users/me", headers=alice.bearer).status_code == 200
        assert client.post("/users/logout", headers=alice.bearer).status_code == 204

        assert reads == [alice.sub] * 4  # three reads, and the logout's own admission
        assert clock.slept == []


def test_a_missing_row_is_not_remembered(database_url: str, reads: list[str]) -> None:
    from app.core.config import DatabaseSettings
    from app.core.db import make_engine

    engine = make_engine(DatabaseSettings(DATABASE_URL=database_url))
    rows = UserRows(engine, max_age_seconds=MAX_AGE)
    try:
        assert asyncio.run(rows.read("no-such-sub")) is None
        assert asyncio.run(rows.read("no-such-sub")) is None
    finally:
        engine.dispose()

    assert reads == ["no-such-sub", "no-such-sub"]


def test_a_rows_age_counts_from_when_its_read_began(
    first_flows: Flows, clock: ManualClock, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow read may return a row older than its arrival: the change a logout waits out may
    have committed while it ran, so its age must count from the start. At exactly MAX_AGE it is
    no longer trusted: that is how long a logout waits."""
    alice = first_flows.registered_user("alice")
    counting_read = crud.read_user

    def slow_read(engine: Any, sub: str) -> User | None:
        clock.now += MAX_AGE / 2
        return counting_read(engine, sub)

    monkeypatch.setattr(crud, "read_user", slow_read)
    first_flows.client.get("/users/me", headers=alice.bearer)
    reads.clear()

    clock.now += MAX_AGE / 2  # half MAX_AGE since the read ended, MAX_AGE since it began
    assert first_flows.client.get("/users/me", headers=alice.bearer).status_code == 200

    assert reads == [alice.sub]


def rows_reading_through(
    reader: Any, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> UserRows:
    """A UserRows whose database reads are `reader(sub)` (run in a worker thread, as reads are)."""
    monkeypatch.setattr(crud, "read_user", lambda _engine, sub: reader(sub))
    return UserRows(None, max_age_seconds=MAX_AGE, clock=clock, sleep=clock.sleep)  # type: ignore[arg-type]


def test_requests_for_a_row_being_read_share_the_read(
    clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    asked: list[str] = []

    def slow_read(sub: str) -> User:
        asked.append(sub)
        release.wait(5)
        return User(sub=sub, username="alice")

    rows = rows_reading_through(slow_read, clock, monkeypatch)

    async def three_requests() -> list[User | None]:
        requests = [asyncio.ensure_future(rows.read("sub-1")) for _ in range(3)]
        await asyncio.sleep(0.05)
        release.set()
        return await asyncio.gather(*requests)

    answers = asyncio.run(three_requests())

    assert asked == ["sub-1"]
    assert [user.sub for user in answers if user is not None] == ["sub-1"] * 3


def test_a_read_under_way_for_longer_than_the_max_age_is_not_joined(
    clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read that began before a logout committed must not answer a request that came after the
    logout answered, however slow the database."""
    release = threading.Event()
    asked: list[str] = []

    def read(sub: str) -> User:
        asked.append(sub)
        if len(asked) == 1:
            release.wait(5)  # the first read hangs until the second is done
        return User(sub=sub, username="alice")

    rows = rows_reading_through(read, clock, monkeypatch)

    async def a_request_before_and_one_after() -> None:
        slow = asyncio.ensure_future(rows.read("sub-1"))
        await asyncio.sleep(0.05)
        clock.now += MAX_AGE
        await rows.read("sub-1")
        release.set()
        await slow

    asyncio.run(a_request_before_and_one_after())

    assert asked == ["sub-1", "sub-1"]


def test_a_request_joins_the_newer_read_once_an_older_one_ends(
    clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The older read, ending, leaves the newer one in place for the requests still to come."""
    releases = [threading.Event() for _ in range(3)]
    releases[2].set()  # a third read, were one started, would not hang
    asked: list[str] = []

    def read(sub: str) -> User:
        release = releases[len(asked)]
        asked.append(sub)
        release.wait(5)
        return User(sub=sub, username="alice")

    rows = rows_reading_through(read, clock, monkeypatch)

    async def requests_around_two_reads() -> None:
        older = asyncio.ensure_future(rows.read("sub-1"))
        await asyncio.sleep(0.05)
        clock.now += MAX_AGE  # too old to join: a second read starts
        newer = asyncio.ensure_future(rows.read("sub-1"))
        await asyncio.sleep(0.05)
        releases[0].set()
        await older
        joining = asyncio.ensure_future(rows.read("sub-1"))  # the newer read is still under way
        await asyncio.sleep(0.05)
        releases[1].set()
        await asyncio.gather(newer, joining)

    asyncio.run(requests_around_two_reads())

    assert asked == ["sub-1", "sub-1"]
