"""How many subscriptions a worker holds at once: each one is a queue and a task."""

from __future__ import annotations

__all__ = ["SubscriberSlots"]


class SubscriberSlots:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.active = 0

    def take(self) -> bool:
        if self.active >= self.limit:
            return False
        self.active += 1
        return True

    def release(self) -> None:
        self.active = max(0, self.active - 1)
