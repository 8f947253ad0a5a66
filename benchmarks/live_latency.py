"""Live events: latency from a status change at the simulator to 100 subscribers, and
memory over a soak with subscribers connecting and disconnecting.

Real processes, on loopback: both simulators (`idv-gateway simulate`) pinned to CPU 1,
one gateway worker (`idv-gateway serve --workers 1`) pinned to CPU 0, and this process
holding the WebSocket subscribers (`graphql-transport-ws`). The Didit simulator delivers
each change as a signed webhook to the gateway's receiver, set up through its
destinations API the way an operator does it (docs/live.md). A change is made with the
simulator's `/_sim` status operation; its latency is the time from sending that request
to each subscriber's receipt of the event (one clock: the same machine).

    python -m benchmarks.live_latency                      # 1,000 events, 100 subscribers
    python -m benchmarks.live_latency --soak-seconds 600   # and a 10-minute soak
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import websockets
from websockets.asyncio.client import ClientConnection
from websockets.typing import Subprotocol

from benchmarks.processes import Processes, free_port
from benchmarks.stack import DIDIT_KEY, start_gateway, start_simulators

__all__ = ["main"]

PROTOCOL = Subprotocol("graphql-transport-ws")
EVENTS = "subscription { sessionEvents { eventId status session { id providerSessionId status } } }"
STATUSES = ("Approved", "Declined", "In Review")


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def _subscriber(url: str) -> ClientConnection:
    socket = await websockets.connect(url, subprotocols=[PROTOCOL], max_queue=None)
    await socket.send(json.dumps({"type": "connection_init", "payload": {}}))
    ack = json.loads(await socket.recv())
    assert ack["type"] == "connection_ack", ack
    await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": EVENTS}}))
    return socket


async def _receive(socket: ClientConnection, expected: tuple[str, str]) -> float:
    """The receipt time of the event for (session, status)."""
    while True:
        message = json.loads(await socket.recv())
        if message["type"] == "ping":
            await socket.send(json.dumps({"type": "pong"}))
            continue
        if message["type"] != "next":
            raise RuntimeError(f"unexpected message {message}")
        event = message["payload"]["data"]["sessionEvents"]
        session = event["session"] or {}
        if (session.get("providerSessionId"), event["status"]) == expected:
            return time.perf_counter()


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def _measure(
    gateway_url: str, didit_url: str, sessions: list[str], subscribers: int, events: int
) -> list[float]:
    ws_url = gateway_url.replace("http://", "ws://") + "/graphql"
    sockets = await asyncio.gather(*(_subscriber(ws_url) for _ in range(subscribers)))
    await asyncio.sleep(0.5)
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=didit_url, timeout=10) as sim:
        try:
            for index in range(events):
                session = sessions[index % len(sessions)]
                status = STATUSES[(index // len(sessions)) % len(STATUSES)]
                expected = (session, status.upper().replace(" ", "_"))
                receipts = [asyncio.create_task(_receive(s, expected)) for s in sockets]
                sent = time.perf_counter()
                moved = await sim.post(f"/_sim/sessions/{session}/status", json={"status": status})
                moved.raise_for_status()
                done = await asyncio.wait_for(asyncio.gather(*receipts), 30)
                latencies += [(at - sent) * 1000 for at in done]
        finally:
            await asyncio.gather(*(s.close() for s in sockets))
    return latencies


async def _soak(
    gateway_url: str, didit_url: str, sessions: list[str], seconds: float, pid: int
) -> list[tuple[float, int]]:
    """Events every 50 ms; 50 subscribers, a fifth of them replaced every second."""
    ws_url = gateway_url.replace("http://", "ws://") + "/graphql"
    samples: list[tuple[float, int]] = []
    sockets = list(await asyncio.gather(*(_subscriber(ws_url) for _ in range(50))))
    readers = [asyncio.create_task(_drain(s)) for s in sockets]
    started = time.monotonic()
    index = 0
    async with httpx.AsyncClient(base_url=didit_url, timeout=10) as sim:
        while (elapsed := time.monotonic() - started) < seconds:
            for _ in range(20):
                session = sessions[index % len(sessions)]
                await sim.post(
                    f"/_sim/sessions/{session}/status", json={"status": STATUSES[index % 3]}
                )
                index += 1
                await asyncio.sleep(0.05)
            for slot in range(0, len(sockets), 5):  # one in five reconnects
                readers[slot].cancel()
                await sockets[slot].close()
                sockets[slot] = await _subscriber(ws_url)
                readers[slot] = asyncio.create_task(_drain(sockets[slot]))
            samples.append((round(elapsed), _rss_kib(pid)))
    for reader in readers:
        reader.cancel()
    await asyncio.gather(*(s.close() for s in sockets))
    return samples


async def _drain(socket: ClientConnection) -> None:
    try:
        async for raw in socket:
            if json.loads(raw)["type"] == "ping":
                await socket.send(json.dumps({"type": "pong"}))
    except websockets.ConnectionClosed:
        return


def _register(didit_url: str, gateway_port: int) -> str:
    answer = httpx.post(
        f"{didit_url}/v3/webhook/destinations/",
        headers={"x-api-key": DIDIT_KEY},
        json={
            "label": "idv-gateway benchmark",
            "url": f"http://127.0.0.1:{gateway_port}/webhooks/didit",
            "webhook_version": "v3",
            "subscribed_events": ["status.updated"],
        },
    )
    answer.raise_for_status()
    secret: str = answer.json()["secret_shared_key"]
    return secret


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.live_latency", description=__doc__)
    parser.add_argument("--subscribers", type=int, default=100)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--soak-seconds", type=float, default=0)
    parser.add_argument("--out", type=Path, default=Path("artifacts/bench/live.json"))
    args = parser.parse_args(argv)
    logs = Path(tempfile.mkdtemp(prefix="idv-bench-live-"))
    with Processes(logs) as procs:
        stack, _ = start_simulators(procs, latency_ms=0, tag="live", cpus="1")
        port = free_port()
        secret = _register(stack.didit_url, port)
        gateway, url = start_gateway(
            procs,
            stack,
            workers=1,
            cache=True,
            tag="live",
            cpus="0",
            env={
                "IDV_GATEWAY_DIDIT_WEBHOOK_SECRET": secret,
                "IDV_GATEWAY_MAX_SUBSCRIPTIONS": "500",
            },
            port=port,
        )
        rows = httpx.post(
            f"{url}/graphql",
            json={"query": "{ kycSessions(first: 20) { edges { node { providerSessionId } } } }"},
        ).json()
        sessions = [e["node"]["providerSessionId"] for e in rows["data"]["kycSessions"]["edges"]]
        latencies = asyncio.run(
            _measure(url, stack.didit_url, sessions, args.subscribers, args.events)
        )
        result: dict[str, Any] = {
            "subscribers": args.subscribers,
            "events": args.events,
            "deliveries": len(latencies),
            "latency_ms": {
                "median": round(statistics.median(latencies), 2),
                "p90": round(_percentile(latencies, 0.90), 2),
                "p99": round(_percentile(latencies, 0.99), 2),
                "max": round(max(latencies), 2),
            },
            "gateway_rss_kib_after": _rss_kib(gateway.process.pid),
        }
        if args.soak_seconds:
            samples = asyncio.run(
                _soak(url, stack.didit_url, sessions, args.soak_seconds, gateway.process.pid)
            )
            result["soak"] = {"seconds": args.soak_seconds, "rss_kib": samples}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "soak"}, indent=2))
    if "soak" in result:
        rss = [kib for _, kib in result["soak"]["rss_kib"]]
        print(f"soak RSS KiB: first {rss[0]}, min {min(rss)}, max {max(rss)}, last {rss[-1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
