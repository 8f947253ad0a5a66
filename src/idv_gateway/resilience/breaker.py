"""A circuit breaker per provider: a dead provider costs nothing per request.

Closed: calls go through; `threshold` consecutive failed calls (after their retries)
open it. Open: calls fail at once with `PROVIDER_UNAVAILABLE` (retryable, with
`retryAfterSeconds`) until `cooldown` has passed. Half-open: one call at a time probes
the provider, with a single attempt (no retries); a success closes the breaker, a failure
opens it for another cool-down.
Only failures that say the provider is unhealthy count (connection errors, timeouts,
5xx); an answer of any kind (4xx, 429, a bad body) shows it is up.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

__all__ = ["BreakerState", "CircuitBreaker", "Permit"]

logger = logging.getLogger("idv_gateway.resilience")


class BreakerState(Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half-open"


@dataclass(frozen=True, slots=True)
class Permit:
    """Leave to make one call; `probe` when it is the half-open state's single probe."""

    probe: bool


class CircuitBreaker:
    def __init__(
        self,
        name: str,
        *,
        threshold: int = 5,
        cooldown: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.threshold = threshold
        self.cooldown = cooldown
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._probing or self.retry_in() <= 0:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    def retry_in(self) -> float:
        """Seconds until a probe may go (0 when closed or already due)."""
        if self._opened_at is None:
            return 0.0
        return max(0.0, self._opened_at + self.cooldown - self._clock())

    def allow(self) -> Permit | None:
        """A permit for one call, or None: fail fast. Every permit ends in one verdict."""
        if self._opened_at is None:
            return Permit(probe=False)
        if self._probing or self.retry_in() > 0:
            return None
        self._probing = True
        return Permit(probe=True)

    def success(self, permit: Permit) -> None:
        """The provider answered: any answer closes the breaker."""
        del permit
        if self._opened_at is not None:
            logger.warning("%s: circuit closed, the provider answers again", self.name)
        self._failures = 0
        self._opened_at = None
        self._probing = False

    def failure(self, permit: Permit) -> None:
        """The call failed in a way that says the provider is unhealthy."""
        self._failures += 1
        if permit.probe:
            self._probing = False
        if permit.probe or (self._opened_at is None and self._failures >= self.threshold):
            self._opened_at = self._clock()
            logger.warning(
                "%s: circuit open after %d consecutive failed calls; calls paused for %g s",
                self.name,
                self._failures,
                self.cooldown,
            )

    def release(self, permit: Permit) -> None:
        """The call ended without a verdict (cancelled, out of time): free the probe slot."""
        if permit.probe:
            self._probing = False
