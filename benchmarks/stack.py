"""The stack under test: both simulators and a gateway in front of them, as processes."""

from __future__ import annotations

import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from benchmarks.processes import Processes, Running, free_port, wait_ready
from benchmarks.procfs import descendants

__all__ = ["CLI", "DIDIT_KEY", "KAYLE_KEY", "Stack", "pinned", "start_gateway", "start_simulators"]

DIDIT_KEY = "didit-demo-key-not-a-secret"
KAYLE_KEY = "kk_demodemodemodemodemodemodemodemo"
_SCRIPT = Path(sys.executable).with_name("idv-gateway")
CLI = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "idv_gateway"]


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


def pinned(cpus: str | None) -> list[str]:
    """`taskset -c CPUS` as a command prefix, or nothing without taskset or CPUS."""
    taskset = shutil.which("taskset")
    return [taskset, "-c", cpus] if cpus and taskset else []


def start_simulators(
    procs: Processes, *, latency_ms: int, tag: str, cpus: str | None = None
) -> tuple[Stack, dict[str, int]]:
    """Both simulators with their default datasets (2,000 KYC + 300 KYB, 1,500 Kayle).

    Returns their URLs and their pids (for CPU accounting).
    """
    didit_port, kayle_port = free_port(), free_port()
    didit = procs.start(
        f"didit-{tag}",
        [
            *pinned(cpus),
            *CLI,
            "simulate",
            "didit",
            "--port",
            str(didit_port),
            "--latency-ms",
            str(latency_ms),
        ],
    )
    kayle = procs.start(
        f"kayle-{tag}",
        [
            *pinned(cpus),
            *CLI,
            "simulate",
            "kayle",
            "--port",
            str(kayle_port),
            "--latency-ms",
            str(latency_ms),
        ],
    )
    stack = Stack(f"http://127.0.0.1:{didit_port}", f"http://127.0.0.1:{kayle_port}")
    wait_ready(didit, f"{stack.didit_url}/v3/sessions/?limit=1", {"x-api-key": DIDIT_KEY})
    wait_ready(
        kayle, f"{stack.kayle_url}/v1/sessions?limit=1", {"authorization": f"Bearer {KAYLE_KEY}"}
    )
    return stack, {"didit": didit.process.pid, "kayle": kayle.process.pid}


def start_gateway(
    procs: Processes,
    stack: Stack,
    *,
    workers: int,
    cache: bool,
    tag: str,
    env: dict[str, str] | None = None,
    cpus: str | None = None,
    port: int | None = None,
) -> tuple[Running, str]:
    """`idv-gateway serve` in front of `stack`; returns the process and its base URL.

    `env` adds settings; `cpus` pins the gateway with `taskset -c` (when it exists);
    `port` is one already chosen (a simulator's webhooks point at it)."""
    port = port or free_port()
    env = {
        "IDV_GATEWAY_DIDIT_BASE_URL": stack.didit_url,
        "IDV_GATEWAY_DIDIT_API_KEY": DIDIT_KEY,
        "IDV_GATEWAY_KAYLE_BASE_URL": stack.kayle_url,
        "IDV_GATEWAY_KAYLE_API_KEY": KAYLE_KEY,
        "IDV_GATEWAY_CURSOR_SECRET": "benchmark-cursor-secret-benchmark-cursor",
        "IDV_GATEWAY_CACHE_ENABLED": "true" if cache else "false",
        # The load comes from one client on a trusted loopback: no caller checks, no
        # per-client limits (a run would measure the 429s), unless `env` asks for them.
        "IDV_GATEWAY_AUTH_DISABLED": "true",
        "IDV_GATEWAY_RATE_LIMIT_PER_MINUTE": "0",
        "IDV_GATEWAY_UPSTREAM_CALLS_PER_MINUTE": "0",
        **(env or {}),
    }
    args = [*pinned(cpus), *CLI, "serve", "--port", str(port), "--workers", str(workers)]
    running = procs.start(f"gateway-cache-{tag}", args, env)
    url = f"http://127.0.0.1:{port}"
    wait_ready(running, f"{url}/healthz")  # up: /readyz would probe the providers too
    if workers > 1:
        # /healthz answers once the first worker is up; wait for the others to start too.
        deadline = time.monotonic() + 30
        while len(descendants(running.process.pid)) < workers and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)
    return running, url
