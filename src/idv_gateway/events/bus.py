"""Publish/subscribe for session events, one bus per tenant.

A subscriber owns a bounded queue. Publishing never waits for a subscriber: one that
falls `max_queued` events behind is cut off (`SubscriberGone("too slow")`) instead of
growing the gateway's memory or slowing every other subscriber down. Delivery is best
effort and in order per subscriber; there is no replay (a client re-queries after a
reconnect, docs/live.md).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Protocol

from idv_gateway.domain.events import SessionEvent

__all__ = ["EventBus", "InProcessBus", "SubscriberGone", "Subscription"]

DEFAULT_MAX_QUEUED = 256


class SubscriberGone(Exception):
    """The stream ended on the gateway's side; `reason` says why, for the client."""

    def __init__(self, reason: str, *, code: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code  # TOO_SLOW or TENANT_REMOVED


class Subscription(Protocol):
    def __aiter__(self) -> AsyncIterator[SessionEvent]: ...
    def close(self) -> None: ...


class EventBus(Protocol):
    async def publish(self, event: SessionEvent) -> None: ...
    def subscribe(self, *, max_queued: int = DEFAULT_MAX_QUEUED) -> Subscription: ...
    def close(self, reason: str) -> None: ...
    @property
    def subscribers(self) -> int: ...


class _Queue:
    def __init__(self, bus: InProcessBus, max_queued: int) -> None:
        self._bus = bus
        self._queue: asyncio.Queue[SessionEvent | SubscriberGone] = asyncio.Queue()
        self._max = max_queued
        self._ended = False

    def offer(self, event: SessionEvent) -> None:
        if self._ended:
            return
        if self._queue.qsize() >= self._max:
            self.end(
                SubscriberGone(
                    f"the client fell {self._max} events behind and was disconnected; "
                    "re-query, then subscribe again",
                    code="TOO_SLOW",
                )
            )
            return
        self._queue.put_nowait(event)

    def end(self, gone: SubscriberGone) -> None:
        if self._ended:
            return
        self._ended = True
        self._bus.drop(self)
        # Events still queued are dropped: the end is what the client must see next.
        while not self._queue.empty():
            self._queue.get_nowait()
        self._queue.put_nowait(gone)

    def close(self) -> None:
        self._ended = True
        self._bus.drop(self)

    async def __aiter__(self) -> AsyncIterator[SessionEvent]:
        try:
            while True:
                item = await self._queue.get()
                if isinstance(item, SubscriberGone):
                    raise item
                yield item
        finally:
            self.close()


class InProcessBus:
    """Subscribers of this process only (one gateway instance)."""

    def __init__(self) -> None:
        self._subscribers: set[_Queue] = set()
        self.published = 0
        self.dropped_subscribers = 0

    async def publish(self, event: SessionEvent) -> None:
        self.published += 1
        for subscriber in list(self._subscribers):
            subscriber.offer(event)

    def subscribe(self, *, max_queued: int = DEFAULT_MAX_QUEUED) -> _Queue:
        subscriber = _Queue(self, max_queued)
        self._subscribers.add(subscriber)
        return subscriber

    def close(self, reason: str) -> None:
        """Ends every subscription (the tenant is no longer served)."""
        for subscriber in list(self._subscribers):
            subscriber.end(SubscriberGone(reason, code="TENANT_REMOVED"))

    def drop(self, subscriber: _Queue) -> None:
        if subscriber in self._subscribers:
            self._subscribers.discard(subscriber)

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)
