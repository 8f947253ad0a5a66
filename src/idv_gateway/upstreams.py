"""One long-lived HTTP client per provider, from settings (or the embedded demo)."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

import httpx

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

__all__ = ["DEMO_SIZES", "Upstreams", "open_upstreams"]

# The embedded demo's dataset: big enough to page through, quick to generate.
DEMO_SIZES = {
    "kyc": DEFAULT_KYC_SESSIONS,
    "kyb": DEFAULT_KYB_SESSIONS,
    "kayle": DEFAULT_KAYLE_SESSIONS,
}
T = TypeVar("T")
_DEMO_URLS = {Provider.DIDIT: "http://didit.demo", Provider.KAYLE: "http://kayle.demo"}


@dataclass(frozen=True)
class Upstreams:
    didit: Upstream | None
    kayle: Upstream | None
    cache: UpstreamCache | None
    demo: bool


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


def _breaker(settings: Settings, provider: Provider) -> CircuitBreaker:
    return CircuitBreaker(
        provider.value.title(),
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


def _demo_transports(settings: Settings) -> dict[Provider, httpx.AsyncBaseTransport]:
    from idv_gateway.simulators.didit import create_didit_app
    from idv_gateway.simulators.kayle import create_kayle_app

    didit = create_didit_app(
        seed=settings.demo_seed,
        sessions=DEMO_SIZES["kyc"],
        business_sessions=DEMO_SIZES["kyb"],
    )
    kayle = create_kayle_app(seed=settings.demo_seed, sessions=DEMO_SIZES["kayle"])
    return {
        Provider.DIDIT: httpx.ASGITransport(app=didit),
        Provider.KAYLE: httpx.ASGITransport(app=kayle),
    }


async def open_upstreams(
    settings: Settings,
    stack: contextlib.AsyncExitStack,
    transports: Mapping[Provider, httpx.AsyncBaseTransport] | None = None,
    metrics: Metrics | None = None,
) -> Upstreams:
    """Clients are closed by `stack`; a provider with no base URL and no transport is absent."""
    demo = settings.demo_mode and not transports
    chosen = dict(transports or {})
    urls = {Provider.DIDIT: settings.didit_base_url, Provider.KAYLE: settings.kayle_base_url}
    keys = {
        Provider.DIDIT: settings.didit_api_key.get_secret_value() if settings.didit_api_key else "",
        Provider.KAYLE: settings.kayle_api_key.get_secret_value() if settings.kayle_api_key else "",
    }
    if demo:
        chosen = _demo_transports(settings)
        urls = dict(_DEMO_URLS)
        keys = {Provider.DIDIT: DEFAULT_DIDIT_API_KEY, Provider.KAYLE: DEFAULT_KAYLE_API_KEY}

    cache = UpstreamCache(maxsize=settings.cache_max_entries) if settings.cache_enabled else None
    policy = CachePolicy(
        lists=settings.cache_list_ttl_seconds,
        details=settings.cache_detail_ttl_seconds,
        final_details=settings.cache_final_detail_ttl_seconds,
    )
    clients: dict[Provider, Upstream | None] = {}
    for provider in Provider:
        url = urls[provider] or (_DEMO_URLS[provider] if provider in chosen else None)
        if url is None:
            clients[provider] = None
            continue
        headers = (
            {"x-api-key": keys[provider]}
            if provider is Provider.DIDIT
            else {"authorization": f"Bearer {keys[provider]}"}
        )
        client = httpx.AsyncClient(
            base_url=url,
            headers=headers,
            timeout=_timeout(settings),
            limits=_limits(settings),
            transport=chosen.get(provider) or _network_transport(settings),
        )
        clients[provider] = Upstream(
            provider=provider,
            client=await stack.enter_async_context(client),
            credential=keys[provider],
            cache=cache,
            policy=policy,
            max_concurrency=settings.max_upstream_concurrency,
            timeout=_per_provider(
                settings, provider, "timeout_seconds", settings.upstream_timeout_seconds
            ),
            retry=_retry(settings, provider),
            breaker=_breaker(settings, provider),
            metrics=metrics,
        )
    return Upstreams(
        didit=clients[Provider.DIDIT], kayle=clients[Provider.KAYLE], cache=cache, demo=demo
    )


def _network_transport(settings: Settings) -> httpx.AsyncBaseTransport | None:
    """aiohttp under httpx costs far less per call under concurrency (docs/benchmarks.md)."""
    if settings.upstream_transport == "httpx":
        return None
    from httpx_aiohttp import AiohttpTransport

    transport: httpx.AsyncBaseTransport = AiohttpTransport(limits=_limits(settings))
    return transport
