"""What earlier first pages learned about each upstream list, to size the next first page.

A first page has no cursor, so nothing says how dense each source is or where its newest
rows are; without a hint Kayle needs a sampling call before its window call (two round
trips). Hints only size reads: a wrong or stale hint costs a request, never a row.

A plan (the hints a first page reads with) is kept while the answers it produced can
still be in the shared cache, so the same first page asked again makes the same
upstream requests and is served from the cache; only then does it move to what was
learned since.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field

from cachetools import LRUCache

from idv_gateway.domain import SessionSource

__all__ = ["FirstPageHints", "Hint"]


@dataclass(frozen=True, slots=True)
class Hint:
    density: float | None  # rows per second of creation time
    newest_us: int | None  # creation time of the newest row seen


@dataclass(slots=True)
class _Entry:
    plan: dict[SessionSource, Hint]
    planned_at: float
    learned: dict[SessionSource, Hint] = field(default_factory=dict)


class FirstPageHints:
    def __init__(
        self,
        *,
        reuse_seconds: float,
        maxsize: int = 1024,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self._reuse = reuse_seconds
        self._timer = timer
        self._entries: LRUCache[Hashable, _Entry] = LRUCache(maxsize)

    def plan(self, key: Hashable) -> Mapping[SessionSource, Hint]:
        """The hints a first page of `key` reads with (empty: read without any)."""
        entry = self._entries.get(key)
        if entry is None:
            return {}
        now = self._timer()
        if now - entry.planned_at >= self._reuse and entry.learned != entry.plan:
            entry.plan, entry.planned_at = dict(entry.learned), now
        return entry.plan

    def learn(self, key: Hashable, source: SessionSource, hint: Hint) -> None:
        if hint.density is None and hint.newest_us is None:
            return
        entry = self._entries.get(key)
        if entry is None:
            entry = self._entries[key] = _Entry(plan={}, planned_at=self._timer())
        previous = entry.learned.get(source)
        if previous is not None and previous.density and hint.density:
            # One page's sample is small: average it with what was known.
            hint = Hint(density=(previous.density + hint.density) / 2, newest_us=hint.newest_us)
        entry.learned[source] = hint
