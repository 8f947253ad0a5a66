"""Per-client limits: requests and upstream calls per minute (docs/security.md).

One client must not spend every other client's share of the gateway, or of the
providers' own rate limits. Counts are a sliding window over the current and the
previous minute (the previous minute's count weighted by how much of it the window
still covers), which never lets a client burst to twice its limit at a minute boundary
the way fixed windows do. `ClientLimiter` is the port: in-process here, one per worker;
a shared backend implements the same three calls.
"""

from __future__ import annotations

import contextvars
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

__all__ = [
    "ClientLimiter",
    "SlidingWindowLimiter",
    "charge_upstream_call",
    "upstream_budget",
]

WINDOW_SECONDS = 60.0
MAX_CLIENTS = 100_000  # distinct clients remembered per worker; the oldest go first


class ClientLimiter(Protocol):
    def wait(self, client: str) -> float | None:
        """Seconds until `client` is under its limit again, or None when it is now."""

    def charge(self, client: str, amount: int = 1) -> None: ...

    def take(self, client: str) -> float | None:
        """`wait`, and when None, `charge` one."""


@dataclass(slots=True)
class _Window:
    start: float
    current: int = 0
    previous: int = 0


class SlidingWindowLimiter:
    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._windows: dict[str, _Window] = {}

    def _window(self, client: str) -> tuple[_Window, float]:
        now = self._clock()
        window = self._windows.get(client)
        if window is None:
            if len(self._windows) >= MAX_CLIENTS:
                self._windows.pop(next(iter(self._windows)))
            window = self._windows[client] = _Window(start=now)
        elapsed = now - window.start
        if elapsed >= WINDOW_SECONDS:
            periods = int(elapsed // WINDOW_SECONDS)
            window.previous = window.current if periods == 1 else 0
            window.current = 0
            window.start += periods * WINDOW_SECONDS
            elapsed = now - window.start
        return window, elapsed

    def _count(self, window: _Window, elapsed: float) -> float:
        return window.current + window.previous * (1 - elapsed / WINDOW_SECONDS)

    def wait(self, client: str) -> float | None:
        if self.per_minute <= 0:
            return None
        window, elapsed = self._window(client)
        if self._count(window, elapsed) < self.per_minute:
            return None
        # Over: the previous minute's weight must fall by the excess (or the minute end).
        excess = self._count(window, elapsed) - self.per_minute + 1
        if window.previous > 0 and excess <= window.previous:
            seconds = excess / window.previous * WINDOW_SECONDS
        else:
            seconds = WINDOW_SECONDS - elapsed
        return max(1.0, math.ceil(min(seconds, WINDOW_SECONDS)))

    def charge(self, client: str, amount: int = 1) -> None:
        if self.per_minute > 0:
            window, _ = self._window(client)
            window.current += amount

    def take(self, client: str) -> float | None:
        wait = self.wait(client)
        if wait is None:
            self.charge(client)
        return wait


# The client and limiter that upstream calls made by the current request are charged to;
# set by the edge for each request (contextvars follow the request's tasks).
_UPSTREAM_BUDGET: contextvars.ContextVar[tuple[ClientLimiter, str] | None] = contextvars.ContextVar(
    "idv_gateway_upstream_budget", default=None
)


def upstream_budget(
    limiter: ClientLimiter, client: str
) -> contextvars.Token[tuple[ClientLimiter, str] | None]:
    return _UPSTREAM_BUDGET.set((limiter, client))


def charge_upstream_call() -> None:
    budget = _UPSTREAM_BUDGET.get()
    if budget is not None:
        budget[0].charge(budget[1])
