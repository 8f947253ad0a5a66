"""Start, wait for and stop the processes under test (simulators and gateway).

Every process runs in its own session (process group), so stopping it also stops what it
spawned (uvicorn's workers and multiprocessing's resource tracker), and `Processes`
stops everything it started when the run ends, fails or is interrupted. What runs where
is `benchmarks.stack`; what they cost (CPU, RSS) is `benchmarks.procfs`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import httpx

from benchmarks.procfs import proc_stats

__all__ = ["Processes", "Running", "free_port", "wait_ready"]

STOP_GRACE_SECONDS = 5.0


def free_port() -> int:
    """A port nobody listens on right now (the kernel's choice, so parallel runs don't clash)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Running:
    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def log_size(self) -> int:
        with contextlib.suppress(OSError):
            return self.log.stat().st_size
        return 0

    def log_problems(self, since: int = 0) -> dict[str, int]:
        """Tracebacks, ERROR lines and non-200 access-log lines in the log after byte `since`."""
        counts = {"tracebacks": 0, "error_lines": 0, "non_200_access": 0}
        with contextlib.suppress(OSError), self.log.open("rb") as log:
            log.seek(since)
            for line in log.read().decode(errors="replace").splitlines():
                counts["tracebacks"] += line.startswith("Traceback")
                counts["error_lines"] += line.startswith("ERROR")
                access = '" ' in line and "HTTP/1.1" in line
                counts["non_200_access"] += access and '" 200' not in line
        return counts

    def log_tail(self, lines: int = 20) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return ""


class Processes:
    """Owns every process a run starts; leaving the `with` block stops them all."""

    def __init__(self, log_dir: Path) -> None:
        self._log_dir = log_dir
        self._running: list[Running] = []
        log_dir.mkdir(parents=True, exist_ok=True)

    def __enter__(self) -> Processes:
        # SIGTERM (e.g. from a CI timeout) unwinds like Ctrl-C, so cleanup still runs.
        signal.signal(signal.SIGTERM, _raise_interrupt)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for running in reversed(self._running):
            self.stop(running)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)

    def start(self, name: str, args: list[str], env: dict[str, str] | None = None) -> Running:
        log = self._log_dir / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                args,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env={**os.environ, **(env or {})},
                start_new_session=True,
            )
        running = Running(name, process, log)
        self._running.append(running)
        return running

    def stop(self, running: Running) -> None:
        """SIGTERM the process group, SIGKILL what is left of it after a grace period."""
        if running in self._running:
            self._running.remove(running)
        pgid = running.process.pid  # the leader of its own session
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, sig)
            deadline = time.monotonic() + STOP_GRACE_SECONDS
            while time.monotonic() < deadline:
                running.process.poll()  # reap the leader
                if not _group_members(pgid):
                    return
                time.sleep(0.05)


def _raise_interrupt(signum: int, frame: object) -> None:
    del signum, frame
    raise KeyboardInterrupt


def _group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes of a process group; zombies may never be reaped here."""
    return [pid for pid, f in proc_stats().items() if int(f[2]) == pgid and f[0] != "Z"]


def wait_ready(
    running: Running, url: str, headers: dict[str, str] | None = None, timeout: float = 60.0
) -> None:
    """Poll `url` until it answers 200; fail early, with the log, if the process died."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=10.0, headers=headers) as client:  # slow simulators too
        while time.monotonic() < deadline:
            if running.process.poll() is not None:
                raise RuntimeError(f"{running.name} exited early:\n{running.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if client.get(url).status_code == 200:
                    return
            time.sleep(0.1)
    raise RuntimeError(f"{running.name} not ready after {timeout:.0f}s:\n{running.log_tail()}")
