"""Request ids, structured logs and OpenTelemetry spans."""

from __future__ import annotations

import json
import logging

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from idv_gateway.observability.logs import REQUEST_ID, JsonFormatter, RepeatLimit
from tests.harness import Harness

_EXPORTER = InMemorySpanExporter()


def _install_tracer() -> None:
    """One in-memory tracer provider for this test process (OpenTelemetry allows one)."""
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(_EXPORTER))
        trace.set_tracer_provider(provider)


async def test_every_response_carries_a_request_id(harness: Harness) -> None:
    fresh = await harness.gateway.post("/graphql", json={"query": "{ __typename }"})
    assert len(fresh.headers["x-request-id"]) == 32
    kept = await harness.gateway.get("/healthz", headers={"x-request-id": "trace-abc.123"})
    assert kept.headers["x-request-id"] == "trace-abc.123"
    replaced = await harness.gateway.get("/healthz", headers={"x-request-id": "a b\nc"})
    assert replaced.headers["x-request-id"] != "a b\nc"


def test_log_lines_are_json_with_the_request_id() -> None:
    record = logging.makeLogRecord(
        {
            "name": "idv_gateway.access",
            "levelname": "INFO",
            "msg": "%s %s",
            "args": ("GET", "/x"),
            "status": 200,
        }
    )
    token = REQUEST_ID.set("req-1")
    try:
        line = json.loads(JsonFormatter().format(record))
    finally:
        REQUEST_ID.reset(token)
    assert line["message"] == "GET /x"
    assert line["request_id"] == "req-1"
    assert line["status"] == 200
    assert line["level"] == "info"


async def test_access_log_names_the_request(harness: Harness, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="idv_gateway.access"):
        response = await harness.gateway.get("/healthz")
    [record] = [r for r in caplog.records if r.name == "idv_gateway.access"]
    assert record.status == 200
    assert record.route == "/healthz"
    assert response.headers["x-request-id"]


async def test_spans_cover_the_operation_and_each_upstream_call(harness: Harness) -> None:
    _install_tracer()
    _EXPORTER.clear()
    await harness.data("query Feed { kycSessions(first: 3) { edges { node { id } } } }")
    spans = _EXPORTER.get_finished_spans()
    names = [span.name for span in spans]
    assert "graphql.operation" in names
    upstream = [s for s in spans if s.name == "GET /v3/sessions/"]
    assert upstream
    operation = next(s for s in spans if s.name == "graphql.operation")
    assert dict(operation.attributes or {})["graphql.operation.name"] == "Feed"
    assert dict(upstream[0].attributes or {})["idv.provider"] == "DIDIT"
    assert upstream[0].parent is not None
    assert upstream[0].parent.span_id == operation.context.span_id


async def test_no_span_holds_the_query_string_or_a_variable(harness: Harness) -> None:
    _install_tracer()
    _EXPORTER.clear()
    name = "Ingrid Marta Solberg"
    response = await harness.gateway.get(
        "/graphql",
        params={
            "query": "query Q($s: String) "
            "{ kycSessions(first: 1, filter: {search: $s}) { totalCount } }",
            "variables": '{"s": "' + name + '"}',
        },
    )
    assert response.status_code == 200, response.text
    spans = _EXPORTER.get_finished_spans()
    assert spans
    for span in spans:
        attributes = dict(span.attributes or {})
        assert "url.query" not in attributes, span.name
        assert not any(name in str(value) for value in attributes.values()), span.name
        assert name not in span.name


async def test_unknown_methods_fold_into_one_metric_label(harness: Harness) -> None:
    for method in ("BREW", "PROPFIND", "X" * 40):
        await harness.gateway.request(method, "/graphql")
    metrics = (await harness.gateway.get("/metrics")).text
    assert 'method="OTHER"' in metrics
    assert "BREW" not in metrics and "PROPFIND" not in metrics


def test_a_line_repeated_thousands_of_times_is_written_a_bounded_number_of_times() -> None:
    limit = RepeatLimit(burst=20, window_seconds=60.0)
    template = "socket.accept() out of system resource"
    records = [logging.makeLogRecord({"name": "asyncio", "msg": template}) for _ in range(5000)]
    written = [r for r in records if limit.filter(r)]
    assert len(written) == 20
    other = logging.makeLogRecord({"name": "idv_gateway", "msg": "something else"})
    assert limit.filter(other)  # other lines are unaffected
    limit.window_seconds = 0.0  # the next window: the count of what was dropped is told
    after = logging.makeLogRecord({"name": "asyncio", "msg": template})
    assert limit.filter(after)
    assert vars(after)["repeats_not_logged"] == 4980


def test_known_operation_names_are_never_crowded_out() -> None:
    from idv_gateway.observability.metrics import Metrics

    metrics = Metrics(known_operations=["Dashboard"])
    for number in range(500):  # a caller inventing names fills the first-come labels
        metrics.operation_label(f"Junk{number}")
    assert metrics.operation_label("Junk499") == "other"
    assert metrics.operation_label("Dashboard") == "Dashboard"
    assert metrics.operation_label("Dashboard\n") == "invalid"


def test_an_invalid_operation_name_setting_stops_start_up() -> None:
    import pytest
    from pydantic import ValidationError

    from idv_gateway.config import Settings

    with pytest.raises(ValidationError, match="not a GraphQL operation name"):
        Settings(metric_operation_names="Dashboard, not-a-name")
    assert Settings(metric_operation_names=" A, B_2 ,").known_operations() == ["A", "B_2"]
