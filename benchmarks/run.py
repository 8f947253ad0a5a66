"""`make bench`: load scenarios over HTTP, the fan-out check and the in-process execution cost.

Every component runs as its own process (simulators, gateways with N workers, wrk), all
on 127.0.0.1. The machine is small and shared, so every scenario runs several times,
round-robin, cache off and on back to back, and the report gives medians and spreads.
See docs/benchmarks.md for what each number means.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.execution import measure_execution
from benchmarks.load import ensure_wrk
from benchmarks.processes import Processes
from benchmarks.report import render_markdown
from benchmarks.scenarios import fan_out, load_scenarios

__all__ = ["main"]

ARTIFACTS = Path("artifacts/bench")


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short runs (smoke test, ~1 min)")
    parser.add_argument("--duration", type=float, default=4.0, help="seconds per measured run")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up per run")
    parser.add_argument("--repeat", type=int, default=3, help="measured runs per scenario")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=50, help="wrk connections")
    parser.add_argument("--latency-ms", type=int, default=0, help="upstream latency under load")
    parser.add_argument("--fanout-latency-ms", type=int, default=200)
    parser.add_argument("--fanout-samples", type=int, default=10)
    parser.add_argument("--scenarios", default="abcde", help="load scenarios to run, e.g. bc")
    parser.add_argument("--no-fanout", action="store_true", help="skip the fan-out check")
    parser.add_argument("--out", type=Path, default=ARTIFACTS)
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.warmup, args.repeat, args.fanout_samples = 3.0, 1.0, 1, 5
    return args


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    started = time.monotonic()
    wrk = ensure_wrk()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    # Process logs live outside the work tree while running (artifacts/ may be cleaned by
    # others meanwhile) and are copied next to the results at the end.
    logs = Path(tempfile.mkdtemp(prefix=f"idv-bench-{stamp}-"))
    print(f"process logs: {logs}", flush=True)
    with Processes(logs) as procs:
        load = load_scenarios(args, procs, wrk)
        fanned = {} if args.no_fanout else fan_out(args, procs)
    print("in-process execution cost", flush=True)
    execution = measure_execution(number=10 if args.quick else 20, repeat=7 if args.quick else 15)
    settings = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    results = {
        "started_at": stamp,
        "settings": settings,
        "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg()},
        "load": load,
        "fan_out": fanned,
        "execution": execution,
        "wall_seconds": round(time.monotonic() - started, 1),
    }
    markdown = render_markdown(results)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in (f"bench-{stamp}.json", "latest.json"):
        (args.out / name).write_text(json.dumps(results, indent=2) + "\n")
    (args.out / "latest.md").write_text(markdown)
    shutil.copytree(logs, args.out / "logs" / stamp, dirs_exist_ok=True)
    shutil.rmtree(logs, ignore_errors=True)
    print(markdown)
    print(f"results: {args.out / f'bench-{stamp}.json'} ({results['wall_seconds']} s)")
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:
        print("interrupted: every process the run started is stopped", file=sys.stderr)
        raise SystemExit(130) from None
