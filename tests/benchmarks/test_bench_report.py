import json

from benchmarks.report import Row, Target, document, format_throughput, render_table, verdict_lines
from benchmarks.stats import Throughput

FAST = Throughput(operations=1600, errors=0, seconds=2.0, p50_ms=1.234, p95_ms=2.5)


def test_target_minimum_and_maximum() -> None:
    at_least_one = Target(minimum=1.0)
    assert at_least_one.met_by(1.0) is True
    assert at_least_one.met_by(0.99) is False
    assert at_least_one.met_by(None) is None
    assert at_least_one.describe() == ">= 1.00x"
    assert at_least_one.shortfall(0.8) == "20% below >= 1.00x"
    at_most = Target(maximum=512, unit=" B/login")
    assert at_most.met_by(100.0) is True
    assert at_most.met_by(600.0) is False
    assert at_most.describe() == "<= 512 B/login"
    assert at_most.shortfall(600.0) == "88 B/login over <= 512 B/login"


def test_throughput_cell_shows_rate_latencies_and_errors() -> None:
    assert format_throughput(FAST) == "800/s (1.23 / 2.50 ms)"
    with_errors = Throughput(operations=10, errors=2, seconds=1.0, p50_ms=1.0, p95_ms=2.0)
    assert format_throughput(with_errors).endswith(", 2 errors")
    assert format_throughput(None) == "n/a"
    failed = Throughput(operations=0, errors=5, seconds=1.0, p50_ms=0.0, p95_ms=0.0)
    assert format_throughput(failed) == "failed (5 errors)"


def test_table_is_aligned_markdown_and_hides_an_empty_cognito_local_column() -> None:
    rows = [
        Row("InitiateAuth, 1 client", "emulator 900/s", "moto_server 450/s", 2.0, Target(1.0)),
        Row("verify, cold", "80 us", "bare RSA 40 us", 2.0),
    ]
    lines = render_table(rows).splitlines()
    assert lines[0].startswith("| benchmark")
    assert "cognito-local" not in lines[0]
    assert set(lines[1]) <= {"|", "-"}
    assert len({len(line) for line in lines}) == 1
    assert "| 2.00x " in lines[2] and "| yes " in lines[2]
    informational = [cell.strip() for cell in lines[3].strip("|").split("|")]
    assert informational[3:] == ["2.00x", "", ""]


def test_table_shows_the_cognito_local_column_when_a_row_has_it() -> None:
    rows = [Row("SignUp, 8 clients", "a", "b", 1.1, Target(1.0), other="130/s")]
    assert "cognito-local" in render_table(rows).splitlines()[0]


def test_verdicts_say_what_is_met_missed_and_unmeasured() -> None:
    rows = [
        Row("met", "", "", 1.5, Target(1.0)),
        Row("missed", "", "", 0.9, Target(1.0)),
        Row("unmeasured", "", "", None, Target(1.0)),
        Row("informational", "", "", 3.0),
    ]
    lines = verdict_lines(rows)
    assert lines[0] == "Targets met: 1 of 3."
    assert "MISSED: missed: 0.90, 10% below >= 1.00x" in lines
    assert "NOT MEASURED: unmeasured (target >= 1.00x)" in lines


def test_checked_value_overrides_the_ratio_for_the_target() -> None:
    row = Row("memory", "", "", None, Target(maximum=512, unit=" B"), checked_value=100.0)
    assert row.met is True
    assert row.cells()[5] == "yes"


def test_json_document_shape() -> None:
    rows = [Row("a", "k", "r", 1.23456, Target(1.0)), Row("b", "k", "r", 0.5, Target(1.0))]
    report = document(meta={"cpus": 2}, rows=rows, sections={"x": [1]}, notes=["n"])
    assert set(report) == {"schema_version", "meta", "rows", "targets", "sections", "notes"}
    assert report["rows"][0] == {
        "benchmark": "a",
        "cognito_kit": "k",
        "reference": "r",
        "ratio": 1.235,
        "target": ">= 1.00x",
        "met": True,
        "cognito_local": None,
    }
    assert report["targets"] == {"judged": 2, "met": 1, "missed": ["b"]}
    json.dumps(report)
