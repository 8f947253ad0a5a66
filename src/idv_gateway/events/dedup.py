"""Webhook deduplication: providers deliver at least once, and retry for a long time.

Kayle retries a delivery for about 27 hours (0 s, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
10 h), Didit for 5 minutes; an event id is remembered for `window_seconds` (28 h by
default) so any retry is recognised. Memory is bounded: past `max_entries` the oldest
ids are forgotten first (and the count of those is kept, for the metrics).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

__all__ = ["DEFAULT_WINDOW_SECONDS", "Deduplicator", "InProcessDeduplicator"]

DEFAULT_WINDOW_SECONDS = 28 * 3600
DEFAULT_MAX_ENTRIES = 200_000  # ids of ~50 bytes: ~20 MB at the very worst


class Deduplicator(Protocol):
    async def first_seen(self, event_id: str) -> bool: ...


class InProcessDeduplicator:
    def __init__(
        self,
        *,
        window_seconds: float = DEFAULT_WINDOW_SECONDS,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._window = window_seconds
        self._max = max_entries
        self._clock = clock
        self.evicted_early = 0  # forgotten before their window ended (memory bound)

    async def first_seen(self, event_id: str) -> bool:
        """True the first time `event_id` arrives within the window; False for a replay."""
        now = self._clock()
        self._expire(now)
        if event_id in self._seen:
            return False
        self._seen[event_id] = now + self._window
        if len(self._seen) > self._max:
            self._seen.popitem(last=False)
            self.evicted_early += 1
        return True

    def _expire(self, now: float) -> None:
        while self._seen:
            oldest, expires = next(iter(self._seen.items()))
            if expires > now:
                return
            del self._seen[oldest]

    def __len__(self) -> int:
        return len(self._seen)
