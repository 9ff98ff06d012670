"""GET load for the service: wrk where installed, the benchmark's own generator otherwise.

wrk (C, one thread) can saturate a uvicorn worker; the Python generator cannot always, which
pulls the /users/me : /healthz ratio towards 1. The result says which generator ran.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks.loadgen import Request, run_load
from benchmarks.stats import Throughput, summarize

# wrk calls done() once at the end; latencies are in microseconds.
WRK_REPORT_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors
  local failed = errors.connect + errors.read + errors.write + errors.timeout + errors.status
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "failed": %d, "status_errors": %d, '
    .. '"p50_us": %d, "p95_us": %d}\\n',
    summary.requests, summary.duration, failed, errors.status,
    latency:percentile(50), latency:percentile(95)))
end
"""


def load_generator_name() -> str:
    return "wrk" if shutil.which("wrk") else "python"


def parse_wrk_report(output: str) -> Throughput:
    """The JSON line our done() hook printed, as a Throughput (non-2xx answers are errors)."""
    for line in reversed(output.splitlines()):
        if line.startswith("{"):
            report = json.loads(line)
            break
    else:
        raise RuntimeError(f"wrk printed no report:\n{output[-2000:]}")
    return Throughput(
        operations=report["requests"] - report["status_errors"],
        errors=report["failed"],
        seconds=report["duration_us"] / 1e6,
        p50_ms=report["p50_us"] / 1000,
        p95_ms=report["p95_us"] / 1000,
        first_error="non-2xx answers or socket errors (wrk)" if report["failed"] else None,
    )


def run_wrk(
    url: str, headers: Mapping[str, str], *, seconds: float, concurrency: int
) -> Throughput:
    wrk = shutil.which("wrk")
    assert wrk is not None
    with tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch) / "report.lua"
        script.write_text(WRK_REPORT_SCRIPT)
        command = [
            wrk, "-t1", f"-c{concurrency}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
            "-s", str(script),
        ]  # fmt: skip
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        finished = subprocess.run(
            [*command, url], capture_output=True, text=True, timeout=seconds + 60
        )
    if finished.returncode != 0:
        output = (finished.stdout + finished.stderr)[-1000:]
        raise RuntimeError(f"wrk on {url} exited with {finished.returncode}: {output}")
    return parse_wrk_report(finished.stdout)


def run_get_load(
    url: str, headers: Mapping[str, str], *, seconds: float, concurrency: int
) -> Throughput:
    if shutil.which("wrk"):
        return run_wrk(url, headers, seconds=seconds, concurrency=concurrency)
    parts = urlsplit(url)
    assert parts.hostname is not None and parts.port is not None
    request = Request("GET", parts.path or "/", None, headers)
    return summarize(
        run_load(
            parts.hostname,
            parts.port,
            lambda _index, _sequence: request,
            concurrency=concurrency,
            seconds=seconds,
        )
    )
