"""Load generation with wrk (the anchor of gateway-anchors §2.1): install, run, parse.

wrk is driven through `wrk_report.lua`, which sets the POST body, counts bad responses
(non-200 or GraphQL `errors`) and prints one `BENCH_JSON {...}` line with p50/p95/p99,
so parsing never depends on wrk's human-oriented text layout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["WrkOptions", "WrkResult", "ensure_wrk", "parse_wrk_output", "run_wrk"]

LUA = Path(__file__).with_name("wrk_report.lua")
_MARKER = "BENCH_JSON "


def ensure_wrk() -> str:
    """Path of `wrk`, installing Debian's package first when it is missing (needs root)."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise RuntimeError("wrk is not installed; run `apt-get install -y wrk` as root")
    print("wrk not found: installing it with apt-get", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("apt-get installed wrk but it is not on PATH")
    return found


@dataclass(frozen=True)
class WrkOptions:
    threads: int
    connections: int
    duration_s: float
    timeout_s: float = 10.0


@dataclass(frozen=True)
class WrkResult:
    requests: int  # completed
    sent: int  # completed + in flight when wrk stopped
    duration_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    socket_errors: dict[str, int]
    bad_responses: int

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "sent": self.sent,
            "duration_s": round(self.duration_s, 3),
            "rps": round(self.rps, 1),
            "p50_ms": self.p50_ms,
            "p95_ms": self.p95_ms,
            "p99_ms": self.p99_ms,
            "max_ms": self.max_ms,
            "mean_ms": self.mean_ms,
            "socket_errors": self.socket_errors,
            "bad_responses": self.bad_responses,
        }


def parse_wrk_output(stdout: str) -> WrkResult:
    """Read the `BENCH_JSON` line that `wrk_report.lua` prints from its `done` hook."""
    for line in stdout.splitlines():
        if line.startswith(_MARKER):
            raw = json.loads(line[len(_MARKER) :])
            break
    else:
        raise ValueError(f"no {_MARKER.strip()} line in wrk output:\n{stdout[-2000:]}")

    def ms(key: str) -> float:
        return round(float(raw[key]) / 1000.0, 2)

    return WrkResult(
        requests=int(raw["requests"]),
        sent=int(raw["sent"]),
        duration_s=float(raw["duration_us"]) / 1e6,
        p50_ms=ms("p50_us"),
        p95_ms=ms("p95_us"),
        p99_ms=ms("p99_us"),
        max_ms=ms("max_us"),
        mean_ms=ms("mean_us"),
        socket_errors={str(k): int(v) for k, v in raw["errors"].items()},
        bad_responses=int(raw["bad_responses"]),
    )


def run_wrk(
    wrk: str,
    url: str,
    options: WrkOptions,
    *,
    body: str | None = None,
    headers: dict[str, str] | None = None,
) -> WrkResult:
    """One wrk run of `options.duration_s` against `url` (POST `body` when given)."""
    args = [
        wrk,
        f"-t{options.threads}",
        f"-c{options.connections}",
        f"-d{options.duration_s:g}s",
        f"--timeout={options.timeout_s:g}s",
        "-s",
        str(LUA),
    ]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    env = {**os.environ, "BENCH_BODY": body or ""}
    done = subprocess.run(
        [*args, url],
        capture_output=True,
        text=True,
        env=env,
        timeout=options.duration_s + options.timeout_s + 30,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse_wrk_output(done.stdout)
