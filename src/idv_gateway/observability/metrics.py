"""Prometheus metrics of one gateway process.

Counters and histograms are updated where things happen (HTTP middleware, GraphQL
operations, upstream calls); cache and circuit figures are read from the live objects at
scrape time. Each uvicorn worker keeps its own registry: scrape each worker, or run one
worker per container behind a load balancer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.responses import Response

from idv_gateway.config import OPERATION_NAME

__all__ = ["Metrics", "metrics_response"]

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
_OPERATION = OPERATION_NAME  # fullmatch: no trailing newline
_MAX_OPERATIONS = 200  # distinct operation names kept as labels; the rest are "other"


class _LiveCollector(Collector):
    """Cache and circuit-breaker figures, read from whatever is registered when scraped."""

    def __init__(self) -> None:
        self.sources: list[Callable[[], Iterable[Any]]] = []

    def collect(self) -> Iterable[Any]:
        for source in self.sources:
            yield from source()


class Metrics:
    def __init__(self, known_operations: Iterable[str] = ()) -> None:
        # Names the operator expects (its apps' operations): always labels, never crowded
        # out by whatever names callers happened to send first.
        self._known_operations = frozenset(known_operations)
        self.registry = CollectorRegistry()
        self.http_requests = Counter(
            "idv_gateway_http_requests_total",
            "HTTP requests by method, route and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.operations = Counter(
            "idv_gateway_graphql_operations_total",
            "GraphQL operations by operation name and outcome (ok, partial, error).",
            ["operation", "outcome"],
            registry=self.registry,
        )
        self.operation_seconds = Histogram(
            "idv_gateway_graphql_operation_duration_seconds",
            "Time to execute a GraphQL operation.",
            ["operation"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.upstream_calls = Counter(
            "idv_gateway_upstream_requests_total",
            "Upstream HTTP calls by tenant, provider, route template and status (or error kind).",
            ["tenant", "provider", "route", "status"],
            registry=self.registry,
        )
        self.upstream_seconds = Histogram(
            "idv_gateway_upstream_request_duration_seconds",
            "Latency of upstream HTTP calls.",
            ["tenant", "provider", "route"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.refusals = Counter(
            "idv_gateway_edge_refusals_total",
            "Requests refused at the edge, by code (UNAUTHENTICATED, RATE_LIMITED, ...).",
            ["code"],
            registry=self.registry,
        )
        self.audit_written = Counter(
            "idv_gateway_audit_events_written_total",
            "Audit events written to the audit log.",
            registry=self.registry,
        )
        self.audit_dropped = Counter(
            "idv_gateway_audit_events_dropped_total",
            "Audit events that could not be written (queue full or sink failing).",
            registry=self.registry,
        )
        self.tenant_reloads = Counter(
            "idv_gateway_tenants_reloads_total",
            "Re-reads of the tenants file by outcome (applied, unchanged, rejected).",
            ["outcome"],
            registry=self.registry,
        )
        self.webhooks = Counter(
            "idv_gateway_webhooks_total",
            "Provider webhooks received, by outcome (accepted, duplicate, ignored, "
            "bad_signature, missing_signature, stale, undecryptable, bad_body, "
            "not_configured, unknown_receiver).",
            ["provider", "tenant", "outcome"],
            registry=self.registry,
        )
        self.subscriptions = Gauge(
            "idv_gateway_subscriptions_active",
            "GraphQL subscriptions this worker holds (WebSocket and SSE).",
            registry=self.registry,
        )
        self._live = _LiveCollector()
        self.registry.register(self._live)
        self._operation_names: set[str] = set()

    def operation_label(self, name: str | None) -> str:
        """Client-chosen names become labels only while they are few and well-formed."""
        if name is None:
            return "anonymous"
        if not isinstance(name, str) or not _OPERATION.fullmatch(name):
            return "invalid"
        if name in self._known_operations:
            return name
        if name not in self._operation_names and len(self._operation_names) >= _MAX_OPERATIONS:
            return "other"
        self._operation_names.add(name)
        return name

    def watch_caches(self, caches: Callable[[], dict[str, Any]]) -> None:
        """Hits, misses, coalesced calls and entries of each tenant's `UpstreamCache`."""

        def collect() -> Iterable[Any]:
            current = caches()
            for name, help_text, attribute in (
                ("hits", "Upstream answers served from the cache.", "hits"),
                ("misses", "Upstream calls the cache had to make.", "misses"),
                ("coalesced", "Calls that joined an identical call in flight.", "coalesced"),
            ):
                family = CounterMetricFamily(
                    f"idv_gateway_cache_{name}", help_text, labels=["tenant"]
                )
                for tenant, cache in current.items():
                    family.add_metric([tenant], getattr(cache, attribute))
                yield family
            entries = GaugeMetricFamily(
                "idv_gateway_cache_entries", "Entries in the cache.", labels=["tenant"]
            )
            for tenant, cache in current.items():
                entries.add_metric([tenant], len(cache))
            yield entries

        self._live.sources.append(collect)

    def watch_circuits(self, states: Callable[[], dict[tuple[str, str], int]]) -> None:
        """Circuit state per tenant and provider: 0 closed, 1 half-open, 2 open."""

        def collect() -> Iterable[Any]:
            family = GaugeMetricFamily(
                "idv_gateway_circuit_state",
                "Circuit breaker state per tenant and provider (0 closed, 1 half-open, 2 open).",
                labels=["tenant", "provider"],
            )
            for (tenant, provider), state in states().items():
                family.add_metric([tenant, provider], state)
            yield family

        self._live.sources.append(collect)


def metrics_response(metrics: Metrics) -> Response:
    return Response(
        generate_latest(metrics.registry), media_type="text/plain; version=0.0.4; charset=utf-8"
    )
