"""One long-lived HTTP client per provider, from settings (or the embedded demo)."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from joserfc.jwk import RSAKey
from pydantic import SecretStr

from idv_gateway.cache import UpstreamCache
from idv_gateway.config import Settings
from idv_gateway.domain import Provider
from idv_gateway.observability.metrics import Metrics
from idv_gateway.providers._upstream import CachePolicy, Upstream
from idv_gateway.resilience import CircuitBreaker, RetryPolicy
from idv_gateway.simulators import (
    DEFAULT_DIDIT_API_KEY,
    DEFAULT_KAYLE_API_KEY,
    DEFAULT_KAYLE_SESSIONS,
    DEFAULT_KYB_SESSIONS,
    DEFAULT_KYC_SESSIONS,
)
from idv_gateway.tenants_file import DEFAULT_TENANT, ProviderAccess, TenantConfig, WebhookKeys

__all__ = [
    "DEMO_SIZES",
    "DEMO_TENANTS",
    "DEMO_TENANT_SIZES",
    "DemoLoopback",
    "Upstreams",
    "demo_tenants",
    "demo_webhook_secrets",
    "open_upstreams",
    "with_transports",
]

# The embedded demo's dataset: big enough to page through, quick to generate.
DEMO_SIZES = {
    "kyc": DEFAULT_KYC_SESSIONS,
    "kyb": DEFAULT_KYB_SESSIONS,
    "kayle": DEFAULT_KAYLE_SESSIONS,
}
# Its two named tenants, each over its own smaller data set.
DEMO_TENANTS = ("acme", "globex")
DEMO_TENANT_SIZES = {"kyc": 120, "kyb": 30, "kayle": 90}
T = TypeVar("T")
_DEMO_URLS = {Provider.DIDIT: "http://didit.demo", Provider.KAYLE: "http://kayle.demo"}


@dataclass(frozen=True)
class Upstreams:
    """One tenant's clients, breakers and cache: nothing here is shared with another."""

    tenant: str
    didit: Upstream | None
    kayle: Upstream | None
    cache: UpstreamCache | None


def _per_provider(settings: Settings, provider: Provider, name: str, shared: T) -> T:
    """`<provider>_<name>` when set, else the shared `upstream_…` value."""
    value: T | None = getattr(settings, f"{provider.value.lower()}_{name}")
    return shared if value is None else value


def _timeout(settings: Settings) -> httpx.Timeout:
    """Per phase; `Upstream` adds the cap on the whole attempt and the request's deadline."""
    return httpx.Timeout(
        settings.upstream_read_timeout_seconds,
        connect=settings.upstream_connect_timeout_seconds,
    )


def _retry(settings: Settings, provider: Provider) -> RetryPolicy:
    return RetryPolicy(
        attempts=_per_provider(
            settings, provider, "retry_attempts", settings.upstream_retry_attempts
        ),
        backoff_base=settings.upstream_retry_backoff_seconds,
        backoff_max=settings.upstream_retry_backoff_max_seconds,
        retry_after_cap=settings.upstream_retry_after_max_seconds,
        budget=settings.upstream_retry_budget,
    )


def _breaker(settings: Settings, provider: Provider, tenant: str) -> CircuitBreaker:
    # The name leads the breaker's and the retries' log lines: they say whose calls.
    name = provider.value.title()
    return CircuitBreaker(
        name if tenant == DEFAULT_TENANT else f"{name} (tenant {tenant})",
        threshold=_per_provider(
            settings, provider, "breaker_threshold", settings.upstream_breaker_threshold
        ),
        cooldown=_per_provider(
            settings,
            provider,
            "breaker_cooldown_seconds",
            settings.upstream_breaker_cooldown_seconds,
        ),
    )


def _limits(settings: Settings) -> httpx.Limits:
    return httpx.Limits(
        max_connections=settings.max_upstream_concurrency,
        max_keepalive_connections=settings.max_upstream_concurrency,
    )


def demo_webhook_secrets(tenant: str) -> tuple[str, str]:
    """Obviously fake, one pair per demo tenant, so a delivery for one tenant fails at
    another's receiver as it would with real accounts."""
    return (
        f"demo-didit-webhook-secret-{tenant}-not-a-secret",
        f"whsec_demo{tenant}notasecret000000000000",
    )


class DemoLoopback:
    """Where the demo's simulators deliver their webhooks: the gateway app itself, in
    process (set once the app exists), at `/webhooks/<provider>/<tenant>`."""

    def __init__(self) -> None:
        self.target: Any = None
        self.hubs: list[Any] = []  # the simulators' deliveries, closed with the app
        # (tenant, provider) → the simulator app, mounted at /demo/<tenant>/<provider>
        self.simulators: dict[tuple[str, str], Any] = {}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self.target is None:  # the app is not up: the simulator retries later
            await send({"type": "http.response.start", "status": 503, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        await self.target(scope, receive, send)

    async def aclose(self) -> None:
        for hub in self.hubs:
            await hub.aclose()


def _demo_transports(
    tenant: str, seed: int, sizes: Mapping[str, int], loopback: DemoLoopback, key: RSAKey
) -> dict[Provider, httpx.AsyncBaseTransport]:
    from idv_gateway.simulators.didit import create_didit_app
    from idv_gateway.simulators.kayle import create_kayle_app

    delivery = httpx.ASGITransport(app=loopback)
    didit_secret, kayle_secret = demo_webhook_secrets(tenant)
    didit = create_didit_app(
        seed=seed,
        sessions=sizes["kyc"],
        business_sessions=sizes["kyb"],
        webhook_url=f"http://gateway.demo/webhooks/didit/{tenant}",
        webhook_secret=didit_secret,
        webhook_transport=delivery,
    )
    kayle = create_kayle_app(
        seed=seed,
        sessions=sizes["kayle"],
        webhook_url=f"http://gateway.demo/webhooks/kayle/{tenant}",
        webhook_secret=kayle_secret,
        webhook_public_jwk=key.as_dict(private=False),
        webhook_key_id="demo-gateway",
        webhook_transport=delivery,
    )
    loopback.hubs += [didit.state.webhooks, kayle.state.webhooks]
    loopback.simulators[(tenant, "didit")] = didit
    loopback.simulators[(tenant, "kayle")] = kayle
    return {
        Provider.DIDIT: httpx.ASGITransport(app=didit),
        Provider.KAYLE: httpx.ASGITransport(app=kayle),
    }


def demo_tenants(
    settings: Settings, loopback: DemoLoopback
) -> list[tuple[TenantConfig, dict[Provider, httpx.AsyncBaseTransport]]]:
    """The embedded demo: `default` for open callers, and `acme` and `globex` (each over
    its own simulated data) to show with two demo tokens that tenants see only their own.
    Their simulators push signed webhooks into the gateway (docs/live.md)."""
    access = {
        Provider.DIDIT: ProviderAccess(
            _DEMO_URLS[Provider.DIDIT], SecretStr(DEFAULT_DIDIT_API_KEY)
        ),
        Provider.KAYLE: ProviderAccess(
            _DEMO_URLS[Provider.KAYLE], SecretStr(DEFAULT_KAYLE_API_KEY)
        ),
    }
    key = RSAKey.generate_key(2048)  # the demo's own, in memory only

    def webhooks(tenant: str) -> WebhookKeys:
        didit, kayle = demo_webhook_secrets(tenant)
        return WebhookKeys(
            didit_secret=SecretStr(didit), kayle_secret=SecretStr(kayle), kayle_private_key=key
        )

    chosen = [(DEFAULT_TENANT, settings.demo_seed, DEMO_SIZES)]
    chosen += [
        (name, settings.demo_seed + offset, DEMO_TENANT_SIZES)
        for offset, name in enumerate(DEMO_TENANTS, start=1)
    ]
    return [
        (
            TenantConfig(name, dict(access), webhooks=webhooks(name)),
            _demo_transports(name, seed, sizes, loopback, key),
        )
        for name, seed, sizes in chosen
    ]


def with_transports(
    tenant: TenantConfig | None, transports: Mapping[Provider, httpx.AsyncBaseTransport]
) -> TenantConfig:
    """Tests and benchmarks: a provider given only a transport gets a placeholder URL."""
    access = dict(tenant.access) if tenant is not None else {}
    for provider in transports:
        access.setdefault(provider, ProviderAccess(_DEMO_URLS[provider], SecretStr("")))
    if tenant is None:
        return TenantConfig(DEFAULT_TENANT, access)
    return dataclasses.replace(tenant, access=access)


async def open_upstreams(
    settings: Settings,
    stack: contextlib.AsyncExitStack,
    tenant: TenantConfig,
    *,
    transports: Mapping[Provider, httpx.AsyncBaseTransport] | None = None,
    metrics: Metrics | None = None,
) -> Upstreams:
    """One tenant's clients, closed by `stack`; a provider the tenant lacks is absent."""
    cache = UpstreamCache(maxsize=settings.cache_max_entries) if settings.cache_enabled else None
    policy = CachePolicy(
        lists=settings.cache_list_ttl_seconds,
        details=settings.cache_detail_ttl_seconds,
        final_details=settings.cache_final_detail_ttl_seconds,
    )
    clients: dict[Provider, Upstream | None] = {}
    for provider in Provider:
        access = tenant.access.get(provider)
        if access is None:
            clients[provider] = None
            continue
        key = access.api_key.get_secret_value()
        headers = (
            {"x-api-key": key} if provider is Provider.DIDIT else {"authorization": f"Bearer {key}"}
        )
        client = httpx.AsyncClient(
            base_url=access.base_url,
            headers=headers,
            timeout=_timeout(settings),
            limits=_limits(settings),
            transport=(transports or {}).get(provider) or _network_transport(settings),
        )
        clients[provider] = Upstream(
            provider=provider,
            client=await stack.enter_async_context(client),
            credential=key,
            cache=cache,
            policy=policy,
            max_concurrency=settings.max_upstream_concurrency,
            timeout=_per_provider(
                settings, provider, "timeout_seconds", settings.upstream_timeout_seconds
            ),
            retry=_retry(settings, provider),
            breaker=_breaker(settings, provider, tenant.id),
            metrics=metrics,
            tenant=tenant.id,
        )
    return Upstreams(
        tenant=tenant.id, didit=clients[Provider.DIDIT], kayle=clients[Provider.KAYLE], cache=cache
    )


def _network_transport(settings: Settings) -> httpx.AsyncBaseTransport | None:
    """aiohttp under httpx costs far less per call under concurrency (docs/benchmarks.md)."""
    if settings.upstream_transport == "httpx":
        return None
    from httpx_aiohttp import AiohttpTransport

    transport: httpx.AsyncBaseTransport = AiohttpTransport(limits=_limits(settings))
    return transport
