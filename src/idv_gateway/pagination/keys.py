"""The feed's total order: `createdAt` descending, ties broken by (source, provider id).

Keys are plain tuples so that comparing them is cheap: `(-created_at_us, rank, id)`
sorts ascending in feed order. A *frontier* `(-t, rank, "")` sorts before every real
key of that source at time `t`, so "all of a source's rows with key ≤ frontier are
known" is exactly "all of its rows newer than `t` are known". A frontier is also a valid
position: "everything up to here was emitted" needs no real row to point at.
"""

from __future__ import annotations

from datetime import UTC, datetime

from idv_gateway.domain import Session, SessionSource

__all__ = ["SortKey", "from_micros", "frontier_key", "micros", "sort_key"]

SortKey = tuple[int, int, str]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def micros(value: datetime) -> int:
    delta = value - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(value: int) -> datetime:
    seconds, remainder = divmod(value, 1_000_000)
    return datetime.fromtimestamp(seconds, tz=UTC).replace(microsecond=remainder)


def sort_key(session: Session) -> SortKey:
    return (-micros(session.created_at), session.source.rank, session.provider_session_id)


def frontier_key(source: SessionSource, newer_than_us: int) -> SortKey:
    """Bound below which every row of `source` created after `newer_than_us` sorts."""
    return (-newer_than_us, source.rank, "")
