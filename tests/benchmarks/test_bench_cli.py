from benchmarks.cli import Plan, build_parser


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
