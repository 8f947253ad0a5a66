"""Start, wait for, measure and stop the processes under test (simulators and gateway).

Every process runs in its own session (process group), so stopping it also stops what it
spawned (uvicorn's workers and multiprocessing's resource tracker), and `Processes`
stops everything it started when the run ends, fails or is interrupted.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

__all__ = [
    "DIDIT_KEY",
    "KAYLE_KEY",
    "Processes",
    "Running",
    "Stack",
    "cpu_seconds",
    "free_port",
    "peak_rss_kib",
    "reset_peak_rss",
    "start_gateway",
    "start_simulators",
    "wait_ready",
]

DIDIT_KEY = "didit-demo-key-not-a-secret"
KAYLE_KEY = "kk_demodemodemodemodemodemodemodemo"
_SCRIPT = Path(sys.executable).with_name("idv-gateway")
CLI = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "idv_gateway"]
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


def _proc_stats() -> dict[int, list[str]]:
    """`/proc/<pid>/stat` fields after the command name: state, ppid, pgrp, …"""
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                # The command name may hold spaces and parentheses; fields follow the last ')'.
                stats[int(entry.name)] = (entry / "stat").read_text().rsplit(")", 1)[1].split()
    return stats


def _group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes of a process group; zombies may never be reaped here."""
    return [pid for pid, f in _proc_stats().items() if int(f[2]) == pgid and f[0] != "Z"]


def wait_ready(
    running: Running, url: str, headers: dict[str, str] | None = None, timeout: float = 60.0
) -> None:
    """Poll `url` until it answers 200; fail early, with the log, if the process died."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2.0, headers=headers) as client:
        while time.monotonic() < deadline:
            if running.process.poll() is not None:
                raise RuntimeError(f"{running.name} exited early:\n{running.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if client.get(url).status_code == 200:
                    return
            time.sleep(0.1)
    raise RuntimeError(f"{running.name} not ready after {timeout:.0f}s:\n{running.log_tail()}")


@dataclass(frozen=True)
class Stack:
    """The two simulators, and their `/_sim/stats` counters of provider-API traffic."""

    didit_url: str
    kayle_url: str

    def _urls(self) -> dict[str, str]:
        return {"didit": self.didit_url, "kayle": self.kayle_url}

    def stats(self) -> dict[str, Any]:
        with httpx.Client(timeout=5.0) as client:
            urls = self._urls().items()
            return {name: client.get(f"{url}/_sim/stats").json() for name, url in urls}

    def reset_stats(self) -> None:
        with httpx.Client(timeout=5.0) as client:
            for url in self._urls().values():
                client.post(f"{url}/_sim/stats/reset").raise_for_status()

    def drain(self, quiet_s: float = 0.25, limit_s: float = 60.0) -> None:
        """Wait until the upstreams see no new request for `quiet_s`: the gateway is idle."""
        deadline = time.monotonic() + limit_s
        last = -1
        while time.monotonic() < deadline:
            total = sum(s["total"] for s in self.stats().values())
            if total == last:
                return
            last = total
            time.sleep(quiet_s)


def start_simulators(
    procs: Processes, *, latency_ms: int, tag: str
) -> tuple[Stack, dict[str, int]]:
    """Both simulators with their default datasets (2,000 KYC + 300 KYB, 1,500 Kayle).

    Returns their URLs and their pids (for CPU accounting).
    """
    didit_port, kayle_port = free_port(), free_port()
    didit = procs.start(
        f"didit-{tag}",
        [*CLI, "simulate", "didit", "--port", str(didit_port), "--latency-ms", str(latency_ms)],
    )
    kayle = procs.start(
        f"kayle-{tag}",
        [*CLI, "simulate", "kayle", "--port", str(kayle_port), "--latency-ms", str(latency_ms)],
    )
    stack = Stack(f"http://127.0.0.1:{didit_port}", f"http://127.0.0.1:{kayle_port}")
    wait_ready(didit, f"{stack.didit_url}/v3/sessions/?limit=1", {"x-api-key": DIDIT_KEY})
    wait_ready(
        kayle, f"{stack.kayle_url}/v1/sessions?limit=1", {"authorization": f"Bearer {KAYLE_KEY}"}
    )
    return stack, {"didit": didit.process.pid, "kayle": kayle.process.pid}


def start_gateway(
    procs: Processes, stack: Stack, *, workers: int, cache: bool, tag: str
) -> tuple[Running, str]:
    """`idv-gateway serve` in front of `stack`; returns the process and its base URL."""
    port = free_port()
    env = {
        "IDV_GATEWAY_DIDIT_BASE_URL": stack.didit_url,
        "IDV_GATEWAY_DIDIT_API_KEY": DIDIT_KEY,
        "IDV_GATEWAY_KAYLE_BASE_URL": stack.kayle_url,
        "IDV_GATEWAY_KAYLE_API_KEY": KAYLE_KEY,
        "IDV_GATEWAY_CURSOR_SECRET": "benchmark-cursor-secret",
        "IDV_GATEWAY_CACHE_ENABLED": "true" if cache else "false",
    }
    args = [*CLI, "serve", "--port", str(port), "--workers", str(workers)]
    running = procs.start(f"gateway-cache-{tag}", args, env)
    url = f"http://127.0.0.1:{port}"
    wait_ready(running, f"{url}/readyz")
    if workers > 1:
        # /readyz answers once the first worker is up; wait for the others to start too.
        deadline = time.monotonic() + 30
        while len(_descendants(running.process.pid)) < workers and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)
    return running, url


def _descendants(pid: int, *, workers_only: bool = True) -> list[int]:
    """Pids under `pid`; by default only workers (uvicorn spawns them via multiprocessing)."""
    parents = {child: int(f[1]) for child, f in _proc_stats().items() if f[0] != "Z"}
    found: list[int] = []
    frontier = [pid]
    while frontier:
        current = frontier.pop()
        children = [child for child, parent in parents.items() if parent == current]
        found.extend(children)
        frontier.extend(children)
    return [p for p in found if _is_worker(p)] if workers_only else found


def cpu_seconds(pid: int) -> float:
    """User + system CPU time so far of `pid` and everything under it."""
    stats = _proc_stats()
    ticks = 0
    for member in [pid, *_descendants(pid, workers_only=False)]:
        fields = stats.get(member)
        if fields is not None:
            ticks += int(fields[11]) + int(fields[12])  # utime, stime (stat fields 14, 15)
    return ticks / os.sysconf("SC_CLK_TCK")


def _is_worker(pid: int) -> bool:
    """uvicorn workers run `multiprocessing.spawn`; the resource tracker is not one."""
    with contextlib.suppress(OSError):
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    return False


def _vm_hwm_kib(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def reset_peak_rss(master_pid: int) -> None:
    """Restart VmHWM of the master and workers at their current RSS (`clear_refs` 5)."""
    for pid in [master_pid, *_descendants(master_pid)]:
        with contextlib.suppress(OSError):
            Path(f"/proc/{pid}/clear_refs").write_text("5")


def peak_rss_kib(master_pid: int) -> dict[str, int]:
    """Peak RSS (VmHWM) of the uvicorn master and of its workers, in KiB."""
    workers = [_vm_hwm_kib(pid) for pid in _descendants(master_pid)]
    master = _vm_hwm_kib(master_pid)
    return {
        "master_kib": master,
        "workers": len(workers),
        "max_worker_kib": max(workers, default=0),
        "total_kib": master + sum(workers),
    }
