"""Shared upstream cache: awaited results with per-entry TTLs, and in-flight coalescing.

Only awaited values are stored, never coroutines and never exceptions. Concurrent
callers asking for the same key while a fetch runs share that one fetch (it runs as its
own task, so a caller that goes away does not cancel it for the others). Keys are built
by `providers._upstream` and always include the provider and a fingerprint of the
credential, so two credentials never share an entry.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from cachetools import TLRUCache

__all__ = ["UpstreamCache"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _Entry:
    value: Any
    ttl: float


def _expiry(_key: Hashable, entry: _Entry, now: float) -> float:
    return now + entry.ttl


class UpstreamCache:
    def __init__(
        self, *, maxsize: int, store: bool = True, timer: Callable[[], float] = time.monotonic
    ) -> None:
        self._entries: TLRUCache[Hashable, _Entry] = TLRUCache(maxsize, ttu=_expiry, timer=timer)
        self._inflight: dict[Hashable, asyncio.Task[Any]] = {}
        self._stale: set[asyncio.Task[Any]] = set()  # evicted while running: not stored
        self._store = store
        self.hits = 0
        self.misses = 0
        self.coalesced = 0

    async def get_or_fetch(
        self,
        key: Hashable,
        fetch: Callable[[], Awaitable[T]],
        ttl: Callable[[T], float],
        *,
        fresh: bool = False,
    ) -> T:
        """The cached value, the result of a fetch already running, or a new fetch.

        `fresh` ignores a stored value; a fetch already running started no earlier than
        the caller's request, so it is joined."""
        entry = self._entries.get(key) if self._store and not fresh else None
        if entry is not None:
            self.hits += 1
            value: T = entry.value
            return value
        task = self._inflight.get(key)
        if task is None:
            self.misses += 1
            task = asyncio.ensure_future(fetch())
            self._inflight[key] = task
            task.add_done_callback(lambda done: self._settle(key, done, ttl))
        else:
            self.coalesced += 1
        result: T = await asyncio.shield(task)
        return result

    def _settle(self, key: Hashable, task: asyncio.Task[Any], ttl: Callable[[Any], float]) -> None:
        if self._inflight.get(key) is task:
            del self._inflight[key]
        if task in self._stale:
            self._stale.discard(task)
            return  # started before an eviction: its answer may predate the change
        if task.cancelled() or task.exception() is not None:
            return  # failures are never cached; every waiter got the exception
        seconds = ttl(task.result())
        if self._store and seconds > 0:
            self._entries[key] = _Entry(task.result(), seconds)

    def evict(self, match: Callable[[Hashable], bool]) -> int:
        """Forgets every entry whose key `match`es, and detaches fetches of such keys
        already running, so the next read starts a fresh one; returns how many."""
        stored = [key for key in list(self._entries.keys()) if match(key)]
        for key in stored:
            self._entries.pop(key, None)
        running = [key for key in self._inflight if match(key)]
        for key in running:
            self._stale.add(self._inflight.pop(key))
        return len(stored) + len(running)

    def __len__(self) -> int:
        return len(self._entries)
