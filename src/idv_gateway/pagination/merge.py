"""Pure k-way merge of per-source buffers up to the point where every source is complete."""

from __future__ import annotations

import heapq
from collections.abc import Sequence

from idv_gateway.domain import Session
from idv_gateway.pagination.keys import SortKey

__all__ = ["Entry", "safe_prefix"]

Entry = tuple[SortKey, Session]


def safe_prefix(
    buffers: Sequence[Sequence[Entry]], frontiers: Sequence[SortKey | None], limit: int
) -> list[Entry]:
    """The first `limit` entries in feed order that no unread upstream row can precede.

    Each buffer is sorted and holds a source's known rows; its frontier bounds what is
    known (None: the source is read to its end). An entry is safe when it sorts before
    every frontier. Keys are unique across sources, so sessions are never compared.
    """
    bounds = [f for f in frontiers if f is not None]
    bound = min(bounds) if bounds else None
    out: list[Entry] = []
    if limit <= 0:
        return out
    for entry in heapq.merge(*buffers):
        if bound is not None and entry[0] >= bound:
            break
        out.append(entry)
        if len(out) >= limit:
            break
    return out
