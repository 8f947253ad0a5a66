"""OpenTelemetry set-up. Off by default: the API's no-op tracer then costs next to nothing."""

from __future__ import annotations

from typing import Literal

from opentelemetry import trace

__all__ = ["configure_tracing"]

_configured = False


def configure_tracing(
    exporter: Literal["none", "console", "otlp"], *, endpoint: str | None = None
) -> None:
    """Install a tracer provider for this process once; spans name the operation and calls."""
    global _configured
    if exporter == "none" or _configured:
        return
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import (
        BatchSpanProcessor,
        ConsoleSpanExporter,
        SpanExporter,
    )

    span_exporter: SpanExporter
    if exporter == "console":
        span_exporter = ConsoleSpanExporter()
    else:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        span_exporter = OTLPSpanExporter(endpoint=endpoint) if endpoint else OTLPSpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": "idv-gateway"}))
    provider.add_span_processor(BatchSpanProcessor(span_exporter))
    trace.set_tracer_provider(provider)
    _configured = True
