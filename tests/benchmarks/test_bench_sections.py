"""The pure parts of each section: how raw measurements become rows and JSON."""

from pathlib import Path

import pytest

from benchmarks import servers, state_dir
from benchmarks.cognito_servers import EMULATOR, MOTO
from benchmarks.memory import MIB, MemoryTrace
from benchmarks.memory import rows as memory_rows
from benchmarks.report import verdict_lines
from benchmarks.service import HEALTH, ME, ServiceRun, combine, postgres_database
from benchmarks.service import measure as service_measure
from benchmarks.service import rows as service_rows
from benchmarks.service import to_json as service_json
from benchmarks.stats import Throughput
from benchmarks.verification import VerificationTimings
from benchmarks.verification import rows as verification_rows


def throughput(operations: int, p50: float = 1.0) -> Throughput:
    return Throughput(operations=operations, errors=0, seconds=1.0, p50_ms=p50, p95_ms=p50 * 2)


def test_service_rounds_add_up_and_keep_the_median_rounds_latency() -> None:
    combined = combine([throughput(100, 3.0), throughput(300, 1.0), throughput(200, 2.0)])
    assert combined.operations == 600
    assert combined.seconds == 3.0
    assert (combined.p50_ms, combined.p95_ms) == (2.0, 4.0)


def test_service_rows_compare_me_with_healthz_against_the_06_target() -> None:
    runs = [
        ServiceRun("SQLite", 1, {HEALTH: throughput(1000), ME: throughput(650)}),
        ServiceRun("PostgreSQL", 2, {HEALTH: throughput(1000), ME: throughput(550)}),
    ]
    sqlite, postgres = service_rows(runs, "wrk")
    assert (sqlite.ratio, sqlite.met) == (pytest.approx(0.65), True)
    assert (postgres.ratio, postgres.met) == (pytest.approx(0.55), False)
    assert sqlite.benchmark == "service /users/me vs /healthz, SQLite, 1 worker (wrk)"
    assert postgres.benchmark == "service /users/me vs /healthz, PostgreSQL, 2 workers (wrk)"


def test_an_unavailable_postgresql_says_so_in_its_row_and_is_not_measured() -> None:
    port = servers.free_port()  # nothing listens there
    database = postgres_database(f"postgresql+psycopg://postgres@127.0.0.1:{port}/bench_own")
    assert database.unavailable is not None
    assert database.unavailable.startswith(
        f"PostgreSQL unavailable at postgresql+psycopg://postgres@127.0.0.1:{port}/bench_own: "
    )

    runs = service_measure(
        Path("unused"), [database], workers=(1,), rounds=1, seconds=1, concurrency=1
    )
    (row,) = service_rows(runs, "wrk")

    assert row.kit == f"not measured: {database.unavailable}"
    assert (row.ratio, row.met) == (None, None)
    assert verdict_lines([row])[1] == (
        "NOT MEASURED: service /users/me vs /healthz, PostgreSQL, 1 worker (wrk) (target >= 0.60x)"
    )
    assert service_json(runs, "wrk")["runs"][0]["not_measured"] == database.unavailable


def test_the_benchmark_uses_only_a_postgresql_database_of_its_own() -> None:
    shared = postgres_database("postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    assert shared.unavailable == (
        "postgresql+psycopg://postgres@127.0.0.1:5432/postgres names no database of the "
        "benchmark's own"
    )


def trace(after_expiry_mib: float | None, errors: int = 0) -> MemoryTrace:
    baseline = None if after_expiry_mib is None else 81 * MIB
    after = None if after_expiry_mib is None else int((81 + after_expiry_mib) * MIB)
    return MemoryTrace("emulator", 10_000, 77 * MIB, 80 * MIB, baseline, after, errors)


def test_memory_growth_is_per_login_over_each_half() -> None:
    flat = trace(0.1)
    assert flat.second_half_per_login == pytest.approx(3 * MIB / 5000)
    assert flat.after_expiry_per_login == pytest.approx(0.1 * MIB / 5000, rel=1e-3)
    assert trace(None).after_expiry_per_login is None
    assert flat.to_json()["rss_final_mib"] == 80.0


def test_memory_target_is_judged_on_growth_after_expiry_and_never_passes_with_errors() -> None:
    reference = trace(None)
    assert memory_rows(trace(0.5), reference)[1].met is True
    assert memory_rows(trace(3.0), reference)[1].met is False
    assert memory_rows(trace(0.1, errors=5), reference)[1].met is None
    assert "no clock" in memory_rows(trace(0.1), reference)[1].reference


def test_verification_rows_show_cost_relative_to_a_bare_rsa_verify() -> None:
    cold, warm = verification_rows(VerificationTimings(100, 80.0, 2.0, 40.0, 60.0))
    assert cold.ratio == 2.0 and warm.ratio == 0.05
    assert cold.target is None and warm.target is None
    assert VerificationTimings(100, 80.0, 2.0, 40.0, 60.0).to_json()["median_us"] == {
        "verifier_cold": 80.0,
        "verifier_warm": 2.0,
        "bare_rsa_verify": 40.0,
        "pyjwt_decode": 60.0,
    }


def test_cognito_local_is_skipped_with_a_reason_when_npm_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(servers.shutil, "which", lambda name: None)
    assert servers.cognito_local_binary(tmp_path) == (None, "npm is not installed")


def test_env_file_lines_become_settings(tmp_path: Path) -> None:
    env_file = tmp_path / "cognito_emulator.env"
    env_file.write_text("AWS_REGION=us-east-1\nAWS_COGNITO_APP_CLIENT_SECRET=a=b\n\n")
    assert servers.read_env_file(env_file) == {
        "AWS_REGION": "us-east-1",
        "AWS_COGNITO_APP_CLIENT_SECRET": "a=b",
    }


def test_cognito_local_version_comes_from_the_package_above_its_binary(tmp_path: Path) -> None:
    package = tmp_path / "node_modules" / "cognito-local"
    (package / "lib" / "bin").mkdir(parents=True)
    (package / "package.json").write_text('{"name": "cognito-local", "version": "5.3.0"}')
    (package / "lib" / "bin" / "start.js").write_text("")
    bin_dir = tmp_path / "node_modules" / ".bin"
    bin_dir.mkdir()
    (bin_dir / "cognito-local").symlink_to(package / "lib" / "bin" / "start.js")
    assert servers.cognito_local_version(bin_dir / "cognito-local") == "5.3.0"
    assert servers.cognito_local_version(tmp_path / "elsewhere") == "unknown"


def test_state_dir_rows_hold_signup_to_moto_servers_rate_and_show_the_cost() -> None:
    results = {
        ("SignUp", 8): {
            servers.DURABLE_EMULATOR: throughput(400),
            EMULATOR: throughput(800),
            MOTO: throughput(500),
        },
        ("InitiateAuth", 8): {
            servers.DURABLE_EMULATOR: throughput(300),
            EMULATOR: throughput(300),
            MOTO: throughput(600),
        },
    }

    sign_up, sign_up_cost, initiate_auth, initiate_auth_cost = state_dir.rows(results)

    assert sign_up.benchmark == "SignUp, 8 clients, --state-dir"
    assert (sign_up.ratio, sign_up.met) == (0.8, False)  # below moto_server: a missed target
    assert (sign_up_cost.benchmark, sign_up_cost.ratio) == (
        "SignUp, 8 clients, --state-dir vs in memory",
        0.5,
    )
    assert sign_up_cost.met is None
    assert (initiate_auth.ratio, initiate_auth.met) == (0.5, None)  # no target: informational
    assert initiate_auth_cost.ratio == 1.0
