"""Simulator figures on a large dataset: generation time and the latency of a 100-row page.

Generation is timed in-process (the factories build the whole dataset up front); pages
are timed over real HTTP against each simulator running as its own process.

    python -m benchmarks.simulators [--sessions 100000] [--requests 200]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time

import httpx

from idv_gateway.simulators import DEFAULT_DIDIT_API_KEY, DEFAULT_KAYLE_API_KEY
from idv_gateway.simulators.didit import create_didit_app
from idv_gateway.simulators.kayle import create_kayle_app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _generation_seconds(sessions: int) -> dict[str, float]:
    started = time.perf_counter()
    create_didit_app(sessions=sessions, business_sessions=sessions // 10)
    didit = time.perf_counter() - started
    started = time.perf_counter()
    create_kayle_app(sessions=sessions)
    return {"didit": didit, "kayle": time.perf_counter() - started}


def _page_ms(provider: str, sessions: int, requests: int) -> dict[str, float]:
    port = _free_port()
    executable = os.path.join(os.path.dirname(sys.executable), "idv-gateway")
    extra = ["--business-sessions", str(sessions // 10)] if provider == "didit" else []
    process = subprocess.Popen(
        [
            executable,
            "simulate",
            provider,
            "--port",
            str(port),
            "--sessions",
            str(sessions),
            *extra,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if provider == "didit":
        path, headers = "/v3/sessions/", {"x-api-key": DEFAULT_DIDIT_API_KEY}
        pages = {
            "limit=100": {"limit": "100"},
            "limit=100&status=Approved": {"limit": "100", "status": "Approved"},
        }
    else:
        path, headers = "/v1/sessions", {"authorization": f"Bearer {DEFAULT_KAYLE_API_KEY}"}
        pages = {
            "limit=100": {"limit": "100"},
            "limit=100&include_attempts=true": {"limit": "100", "include_attempts": "true"},
        }
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers) as client:
            for _ in range(600):
                try:
                    client.get("/_sim/stats", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            medians = {}
            for name, params in pages.items():
                client.get(path, params=params).raise_for_status()  # warm up
                timings = []
                for _ in range(requests):
                    started = time.perf_counter()
                    client.get(path, params=params).raise_for_status()
                    timings.append((time.perf_counter() - started) * 1000)
                medians[name] = statistics.median(timings)
            return medians
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    generation = _generation_seconds(args.sessions)
    print(f"generation of {args.sessions:,} sessions (Didit: + {args.sessions // 10:,} KYB):")
    for provider, seconds in generation.items():
        print(f"  {provider}: {seconds:.2f} s")
    print(f"median of {args.requests} sequential requests over HTTP (simulator process):")
    for provider in ("didit", "kayle"):
        for name, ms in _page_ms(provider, args.sessions, args.requests).items():
            print(f"  {provider} {name}: {ms:.2f} ms")


if __name__ == "__main__":
    main()
