"""Operations surface shared by both simulators: `/_sim/stats`, `/_sim/faults`, latency.

`GET /_sim/webhooks` lists the outbound webhook delivery attempts (no secrets, no bodies).

`/_sim/stats` also counts calls per credential presented (`credentials`: the first 12
hex digits of the SHA-256 of the `x-api-key` value or of the bearer key, see
`credential_fingerprint`), so a test can show which key every call carried without the
simulator ever echoing a key.

It wraps a simulator's provider API as plain ASGI middleware so that tests,
benchmarks and demos can count and perturb upstream traffic without touching the
provider routes. The `/_sim/*` endpoints need no auth and are never faulted or
delayed.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "FAULT_MODES",
    "Fault",
    "SimOps",
    "StatusSetter",
    "WebhookLog",
    "credential_fingerprint",
]

FAULT_MODES = ("delay", "status", "malformed", "reset", "slow_body")
UNMATCHED = "<unmatched>"
_MALFORMED_BODY = b'{"results": [{"session_id": "5b3720ed-d429-42ef-b6'
_SLOW_BODY_CHUNKS = 10

# Moves a session to the provider status in the request body (`{"status": ...}` plus any
# provider-specific extras); returns (HTTP status, JSON body).
StatusSetter = Callable[[str, dict[str, Any]], Awaitable[tuple[int, Any]]]
# The webhook delivery records as JSON-ready dicts (`WebhookHub.records`).
WebhookLog = Callable[[], list[dict[str, Any]]]


def credential_fingerprint(key: str | bytes) -> str:
    """How `/_sim/stats` names a credential: never the key itself."""
    raw = key.encode() if isinstance(key, str) else key
    return hashlib.sha256(raw).hexdigest()[:12]


def _presented_credential(scope: Scope) -> str:
    for name, value in scope.get("headers") or []:
        if name == b"x-api-key":
            return credential_fingerprint(value)
        if name == b"authorization":
            scheme, _, key = value.partition(b" ")
            return credential_fingerprint(key if scheme.lower() == b"bearer" else value)
    return "none"


@dataclass
class Fault:
    """One injected failure; `times=None` keeps it until `DELETE /_sim/faults`."""

    route: str
    mode: str
    status: int = 503
    delay_ms: int = 0
    retry_after: int | None = None
    times: int | None = None

    @classmethod
    def from_json(cls, body: Any) -> Fault:
        if not isinstance(body, dict):
            raise ValueError("body must be a JSON object")
        unknown = set(body) - {"route", "mode", "status", "delay_ms", "retry_after", "times"}
        if unknown:
            raise ValueError(f"unknown fields: {', '.join(sorted(unknown))}")
        route, mode = body.get("route"), body.get("mode")
        if not isinstance(route, str) or not route:
            raise ValueError('"route" must be "<METHOD> <route template>" or "*"')
        if mode not in FAULT_MODES:
            raise ValueError(f'"mode" must be one of {", ".join(FAULT_MODES)}')
        fault = cls(route=route, mode=mode)
        for name in ("status", "delay_ms", "retry_after", "times"):
            value = body.get(name)
            if value is None:
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f'"{name}" must be a non-negative integer')
            setattr(fault, name, value)
        if not 100 <= fault.status <= 599:
            raise ValueError('"status" must be an HTTP status code')
        return fault


class _RouteTable:
    """Maps a request to its route template, e.g. `GET /v1/sessions/{id}`."""

    def __init__(self, routes: Sequence[str]) -> None:
        self._routes: list[tuple[str, re.Pattern[str], str]] = []
        for route in routes:
            method, template = route.split(" ", 1)
            pattern = "".join(
                "[^/]+" if part.startswith("{") else re.escape(part)
                for part in re.split(r"(\{[^}]+\})", template)
            )
            self._routes.append((method, re.compile(f"^{pattern}$"), route))

    def key_for(self, method: str, path: str) -> str:
        for route_method, pattern, route in self._routes:
            if route_method == method and pattern.match(path):
                return route
        return f"{method} {UNMATCHED}"


class SimOps:
    """Counters, injected faults and latency for one simulator instance."""

    def __init__(
        self,
        routes: Sequence[str],
        *,
        latency_ms: int = 0,
        set_status: StatusSetter | None = None,
        webhooks: WebhookLog | None = None,
    ) -> None:
        self._table = _RouteTable(routes)
        self.latency_ms = latency_ms
        self._set_status = set_status
        self.webhooks = webhooks
        self.requests: Counter[str] = Counter()
        self.rows: Counter[str] = Counter()
        self.credentials: Counter[str] = Counter()
        self.faults: list[Fault] = []

    # -- counters ---------------------------------------------------------------
    def count_rows(self, route: str, rows: int) -> None:
        """Record how many session rows a list route returned."""
        self.rows[route] += rows

    def stats(self) -> dict[str, Any]:
        return {
            "requests": dict(self.requests),
            "rows": dict(self.rows),
            "credentials": dict(self.credentials),
            "total": sum(self.requests.values()),
        }

    def reset_stats(self) -> None:
        self.requests.clear()
        self.rows.clear()
        self.credentials.clear()

    # -- faults -----------------------------------------------------------------
    def take_fault(self, route: str) -> Fault | None:
        for fault in self.faults:
            if fault.route not in ("*", route):
                continue
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
            return fault
        return None

    # -- ASGI -------------------------------------------------------------------
    def middleware(self, app: ASGIApp) -> ASGIApp:
        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            path: str = scope["path"]
            if path == "/_sim" or path.startswith("/_sim/"):
                await self._handle_ops(scope, receive, send)
                return
            route = self._table.key_for(scope["method"], path)
            self.requests[route] += 1
            self.credentials[_presented_credential(scope)] += 1
            if self.latency_ms:
                await asyncio.sleep(self.latency_ms / 1000)
            fault = self.take_fault(route)
            if fault is None:
                await app(scope, receive, send)
            else:
                await _apply_fault(fault, app, scope, receive, send)

        return wrapped

    async def _handle_ops(self, scope: Scope, receive: Receive, send: Send) -> None:
        method, path = scope["method"], scope["path"]
        if (method, path) == ("GET", "/_sim/stats"):
            await _send_json(send, 200, self.stats())
        elif (method, path) == ("POST", "/_sim/stats/reset"):
            self.reset_stats()
            await _send_json(send, 200, self.stats())
        elif (method, path) == ("GET", "/_sim/faults"):
            await _send_json(send, 200, {"faults": [asdict(f) for f in self.faults]})
        elif (method, path) == ("POST", "/_sim/faults"):
            try:
                fault = Fault.from_json(json.loads(await _read_body(receive) or b"null"))
            except ValueError as exc:  # json.JSONDecodeError is a ValueError
                await _send_json(send, 400, {"error": str(exc)})
                return
            self.faults.append(fault)
            await _send_json(send, 201, {"fault": asdict(fault)})
        elif (method, path) == ("DELETE", "/_sim/faults"):
            self.faults.clear()
            await _send_json(send, 200, {"faults": []})
        elif (method, path) == ("GET", "/_sim/webhooks"):
            if self.webhooks is None:
                await _send_json(send, 404, {"error": "this simulator sends no webhooks"})
            else:
                await _send_json(send, 200, {"deliveries": self.webhooks()})
        elif method == "POST" and (match := re.fullmatch(r"/_sim/sessions/([^/]+)/status", path)):
            await self._handle_set_status(match.group(1), receive, send)
        else:
            await _send_json(send, 404, {"error": f"no operations endpoint {method} {path}"})

    async def _handle_set_status(self, session_id: str, receive: Receive, send: Send) -> None:
        try:
            body = json.loads(await _read_body(receive) or b"null")
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("status"), str):
            await _send_json(send, 400, {"error": 'body must be {"status": "<provider status>"}'})
            return
        if self._set_status is None:
            await _send_json(send, 404, {"error": "this simulator cannot move sessions"})
            return
        status, payload = await self._set_status(session_id, body)
        await _send_json(send, status, payload)


async def _apply_fault(
    fault: Fault, app: ASGIApp, scope: Scope, receive: Receive, send: Send
) -> None:
    if fault.mode == "delay":
        await asyncio.sleep(fault.delay_ms / 1000)
        await app(scope, receive, send)
    elif fault.mode == "status":
        headers = (
            [] if fault.retry_after is None else [(b"retry-after", str(fault.retry_after).encode())]
        )
        body = {"detail": f"Simulated fault: HTTP {fault.status}."}
        await _send_json(send, fault.status, body, headers)
    elif fault.mode == "malformed":
        await _send_bytes(send, 200, _MALFORMED_BODY, b"application/json")
    elif fault.mode == "reset":
        _abort_connection(send)
    else:  # slow_body
        await _drip_response(fault.delay_ms, app, scope, receive, send)


def _abort_connection(send: Send) -> None:
    """Drop the TCP connection without a response (uvicorn), or fail the in-process call."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is not None and hasattr(transport, "abort"):
        transport.abort()
        return
    raise ConnectionResetError("simulated connection reset")


async def _drip_response(
    delay_ms: int, app: ASGIApp, scope: Scope, receive: Receive, send: Send
) -> None:
    """Run the real handler, then send its body in slices spread over `delay_ms`."""
    start: Message | None = None
    chunks: list[bytes] = []

    async def capture(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, capture)
    if start is None:
        return
    body = b"".join(chunks)
    await send(start)
    step = max(1, -(-len(body) // _SLOW_BODY_CHUNKS))
    pause = delay_ms / 1000 / _SLOW_BODY_CHUNKS
    for offset in range(0, len(body), step):
        await asyncio.sleep(pause)
        await send(
            {"type": "http.response.body", "body": body[offset : offset + step], "more_body": True}
        )
    await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        chunks.append(bytes(message.get("body", b"")))
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _send_json(
    send: Send, status: int, payload: Any, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    await _send_bytes(send, status, body, b"application/json", headers)


async def _send_bytes(
    send: Send,
    status: int,
    body: bytes,
    content_type: bytes,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    all_headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        *(headers or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": all_headers})
    await send({"type": "http.response.body", "body": body})
