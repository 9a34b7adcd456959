"""The processes a benchmark runs: gunicorn servers and ``course`` commands."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

VENV_BIN = Path(sys.executable).parent
REPOSITORY = Path(__file__).resolve().parent.parent
WORKERS = 2


def course_environment(**settings: str) -> dict[str, str]:
    """Return this process's environment without the developer's COURSE_* settings, plus ours.

    The settings that change speed or break a plain-HTTP client are pinned, so
    an ``instance/config.py`` cannot skew the figures.
    """
    environment = {k: v for k, v in os.environ.items() if not k.startswith("COURSE_")}
    pinned = {
        "COURSE_CONTENT_RELOAD": "0",
        "COURSE_SECURE_COOKIES": "0",
        "COURSE_HSTS": "0",
        "COURSE_REGISTRATION": "open",
        "COURSE_LOGIN_LIMIT": "100000 per minute",
    }
    return {**environment, **pinned, **{f"COURSE_{k}": v for k, v in settings.items()}}


def run_course(environment: dict[str, str], *arguments: str) -> str:
    """Run the ``course`` command and return what it printed; raise when it fails."""
    completed = subprocess.run(
        [str(VENV_BIN / "course"), *arguments],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"course {' '.join(arguments)} failed ({completed.returncode}): "
            f"{completed.stderr.strip() or completed.stdout.strip()}"
        )
    return completed.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """A gunicorn server (sync workers) for one app, as production runs it.

    Used as a context manager; on leaving, it reads each worker's peak resident
    memory before stopping it.
    """

    def __init__(
        self, app_spec: str, environment: dict[str, str], label: str, code: Path = REPOSITORY
    ):
        self.app_spec = app_spec
        self.code = code  # the checkout whose app it serves (gunicorn imports from its folder)
        self.label = label
        self.environment = environment
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.peak_worker_kib: int | None = None

    def __enter__(self) -> Gunicorn:
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                f"--workers={WORKERS}",
                "--worker-class=sync",
                f"--bind=127.0.0.1:{self.port}",
                "--log-level=warning",
                self.app_spec,
            ],
            cwd=self.code,
            env=self.environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            self._wait_until_ready()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.app_spec} exited: {self._stderr()}")
            # Every worker must be up, or the first seconds of load would time a boot.
            if len(self.worker_pids()) == WORKERS:
                try:
                    with urllib.request.urlopen(self.url + "/healthz", timeout=5) as response:
                        if response.status == 200:
                            return
                except OSError:
                    pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn {self.app_spec} did not answer within 60 s")

    def __exit__(self, *_exc) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.peak_worker_kib = max(
                (peak_resident_kib(pid) for pid in self.worker_pids()), default=None
            )
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stderr.close()

    def _stderr(self) -> str:
        return self.process.stderr.read().decode(errors="replace").strip()

    def worker_pids(self) -> list[int]:
        """Return the process ids of the master's workers."""
        return children_of(self.process.pid)


def children_of(parent: int) -> list[int]:
    """Return the ids of ``parent``'s child processes, read from /proc."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # the process ended while we looked
        # The name in parentheses may hold spaces; the parent id follows the state field.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == parent:
            children.append(int(entry.name))
    return children


def peak_resident_kib(pid: int) -> int:
    """Return a process's peak resident memory (VmHWM) in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmHWM for process {pid}")
