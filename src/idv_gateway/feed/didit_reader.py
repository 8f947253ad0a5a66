"""Reads one Didit list (KYC or KYB) newest first, resuming from a cursor position.

Didit pages by offset over `session_number` descending (creation order, so `created_at`
never increases along the list). Offsets drift whenever sessions are created at the
head, deleted, or enter or leave a status filter on the part already read. So an offset
is only a hint, and every read proves where it stands before its rows are used:

- Resuming from a cursor, the reader looks for the *boundary*: the first row not
  strictly newer than the position's time. A read at the hinted offset minus one must
  start with a strictly newer row (then nothing unread lies before it) and reach a row
  that is not (then the boundary is inside it). If the first row is already too old,
  rows moved towards the head: it steps back, doubling the distance, then narrows; if
  every row is still too new, rows moved away from the head: it skips forward the same
  way. A wrong hint costs round trips, never rows.
- Within a page, each read overlaps the previous one by a row and checks it is the same
  session; if not, the list moved in between and the reader looks for the boundary again,
  from the last row's time.

Rows at or before the position are never held, and a row is held once, so nothing
already served is served again whatever the offsets did.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from idv_gateway.domain import Session, SessionSource
from idv_gateway.errors import ProviderBadResponse, ProviderError
from idv_gateway.feed.reader_base import ReaderBase
from idv_gateway.pagination import SortKey, SourceState, frontier_key, micros
from idv_gateway.providers.base import OffsetPage

__all__ = ["MAX_LOCATE_READS", "DiditReader", "OffsetFetch"]

MAX_LIMIT = 100
# Rows read per expected row: a margin here only adds rows no page will use.
OVERSHOOT = 1.0
# Floor of a density estimate, in rows per second, so a quiet source still gets asked.
MIN_DENSITY = 1e-9
# Reads spent finding the boundary before giving up on this page: enough for a hint off
# by millions of rows (two doubling searches and a bisection).
MAX_LOCATE_READS = 64

# (offset, limit, fresh): `fresh` bypasses the shared cache.
OffsetFetch = Callable[[int, int, bool], Awaitable[OffsetPage[Session]]]


@dataclass(frozen=True, slots=True)
class _Window:
    """A verified read: where it started and its rows' negated creation times, in order."""

    offset: int
    neg_times: list[int]


def _newer_prefix(rows: tuple[Session, ...], time_us: int) -> int:
    """How many leading rows are strictly newer than `time_us` (rows are newest first)."""
    count = 0
    for row in rows:
        if micros(row.created_at) <= time_us:
            break
        count += 1
    return count


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
        # Resuming: find the boundary of the position's time near the hinted offset.
        self._anchor_us: int | None = None if state.position is None else -state.position[0]
        self._hint = state.offset
        # Reading on: the next offset, and the session the overlap row must be.
        self._next_offset = 0
        self._last: Session | None = None
        self._windows: list[_Window] = []
        self._times: list[int] = []  # -created_at µs of every verified row, for the density
        self._fresh = False  # set once reads disagreed; then the cache is bypassed

    @property
    def newest_us(self) -> int | None:
        """Creation time of the list's newest row, when this page read from its top."""
        if self.position is None and self._windows and self._windows[0].offset == 0:
            first = self._windows[0].neg_times
            return -first[0] if first else None
        return None

    def _rows_wanted(self, target_us: int | None, need: int) -> int:
        frontier_us = self.frontier_us if self.position is not None else self._start_hint
        if target_us is None or self.density is None or frontier_us is None:
            # One more row than needed: the last row read stays unresolved (more rows of
            # its instant may follow), so it cannot count towards the page.
            return need + 1
        span_seconds = max(0, frontier_us - target_us) / 1e6
        return math.ceil(max(self.density, MIN_DENSITY) * span_seconds * OVERSHOOT) + 1

    async def step(self, target_us: int | None, need: int) -> None:
        """One verified read (one or more requests), reading down towards `target_us`."""
        if self.exhausted or self.error is not None:
            return
        limit = max(1, min(MAX_LIMIT - 1, self._rows_wanted(target_us, need)))
        try:
            offset, page = await self._read(limit)
        except ProviderError as exc:
            self.error = exc
            return
        self.total = page.total
        rows = page.rows
        self._record(offset, rows)
        self._hold(rows, self._matches)
        if not page.has_more or not rows:
            self._advance_frontier(None)
            return
        last_us = micros(rows[-1].created_at)
        self._advance_frontier(frontier_key(self.source, last_us))
        self._anchor_us = None
        self._next_offset, self._last = offset + len(rows), rows[-1]

    async def _read(self, limit: int) -> tuple[int, OffsetPage[Session]]:
        if self._anchor_us is not None:
            return await self._locate(self._anchor_us, self._hint, limit)
        if self._last is None:  # the top of the list: nothing to verify
            return 0, await self._fetch(0, limit, self._fresh)
        probe = self._next_offset - 1
        page = await self._fetch(probe, limit + 1, self._fresh)
        if page.rows and page.rows[0].provider_session_id == self._last.provider_session_id:
            return probe, page
        # The list moved since the last read, or cached reads of different moments
        # disagree: find the last row's time again, in one fresh view of the list.
        self._fresh = True
        last_us = micros(self._last.created_at)
        return await self._locate(last_us, self._offset_of(last_us), limit)

    async def _locate(self, time_us: int, hint: int, limit: int) -> tuple[int, OffsetPage[Session]]:
        """The first verified read holding the boundary of `time_us` (see the module doc)."""
        width = min(MAX_LIMIT, limit + 1)
        # The boundary lies in [low, high]; `low` is known once a read saw newer rows.
        low, high, low_known = 0, None, False
        probe, distance = max(0, hint - 1), width
        for _ in range(MAX_LOCATE_READS):
            page = await self._fetch(probe, width, self._fresh)
            rows = page.rows
            newer = _newer_prefix(rows, time_us)
            if (probe == 0 or newer > 0) and (newer < len(rows) or not page.has_more):
                return probe, page
            self._fresh = True  # the hint was off: cached reads may be of other moments
            if newer == 0:  # the first row is already too old: the boundary is before it
                high = probe
            else:  # every row is still too new: the boundary is after them
                low, low_known = probe + len(rows), True
            if high is None:  # skip forward, doubling
                probe = low - 1 + distance
            elif not low_known:  # step back, doubling
                probe = max(0, high - distance)
            elif high - low + 2 <= width:  # one read covers what is left
                probe = max(0, low - 1)
            else:
                probe = (low + high) // 2
            distance *= 2
        raise ProviderBadResponse(
            self.source.provider,
            "the list moved too much while it was read (many sessions created or deleted); "
            "read the same page again",
            retryable=True,
        )

    def _record(self, offset: int, rows: tuple[Session, ...]) -> None:
        neg_times = [-micros(row.created_at) for row in rows]
        self._windows.append(_Window(offset, neg_times))
        self._times.extend(neg_times)
        span_us = max(self._times, default=0) - min(self._times, default=0)
        if span_us > 0:
            self.density = (len(self._times) - 1) / (span_us / 1e6)

    def _offset_of(self, time_us: int) -> int:
        """The offset of the first row not strictly newer than `time_us`, as last seen."""
        for window in reversed(self._windows):
            neg = window.neg_times
            if neg and neg[0] < -time_us <= neg[-1]:  # the boundary is inside this read
                return window.offset + bisect.bisect_left(neg, -time_us)
        for window in reversed(self._windows):
            if window.neg_times and window.neg_times[-1] >= -time_us:
                return window.offset + bisect.bisect_left(window.neg_times, -time_us)
        if self._windows:
            last = self._windows[-1]
            return last.offset + len(last.neg_times)
        return self._hint

    def _offset_hint(self, key: SortKey) -> int:
        return self._offset_of(-key[0])
