import math

from benchmarks.cli import Plan, build_parser, exit_status
from benchmarks.report import Row, Target


def plan(*argv: str) -> Plan:
    return Plan.from_args(build_parser().parse_args(list(argv)))


def test_full_run_defaults_measure_ten_thousand_logins_in_three_rounds() -> None:
    full = plan()
    assert (full.rounds, full.logins, full.cognito_local) == (3, 10_000, True)


def test_quick_shortens_everything_and_explicit_options_win() -> None:
    quick = plan("--quick")
    assert quick.rounds == 1 and quick.logins < 10_000 and quick.seconds <= 1.0
    assert plan("--quick", "--rounds", "2", "--logins", "500").rounds == 2
    assert plan("--no-cognito-local").cognito_local is False


def test_only_selects_sections_and_out_is_a_path() -> None:
    args = build_parser().parse_args(["--only", "verify", "memory", "--out", "x/y.json"])
    assert args.only == ["verify", "memory"]
    assert str(args.out) == "x/y.json"


MET = Row("met", "", "", ratio=3.0, target=Target(minimum=2.5))
MISSED = Row("InitiateAuth, 8 clients", "", "", ratio=2.39, target=Target(minimum=2.5))
NOT_MEASURED = Row("PostgreSQL, 1 worker", "", "", ratio=math.nan, target=Target(minimum=0.6))


def test_a_missed_target_fails_the_run_and_says_so() -> None:
    assert exit_status([], [MET, MISSED], fail_on_missed_target=True) == (
        1,
        "FAILED: 1 target(s) missed (--no-fail exits 0 while exploring)",
    )


def test_no_fail_lets_a_missed_target_pass_while_exploring() -> None:
    assert build_parser().parse_args(["--no-fail"]).no_fail is True
    assert exit_status([], [MET, MISSED], fail_on_missed_target=False) == (
        0,
        "1 target(s) missed; exit status 0 (--no-fail)",
    )


def test_a_figure_that_could_not_be_measured_does_not_fail_the_run() -> None:
    assert exit_status([], [MET, NOT_MEASURED], fail_on_missed_target=True) == (
        0,
        "No measured target missed.",
    )


def test_a_failed_section_fails_the_run_even_with_no_fail() -> None:
    assert exit_status(["service"], [MET], fail_on_missed_target=False) == (
        1,
        "FAILED: 1 section(s) failed to run: service",
    )
