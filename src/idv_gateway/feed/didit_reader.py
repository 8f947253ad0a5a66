"""Reads one Didit list (KYC or KYB) newest first, resuming from a cursor position.

Didit pages by offset over `session_number` descending, so offsets drift when sessions
arrive at the head or leave the list while a client pages. Correctness never relies on
the offset: rows at or before the cursor's key are skipped, and the row just before the
resume offset must be strictly newer than the cursor's time (else rows moved up and the
reader steps back). The offset only saves requests.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Awaitable, Callable

from idv_gateway.domain import Session, SessionSource
from idv_gateway.errors import ProviderError
from idv_gateway.feed.reader_base import ReaderBase
from idv_gateway.pagination import (
    SortKey,
    SourceState,
    frontier_key,
    micros,
    sort_key,
)
from idv_gateway.providers.base import OffsetPage

__all__ = ["DiditReader", "OffsetFetch"]

MAX_LIMIT = 100
# Rows read per expected row: a margin here only adds rows no page will use.
OVERSHOOT = 1.0
# Floor of a density estimate, in rows per second, so a quiet source still gets asked.
MIN_DENSITY = 1e-9

OffsetFetch = Callable[[int, int], Awaitable[OffsetPage[Session]]]


class DiditReader(ReaderBase):
    def __init__(
        self,
        source: SessionSource,
        fetch: OffsetFetch,
        matches: Callable[[Session], bool],
        state: SourceState,
        *,
        newest_us: int | None = None,
    ) -> None:
        super().__init__(source, state)
        # Where the list starts, as a hint for sizing the first read (first pages only).
        self._start_hint = newest_us
        self._fetch = fetch
        self._matches = matches
        self._next_offset = state.offset
        self._verified = state.position is None or state.offset == 0
        self._first_offset: int | None = None  # upstream offset of _times[0]
        self._neg_times: list[int] = []  # -created_at_us of every upstream row read, in order

    @property
    def newest_us(self) -> int | None:
        """Creation time of the list's newest row, when this page read from its top."""
        return -self._neg_times[0] if self._first_offset == 0 and self._neg_times else None

    def _rows_wanted(self, target_us: int | None, need: int) -> int:
        frontier_us = self.frontier_us if self.position is not None else self._start_hint
        if target_us is None or self.density is None or frontier_us is None:
            # One more row than needed: the last row read stays unresolved (more rows of
            # its instant may follow), so it cannot count towards the page.
            return need + 1
        span_seconds = max(0, frontier_us - target_us) / 1e6
        return math.ceil(max(self.density, MIN_DENSITY) * span_seconds * OVERSHOOT) + 1

    async def step(self, target_us: int | None, need: int) -> None:
        """One upstream request, reading down towards `target_us` (or `need` rows)."""
        if self.exhausted or self.error is not None:
            return
        limit = max(1, min(MAX_LIMIT, self._rows_wanted(target_us, need)))
        offset, check = self._next_offset, not self._verified
        if check:
            offset, limit = offset - 1, min(MAX_LIMIT, limit + 1)
        try:
            page = await self._fetch(offset, limit)
        except ProviderError as exc:
            self.error = exc
            return
        self.total = page.total
        rows = page.rows
        if check and not self._resume_point_holds(rows):
            self._next_offset = max(0, offset + 1 - max(limit, 10))
            self._verified = self._next_offset == 0
            return
        self._verified = True
        self._record(offset, rows)
        self._next_offset = offset + len(rows)
        if not page.has_more or len(rows) < limit:
            self.exhausted = True
            self.frontier = None
        elif rows:
            self.frontier = frontier_key(self.source, micros(rows[-1].created_at))

    def _resume_point_holds(self, rows: tuple[Session, ...]) -> bool:
        """The row before the resume offset must be strictly newer than the position."""
        assert self.position is not None
        return bool(rows) and micros(rows[0].created_at) > -self.position[0]

    def _record(self, offset: int, rows: tuple[Session, ...]) -> None:
        if self._first_offset is None:
            self._first_offset = offset
        for row in rows:
            self._neg_times.append(-micros(row.created_at))
            key = sort_key(row)
            if (self.position is None or key > self.position) and self._matches(row):
                self.items.append((key, row))
        # Didit orders by session number; the feed breaks equal times by id.
        self.items.sort(key=lambda entry: entry[0])
        span_us = self._neg_times[-1] - self._neg_times[0] if self._neg_times else 0
        if span_us > 0:
            self.density = (len(self._neg_times) - 1) / (span_us / 1e6)

    def state_after(self, key: SortKey) -> SourceState:
        """Where to resume once everything up to `key` has been emitted."""
        if self._first_offset is None:
            return self._resume(key, self._state.offset)
        newer = bisect.bisect_left(self._neg_times, key[0])  # rows strictly newer than key's time
        return self._resume(key, self._first_offset + newer)
