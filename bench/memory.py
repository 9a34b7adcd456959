"""Benchmark 6: the peak resident memory of a course worker, after the load of the runs above."""

from __future__ import annotations

from bench.processes import Gunicorn
from bench.report import Figure

BENCHMARK = "6. Worker memory"


def figure(servers: list[Gunicorn]) -> Figure:
    """Return the largest VmHWM any course worker reached, read as each server stopped."""
    measured = [server for server in servers if server.peak_worker_kib]
    if not measured:
        return Figure(
            BENCHMARK, "peak RSS of a worker (VmHWM)", None, "MiB", error="no worker was measured"
        )
    return Figure(
        BENCHMARK,
        "peak RSS of a worker (VmHWM)",
        max(server.peak_worker_kib for server in measured) / 1024,
        "MiB",
        digits=1,
        note="the largest worker of each server as it stopped: "
        + ", ".join(
            f"{server.label} {server.peak_worker_kib / 1024:.1f} MiB" for server in measured
        ),
    )
