"""Which failed upstream calls are retried, and after how long.

Only idempotent calls are retried (every upstream call of the gateway is a GET), and only
on failures that another attempt can fix: connection errors, 502/503/504 and 429 (the
error's `transient` flag, set in `providers._http`). Backoff is exponential with jitter,
so many gateway workers do not retry in step. A 429's `Retry-After` is honoured when it
is within `retry_after_cap`; a longer one fails at once with `PROVIDER_RATE_LIMITED`, and
the client sees `retryAfterSeconds`: waiting it out would only hold the client.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from idv_gateway.errors import ProviderError, ProviderRateLimited

__all__ = ["RetryPolicy", "retry_delay"]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 3  # per upstream call, the first included
    backoff_base: float = 0.1  # seconds before the first retry (then doubled)
    backoff_max: float = 1.0
    retry_after_cap: float = 2.0  # the longest `Retry-After` the gateway waits out
    budget: int = 10  # retries per GraphQL request and provider


def retry_delay(
    policy: RetryPolicy, error: ProviderError, attempt: int, rng: random.Random | None = None
) -> float | None:
    """Seconds to wait before retrying after `attempt` (0-based) failed; None: give up."""
    if attempt + 1 >= policy.attempts or not error.transient:
        return None
    if isinstance(error, ProviderRateLimited) and error.retry_after is not None:
        return error.retry_after if error.retry_after <= policy.retry_after_cap else None
    ceiling = min(policy.backoff_max, policy.backoff_base * 2.0**attempt)
    # "Equal jitter": at least half the backoff, so retries never come back-to-back.
    jitter: float = (rng or random).uniform(0, ceiling / 2)
    return ceiling / 2 + jitter
