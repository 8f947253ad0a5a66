"""How the gateway treats slow, failing and rate-limited providers (docs/errors.md).

`deadline`: one deadline and retry budget per GraphQL request, read by every upstream
call it makes. `retry`: which failures are retried, and after how long. `breaker`: a
circuit breaker per provider, so a dead provider costs nothing per request.
"""

from idv_gateway.resilience.breaker import CircuitBreaker
from idv_gateway.resilience.deadline import (
    DEFAULT_DEADLINE_SECONDS,
    Deadline,
    current_deadline,
    start_deadline,
)
from idv_gateway.resilience.retry import RetryPolicy, retry_delay

__all__ = [
    "DEFAULT_DEADLINE_SECONDS",
    "CircuitBreaker",
    "Deadline",
    "RetryPolicy",
    "current_deadline",
    "retry_delay",
    "start_deadline",
]
