"""Opaque, versioned, signed cursors bound to the connection and filter they were made for.

A cursor holds, per source, the key of the last row emitted from it (everything at or
before that key has been seen), a Didit offset hint (how many upstream rows are newer
than that key's time, so the next page starts reading close to where it left off) and
the row density seen last time (so the next page asks each source for about what it
needs). Only the position matters for correctness; the hints only save requests.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any

from idv_gateway.domain import SessionSource
from idv_gateway.errors import BadUserInput
from idv_gateway.pagination.keys import SortKey

__all__ = ["CursorCodec", "FeedCursor", "SourceState", "filter_digest"]

VERSION = 1
_SIGNATURE_BYTES = 16


@dataclass(frozen=True, slots=True)
class SourceState:
    position: SortKey | None = None
    offset: int = 0
    density: float | None = None  # rows per second


@dataclass(frozen=True, slots=True)
class FeedCursor:
    connection: str
    digest: str
    states: dict[SessionSource, SourceState] = field(default_factory=dict)


def filter_digest(canonical: Any) -> str:
    """A short hash of a filter's canonical JSON form; cursors carry it to detect reuse."""
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _not_a_cursor() -> BadUserInput:
    return BadUserInput(
        "`after` is not a cursor of this connection; use an `endCursor` or edge `cursor` "
        "returned by it, unchanged",
        argument="after",
    )


def _key(raw: Any) -> SortKey | None:
    return None if raw is None else (int(raw[0]), int(raw[1]), str(raw[2]))


class CursorCodec:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()[:_SIGNATURE_BYTES]

    def encode(self, cursor: FeedCursor) -> str:
        positions = [state.position for state in cursor.states.values()]
        common = max(set(positions), key=positions.count) if positions else None
        states: dict[str, list[Any]] = {}
        for source, state in cursor.states.items():
            density = None if state.density is None else float(f"{state.density:.4g}")
            entry: list[Any] = [state.offset, density]
            if state.position != common:
                entry.append(None if state.position is None else list(state.position))
            states[str(source.rank)] = entry
        key = None if common is None else list(common)
        body = {"v": VERSION, "c": cursor.connection, "f": cursor.digest, "k": key, "s": states}
        payload = json.dumps(body, separators=(",", ":")).encode()
        return _b64(payload + self._sign(payload))

    def decode(self, token: str, *, connection: str, digest: str) -> FeedCursor:
        invalid = _not_a_cursor()
        try:
            raw = _unb64(token)
        except (ValueError, TypeError):
            raise invalid from None
        payload, signature = raw[:-_SIGNATURE_BYTES], raw[-_SIGNATURE_BYTES:]
        if len(raw) <= _SIGNATURE_BYTES or not hmac.compare_digest(signature, self._sign(payload)):
            raise invalid
        try:
            return self._parse(json.loads(payload), connection=connection, digest=digest)
        except (KeyError, IndexError, TypeError, ValueError):
            raise invalid from None

    def _parse(self, body: Any, *, connection: str, digest: str) -> FeedCursor:
        invalid = _not_a_cursor()
        if body.get("v") != VERSION:
            raise BadUserInput(
                "this cursor was made by another version of the gateway; start from the first page",
                argument="after",
            )
        if body.get("c") != connection:
            raise invalid
        if body.get("f") != digest:
            raise BadUserInput(
                "this cursor was made with a different filter; keep the filter unchanged while "
                "paging, or start from the first page",
                argument="after",
            )
        sources = list(SessionSource)
        common = _key(body.get("k"))
        states = {}
        for rank, entry in body["s"].items():
            position = _key(entry[2]) if len(entry) > 2 else common
            states[sources[int(rank)]] = SourceState(
                position=position, offset=entry[0], density=entry[1]
            )
        return FeedCursor(connection=connection, digest=digest, states=states)
