"""Cursor format and the pure merge: no I/O, no GraphQL."""

from idv_gateway.pagination.cursor import CursorCodec, FeedCursor, SourceState, filter_digest
from idv_gateway.pagination.keys import (
    SortKey,
    from_micros,
    frontier_key,
    micros,
    sort_key,
)
from idv_gateway.pagination.merge import Entry, safe_prefix

__all__ = [
    "CursorCodec",
    "Entry",
    "FeedCursor",
    "SortKey",
    "SourceState",
    "filter_digest",
    "from_micros",
    "frontier_key",
    "micros",
    "safe_prefix",
    "sort_key",
]
