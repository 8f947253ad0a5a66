"""State every source reader shares: its position, the rows it holds, how far it has read."""

from __future__ import annotations

from idv_gateway.domain import SessionSource
from idv_gateway.errors import ProviderError
from idv_gateway.pagination import Entry, SortKey, SourceState

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
        self.error: ProviderError | None = None
        self.total: int | None = None
        self.exhausted = False
        # All of this source's rows with a key below the frontier are in `items` (or were
        # emitted before); None once the source is read to its end.
        self.frontier: SortKey | None = state.position or _NOTHING_KNOWN

    @property
    def frontier_us(self) -> int | None:
        return None if self.frontier is None else -self.frontier[0]

    def _resume(self, key: SortKey, offset: int) -> SourceState:
        """The cursor state after emitting everything up to `key` (unchanged if failed)."""
        if self.error is not None:
            return self._state
        density = 0.0 if self.exhausted else self.density  # nothing left to read there
        return SourceState(position=key, offset=offset, density=density)
