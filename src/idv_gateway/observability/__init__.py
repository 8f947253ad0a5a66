"""Metrics (Prometheus), traces (OpenTelemetry, off by default) and structured logs."""

from idv_gateway.observability.logs import configure_logging, current_request_id
from idv_gateway.observability.metrics import Metrics, metrics_response

__all__ = [
    "Metrics",
    "configure_logging",
    "current_request_id",
    "metrics_response",
]
