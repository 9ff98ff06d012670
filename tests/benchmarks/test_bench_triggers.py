"""The triggers section: a login's cost with an in-process trigger, against a live emulator, and
how its figures become rows judged against issue 14's 10%."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit

import pytest

from benchmarks import trigger_cost
from benchmarks.loadgen import PreflightError
from benchmarks.report import verdict_lines
from benchmarks.servers import CHECKOUT, ServerProcess, checkout_on_python_path
from benchmarks.stats import Throughput
from cognito_emulator.pytest_plugin import CognitoLambdas
from cognito_emulator.server import EmulatorServer
from cognito_emulator.triggers.functions import LambdaContext, load_handler


@pytest.fixture
def bench_functions(cognito_lambdas: CognitoLambdas) -> None:
    """The section's --lambda functions, registered in the test session's emulator."""
    for name, reference in trigger_cost.LAMBDAS.items():
        cognito_lambdas.register(name, reference)


def in_process_server(emulator: EmulatorServer, tmp_path: Path) -> ServerProcess:
    """The test session's emulator as the section sees a server (its process is this one)."""
    address = urlsplit(emulator.endpoint_url)
    assert address.hostname is not None and address.port is not None
    this_process = cast("subprocess.Popen[bytes]", None)
    return ServerProcess("emulator", address.port, this_process, tmp_path / "unused.log")


@pytest.mark.usefixtures("bench_functions")
def test_the_section_measures_both_pools_on_a_live_emulator(
    cognito_emulator: EmulatorServer, tmp_path: Path
) -> None:
    workloads = trigger_cost.prepare_pools(in_process_server(cognito_emulator, tmp_path))

    cost = trigger_cost.measure(
        workloads, time.process_time, rounds=1, seconds=0.2, warmup_seconds=0.05
    )

    assert list(workloads) == [trigger_cost.WITHOUT_TRIGGER, trigger_cost.WITH_TRIGGER]
    for pool in trigger_cost.POOLS:
        for result in (cost.one_client[pool], cost.clients[pool]):
            assert result.operations > 0, pool
            assert (result.errors, result.first_error) == (0, None), pool
        assert cost.server_cpu_ms[pool] > 0
    assert len(cost.pair_ratios) == 1 and cost.cost_ratio == cost.pair_ratios[0]


@pytest.mark.usefixtures("bench_functions")
def test_a_trigger_the_emulator_does_not_run_stops_the_section_before_timing(
    cognito_emulator: EmulatorServer,
) -> None:
    """Checked with a function that lets every sign-in through where one that refuses belongs:
    what an emulator that skipped PreAuthentication would show."""
    with pytest.raises(PreflightError) as void:
        trigger_cost.check_trigger_runs(
            cognito_emulator.endpoint_url, refusing_function=trigger_cost.TRIGGER_FUNCTION
        )

    assert str(void.value) == (
        "a login on a pool whose PreAuthentication function refuses every sign-in succeeded: "
        "the emulator does not run the trigger, so the figure would measure nothing"
    )


@pytest.mark.usefixtures("bench_functions")
def test_the_refusing_function_is_what_makes_the_check_pass(
    cognito_emulator: EmulatorServer,
) -> None:
    trigger_cost.check_trigger_runs(cognito_emulator.endpoint_url)


def test_the_emulators_lambda_options_name_this_checkouts_functions() -> None:
    trivial = load_handler(trigger_cost.LAMBDAS[trigger_cost.TRIGGER_FUNCTION])
    refusing = load_handler(trigger_cost.LAMBDAS[trigger_cost.REFUSING_FUNCTION])
    event = {"triggerSource": "PreAuthentication_Authentication", "response": {}}
    context = LambdaContext(trigger_cost.TRIGGER_FUNCTION, "unused", 5.0)

    assert trivial(event, context) is event
    with pytest.raises(PermissionError):
        refusing(event, context)


def test_the_server_finds_the_checkout_first_on_its_python_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(["/opt/one", "", "/opt/two"]))

    env = checkout_on_python_path()

    assert env["PYTHONPATH"] == os.pathsep.join([str(CHECKOUT), "/opt/one", "/opt/two"])
    assert (CHECKOUT / "benchmarks" / "trigger_cost.py").exists()


# -- figures to rows ----------------------------------------------------------------------------


def throughput(per_second: int, p50_ms: float) -> Throughput:
    return Throughput(
        operations=per_second, errors=0, seconds=1.0, p50_ms=p50_ms, p95_ms=p50_ms * 2
    )


def cost(
    with_trigger_ms: float, without_ms: float, pair_ratios: list[float]
) -> trigger_cost.TriggerCost:
    return trigger_cost.TriggerCost(
        one_client={
            trigger_cost.WITHOUT_TRIGGER: throughput(500, 1.9),
            trigger_cost.WITH_TRIGGER: throughput(480, 2.0),
        },
        server_cpu_ms={
            trigger_cost.WITHOUT_TRIGGER: without_ms,
            trigger_cost.WITH_TRIGGER: with_trigger_ms,
        },
        pair_ratios=pair_ratios,
        clients={
            trigger_cost.WITHOUT_TRIGGER: throughput(600, 12.0),
            trigger_cost.WITH_TRIGGER: throughput(570, 12.5),
        },
    )


def test_a_trigger_adding_less_than_a_tenth_to_a_logins_cpu_meets_the_target() -> None:
    """Judged on the median pair: one pair hit by a burst of load elsewhere does not count."""
    judged, rate = trigger_cost.rows(cost(1.9, 1.8, [1.04, 1.35, 1.056]))

    assert judged.benchmark == (
        "InitiateAuth with an in-process PreAuthentication trigger vs without, emulator CPU "
        "per login, 1 client (median of 3 alternating pairs)"
    )
    assert judged.kit == "with PreAuthentication 1.900 ms CPU each (2.00 ms p50)"
    assert judged.reference == "without triggers 1.800 ms CPU each (1.90 ms p50)"
    assert (judged.ratio, judged.met) == (1.056, True)
    assert judged.target is not None and judged.target.describe() == "<= 1.1x"
    assert rate.benchmark == (
        "InitiateAuth with an in-process PreAuthentication trigger vs without, 8 clients, same "
        "emulator"
    )
    assert rate.kit == "with PreAuthentication 570/s (12.50 / 25.00 ms)"
    assert rate.reference == "without triggers 600/s (12.00 / 24.00 ms)"
    assert (rate.ratio, rate.target) == (0.95, None)


def test_a_trigger_adding_more_than_a_tenth_misses_the_target_and_says_by_how_much() -> None:
    judged = trigger_cost.rows(cost(2.16, 1.8, [1.2, 1.1, 1.25, 1.15]))[0]

    assert (judged.ratio, judged.met) == (1.175, False)
    assert verdict_lines([judged]) == [
        "Targets met: 0 of 1.",
        "MISSED: InitiateAuth with an in-process PreAuthentication trigger vs without, emulator "
        "CPU per login, 1 client (median of 4 alternating pairs): 1.18, 0.075x over <= 1.1x",
    ]


def test_a_cpu_figure_that_could_not_be_measured_is_never_met() -> None:
    judged = trigger_cost.rows(cost(0.0, 1.8, []))[0]

    assert judged.kit == "with PreAuthentication n/a"
    assert (judged.ratio, judged.met) == (None, None)


def test_the_note_and_json_give_the_cpu_the_trigger_adds() -> None:
    measured = cost(1.9, 1.8, [1.05, 1.07])

    assert trigger_cost.note(measured) == (
        "Triggers: an in-process PreAuthentication function that returns the event adds 100 us "
        "of emulator CPU to a login, one client, over the whole run; the target (<= 1.1x) is "
        "judged on the median of the pairs' CPU ratios (1.05, 1.07); with 8 clients the "
        "trigger's hand-over of the backend's lock shows in the throughput row"
    )
    document = trigger_cost.to_json(measured)
    assert document["server_cpu_ms_per_login_one_client"] == {
        "without triggers": 1.8,
        "with PreAuthentication": 1.9,
    }
    assert document["cost_ratio_with_vs_without_trigger"] == 1.06
    assert document["cost_ratio_per_pair_of_slices"] == [1.05, 1.07]
    assert document["throughput_ratio_with_vs_without_trigger"] == 0.95
    assert document["with_clients"]["with PreAuthentication"]["ops_per_s"] == 570.0
