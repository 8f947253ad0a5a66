"""A flood against slow providers, with and without admission control, side by side.

    python -m benchmarks.overload [--clients 200] [--duration 30] [--latency-ms 3000]

Both simulators answer every call after `--latency-ms` (slow providers) and run as their
own processes on CPU 1; a gateway (`idv-gateway serve`, one worker, cache off) runs on
CPU 0. `--clients` closed-loop clients each send unified pages back to back for
`--duration` seconds, while a probe (a process of its own) asks `/healthz` every 100 ms.
The same flood runs twice, against a gateway with admission control off (limits too high
to matter, the behaviour before it existed) and one with the default settings. Measured
per run: goodput (complete answers per second: HTTP 200 with every session and no
error), the share of all requests completed inside the 10 s deadline, latency
percentiles of complete answers, how many were refused with 503 `OVERLOADED` or failed
otherwise, `/healthz` p99, and the gateway's peak RSS. Latencies are measured by the
load generator, which shares CPU 1 with the simulators: under the flood they include its
own queueing (the 503 itself is sent before the body is read). Markdown to stdout, JSON
to `--out`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from benchmarks.processes import Processes
from benchmarks.procfs import peak_rss_kib, reset_peak_rss
from benchmarks.stack import start_gateway, start_simulators

DEADLINE_S = 10.0
QUERY = "{ sessions(first: 20) { edges { node { id source } } } }"
OFF = {
    "IDV_GATEWAY_MAX_INFLIGHT_OPERATIONS": "100000",
    "IDV_GATEWAY_MAX_QUEUED_OPERATIONS": "0",
}


@dataclass
class Flood:
    complete: list[float] = field(default_factory=list)  # latencies of complete answers
    overloaded: list[float] = field(default_factory=list)  # latencies of 503 OVERLOADED
    failed: int = 0  # anything else: timeouts, partial pages, errors
    health: list[float] = field(default_factory=list)
    elapsed: float = 0.0


async def _client(client: httpx.AsyncClient, flood: Flood, stop: float) -> None:
    while time.monotonic() < stop:
        started = time.monotonic()
        try:
            response = await client.post("/graphql", json={"query": QUERY}, timeout=30.0)
        except httpx.HTTPError:
            flood.failed += 1
            continue
        latency = time.monotonic() - started
        if response.status_code == 503 and "OVERLOADED" in response.text:
            flood.overloaded.append(latency)
            await asyncio.sleep(min(1.0, float(response.headers.get("retry-after", "1"))))
            continue
        body = response.json() if response.status_code == 200 else {}
        edges = (body.get("data") or {}).get("sessions", {}) or {}
        if "errors" not in body and len(edges.get("edges", [])) == 20 and latency <= DEADLINE_S:
            flood.complete.append(latency)
        else:
            flood.failed += 1


# A process of its own: inside the flood's event loop, the probe would measure the load
# generator's own queueing (seconds on a busy CPU), not the gateway's answer.
_PROBE = """
import sys, time, httpx
url, seconds = sys.argv[1], float(sys.argv[2])
with httpx.Client(timeout=30.0) as client:
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        started = time.monotonic()
        try:
            client.get(url)
        except httpx.HTTPError:
            pass
        print(time.monotonic() - started, flush=True)
        time.sleep(0.1)
"""


def _start_probe(url: str, seconds: float) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _PROBE, f"{url}/healthz", str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )


async def _flood(url: str, clients: int, duration: float) -> Flood:
    flood = Flood()
    limits = httpx.Limits(max_connections=clients + 8, max_keepalive_connections=clients + 8)
    async with httpx.AsyncClient(base_url=url, limits=limits) as client:
        started = time.monotonic()
        stop = started + duration
        probe = _start_probe(url, duration)
        await asyncio.gather(*(_client(client, flood, stop) for _ in range(clients)))
        flood.elapsed = time.monotonic() - started
        output, _ = probe.communicate(timeout=60)
    flood.health = [float(line) for line in output.split()]
    return flood


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summarize(flood: Flood, rss_kib: int) -> dict[str, Any]:
    sent = len(flood.complete) + len(flood.overloaded) + flood.failed
    return {
        "requests": sent,
        "complete": len(flood.complete),
        "goodput_per_s": len(flood.complete) / flood.elapsed,
        "inside_deadline_share": len(flood.complete) / sent if sent else 0.0,
        "complete_p50_s": _pct(flood.complete, 0.5),
        "complete_p99_s": _pct(flood.complete, 0.99),
        "overloaded": len(flood.overloaded),
        "overloaded_p99_s": _pct(flood.overloaded, 0.99),
        "failed": flood.failed,
        "healthz_p99_s": _pct(flood.health, 0.99),
        "healthz_median_s": statistics.median(flood.health) if flood.health else None,
        "peak_rss_mib": rss_kib / 1024,
    }


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}" if value < 10 else f"{value:,.1f}"
    return f"{value:,}"


def render(results: dict[str, dict[str, Any]], args: argparse.Namespace) -> str:
    rows = [
        ("complete answers per second (goodput)", "goodput_per_s"),
        ("share of requests complete inside 10 s", "inside_deadline_share"),
        ("complete answers", "complete"),
        ("p50 of complete answers (s)", "complete_p50_s"),
        ("p99 of complete answers (s)", "complete_p99_s"),
        ("503 OVERLOADED", "overloaded"),
        ("p99 of a 503 (s)", "overloaded_p99_s"),
        ("failed otherwise (timeouts, partial pages)", "failed"),
        ("/healthz p99 (s)", "healthz_p99_s"),
        ("gateway peak RSS (MiB)", "peak_rss_mib"),
    ]
    names = list(results)
    lines = [
        f"### Overload: {args.clients} clients for {args.duration:g} s, providers answering "
        f"in {args.latency_ms} ms",
        "",
        "| | " + " | ".join(names) + " |",
        "|---|" + "--:|" * len(names),
    ]
    for label, key in rows:
        lines.append(f"| {label} | " + " | ".join(_cell(results[n][key]) for n in names) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--latency-ms", type=int, default=3000)
    parser.add_argument("--out", type=Path, default=Path("artifacts/overload.json"))
    args = parser.parse_args()
    with contextlib.suppress(OSError, AttributeError):  # the load shares CPU 1 with the providers
        os.sched_setaffinity(0, {1})
    results: dict[str, dict[str, Any]] = {}
    with Processes(args.out.parent / "overload-logs") as procs:
        stack, _ = start_simulators(procs, latency_ms=args.latency_ms, tag="overload", cpus="1")
        for name, env in (("admission off", OFF), ("admission on (defaults)", {})):
            gateway, url = start_gateway(
                procs, stack, workers=1, cache=False, tag=name.split()[1], env=env, cpus="0"
            )
            reset_peak_rss(gateway.process.pid)
            flood = asyncio.run(_flood(url, args.clients, args.duration))
            results[name] = summarize(flood, peak_rss_kib(gateway.process.pid)["total_kib"])
            procs.stop(gateway)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(render(results, args))


if __name__ == "__main__":
    main()
