"""One long-lived HTTP client per provider, from settings (or the embedded demo)."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

import httpx
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
from idv_gateway.tenants_file import DEFAULT_TENANT, ProviderAccess, TenantConfig

__all__ = [
    "DEMO_SIZES",
    "DEMO_TENANTS",
    "DEMO_TENANT_SIZES",
    "Upstreams",
    "demo_tenants",
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


def _demo_transports(
    seed: int, sizes: Mapping[str, int]
) -> dict[Provider, httpx.AsyncBaseTransport]:
    from idv_gateway.simulators.didit import create_didit_app
    from idv_gateway.simulators.kayle import create_kayle_app

    didit = create_didit_app(seed=seed, sessions=sizes["kyc"], business_sessions=sizes["kyb"])
    kayle = create_kayle_app(seed=seed, sessions=sizes["kayle"])
    return {
        Provider.DIDIT: httpx.ASGITransport(app=didit),
        Provider.KAYLE: httpx.ASGITransport(app=kayle),
    }


def demo_tenants(
    settings: Settings,
) -> list[tuple[TenantConfig, dict[Provider, httpx.AsyncBaseTransport]]]:
    """The embedded demo: `default` for open callers, and `acme` and `globex` (each over
    its own simulated data) to show with two demo tokens that tenants see only their own."""
    access = {
        Provider.DIDIT: ProviderAccess(
            _DEMO_URLS[Provider.DIDIT], SecretStr(DEFAULT_DIDIT_API_KEY)
        ),
        Provider.KAYLE: ProviderAccess(
            _DEMO_URLS[Provider.KAYLE], SecretStr(DEFAULT_KAYLE_API_KEY)
        ),
    }
    chosen = [(DEFAULT_TENANT, settings.demo_seed, DEMO_SIZES)]
    chosen += [
        (name, settings.demo_seed + offset, DEMO_TENANT_SIZES)
        for offset, name in enumerate(DEMO_TENANTS, start=1)
    ]
    return [
        (TenantConfig(name, dict(access)), _demo_transports(seed, sizes))
        for name, seed, sizes in chosen
    ]


def with_transports(
    tenant: TenantConfig | None, transports: Mapping[Provider, httpx.AsyncBaseTransport]
) -> TenantConfig:
    """Tests and benchmarks: a provider given only a transport gets a placeholder URL."""
    access = dict(tenant.access) if tenant is not None else {}
    for provider in transports:
        access.setdefault(provider, ProviderAccess(_DEMO_URLS[provider], SecretStr("")))
    return TenantConfig(DEFAULT_TENANT if tenant is None else tenant.id, access)


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
