"""One deadline per GraphQL request, seen by every upstream call the request makes.

The context getter starts it; `Upstream` reads it to cap each attempt's timeout, to wait
for a connection slot no longer than what is left, and to stop retrying past it. It also
holds the request's retry budget per provider, so a page that fans out to a hundred
calls against a failing provider makes a bounded number of retries, not three hundred.
Tasks started by the request (DataLoader batches, coalesced fetches) inherit it, as
context variables do.
"""

from __future__ import annotations

import time
from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass, field

from idv_gateway.domain import Provider

__all__ = ["DEFAULT_DEADLINE_SECONDS", "Deadline", "current_deadline", "start_deadline"]

DEFAULT_DEADLINE_SECONDS = 10.0


@dataclass
class Deadline:
    expires_at: float  # time.monotonic()
    retries: Counter[Provider] = field(default_factory=Counter)

    def remaining(self) -> float:
        return self.expires_at - time.monotonic()

    def take_retry(self, provider: Provider, budget: int) -> bool:
        """Spend one of the request's `budget` retries against `provider`, if any is left."""
        if self.retries[provider] >= budget:
            return False
        self.retries[provider] += 1
        return True


_current: ContextVar[Deadline | None] = ContextVar("idv_gateway_deadline", default=None)


def start_deadline(seconds: float) -> Deadline:
    """Start the current request's deadline (replacing any earlier one in this context)."""
    deadline = Deadline(time.monotonic() + seconds)
    _current.set(deadline)
    return deadline


def current_deadline() -> Deadline | None:
    """The deadline of the GraphQL request being served; None outside of one."""
    return _current.get()
