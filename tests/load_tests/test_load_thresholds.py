"""The verdict of a load run, from a stats CSV written the way Locust writes it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from load_tests import request_names
from load_tests.thresholds import (
    DEFAULT_P95_MS,
    evaluate,
    format_figures,
    journey_figures,
    parse_p95_option,
    read_stats_csv,
    with_journeys,
)

PERCENTILES = ["50%", "66%", "75%", "80%", "90%", "95%", "98%", "99%", "99.9%", "99.99%", "100%"]
HEADER = [
    "Type", "Name", "Request Count", "Failure Count", "Median Response Time",
    "Average Response Time", "Min Response Time", "Max Response Time", "Average Content Size",
    "Requests/s", "Failures/s", *PERCENTILES,
]  # fmt: skip


def row(kind: str, name: str, requests: int, failures: int, p50: int, p95: int, p99: int) -> list:
    percentiles = [p50, p50, p50, p50, p95, p95, p99, p99, p99, p99, p99]
    return [kind, name, requests, failures, p50, p50, 1, p99, 100, requests / 60, 0, *percentiles]


def write_stats(path: Path, rows: list[list]) -> Path:
    with path.open("w", newline="") as stats:
        writer = csv.writer(stats)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


@pytest.fixture
def healthy(tmp_path: Path) -> Path:
    return write_stats(
        tmp_path / "stats_stats.csv",
        [
            row("GET", "GET /users/me", 600, 0, 4, 12, 30),
            row("POST", "POST /users/login", 120, 0, 20, 60, 90),
            row("", "Aggregated", 750, 0, 5, 40, 80),
        ],
    )


def test_a_run_without_failures_within_its_bounds_passes(healthy: Path) -> None:
    assert evaluate(read_stats_csv(healthy), DEFAULT_P95_MS) == []


def test_the_rows_are_read_with_rate_and_percentiles(healthy: Path) -> None:
    me = read_stats_csv(healthy)[0]
    assert (me.name, me.requests, me.failures, me.p50, me.p95, me.p99) == (
        "GET /users/me", 600, 0, 4, 12, 30,
    )  # fmt: skip
    assert me.requests_per_second == pytest.approx(10)


def test_any_failed_request_fails_the_run(tmp_path: Path) -> None:
    stats = write_stats(
        tmp_path / "s.csv",
        [
            row("POST", "POST /users/verify", 50, 1, 10, 20, 30),
            row("", "Aggregated", 50, 1, 10, 20, 30),
        ],
    )
    breaches = evaluate(read_stats_csv(stats), DEFAULT_P95_MS)
    assert [str(breach) for breach in breaches] == ["POST /users/verify: 1 of 50 requests failed"]


def test_a_p95_over_its_route_bound_fails_the_run(tmp_path: Path) -> None:
    stats = write_stats(tmp_path / "s.csv", [row("GET", "GET /users/me", 600, 0, 20, 51, 90)])
    breaches = evaluate(read_stats_csv(stats), {"GET /users/me": 50})
    assert [str(b) for b in breaches] == ["GET /users/me: p95 51 ms is over its bound 50 ms"]


def test_journeys_and_the_aggregate_are_bounded_only_when_named(tmp_path: Path) -> None:
    stats = write_stats(
        tmp_path / "s.csv",
        [
            row("GET", "GET /other", 10, 0, 900, 900, 900),
            row("JOURNEY", "new-user journey", 3, 0, 9000, 9000, 9000),
            row("", "Aggregated", 13, 0, 900, 9000, 9000),
        ],
    )
    figures = read_stats_csv(stats)
    assert [b.name for b in evaluate(figures, {}, default_p95_ms=1000)] == []
    assert [b.name for b in evaluate(figures, {}, default_p95_ms=500)] == ["GET /other"]
    assert [b.name for b in evaluate(figures, {"new-user journey": 8000})] == ["new-user journey"]


def test_a_run_that_made_no_request_fails(tmp_path: Path) -> None:
    stats = write_stats(
        tmp_path / "s.csv", [["", "Aggregated", 0, 0, 0, 0, 0, 0, 0, 0, 0, *["N/A"] * 11]]
    )
    figures = read_stats_csv(stats)
    assert figures[0].p95 is None
    assert [str(b) for b in evaluate(figures, DEFAULT_P95_MS)] == [
        "Aggregated: no requests were made"
    ]


@pytest.mark.parametrize(
    ("text", "parsed"),
    [("GET /users/me=50", ("GET /users/me", 50.0)), ("a=b=2.5", ("a=b", 2.5))],
)
def test_p95_options_name_a_route_and_milliseconds(text: str, parsed: tuple[str, float]) -> None:
    assert parse_p95_option(text) == parsed


@pytest.mark.parametrize("text", ["GET /users/me", "=50", "GET /users/me=fast", "x=0"])
def test_malformed_p95_options_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_p95_option(text)


def test_the_figures_table_lists_every_row(healthy: Path) -> None:
    table = format_figures(with_journeys(read_stats_csv(healthy), journey_figures([3.0], 60)))
    assert "GET /users/me" in table and "new-user journey" in table and "Aggregated" in table


def test_journeys_become_a_row_with_their_rate_and_percentiles() -> None:
    journeys = journey_figures([float(second) for second in range(1, 101)], run_seconds=50)
    assert (journeys.name, journeys.requests, journeys.requests_per_second) == (
        "new-user journey", 100, 2.0,
    )  # fmt: skip
    assert (journeys.p50, journeys.p95, journeys.p99) == (50_000, 95_000, 99_000)


def test_no_journey_gives_an_empty_row() -> None:
    journeys = journey_figures([], run_seconds=60)
    assert (journeys.requests, journeys.requests_per_second, journeys.p95) == (0, 0.0, None)


def test_the_journey_row_goes_before_aggregated_and_is_not_bounded_by_default(
    healthy: Path,
) -> None:
    figures = with_journeys(read_stats_csv(healthy), journey_figures([9.0], run_seconds=60))
    assert [row.name for row in figures][-2:] == ["new-user journey", "Aggregated"]
    assert evaluate(figures, DEFAULT_P95_MS, default_p95_ms=100) == []


def test_every_request_the_scenarios_name_has_a_p95_bound() -> None:
    named = {
        value
        for key, value in vars(request_names).items()
        if key.isupper() and key != "POOL_PREFIX" and isinstance(value, str)
    }
    assert named == DEFAULT_P95_MS.keys()
    assert {"pool: POST /oauth2/token", "GET /admin/users", "GET /auth/callback"} <= named
