import math

import pytest

from benchmarks.stats import Run, percentile, pooled, ratio, summarize


def test_percentile_interpolates_between_closest_ranks_like_numpy() -> None:
    values = [1.0, 2.0, 3.0, 4.0]
    assert percentile(values, 0.0) == 1.0
    assert percentile(values, 1.0) == 4.0
    assert percentile(values, 0.5) == 2.5
    assert percentile(values, 0.95) == pytest.approx(3.85)


def test_percentile_of_one_value_is_that_value() -> None:
    assert percentile([7.0], 0.95) == 7.0


def test_percentile_refuses_empty_input_and_fractions_outside_zero_one() -> None:
    with pytest.raises(ValueError):
        percentile([], 0.5)
    with pytest.raises(ValueError):
        percentile([1.0], 95)


def test_summary_counts_successes_over_time_and_reports_milliseconds() -> None:
    run = Run(latencies=[0.001, 0.002, 0.003, 0.004], errors=1, seconds=2.0, first_error="boom")
    result = summarize(run)
    assert result.operations == 4
    assert result.errors == 1
    assert result.per_second == 2.0
    assert result.p50_ms == pytest.approx(2.5)
    assert result.p95_ms == pytest.approx(3.85)
    assert result.to_json()["ops_per_s"] == 2.0
    assert result.to_json()["first_error"] == "boom"


def test_summary_of_a_run_with_only_errors_has_no_latency_and_no_throughput() -> None:
    result = summarize(Run(errors=3, seconds=1.0))
    assert result.per_second == 0.0
    assert math.isnan(result.p50_ms)


def test_pooled_rounds_add_samples_errors_and_time_keeping_the_first_error() -> None:
    total = pooled(
        [
            Run(latencies=[0.1], errors=0, seconds=1.0),
            Run(latencies=[0.2, 0.3], errors=2, seconds=0.5, first_error="first"),
            Run(errors=1, seconds=0.5, first_error="second"),
        ]
    )
    assert total.latencies == [0.1, 0.2, 0.3]
    assert total.errors == 3
    assert total.seconds == 2.0
    assert total.first_error == "first"


def test_ratio_is_none_without_a_reference() -> None:
    assert ratio(3.0, 2.0) == 1.5
    assert ratio(3.0, 0.0) is None
    assert ratio(math.nan, 1.0) is None
