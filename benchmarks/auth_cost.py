"""What caller identity costs: gateway CPU per request with authentication off, an API key,
and JWTs (RS256, ES256) verified against a JWKS served over HTTP.

One gateway worker pinned to CPU 0 (cache on, so the upstreams cost next to nothing and
the edge's own work shows), the simulators and wrk on CPU 1; the modes run round-robin,
so the machine's noise spreads over all of them. CPU time per request comes from
/proc (the gateway's utime + stime over the run, divided by the requests wrk completed).

    .venv/bin/python -m benchmarks.auth_cost [--rounds 3] [--duration 5]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import tempfile
import time
from pathlib import Path

from tests.auth.idp import AUDIENCE, ISSUER, serve_idp

from benchmarks.load import WrkOptions, ensure_wrk, run_wrk
from benchmarks.processes import Processes
from benchmarks.procfs import cpu_seconds
from benchmarks.stack import start_gateway, start_simulators

QUERY = json.dumps(
    {"query": "{ kycSessions(first: 20) { edges { node { id status createdAt } } } }"}
)
API_KEY = "bench-key-not-a-secret-bench-key"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=5.0)
    args = parser.parse_args()
    wrk = ensure_wrk()
    options = WrkOptions(threads=1, connections=16, duration_s=args.duration)
    work = Path(tempfile.mkdtemp(prefix="idv-auth-cost-"))
    keys = work / "keys.toml"
    digest = hashlib.sha256(API_KEY.encode()).hexdigest()
    keys.write_text(f'[keys.bench]\nsha256 = "{digest}"\nscopes = ["sessions:read"]\n')
    idp_run = serve_idp()
    idp = next(idp_run)
    es256 = idp.add_key("ES256")
    rs256 = idp.keys[0]
    auth_env = {
        "IDV_GATEWAY_AUTH_DISABLED": "false",
        "IDV_GATEWAY_AUTH_JWKS_URL": idp.jwks_url,
        "IDV_GATEWAY_AUTH_ISSUER": ISSUER,
        "IDV_GATEWAY_AUTH_AUDIENCE": AUDIENCE,
        "IDV_GATEWAY_AUTH_API_KEYS_FILE": str(keys),
    }
    modes = {
        "off (AUTH_DISABLED)": ({}, {}),
        "API key": (auth_env, {"X-API-Key": API_KEY}),
        "JWT RS256": (auth_env, {"Authorization": f"Bearer {idp.token(rs256, lifetime=3600)}"}),
        "JWT ES256": (auth_env, {"Authorization": f"Bearer {idp.token(es256, lifetime=3600)}"}),
    }
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in modes}
    with Processes(work / "logs") as procs:
        stack, _ = start_simulators(procs, latency_ms=0, tag="auth", cpus="1")
        for round_ in range(args.rounds):
            for name, (env, headers) in modes.items():
                running, url = start_gateway(
                    procs, stack, workers=1, cache=True, tag=f"auth-{round_}", env=env, cpus="0"
                )
                run_wrk(wrk, f"{url}/graphql", WrkOptions(1, 16, 1.0), body=QUERY, headers=headers)
                before = cpu_seconds(running.process.pid)  # the worker included
                result = run_wrk(wrk, f"{url}/graphql", options, body=QUERY, headers=headers)
                used = cpu_seconds(running.process.pid) - before
                if result.bad_responses or result.requests == 0:
                    raise RuntimeError(f"{name}: {result.bad_responses} bad responses")
                samples[name].append(
                    (used / result.requests * 1000, result.requests / result.duration_s)
                )
                procs.stop(running)
                time.sleep(0.2)
    next(idp_run, None)
    base = statistics.median(cpu for cpu, _ in samples["off (AUTH_DISABLED)"])
    print(
        f"\nGateway CPU per request, medians of {args.rounds} rounds of {args.duration:g} s "
        "(1 worker on CPU 0, cache on, kycSessions(first: 20), 3 fields):\n"
    )
    print("| Caller identity | CPU ms / req | ratio to off | req/s |")
    print("|---|--:|--:|--:|")
    for name, values in samples.items():
        cpu = statistics.median(v for v, _ in values)
        rate = statistics.median(r for _, r in values)
        print(f"| {name} | {cpu:.2f} | {cpu / base:.2f}× | {rate:,.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
