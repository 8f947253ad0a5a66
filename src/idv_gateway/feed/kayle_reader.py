"""Reads Kayle newest first although Kayle lists by session id (random, not by time).

The reader walks back in time through `created_from`/`created_to` windows: a window is
listed completely (id pages), sorted locally, and everything in it is then known. The
window is sized from the density seen so far. Because ids are random, the first id page
of any window is a uniform sample of it: when that page says the window is much larger
than needed, the reader narrows the window to the sample's matching quantile instead of
listing it all. So a page never reads Kayle's whole history.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable

from idv_gateway.domain import KayleSession, Session, SessionSource
from idv_gateway.errors import ProviderError
from idv_gateway.feed.reader_base import ReaderBase
from idv_gateway.pagination import SourceState, frontier_key, micros
from idv_gateway.providers.base import CursorPage

__all__ = ["KayleReader", "WindowFetch", "estimate_total"]

PAGE = 100
MARGIN = 1.25
MAX_NARROWING = 6
_ID_DIGITS = 10
_ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"

# (created_from_us, created_to_us, starting_after, limit) -> page
WindowFetch = Callable[
    [int | None, int | None, str | None, int], Awaitable[CursorPage[KayleSession]]
]


def estimate_total(page_size: int, last_id: str) -> float | None:
    """Rows in a window whose first id page of `page_size` rows ends at `last_id`.

    Ids are `vs_` + random base-36 digits, so the k-th smallest id sits near k/N of
    the id space.
    """
    digits = last_id[3 : 3 + _ID_DIGITS].lower()
    if len(digits) < _ID_DIGITS or any(c not in _ID_ALPHABET for c in digits):
        return None
    fraction = int(digits, 36) / 36**_ID_DIGITS
    return page_size / fraction if fraction > 0 else None


def _floor_ms(value_us: int) -> int:
    return value_us - value_us % 1000


class KayleReader(ReaderBase):
    def __init__(
        self,
        fetch: WindowFetch,
        matches: Callable[[Session], bool],
        state: SourceState,
        *,
        lower_us: int | None,
        upper_us: int | None,
    ) -> None:
        super().__init__(SessionSource.KAYLE, state)
        self._fetch = fetch
        self._matches = matches
        self._lower = lower_us
        # Inclusive top of the next window; None means "up to now".
        self._top = upper_us if state.position is None else -state.position[0]
        # After an empty window, open the next one downwards: it either finds the next
        # rows (and narrows to them) or proves the source is exhausted.
        self._probe = False
        self._window_rows = 0
        self._window_seconds = 0.0
        self.newest_us: int | None = None

    def _window_start_for(self, target_us: int | None) -> int | None:
        """Start of the next window; None (or the filter's lower bound) opens it downwards."""
        if target_us is None or self.density is None or self._probe:
            target_us = self._lower
        elif self._lower is not None:
            target_us = max(target_us, self._lower)
        return None if target_us is None else _floor_ms(target_us)

    async def step(self, target_us: int | None, need: int) -> None:
        """List one complete window reaching down to about `target_us` (or `need` rows)."""
        if self.exhausted or self.error is not None:
            return
        start = self._window_start_for(target_us)
        if start is not None and self._top is not None and start > self._top:
            start = _floor_ms(self._top)
        try:
            rows, start = await self._list_window(start, need)
        except ProviderError as exc:
            self.error = exc
            return
        self._accept(rows, start)

    async def _list_window(
        self, start: int | None, need: int
    ) -> tuple[list[KayleSession], int | None]:
        for _ in range(MAX_NARROWING):
            first = await self._call(start, None)
            if first.next_cursor is None:
                return list(first.rows), start
            estimate = estimate_total(len(first.rows), first.rows[-1].provider_session_id)
            wanted = max(need, 1) * MARGIN
            if estimate is None or estimate <= 2 * wanted + PAGE:
                return await self._list_rest(first, start), start
            start = self._narrowed(first.rows, wanted / estimate)
        return await self._list_rest(await self._call(start, None), start), start

    async def _list_rest(
        self, first: CursorPage[KayleSession], start: int | None
    ) -> list[KayleSession]:
        rows, cursor = list(first.rows), first.next_cursor
        while cursor is not None:
            page = await self._call(start, cursor)
            rows.extend(page.rows)
            cursor = page.next_cursor
        return rows

    def _narrowed(self, sample: tuple[KayleSession, ...], fraction: float) -> int:
        times = sorted((micros(s.created_at) for s in sample), reverse=True)
        index = min(len(times), max(1, math.ceil(fraction * len(times)))) - 1
        return _floor_ms(times[index])

    async def _call(self, start: int | None, cursor: str | None) -> CursorPage[KayleSession]:
        return await self._fetch(start, self._top, cursor, PAGE)

    def _accept(self, rows: list[KayleSession], start: int | None) -> None:
        if rows and self.position is None:
            newest = max(micros(r.created_at) for r in rows)
            self.newest_us = max(newest, self.newest_us or newest)
        self._hold(rows, self._matches)
        if start is None or (self._lower is not None and start <= self._lower):
            self._advance_frontier(None)
            return
        top = (
            self._top
            if self._top is not None
            else max((micros(r.created_at) for r in rows), default=None)
        )
        if top is not None and top > start and rows:
            self.density = len(rows) / ((top - start) / 1e6)
        self._probe = not rows
        self._advance_frontier(frontier_key(self.source, start - 1))
        self._top = start - 1000
