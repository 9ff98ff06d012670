"""The verdict after Locust exits: figures, failures, journeys, and Locust's own exit status."""

from __future__ import annotations

import csv
from pathlib import Path

from load_tests.run import RunOptions, judge_run
from load_tests.run_files import record_journey

HEADER = [
    "Type", "Name", "Request Count", "Failure Count", "Median Response Time",
    "Average Response Time", "Min Response Time", "Max Response Time", "Average Content Size",
    "Requests/s", "Failures/s", "50%", "66%", "75%", "80%", "90%", "95%", "98%", "99%", "99.9%",
    "99.99%", "100%",
]  # fmt: skip


def write_stats(out: Path, me_failures: int = 0, me_p95: int = 10) -> None:
    with (out / "stats_stats.csv").open("w", newline="") as stats:
        writer = csv.writer(stats)
        writer.writerow(HEADER)
        for name in ("GET /users/me", "Aggregated"):
            kind = "GET" if name != "Aggregated" else ""
            counts = [kind, name, 100, me_failures, 5, 5, 1, 50, 200, 10, 0]
            writer.writerow([*counts, 5, 5, 5, 5, 8, me_p95, 20, 30, 40, 50, 50])


def test_a_clean_run_passes_and_reports_journeys(tmp_path: Path) -> None:
    write_stats(tmp_path)
    record_journey(tmp_path / "records", 2.5)
    summary, failed = judge_run(RunOptions(run_time="10s"), tmp_path, 0, 11.0)
    assert not failed
    assert "journeys/s: 0.10 over 10 s (complete new-user journeys: 1)" in summary


def test_failed_requests_and_slow_routes_fail_the_run(tmp_path: Path) -> None:
    write_stats(tmp_path, me_failures=2, me_p95=500)
    summary, failed = judge_run(RunOptions(), tmp_path, 1, 60.0)
    assert failed
    assert "FAIL GET /users/me: 2 of 100 requests failed" in summary
    assert any(line.startswith("FAIL GET /users/me: p95 500 ms") for line in summary)


def test_locust_failing_without_a_failed_request_still_fails_the_run(tmp_path: Path) -> None:
    write_stats(tmp_path)
    summary, failed = judge_run(RunOptions(), tmp_path, 1, 60.0)
    assert failed
    assert summary[-1].startswith("FAIL locust exited with 1")


def test_no_stats_fails_a_headless_run_but_not_the_web_ui(tmp_path: Path) -> None:
    assert judge_run(RunOptions(), tmp_path, 0, 60.0)[1]
    assert not judge_run(RunOptions(web=True), tmp_path, 0, 60.0)[1]
