"""Section: what an in-process Lambda trigger adds to a login (issue 14: no more than 10%).

One emulator process, started as a user starts it, with `--lambda` naming a trivial handler in
this module (a PreAuthentication function that returns the event), and two pools made from the
same definition through boto3: one whose PreAuthentication trigger calls that function, one
without triggers. InitiateAuth (USER_PASSWORD_AUTH with SECRET_HASH) on each:

- a login's cost, judged against the target: the emulator's CPU time per login with one client,
  in short slices alternating between the pools; the figure is the median, over pairs of
  adjacent slices, of the one pool's cost over the other's, so that a burst of load from
  elsewhere on the machine moves one pair rather than the figure. One client, because a login's
  cost is the work of serving it: under concurrent load the trigger also lets the backend's lock
  go (its function may call the emulator back), and the hand-overs that follow are the
  throughput row's to show;
- throughput with CLIENTS clients, rounds alternating the pools, for scale.

Before anything is timed, a third pool whose PreAuthentication function refuses every sign-in
must refuse one (UserLambdaValidationException): otherwise the emulator does not run the trigger
and the figure would pass by measuring nothing.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from botocore.exceptions import ClientError

from benchmarks.cognito_servers import PASSWORD, Workload, prepare, throughput_ratio
from benchmarks.loadgen import PreflightError, run_load
from benchmarks.report import Row, Target, format_throughput
from benchmarks.servers import REGION, ServerProcess, bootstrap_with_boto3, cognito_idp_client
from benchmarks.stats import Run, Throughput, summarize
from cognito_emulator.moto_adapter import EMULATOR_ACCOUNT_ID
from cognito_emulator.secret_hash import compute_secret_hash

TRIGGER_FUNCTION = "bench-pre-authentication"
REFUSING_FUNCTION = "bench-pre-authentication-refuses"
# One pool each: bootstrapping deploys the kit's template, which finds a pool by its name.
REFUSING_POOL = "bench-refusing"
TRIGGERED_POOL = "bench-triggered"
PLAIN_POOL = "bench-plain"
# The emulator's --lambda options: NAME -> module:function.
LAMBDAS = {
    TRIGGER_FUNCTION: f"{__name__}:pre_authentication",
    REFUSING_FUNCTION: f"{__name__}:refuse_pre_authentication",
}
WITH_TRIGGER = "with PreAuthentication"
WITHOUT_TRIGGER = "without triggers"
POOLS = (WITHOUT_TRIGGER, WITH_TRIGGER)
CLIENTS = 8
# Long enough for the server's CPU clock (10 ms ticks) to count one client's logins within a few
# percent; each round's `seconds` per pool is cut into slices of about this length.
SLICE_SECONDS = 0.75
# Issue 14: "an in-process trigger adds no more than 10% to a login's cost".
TRIGGER_COST_TARGET = Target(maximum=1.10)
REFUSED_USER = "bench-refused"


def pre_authentication(event: dict[str, Any], context: object) -> dict[str, Any]:
    """The trivial trigger: lets every sign-in through."""
    return event


def refuse_pre_authentication(event: dict[str, Any], context: object) -> dict[str, Any]:
    raise PermissionError("refused by the benchmark")


def function_arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{EMULATOR_ACCOUNT_ID}:function:{name}"


def check_trigger_runs(endpoint_url: str, refusing_function: str = REFUSING_FUNCTION) -> None:
    """A login on a pool whose PreAuthentication function refuses must be refused."""
    pool = bootstrap_with_boto3(
        endpoint_url,
        {"PreAuthentication": function_arn(refusing_function)},
        pool_name=REFUSING_POOL,
    )
    boto = cognito_idp_client(endpoint_url)
    boto.admin_create_user(
        UserPoolId=pool.user_pool_id, Username=REFUSED_USER, MessageAction="SUPPRESS"
    )
    boto.admin_set_user_password(
        UserPoolId=pool.user_pool_id, Username=REFUSED_USER, Password=PASSWORD, Permanent=True
    )
    try:
        boto.initiate_auth(
            ClientId=pool.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={
                "USERNAME": REFUSED_USER,
                "PASSWORD": PASSWORD,
                "SECRET_HASH": compute_secret_hash(
                    pool.client_id, pool.client_secret, REFUSED_USER
                ),
            },
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "UserLambdaValidationException":
            return
        raise
    raise PreflightError(
        "a login on a pool whose PreAuthentication function refuses every sign-in succeeded: "
        "the emulator does not run the trigger, so the figure would measure nothing"
    )


def prepare_pools(server: ServerProcess) -> dict[str, Workload]:
    """The two pools' workloads on the one emulator, after checking that the trigger runs."""
    check_trigger_runs(server.endpoint_url)
    triggered = bootstrap_with_boto3(
        server.endpoint_url,
        {"PreAuthentication": function_arn(TRIGGER_FUNCTION)},
        pool_name=TRIGGERED_POOL,
    )
    plain = bootstrap_with_boto3(server.endpoint_url, pool_name=PLAIN_POOL)
    return {
        WITHOUT_TRIGGER: prepare(replace(server, name=WITHOUT_TRIGGER, pool=plain), CLIENTS),
        WITH_TRIGGER: prepare(replace(server, name=WITH_TRIGGER, pool=triggered), CLIENTS),
    }


def run_logins(workload: Workload, *, concurrency: int, seconds: float) -> Run:
    return run_load(
        workload.host,
        workload.port,
        workload.factory("InitiateAuth"),
        concurrency=concurrency,
        seconds=seconds,
    )


@dataclass(frozen=True)
class TriggerCost:
    """Per pool: one client's logins and the emulator's CPU time per login, the ratio of the
    two pools' costs in each pair of slices; and CLIENTS clients' logins."""

    one_client: dict[str, Throughput]
    server_cpu_ms: dict[str, float]
    pair_ratios: list[float]
    clients: dict[str, Throughput]

    @property
    def cost_ratio(self) -> float | None:
        """A login's CPU cost with the trigger, relative to one without: the median pair."""
        if not self.pair_ratios:
            return None
        return round(statistics.median(self.pair_ratios), 3)


def measure(
    workloads: dict[str, Workload],
    server_cpu_seconds: Callable[[], float],
    *,
    rounds: int,
    seconds: float,
    warmup_seconds: float,
) -> TriggerCost:
    """`seconds` per pool and round for each measurement; which pool goes first alternates
    from one pair of slices (one client) or one round (CLIENTS clients) to the next."""
    for pool in POOLS:
        run_logins(workloads[pool], concurrency=CLIENTS, seconds=warmup_seconds)
    one_client = {pool: Run() for pool in POOLS}
    cpu_seconds = dict.fromkeys(POOLS, 0.0)
    pair_ratios = []
    slices = max(1, round(seconds / SLICE_SECONDS))
    for pair in range(rounds * slices):
        cpu_ms_per_login = {}
        for pool in _alternating(pair):
            before = server_cpu_seconds()
            run = run_logins(workloads[pool], concurrency=1, seconds=seconds / slices)
            spent = server_cpu_seconds() - before
            one_client[pool].absorb(run)
            cpu_seconds[pool] += spent
            cpu_ms_per_login[pool] = spent * 1000 / max(1, len(run.latencies))
        if cpu_ms_per_login[WITH_TRIGGER] and cpu_ms_per_login[WITHOUT_TRIGGER]:
            pair_ratios.append(cpu_ms_per_login[WITH_TRIGGER] / cpu_ms_per_login[WITHOUT_TRIGGER])
    clients = {pool: Run() for pool in POOLS}
    for round_number in range(rounds):
        for pool in _alternating(round_number):
            clients[pool].absorb(run_logins(workloads[pool], concurrency=CLIENTS, seconds=seconds))
    measured = {pool: summarize(run) for pool, run in one_client.items()}
    return TriggerCost(
        one_client=measured,
        server_cpu_ms={
            pool: round(cpu_seconds[pool] * 1000 / max(1, result.operations), 3)
            for pool, result in measured.items()
        },
        pair_ratios=[round(value, 3) for value in pair_ratios],
        clients={pool: summarize(run) for pool, run in clients.items()},
    )


def _alternating(turn: int) -> tuple[str, ...]:
    return POOLS if turn % 2 == 0 else tuple(reversed(POOLS))


def rows(cost: TriggerCost) -> list[Row]:
    clients = cost.clients
    name = "InitiateAuth with an in-process PreAuthentication trigger vs without"
    return [
        Row(
            benchmark=f"{name}, emulator CPU per login, 1 client (median of "
            f"{len(cost.pair_ratios)} alternating pairs)",
            kit=f"{WITH_TRIGGER} {_cpu_each(cost, WITH_TRIGGER)}",
            reference=f"{WITHOUT_TRIGGER} {_cpu_each(cost, WITHOUT_TRIGGER)}",
            ratio=cost.cost_ratio,
            target=TRIGGER_COST_TARGET,
        ),
        Row(
            benchmark=f"{name}, {CLIENTS} clients, same emulator",
            kit=f"{WITH_TRIGGER} {format_throughput(clients[WITH_TRIGGER])}",
            reference=f"{WITHOUT_TRIGGER} {format_throughput(clients[WITHOUT_TRIGGER])}",
            ratio=throughput_ratio(clients[WITH_TRIGGER], clients[WITHOUT_TRIGGER]),
        ),
    ]


def _cpu_each(cost: TriggerCost, pool: str) -> str:
    cpu_ms = cost.server_cpu_ms[pool]
    if not cpu_ms:
        return "n/a"
    return f"{cpu_ms:.3f} ms CPU each ({cost.one_client[pool].p50_ms:.2f} ms p50)"


def note(cost: TriggerCost) -> str:
    added = cost.server_cpu_ms[WITH_TRIGGER] - cost.server_cpu_ms[WITHOUT_TRIGGER]
    pairs = ", ".join(f"{value:.2f}" for value in cost.pair_ratios)
    return (
        f"Triggers: an in-process PreAuthentication function that returns the event adds "
        f"{added * 1000:.0f} us of emulator CPU to a login, one client, over the whole run; the "
        f"target (<= {TRIGGER_COST_TARGET.maximum:g}x) is judged on the median of the pairs' "
        f"CPU ratios ({pairs}); with {CLIENTS} clients the trigger's hand-over of the backend's "
        "lock shows in the throughput row"
    )


def to_json(cost: TriggerCost) -> dict[str, Any]:
    return {
        "one_client": {pool: result.to_json() for pool, result in cost.one_client.items()},
        "server_cpu_ms_per_login_one_client": cost.server_cpu_ms,
        "cost_ratio_with_vs_without_trigger": cost.cost_ratio,
        "cost_ratio_per_pair_of_slices": cost.pair_ratios,
        "clients": CLIENTS,
        "with_clients": {pool: result.to_json() for pool, result in cost.clients.items()},
        "throughput_ratio_with_vs_without_trigger": throughput_ratio(
            cost.clients[WITH_TRIGGER], cost.clients[WITHOUT_TRIGGER]
        ),
    }
