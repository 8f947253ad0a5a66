"""Cost of one upstream call under concurrency: httpx's own transport vs aiohttp's.

Starts a Didit simulator as a separate process and fires the same list request through
one `httpx.AsyncClient` per transport, alternating rounds so both see the same noise.

    python -m benchmarks.transport [--requests 2000] [--concurrency 50] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time

import httpx
from httpx_aiohttp import AiohttpTransport

KEY = "didit-demo-key-not-a-secret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def _round(client: httpx.AsyncClient, requests: int, concurrency: int) -> float:
    """Seconds per request for `requests` calls with `concurrency` in flight."""
    queue = iter(range(requests))

    async def worker() -> None:
        for _ in queue:
            response = await client.get("/v3/sessions/", params={"limit": "20"})
            response.raise_for_status()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return (time.perf_counter() - started) / requests


async def measure(
    port: int, requests: int, concurrency: int, rounds: int
) -> dict[str, list[float]]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    clients = {
        "httpx": httpx.AsyncClient(limits=limits),
        "aiohttp": httpx.AsyncClient(transport=AiohttpTransport(limits=limits)),
    }
    results: dict[str, list[float]] = {name: [] for name in clients}
    for client in clients.values():
        client.base_url = httpx.URL(f"http://127.0.0.1:{port}")
        client.headers["x-api-key"] = KEY
        await _round(client, concurrency * 2, concurrency)  # warm the pools
    for _ in range(rounds):
        for name, client in clients.items():
            results[name].append(await _round(client, requests, concurrency))
    for client in clients.values():
        await client.aclose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    port = _free_port()
    simulator = subprocess.Popen(
        [
            os.path.join(os.path.dirname(sys.executable), "idv-gateway"),
            "simulate",
            "didit",
            "--port",
            str(port),
            "--sessions",
            "2000",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{port}/_sim/stats", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        results = asyncio.run(measure(port, args.requests, args.concurrency, args.rounds))
    finally:
        simulator.terminate()
        simulator.wait(timeout=10)
    medians = {name: statistics.median(values) * 1000 for name, values in results.items()}
    print(f"{args.requests} requests x {args.rounds} rounds, {args.concurrency} in flight")
    print("| transport | median ms per request (client + simulator, one process each) |")
    print("|---|--:|")
    for name, value in medians.items():
        print(f"| {name} | {value:.3f} |")
    print(f"ratio httpx / aiohttp: {medians['httpx'] / medians['aiohttp']:.2f}")


if __name__ == "__main__":
    main()
