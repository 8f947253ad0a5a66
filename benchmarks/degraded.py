"""Degraded-mode load: a steady rate of unified pages while Kayle answers 503 throughout.

    python -m benchmarks.degraded [--duration 60] [--rate 20] [--latency-ms 5]

Both simulators and one gateway (`idv-gateway serve`, cache off, default upstream policy)
run as processes, as in `benchmarks.run`. Once the gateway has walked a few pages while
healthy (a pool of cursors), Kayle is put in `status 503` fault mode, and requests are
sent open-loop at `--rate` per second (each on its own schedule, whatever the latency of
the others, so slow answers cannot hide). Measured: the error rate of the healthy part
(a page that is not HTTP 200, lacks `first` Didit sessions, or carries an error other
than Kayle's), latency percentiles against the request deadline, the gateway's RSS every
few seconds, and the upstream requests Kayle still received (the circuit breaker's
effect). Results go to stdout as a markdown section and to `--out` as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from benchmarks.processes import Processes
from benchmarks.stack import Stack, start_gateway, start_simulators

DEADLINE_S = 10.0  # the gateway's default `IDV_GATEWAY_REQUEST_DEADLINE_SECONDS`
FIRST = 20
QUERY = """query ($first: Int!, $after: String) {
  sessions(first: $first, after: $after) {
    edges { node { id source status createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}"""
DIDIT = {"DIDIT_KYC", "DIDIT_KYB"}
SLOW_S = 0.1


@dataclass
class Outcome:
    at_s: float  # when it was sent, from the start of the load
    latency_s: float
    healthy_ok: bool
    kayle_code: str | None


@dataclass
class Run:
    outcomes: list[Outcome] = field(default_factory=list)
    rss_kib: list[tuple[float, int]] = field(default_factory=list)


def _rss_kib(pid: int) -> int:
    """Resident memory of `pid` and its children (uvicorn workers), from /proc."""
    total = 0
    pids = [pid]
    with contextlib.suppress(OSError):
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, IndexError):
                    if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                        pids.append(int(entry.name))
    for member in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


def _judge(response: httpx.Response) -> tuple[bool, str | None]:
    """(the healthy part is complete, the code of Kayle's error if any)."""
    if response.status_code != 200:
        return False, None
    body = response.json()
    page = (body.get("data") or {}).get("sessions") or {}
    edges = page.get("edges") or []
    sources = {edge["node"]["source"] for edge in edges}
    errors = body.get("errors") or []
    kayle = [e for e in errors if e.get("extensions", {}).get("provider") == "KAYLE"]
    others = [e for e in errors if e not in kayle]
    ok = len(edges) == FIRST and sources <= DIDIT and not others
    return ok, kayle[0]["extensions"]["code"] if kayle else None


async def _one(client: httpx.AsyncClient, after: str | None, run: Run, at_s: float) -> None:
    started = time.monotonic()
    try:
        response = await client.post(
            "/graphql", json={"query": QUERY, "variables": {"first": FIRST, "after": after}}
        )
        ok, code = _judge(response)
    except httpx.HTTPError:
        ok, code = False, None
    run.outcomes.append(Outcome(at_s, time.monotonic() - started, ok, code))


async def _cursors(client: httpx.AsyncClient, pages: int) -> list[str | None]:
    """`endCursor`s of the first `pages` pages, walked while both providers are healthy."""
    cursors: list[str | None] = [None]
    for _ in range(pages - 1):
        variables = {"first": FIRST, "after": cursors[-1]}
        body = (await client.post("/graphql", json={"query": QUERY, "variables": variables})).json()
        cursors.append(body["data"]["sessions"]["pageInfo"]["endCursor"])
    return cursors


async def _sample_rss(pid: int, run: Run, every_s: float, stop: asyncio.Event) -> None:
    started = time.monotonic()
    while not stop.is_set():
        run.rss_kib.append((round(time.monotonic() - started, 1), _rss_kib(pid)))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every_s)
    run.rss_kib.append((round(time.monotonic() - started, 1), _rss_kib(pid)))


async def _load(url: str, stack: Stack, pid: int, args: argparse.Namespace) -> Run:
    run = Run()
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=64)
    timeout = httpx.Timeout(DEADLINE_S * 3)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=timeout) as client:
        cursors = await _cursors(client, pages=30)
        async with httpx.AsyncClient() as sims:
            fault = {"route": "*", "mode": "status", "status": 503}
            (await sims.post(f"{stack.kayle_url}/_sim/faults", json=fault)).raise_for_status()
            for sim in (stack.didit_url, stack.kayle_url):
                (await sims.post(f"{sim}/_sim/stats/reset")).raise_for_status()
        stop = asyncio.Event()
        sampler = asyncio.create_task(_sample_rss(pid, run, args.rss_every, stop))
        tasks = []
        started = time.monotonic()
        for index in range(int(args.duration * args.rate)):
            delay = started + index / args.rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            after = cursors[index % len(cursors)]
            at_s = time.monotonic() - started
            tasks.append(asyncio.create_task(_one(client, after, run, at_s)))
        await asyncio.gather(*tasks)
        stop.set()
        await sampler
    return run


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summarize(run: Run, kayle_requests: int, didit_requests: int) -> dict[str, Any]:
    latencies = [o.latency_s * 1000 for o in run.outcomes]
    slow = sorted(round(o.at_s, 1) for o in run.outcomes if o.latency_s > SLOW_S)
    rss = [kib for _, kib in run.rss_kib]
    failures = sum(not o.healthy_ok for o in run.outcomes)
    return {
        "requests": len(run.outcomes),
        "healthy_part_failures": failures,
        "healthy_part_error_rate": failures / max(1, len(run.outcomes)),
        "kayle_error_codes": dict(Counter(o.kayle_code or "none" for o in run.outcomes)),
        "latency_ms": {
            "p50": round(statistics.median(latencies), 1),
            "p90": round(_percentile(latencies, 0.90), 1),
            "p99": round(_percentile(latencies, 0.99), 1),
            "max": round(max(latencies), 1),
        },
        "deadline_ms": DEADLINE_S * 1000,
        # When the slow answers were sent: the breaker's first opening, then its probes.
        "slow_sent_at_s": slow,
        "rss_mib": {
            "start": round(rss[0] / 1024, 1),
            "end": round(rss[-1] / 1024, 1),
            "max": round(max(rss) / 1024, 1),
            "samples": [(t, round(kib / 1024, 1)) for t, kib in run.rss_kib],
        },
        "upstream_requests": {"didit": didit_requests, "kayle": kayle_requests},
    }


def render(summary: dict[str, Any], args: argparse.Namespace) -> str:
    latency, rss, upstream = summary["latency_ms"], summary["rss_mib"], summary["upstream_requests"]
    codes = ", ".join(f"{k}: {v:,}" for k, v in summary["kayle_error_codes"].items())
    return "\n".join(
        [
            f"{args.duration:g} s at {args.rate:g} unified pages/s (`first: {FIRST}`), Kayle "
            f"answering 503 throughout, simulators at {args.latency_ms} ms latency, one gateway "
            "worker, cache off, default upstream policy:",
            "",
            "| Measure | Value |",
            "|---|--:|",
            f"| requests | {summary['requests']:,} |",
            f"| healthy part failed (Didit sessions missing, non-200, other errors) | "
            f"{summary['healthy_part_failures']} ({summary['healthy_part_error_rate']:.2%}) |",
            f"| Kayle's error code | {codes} |",
            f"| latency p50 / p90 / p99 / max | {latency['p50']} / {latency['p90']} / "
            f"{latency['p99']} / {latency['max']} ms (deadline {summary['deadline_ms']:,.0f} ms) |",
            f"| answers over {SLOW_S * 1000:g} ms, sent at (s) | {len(summary['slow_sent_at_s'])}: "
            f"{', '.join(f'{t:g}' for t in summary['slow_sent_at_s'][:12])} |",
            f"| gateway RSS start / end / max | {rss['start']} / {rss['end']} / {rss['max']} MiB |",
            f"| upstream requests during the load: Didit / Kayle | {upstream['didit']:,} / "
            f"{upstream['kayle']:,} |",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--rate", type=float, default=20.0, help="requests per second")
    parser.add_argument("--latency-ms", type=int, default=5, help="simulator latency")
    parser.add_argument("--rss-every", type=float, default=5.0, help="seconds between samples")
    parser.add_argument("--out", type=Path, default=Path("artifacts/degraded.json"))
    args = parser.parse_args()
    with Processes(args.out.parent / "degraded-logs") as procs:
        stack, _ = start_simulators(procs, latency_ms=args.latency_ms, tag="degraded")
        gateway, url = start_gateway(procs, stack, workers=1, cache=False, tag="degraded")
        run = asyncio.run(_load(url, stack, gateway.process.pid, args))
        stats = stack.stats()
    summary = summarize(run, stats["kayle"]["total"], stats["didit"]["total"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2))
    print(render(summary, args))


if __name__ == "__main__":
    main()
