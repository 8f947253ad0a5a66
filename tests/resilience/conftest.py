"""Gateways with short timeouts, and both simulators behind real sockets (uvicorn).

In-process `httpx.ASGITransport` cannot drop a connection or trickle a body, so the
fault matrix runs the simulators on free ports, served by uvicorn in a thread, and the
gateway reaches them through its production transport (aiohttp).
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette

from idv_gateway.app import create_app
from idv_gateway.domain import Provider
from idv_gateway.simulators import DEFAULT_DIDIT_API_KEY, DEFAULT_KAYLE_API_KEY
from idv_gateway.simulators.didit import create_didit_app
from idv_gateway.simulators.kayle import create_kayle_app
from tests.harness import Harness, gateway_settings

# Short enough to keep the suite fast, long enough that a healthy call on a loaded 2-core
# machine (the gateway, both simulators and the test share one interpreter) never trips it.
FAST: dict[str, Any] = {
    "cache_enabled": False,  # a cached page would hide the fault
    "upstream_timeout_seconds": 0.8,
    "upstream_read_timeout_seconds": 0.8,
    "upstream_connect_timeout_seconds": 0.8,
    "request_deadline_seconds": 2.0,
    "upstream_retry_backoff_seconds": 0.01,
    "upstream_retry_backoff_max_seconds": 0.05,
    "upstream_retry_after_max_seconds": 0.5,
    "upstream_breaker_threshold": 50,
}


# One TLS context for every test client: building one per client costs ~20 ms.
TLS = ssl.create_default_context()


@dataclass
class LiveSims:
    didit_app: Starlette
    kayle_app: Starlette
    didit_url: str
    kayle_url: str


def serve_in_thread(app: Starlette) -> tuple[uvicorn.Server, threading.Thread, str]:
    """`app` under uvicorn on a free loopback port, in a daemon thread."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        log_level="warning",
        lifespan="off",
        ws="none",
        access_log=False,
        timeout_graceful_shutdown=1,  # do not wait out faults still delaying answers
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.started, "simulator did not start"
    return server, thread, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def live_sims() -> Iterator[LiveSims]:
    didit_app = create_didit_app(seed=11, sessions=60, business_sessions=20)
    kayle_app = create_kayle_app(seed=11, sessions=60)
    didit, didit_thread, didit_url = serve_in_thread(didit_app)
    kayle, kayle_thread, kayle_url = serve_in_thread(kayle_app)
    yield LiveSims(didit_app, kayle_app, didit_url, kayle_url)
    for server, thread in ((didit, didit_thread), (kayle, kayle_thread)):
        server.should_exit = True
        thread.join(timeout=10)


@contextlib.asynccontextmanager
async def live_harness(sims: LiveSims, **overrides: Any) -> AsyncIterator[Harness]:
    """A gateway over the live simulators; faults and counters start cleared."""
    settings = gateway_settings(
        **{"didit_base_url": sims.didit_url, "kayle_base_url": sims.kayle_url, **overrides}
    )
    app = create_app(settings)
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app),
            base_url="http://gateway.test",
            verify=TLS,
        ) as gateway,
        httpx.AsyncClient(base_url=sims.didit_url, verify=TLS) as didit,
        httpx.AsyncClient(base_url=sims.kayle_url, verify=TLS) as kayle,
    ):
        for client in (didit, kayle):
            await client.delete("/_sim/faults")
            await client.post("/_sim/stats/reset")
        try:
            yield Harness(gateway, sims.didit_app, sims.kayle_app, didit, kayle)
        finally:
            for client in (didit, kayle):
                await client.delete("/_sim/faults")


@contextlib.asynccontextmanager
async def local_harness(
    *,
    didit_key: str = DEFAULT_DIDIT_API_KEY,
    kayle_key: str = DEFAULT_KAYLE_API_KEY,
    **overrides: Any,
) -> AsyncIterator[Harness]:
    """A gateway over in-process simulators (no sockets), with the given settings."""
    didit_app = create_didit_app(seed=11, sessions=40, business_sessions=10, api_key=didit_key)
    kayle_app = create_kayle_app(seed=11, sessions=40, api_key=kayle_key)
    app = create_app(
        gateway_settings(**overrides),
        transports={
            Provider.DIDIT: httpx.ASGITransport(app=didit_app),
            Provider.KAYLE: httpx.ASGITransport(app=kayle_app),
        },
    )
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app),
            base_url="http://gateway.test",
            verify=TLS,
        ) as gateway,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=didit_app), base_url="http://didit.test", verify=TLS
        ) as didit,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=kayle_app), base_url="http://kayle.test", verify=TLS
        ) as kayle,
    ):
        yield Harness(gateway, didit_app, kayle_app, didit, kayle)


async def fault(client: httpx.AsyncClient, **spec: Any) -> None:
    response = await client.post("/_sim/faults", json={"route": "*", **spec})
    assert response.status_code == 201, response.text


async def upstream_requests(harness: Harness) -> dict[str, int]:
    stats = await harness.stats()
    return {"DIDIT": stats["didit"]["total"], "KAYLE": stats["kayle"]["total"]}
