"""Markdown tables of one benchmark run, as pasted into docs/benchmarks.md."""

from __future__ import annotations

import statistics
from typing import Any

__all__ = ["render_markdown", "summarize_runs", "upstream_ratios"]

_MEDIANS = (
    "rps",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "upstream_requests_per_request",
    "upstream_rows_per_row",
    "gateway_cpu_ms_per_request",
    "didit_cpu_ms_per_request",
    "kayle_cpu_ms_per_request",
)


def upstream_ratios(stats: dict[str, Any], requests: int, rows_returned: int) -> dict[str, Any]:
    """Upstream requests per request and upstream rows per returned row, from `/_sim/stats`."""
    total_requests = sum(s["total"] for s in stats.values())
    total_rows = sum(sum(s["rows"].values()) for s in stats.values())
    return {
        "upstream_requests": total_requests,
        "upstream_rows": total_rows,
        "upstream_requests_per_request": round(total_requests / max(requests, 1), 2),
        "upstream_rows_per_row": round(total_rows / max(rows_returned, 1), 2),
        "by_route": stats,
    }


def summarize_runs(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One row from repeated runs of a scenario: medians, the req/s spread, summed errors."""
    first = runs[0]
    if "skipped" in first:
        return first
    keys = ("key", "title", "cache", "edges", "decisions")
    row: dict[str, Any] = {k: first[k] for k in keys if k in first}
    for key in _MEDIANS:
        if key in first:
            row[key] = round(statistics.median(run[key] for run in runs), 2)
    row["rps_min"] = min(run["rps"] for run in runs)
    row["rps_max"] = max(run["rps"] for run in runs)
    row["bad_responses"] = sum(run["bad_responses"] for run in runs)
    row["socket_errors"] = {
        name: sum(run["socket_errors"][name] for run in runs) for name in first["socket_errors"]
    }
    if "rss" in first:
        row["rss"] = max((run["rss"] for run in runs), key=lambda rss: rss["total_kib"])
        row["log"] = {name: sum(run["log"][name] for run in runs) for name in first["log"]}
    row["runs"] = runs
    return row


_LOAD_HEADER = (
    "| Scenario | Cache | req/s (min–max) | p50 ms | p95 ms | p99 ms | upstream req / req "
    "| upstream rows / row | gateway peak RSS MiB (workers) | CPU ms / req: gateway, "
    "Didit sim, Kayle sim | bad |\n"
    "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
)


def _cache(value: bool | None) -> str:
    return "—" if value is None else ("on" if value else "off")


def _load_row(row: dict[str, Any]) -> str:
    name = f"({row['key']}) {row['title']}"
    if row.get("decisions"):
        name += f" [{row['decisions']} decisions / page]"
    if "skipped" in row:
        return f"| {name} | {_cache(row['cache'])} | {row['skipped']} |" + " |" * 8
    rss = row.get("rss")
    rss_text = "—"
    if rss:
        rss_text = f"{rss['total_kib'] / 1024:.0f} ({rss['workers']})"
    cpu = " / ".join(
        f"{row[key]:.1f}" if key in row else "—"
        for key in (
            "gateway_cpu_ms_per_request",
            "didit_cpu_ms_per_request",
            "kayle_cpu_ms_per_request",
        )
    )
    log = row.get("log", {})
    bad = row["bad_responses"] + sum(row["socket_errors"].values())
    bad += log.get("tracebacks", 0) + log.get("error_lines", 0)
    return (
        f"| {name} | {_cache(row['cache'])} | {row['rps']:,.0f} "
        f"({row['rps_min']:,.0f}–{row['rps_max']:,.0f}) | {row['p50_ms']:.1f} "
        f"| {row['p95_ms']:.1f} | {row['p99_ms']:.1f} "
        f"| {row['upstream_requests_per_request']:.2f} | {row['upstream_rows_per_row']:.2f} "
        f"| {rss_text} | {cpu} | {bad} |"
    )


def _fan_out_lines(fan: dict[str, Any]) -> list[str]:
    if not fan:
        return []
    lines = [
        f"Fan-out, every upstream at {fan['upstream_latency_ms']} ms, "
        f"median of {fan['samples']} sequential requests, cache off:",
        "",
        "| Query | median ms | min–max ms | ratio to upstream latency | upstream req / req |",
        "|---|--:|--:|--:|--:|",
    ]
    for key in (k for k in "bce" if k in fan):
        f = fan[key]
        lines.append(
            f"| ({key}) {f['title']} | {f['median_ms']:.0f} | {f['min_ms']:.0f}–{f['max_ms']:.0f} "
            f"| {f['ratio_to_upstream_latency']:.2f}× | {f['upstream_requests_per_request']:.1f} |"
        )
    return [*lines, ""]


def render_markdown(results: dict[str, Any]) -> str:
    settings = results["settings"]
    lines = [
        f"Run {results['started_at']}: medians of {settings['repeat']} round-robin runs of "
        f"wrk -t{settings['threads']} -c{settings['connections']} "
        f"-d{settings['duration']:g}s, each after a {settings['warmup']:g} s warm-up, gateway "
        f"--workers {settings['workers']}, upstream latency {settings['latency_ms']} ms, "
        f"{results['machine']['cpus']} CPUs shared by everything; wall time "
        f"{results['wall_seconds']} s.",
        "",
        _LOAD_HEADER,
        *(_load_row(row) for row in results["load"]),
        "",
    ]
    lines += _fan_out_lines(results["fan_out"])
    ex = results["execution"]
    lines += [
        f"In-process execution of a {ex['rows']}-row page (median ms per execution, "
        f"{ex['repeat']} interleaved batches of {ex['number']}):",
        "",
        "| Query | Strawberry (gateway schema) | graphql-core `graphql_sync` "
        "| graphql-core `execute` (floor) | ratio to floor |",
        "|---|--:|--:|--:|--:|",
    ]
    for name, q in ex["queries"].items():
        lines.append(
            f"| {name} | {q['strawberry_ms']:.2f} | {q['graphql_core_sync_ms']:.2f} "
            f"| {q['graphql_core_execute_ms']:.2f} | {q['ratio_vs_execute']:.2f}× |"
        )
    return "\n".join(lines) + "\n"
