"""Production lockdown at the edge: the Host allow-list (DNS-rebinding protection).

A page on another site can point its own hostname at the gateway's address (DNS
rebinding) and read it from the victim's browser as "same origin"; the Host header then
names the attacker's hostname. With `IDV_GATEWAY_ALLOWED_HOSTS` set, only the listed
names (`*.example.com` matches subdomains) reach anything but the probes, which
orchestrators call by address.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from idv_gateway.http.responses import send_error

__all__ = ["AllowedHosts", "host_allowed"]

_PROBES = frozenset({"/healthz", "/readyz"})


def host_allowed(host: str, allowed: list[str]) -> bool:
    name = host.lower()
    if name.startswith("["):  # [::1]:8000
        name = name[: name.find("]") + 1]
    else:
        name = name.rsplit(":", 1)[0] if name.count(":") == 1 else name
    for pattern in allowed:
        if pattern == name or (pattern.startswith("*.") and name.endswith(pattern[1:])):
            return True
    return False


class AllowedHosts:
    def __init__(self, app: ASGIApp, *, hosts: list[str]) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope.get("path") in _PROBES:
            await self.app(scope, receive, send)
            return
        host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
        if host_allowed(host, self.hosts):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        await send_error(
            send,
            status=400,
            message="this Host is not one the gateway serves (IDV_GATEWAY_ALLOWED_HOSTS)",
            code="HOST_NOT_ALLOWED",
        )
