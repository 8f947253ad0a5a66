"""A Strawberry extension that measures and traces every GraphQL operation."""

from __future__ import annotations

import time
from collections.abc import Iterator

from opentelemetry import trace
from strawberry.extensions import SchemaExtension

from idv_gateway.observability.metrics import Metrics

__all__ = ["OperationObserver"]

tracer = trace.get_tracer("idv_gateway")


class OperationObserver(SchemaExtension):
    """Counts operations by name and outcome (ok, partial, error) and times them."""

    def __init__(self, *, metrics: Metrics) -> None:
        self.metrics = metrics

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        started = time.perf_counter()
        with tracer.start_as_current_span("graphql.operation") as span:
            yield
            name = self.metrics.operation_label(context.operation_name)
            result = context.result
            partial = getattr(context.context, "partial_errors", None)
            if result is None or result.data is None:
                outcome = "error"
            elif result.errors or partial:
                outcome = "partial"
            else:
                outcome = "ok"
            span.set_attribute("graphql.operation.name", name)
            span.set_attribute("graphql.operation.outcome", outcome)
        self.metrics.operations.labels(name, outcome).inc()
        self.metrics.operation_seconds.labels(name).observe(time.perf_counter() - started)
