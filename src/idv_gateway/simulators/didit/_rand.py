"""Fast draws from `random.Random`.

`Random.choice`/`randrange`/`choices` validate their arguments on every call, which
dominates generating 100k sessions; these equivalents skip that (and consume the
stream differently, which is fine: only determinism per seed matters).
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from itertools import accumulate
from typing import Generic, TypeVar

__all__ = ["Weighted", "below", "one"]

T = TypeVar("T")


def one(rng: random.Random, items: Sequence[T]) -> T:
    """A uniform choice."""
    return items[int(rng.random() * len(items))]


def below(rng: random.Random, low: int, high: int) -> int:
    """A uniform integer in `[low, high)`."""
    return low + int(rng.random() * (high - low))


class Weighted(Generic[T]):
    """A weighted choice by bisecting precomputed sums."""

    def __init__(self, pairs: Sequence[tuple[T, int]]) -> None:
        self.items = tuple(item for item, _ in pairs)
        self.sums = list(accumulate(weight for _, weight in pairs))

    def pick(self, rng: random.Random) -> T:
        return self.items[bisect(self.sums, rng.random() * self.sums[-1])]
