"""The load scenarios of `make bench` and the fan-out check, each against real processes.

Each scenario runs a GraphQL query under wrk against gateways with the cache off and on,
round-robin; CPU per request comes from `/proc`, upstream calls from `/_sim/stats`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import dataclass
from typing import Any

import httpx

from benchmarks.load import WrkOptions, run_wrk
from benchmarks.processes import Processes, Running
from benchmarks.procfs import cpu_seconds, peak_rss_kib, reset_peak_rss
from benchmarks.report import summarize_runs, upstream_ratios
from benchmarks.stack import DIDIT_KEY, Stack, start_gateway, start_simulators

__all__ = ["SCENARIOS", "Scenario", "fan_out", "load_scenarios"]

RAW_PATH = "/v3/sessions/?limit=20"
JSON_TYPES = ("application/json", "application/graphql-response+json")


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    query: str


SCENARIOS = (
    Scenario(
        "b",
        "kycSessions(first: 20), 6 fields",
        "{ kycSessions(first: 20) { edges { node { "
        "id providerSessionId status createdAt fullName country } } } }",
    ),
    Scenario(
        "c",
        "sessions(first: 20), 5 fields",
        "{ sessions(first: 20) { edges { node { __typename id source status createdAt } } } }",
    ),
    Scenario(
        "d",
        "sessions(first: 20) + decision { status }",
        "{ sessions(first: 20) { edges { node { id "
        "... on KycSession { decision { status } } ... on KybSession { decision { status } } "
        "} } } }",
    ),
    # (d) on the default data: the newest 20 sessions are all Kayle's, so it resolves no
    # decision. (e) is the same selection over Didit's sources: 20 decisions per page.
    Scenario(
        "e",
        "(d) over Didit KYC+KYB only",
        "{ sessions(first: 20, filter: {sources: [DIDIT_KYC, DIDIT_KYB]}) { edges { node { id "
        "... on KycSession { decision { status } } ... on KybSession { decision { status } } "
        "} } } }",
    ),
)


def _graphql(url: str, query: str) -> dict[str, Any]:
    with httpx.Client(timeout=30.0) as client:
        response = client.post(f"{url}/graphql", json={"query": query})
    if response.headers.get("content-type", "").split(";")[0] not in JSON_TYPES:
        raise RuntimeError(f"gateway answered {response.status_code}: {response.text[:500]}")
    body: dict[str, Any] = response.json()
    return body


def _edges(body: dict[str, Any]) -> tuple[int, int]:
    """Edges in the page, and how many of their nodes carry a `decision`."""
    (connection,) = (body.get("data") or {}).values()
    edges = connection["edges"]
    return len(edges), sum("decision" in edge["node"] for edge in edges)


def _measure(
    wrk: str,
    url: str,
    options: WrkOptions,
    warmup_s: float,
    stack: Stack,
    *,
    body: str | None = None,
    headers: dict[str, str] | None = None,
    cpu_pids: dict[str, int],
) -> dict[str, Any]:
    """Warm up, drain, reset the counters, one measured wrk run, drain again.

    Requests still in flight when wrk stops are served anyway, so upstream counts and CPU
    time are taken after the drain and divided by the requests wrk *sent*.
    """
    if warmup_s > 0:
        warm = WrkOptions(options.threads, options.connections, warmup_s, options.timeout_s)
        run_wrk(wrk, url, warm, body=body, headers=headers)
    stack.drain()
    stack.reset_stats()
    cpu_before = {name: cpu_seconds(pid) for name, pid in cpu_pids.items()}
    result = run_wrk(wrk, url, options, body=body, headers=headers)
    stack.drain()
    cpu = {
        f"{name}_cpu_ms_per_request": round(
            (cpu_seconds(pid) - cpu_before[name]) * 1000 / max(result.sent, 1), 2
        )
        for name, pid in cpu_pids.items()
    }
    return {**result.as_dict(), **cpu, "stats": stack.stats()}


def load_scenarios(args: argparse.Namespace, procs: Processes, wrk: str) -> list[dict[str, Any]]:
    """Every scenario `args.repeat` times, round-robin, so a noisy spell hits all of them.

    Two gateways, cache off and on, serve every round: each scenario runs on both back to
    back. Peak RSS is reset before each run, so it is that run's own.
    """
    stack, sim_pids = start_simulators(procs, latency_ms=args.latency_ms, tag="load")
    gateways = {
        cache: start_gateway(procs, stack, workers=args.workers, cache=cache, tag=_on(cache))
        for cache in (False, True)
    }
    runs: dict[tuple[str, bool | None], list[dict[str, Any]]] = {}
    skipped: dict[str, str] = {}
    for round_index in range(1, args.repeat + 1):
        prefix = f"[{round_index}/{args.repeat}]"
        if "a" in args.scenarios:
            print(f"{prefix} (a) raw Didit list call", flush=True)
            runs.setdefault(("a", None), []).append(_raw_scenario(args, wrk, stack, sim_pids))
        for scenario in (s for s in SCENARIOS if s.key in args.scenarios):
            for cache, gateway in gateways.items():
                print(f"{prefix} ({scenario.key}) {scenario.title}, cache {_on(cache)}", flush=True)
                base = {"key": scenario.key, "title": scenario.title, "cache": cache}
                if scenario.key in skipped:
                    row = {"skipped": skipped[scenario.key]}
                else:
                    row = _gateway_scenario(args, wrk, stack, sim_pids, scenario, gateway)
                    if "skipped" in row:
                        skipped[scenario.key] = row["skipped"]
                        print(f"  skipped, {row['skipped']}", flush=True)
                runs.setdefault((scenario.key, cache), []).append({**base, **row})
    for running, _ in gateways.values():
        procs.stop(running)
    return [summarize_runs(repeats) for repeats in runs.values()]


def _raw_scenario(
    args: argparse.Namespace, wrk: str, stack: Stack, sim_pids: dict[str, int]
) -> dict[str, Any]:
    """(a) the floor: Didit's own list call, straight to the simulator."""
    headers = {"x-api-key": DIDIT_KEY}
    with httpx.Client(timeout=10.0, headers=headers) as client:
        raw_rows = len(client.get(stack.didit_url + RAW_PATH).json()["results"])
    run = _measure(
        wrk, stack.didit_url + RAW_PATH, WrkOptions(args.threads, args.connections, args.duration),
        args.warmup, stack, headers=headers, cpu_pids={"didit": sim_pids["didit"]},
    )  # fmt: skip
    up = upstream_ratios(run.pop("stats"), run["sent"], raw_rows * run["sent"])
    return {"key": "a", "title": f"raw Didit GET {RAW_PATH}", "cache": None,
            "edges": raw_rows, **run, **up}  # fmt: skip


def _on(cache: bool) -> str:
    return "on" if cache else "off"


def _gateway_scenario(
    args: argparse.Namespace,
    wrk: str,
    stack: Stack,
    sim_pids: dict[str, int],
    scenario: Scenario,
    gateway: tuple[Running, str],
) -> dict[str, Any]:
    """One load run; skipped when the running schema lacks the query's fields."""
    running, url = gateway
    probe = _graphql(url, scenario.query)
    if probe.get("errors"):
        codes = {e.get("extensions", {}).get("code") for e in probe["errors"]}
        if "GRAPHQL_VALIDATION_FAILED" in codes:
            return {"skipped": "not available: " + probe["errors"][0]["message"]}
        raise RuntimeError(f"{scenario.title}: errors on probe: {probe['errors']}")
    edges, decisions = _edges(probe)
    log_start = running.log_size()
    reset_peak_rss(running.process.pid)
    run = _measure(
        wrk, url + "/graphql", WrkOptions(args.threads, args.connections, args.duration),
        args.warmup, stack, body=json.dumps({"query": scenario.query}),
        cpu_pids={"gateway": running.process.pid, **sim_pids},
    )  # fmt: skip
    rss = peak_rss_kib(running.process.pid)
    up = upstream_ratios(run.pop("stats"), run["sent"], edges * run["sent"])
    problems = running.log_problems(log_start)
    return {"edges": edges, "decisions": decisions, **run, **up, "rss": rss, "log": problems}


def fan_out(args: argparse.Namespace, procs: Processes) -> dict[str, Any]:
    """Sequential single requests with every upstream slow: concurrent fan-out ≈ 1× latency."""
    latency = args.fanout_latency_ms
    stack, _ = start_simulators(procs, latency_ms=latency, tag="fanout")
    gateway, url = start_gateway(procs, stack, workers=1, cache=False, tag="fanout")
    out: dict[str, Any] = {"upstream_latency_ms": latency, "samples": args.fanout_samples}
    try:
        with httpx.Client(timeout=60.0) as client:
            for scenario in (s for s in SCENARIOS if s.key in "bce"):
                post = {"query": scenario.query}
                if _graphql(url, scenario.query).get("errors"):
                    continue  # not in this schema (the load table says why)
                client.post(f"{url}/graphql", json=post)  # warm-up: upstream connections
                stack.reset_stats()
                times = []
                for _ in range(args.fanout_samples):
                    start = time.perf_counter()
                    response = client.post(f"{url}/graphql", json=post)
                    times.append((time.perf_counter() - start) * 1000)
                    if response.status_code != 200 or "errors" in response.json():
                        raise RuntimeError(f"fan-out query failed: {response.text[:300]}")
                stats = stack.stats()
                median = statistics.median(times)
                out[scenario.key] = {
                    "title": scenario.title,
                    "median_ms": round(median, 1),
                    "min_ms": round(min(times), 1),
                    "max_ms": round(max(times), 1),
                    "ratio_to_upstream_latency": round(median / latency, 2),
                    "upstream_requests_per_request": round(
                        sum(s["total"] for s in stats.values()) / args.fanout_samples, 2
                    ),
                    "by_route": stats,
                }
    finally:
        procs.stop(gateway)
    return out
