"""A gateway and both simulators on real loopback sockets (uvicorn, WebSocket on)."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import httpx
import uvicorn
from joserfc.jwk import RSAKey
from pydantic import SecretStr
from starlette.applications import Starlette

from idv_gateway.app import create_app
from idv_gateway.simulators import DEFAULT_DIDIT_API_KEY, DEFAULT_KAYLE_API_KEY
from idv_gateway.simulators.didit import create_didit_app
from idv_gateway.simulators.kayle import create_kayle_app
from tests.harness import gateway_settings
from tests.live.conftest import webhook_settings


@dataclass
class LiveStack:
    url: str  # the gateway
    didit_url: str
    kayle_url: str
    didit_app: Starlette
    kayle_app: Starlette

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/graphql"


def _free_socket() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


@contextlib.contextmanager
def serve(
    app: Starlette,
    *,
    lifespan: Literal["auto", "on", "off"] = "on",
    sock: socket.socket | None = None,
) -> Iterator[str]:
    sock = sock or _free_socket()
    config = uvicorn.Config(
        app,
        log_level="warning",
        lifespan=lifespan,
        ws="websockets-sansio",
        access_log=False,
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.started, "server did not start"
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextlib.contextmanager
def live_stack(
    key_path: Path, *, latency_ms: int = 0, push: bool = False, **overrides: Any
) -> Iterator[LiveStack]:
    """`push`: the simulators deliver signed webhooks to the gateway, set up the way an
    operator does it (docs/live.md): a Didit destination and a Kayle endpoint with the
    gateway's public key, created through the providers' APIs; their secrets go into the
    gateway's settings. Retries are compressed 1000×."""
    gateway_socket = _free_socket()
    gateway_url = f"http://127.0.0.1:{gateway_socket.getsockname()[1]}"
    didit_app = create_didit_app(
        seed=13, sessions=30, business_sessions=10, latency_ms=latency_ms, webhook_time_scale=0.001
    )
    kayle_app = create_kayle_app(
        seed=13, sessions=30, latency_ms=latency_ms, webhook_time_scale=0.001
    )
    with (
        serve(didit_app, lifespan="auto") as didit_url,
        serve(kayle_app, lifespan="auto") as kayle_url,
    ):
        secrets = webhook_settings(key_path)
        if push:
            secrets = _register_webhooks(didit_url, kayle_url, gateway_url, key_path)
        settings = gateway_settings(
            didit_base_url=didit_url, kayle_base_url=kayle_url, **{**secrets, **overrides}
        )
        with serve(create_app(settings), sock=gateway_socket) as url:
            yield LiveStack(url, didit_url, kayle_url, didit_app, kayle_app)


def _register_webhooks(
    didit_url: str, kayle_url: str, gateway_url: str, key_path: Path
) -> dict[str, Any]:
    with httpx.Client(timeout=10) as client:
        destination = client.post(
            f"{didit_url}/v3/webhook/destinations/",
            headers={"x-api-key": DEFAULT_DIDIT_API_KEY},
            json={
                "label": "idv-gateway",
                "url": f"{gateway_url}/webhooks/didit",
                "webhook_version": "v3",
                "subscribed_events": ["status.updated", "data.updated"],
            },
        )
        assert destination.status_code == 201, destination.text
        kayle_auth = {"authorization": f"Bearer {DEFAULT_KAYLE_API_KEY}"}
        endpoint = client.post(
            f"{kayle_url}/v1/webhooks/endpoints",
            headers=kayle_auth,
            json={"name": "idv-gateway", "url": f"{gateway_url}/webhooks/kayle"},
        )
        assert endpoint.status_code in (200, 201), endpoint.text
        created = endpoint.json()["data"]
        public = RSAKey.import_key(json.loads(key_path.read_text())).as_dict(private=False)
        key = client.post(
            f"{kayle_url}/v1/webhooks/endpoints/{created['endpoint']['id']}/keys",
            headers=kayle_auth,
            json={
                "key_id": "gateway-1",
                "jwk": public,
                "algorithm": "RSA-OAEP-256",
                "key_type": "RSA",
            },
        )
        assert key.status_code in (200, 201), key.text
    return {
        "didit_webhook_secret": SecretStr(destination.json()["secret_shared_key"]),
        "kayle_webhook_secret": SecretStr(created["signing_secret"]),
        "kayle_webhook_private_jwk": key_path,
    }
