"""State every source reader shares: its position, the rows it holds, how far it has read.

A reader emits only rows strictly after its position in the feed's total order, whatever
the provider's offsets or windows did since the cursor was made: the position is the
only truth. Rows are held once each (a later overlapping read cannot duplicate them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from idv_gateway.domain import Session, SessionSource
from idv_gateway.errors import ProviderError
from idv_gateway.pagination import Entry, SortKey, SourceState, sort_key

__all__ = ["ReaderBase"]

# Before any read nothing past the position is known; this sorts before every real key.
_NOTHING_KNOWN: SortKey = (-(2**62), -1, "")


class ReaderBase:
    def __init__(self, source: SessionSource, state: SourceState) -> None:
        self.source = source
        self._state = state
        self.position = state.position
        self.density = state.density
        self.items: list[Entry] = []
        self._held: set[SortKey] = set()
        self.error: ProviderError | None = None
        self.total: int | None = None
        self.exhausted = False
        # All of this source's rows with a key at or below the frontier are in `items` (or
        # were emitted before); None once the source is read to its end.
        self.frontier: SortKey | None = state.position or _NOTHING_KNOWN

    @property
    def frontier_us(self) -> int | None:
        return None if self.frontier is None else -self.frontier[0]

    def _hold(self, rows: Sequence[Session], matches: Callable[[Session], bool]) -> None:
        """Keep the rows after the position that match and are not held yet, in order."""
        added = False
        for row in rows:
            key = sort_key(row)
            if self.position is not None and key <= self.position:
                continue
            if key in self._held or not matches(row):
                continue
            self._held.add(key)
            self.items.append((key, row))
            added = True
        if added:
            self.items.sort(key=lambda entry: entry[0])

    def _advance_frontier(self, bound: SortKey | None) -> None:
        """Move the frontier to `bound` (None: read to the end), never behind the position."""
        if bound is None:
            self.exhausted = True
            self.frontier = None
        elif self.frontier is not None and bound > self.frontier:
            self.frontier = bound

    def state_after(self, key: SortKey) -> SourceState:
        """The cursor state once everything up to `key` is emitted (unchanged if failed)."""
        if self.error is not None:
            return self._state
        if self.position is not None and key < self.position:
            key = self.position  # a position never moves back
        density = 0.0 if self.exhausted else self.density  # nothing left to read there
        return SourceState(position=key, offset=self._offset_hint(key), density=density)

    def _offset_hint(self, key: SortKey) -> int:
        """Where an offset-paged upstream would resume after `key` (0: not offset-paged)."""
        del key
        return 0
