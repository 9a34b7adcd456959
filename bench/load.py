"""Load generators: wrk when it is installed, else Python processes of threads.

Both keep ``connections`` clients busy for ``duration_s`` against one address
and count any answer other than 200 as an error, so a lost sign-in (a 302 to
the sign-in page) cannot pass for a fast lesson page.
"""

from __future__ import annotations

import http.client
import math
import multiprocessing
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

WRK_SCRIPT = """
-- Count answers other than 200 and print the figures the benchmark reads.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  wrong_status = 0
end

function response(status, headers, body)
  if status ~= 200 then
    wrong_status = wrong_status + 1
  end
end

function done(summary, latency, requests)
  local wrong = 0
  for _, thread in ipairs(threads) do
    wrong = wrong + thread:get("wrong_status")
  end
  local e = summary.errors
  io.write(string.format("bench requests %d\\n", summary.requests))
  io.write(string.format("bench duration_us %d\\n", summary.duration))
  io.write(string.format("bench errors %d\\n", wrong + e.connect + e.read + e.write + e.timeout))
  io.write(string.format("bench p50_us %d\\n", latency:percentile(50)))
  io.write(string.format("bench p99_us %d\\n", latency:percentile(99)))
end
"""


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class LoadGenerator:
    """Keeps ``connections`` clients sending one GET with the given headers."""

    connections: int = 16
    wrk: str | None = None

    @classmethod
    def best_available(cls, connections: int = 16) -> LoadGenerator:
        """Use wrk when it is on the PATH (and BENCH_GENERATOR is not ``python``)."""
        wanted = os.environ.get("BENCH_GENERATOR", "wrk")
        return cls(connections, shutil.which("wrk") if wanted == "wrk" else None)

    @property
    def name(self) -> str:
        if self.wrk:
            return f"wrk -t2 -c{self.connections}"
        return f"Python, {worker_processes()} processes x threads, {self.connections} connections"

    def run(self, url: str, headers: dict[str, str], duration_s: float) -> LoadResult:
        if self.wrk:
            return self._run_wrk(url, headers, duration_s)
        return run_python_load(url, headers, duration_s, self.connections)

    def _run_wrk(self, url: str, headers: dict[str, str], duration_s: float) -> LoadResult:
        with tempfile.TemporaryDirectory() as folder:
            script = Path(folder) / "count.lua"
            script.write_text(WRK_SCRIPT)
            header_arguments = [part for k, v in headers.items() for part in ("-H", f"{k}: {v}")]
            completed = subprocess.run(
                [
                    self.wrk,
                    "-t2",
                    f"-c{self.connections}",
                    f"-d{duration_s:g}s",
                    "--timeout=30s",
                    f"--script={script}",
                    *header_arguments,
                    url,
                ],
                capture_output=True,
                text=True,
                check=True,
            )
        figures = dict(re.findall(r"^bench (\w+) (\d+)$", completed.stdout, re.MULTILINE))
        return LoadResult(
            requests=int(figures["requests"]),
            seconds=int(figures["duration_us"]) / 1e6,
            errors=int(figures["errors"]),
            p50_ms=int(figures["p50_us"]) / 1000,
            p99_ms=int(figures["p99_us"]) / 1000,
        )


def worker_processes() -> int:
    # One per core, so the generator is not held back by one interpreter's lock.
    return max(1, min(os.cpu_count() or 1, 4))


def run_python_load(
    url: str, headers: dict[str, str], duration_s: float, connections: int
) -> LoadResult:
    """Spread ``connections`` keep-alive clients over a few processes and merge their figures."""
    processes = worker_processes()
    shares = [connections // processes + (i < connections % processes) for i in range(processes)]
    # Every process starts at the same moment, once they have all been spawned.
    start_at = time.time() + 2.0
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(processes, mp_context=context) as pool:
        parts = list(
            pool.map(
                _load_in_one_process,
                [url] * processes,
                [headers] * processes,
                [start_at] * processes,
                [duration_s] * processes,
                shares,
            )
        )
    latencies = sorted(latency for part in parts for latency in part["latencies"])
    requests = len(latencies)
    per_second = sum(len(part["latencies"]) / part["seconds"] for part in parts)
    return LoadResult(
        requests=requests,
        seconds=requests / per_second if per_second else duration_s,
        errors=sum(part["errors"] for part in parts),
        p50_ms=percentile(latencies, 50) * 1000,
        p99_ms=percentile(latencies, 99) * 1000,
    )


def percentile(ordered: list[float], percent: float) -> float:
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


def _load_in_one_process(
    url: str, headers: dict[str, str], start_at: float, duration_s: float, clients: int
) -> dict:
    parts = urllib.parse.urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    time.sleep(max(0.0, start_at - time.time()))
    began = time.perf_counter()
    deadline = began + max(0.1, start_at + duration_s - time.time())
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        mine, failed = [], 0
        while time.perf_counter() < deadline:
            sent = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()  # the next request opens a fresh connection
                continue
            mine.append(time.perf_counter() - sent)
            failed += response.status != 200
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "latencies": latencies,
        "errors": errors[0],
        "seconds": time.perf_counter() - began,
    }
