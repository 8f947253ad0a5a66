"""The npm `graphql-ws` and `graphql-sse` clients subscribe to `sessionEvents`; a status
change in a simulator pushes a signed webhook, and the client receives the new status."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from joserfc.jwk import RSAKey

from tests.conformance.conftest import HERE, INSTALL_HINT, NODE_MODULES
from tests.live.server import LiveStack, live_stack

KYC = "{ kycSessions(first: 5) { edges { node { providerSessionId status } } } }"


def _active_subscriptions(stack: LiveStack) -> float:
    metrics = httpx.get(f"{stack.url}/metrics").text
    for line in metrics.splitlines():
        if line.startswith("idv_gateway_subscriptions_active "):
            return float(line.split()[1])
    raise AssertionError("no idv_gateway_subscriptions_active in /metrics")


def _client(transport: str, stack: LiveStack, events: int) -> subprocess.Popen[str]:
    node = shutil.which("node")
    if node is None or not (NODE_MODULES / ".installed").exists():
        pytest.fail(f"node and tests/conformance/node_modules are needed: {INSTALL_HINT}")
    return subprocess.Popen(
        [node, str(HERE / "subscribe.mjs"), transport, f"{stack.url}/graphql", str(events)],
        cwd=HERE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("transport", ["ws", "sse"])
async def test_npm_client_receives_the_status_change(
    transport: str, gateway_key: tuple[RSAKey, Path]
) -> None:
    with live_stack(gateway_key[1], push=True) as stack:
        async with httpx.AsyncClient(base_url=stack.url) as gateway:
            rows = (await gateway.post("/graphql", json={"query": KYC})).json()
            edges = rows["data"]["kycSessions"]["edges"]
            target = next(e["node"] for e in edges if e["node"]["status"] != "APPROVED")
            client = _client(transport, stack, 1)
            try:
                deadline = time.monotonic() + 20
                while _active_subscriptions(stack) < 1:
                    assert client.poll() is None, client.communicate()
                    assert time.monotonic() < deadline, "the client never subscribed"
                    await asyncio.sleep(0.05)
                async with httpx.AsyncClient(base_url=stack.didit_url) as sim:
                    moved = await sim.post(
                        f"/_sim/sessions/{target['providerSessionId']}/status",
                        json={"status": "Approved"},
                    )
                    assert moved.status_code == 200, moved.text
                out, err = await asyncio.to_thread(client.communicate, timeout=20)
            finally:
                if client.poll() is None:
                    client.kill()
                    client.communicate()
    assert client.returncode == 0, err
    event = json.loads(out.strip().splitlines()[-1])
    assert event["type"] == "STATUS_CHANGED"
    assert event["status"] == "APPROVED"
    assert event["session"]["providerSessionId"] == target["providerSessionId"]
    assert event["session"]["status"] == "APPROVED"
