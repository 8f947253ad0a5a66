"""Prometheus `/metrics`: what the gateway counts, scraped and parsed like Prometheus does."""

from __future__ import annotations

from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.gateway.queries import SESSIONS
from tests.harness import Harness

DOCS_SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "metrics-sample.txt"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def value(
    scraped: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str
) -> float:
    return scraped.get((name, tuple(sorted(labels.items()))), 0.0)


async def scrape(harness: Harness) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await harness.gateway.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return samples(response.text)


async def test_operations_upstream_calls_and_cache_are_counted(harness: Harness) -> None:
    await harness.data("query Feed { sessions(first: 5) { edges { node { id } } } }")
    await harness.data("query Feed { sessions(first: 5) { edges { node { id } } } }")
    await harness.query("query Broken { sessions(first: 0) { totalCount } }")
    scraped = await scrape(harness)
    assert (
        value(scraped, "idv_gateway_graphql_operations_total", operation="Feed", outcome="ok") == 2
    )
    assert (
        value(scraped, "idv_gateway_graphql_operations_total", operation="Broken", outcome="error")
        == 1
    )
    assert (
        value(scraped, "idv_gateway_graphql_operation_duration_seconds_count", operation="Feed")
        == 2
    )
    assert (
        value(
            scraped,
            "idv_gateway_upstream_requests_total",
            tenant="default",
            provider="DIDIT",
            route="GET /v3/sessions/",
            status="200",
        )
        >= 2
    )
    # the second Feed was cached
    assert value(scraped, "idv_gateway_cache_hits_total", tenant="default") >= 2
    assert value(scraped, "idv_gateway_cache_misses_total", tenant="default") >= 3
    assert (
        value(
            scraped,
            "idv_gateway_http_requests_total",
            method="POST",
            route="/graphql",
            status="200",
        )
        == 3
    )
    for provider in ("DIDIT", "KAYLE"):
        assert value(scraped, "idv_gateway_circuit_state", tenant="default", provider=provider) == 0


@pytest.mark.parametrize("gateway_overrides", [{"cache_enabled": False}])
async def test_a_failing_provider_shows_as_partial_and_in_upstream_errors(harness: Harness) -> None:
    await harness.kayle.post("/_sim/faults", json={"route": "*", "mode": "status", "status": 503})
    body = await harness.query(SESSIONS, {"first": 5})
    assert body["errors"]
    scraped = await scrape(harness)
    assert (
        value(scraped, "idv_gateway_graphql_operations_total", operation="Page", outcome="partial")
        == 1
    )
    assert (
        value(
            scraped,
            "idv_gateway_upstream_requests_total",
            tenant="default",
            provider="KAYLE",
            route="GET /v1/sessions",
            status="503",
        )
        >= 1
    )


def test_the_documented_sample_parses() -> None:
    """docs/metrics-sample.txt is real scrape output; Prometheus' own parser reads it."""
    scraped = samples(DOCS_SAMPLE.read_text())
    names = {name for name, _ in scraped}
    for expected in (
        "idv_gateway_graphql_operations_total",
        "idv_gateway_graphql_operation_duration_seconds_bucket",
        "idv_gateway_upstream_requests_total",
        "idv_gateway_upstream_request_duration_seconds_bucket",
        "idv_gateway_cache_hits_total",
        "idv_gateway_cache_coalesced_total",
        "idv_gateway_circuit_state",
        "idv_gateway_http_requests_total",
    ):
        assert expected in names, expected
