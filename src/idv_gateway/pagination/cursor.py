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
import math
from dataclasses import dataclass, field
from typing import Any

from idv_gateway.domain import SessionSource
from idv_gateway.errors import BadUserInput
from idv_gateway.pagination.keys import SortKey

__all__ = ["CursorCodec", "FeedCursor", "SourceState", "filter_digest"]

VERSION = 1
_SIGNATURE_BYTES = 16
_SOURCES = list(SessionSource)
# Bounds of what a cursor of ours can hold; anything outside is not one of ours.
MAX_CURSOR_LENGTH = 4096
MAX_MICROS = 253_370_764_800_000_000  # 9999-01-01T00:00:00Z: a margin for rounding to ms
MAX_ID_LENGTH = 128
MAX_OFFSET = 10**9
MAX_DENSITY = 1e9  # sessions per second


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


def _foreign() -> BadUserInput:
    return BadUserInput(
        "`after` was not issued by this gateway: its signature does not match (cursors are "
        "signed with IDV_GATEWAY_CURSOR_SECRET, which must be the same on every instance); "
        "start from the first page",
        argument="after",
    )


def _int(raw: Any, low: int, high: int) -> int:
    if not isinstance(raw, int) or isinstance(raw, bool) or not low <= raw <= high:
        raise ValueError("out of range")
    return raw


def _key(raw: Any) -> SortKey | None:
    """A position: (-created_at µs, source rank, provider id or "" for a time bound)."""
    if raw is None:
        return None
    if not isinstance(raw, list) or len(raw) != 3:
        raise ValueError("not a key")
    ident = raw[2]
    if not isinstance(ident, str) or len(ident) > MAX_ID_LENGTH or not ident.isascii():
        raise ValueError("not an id")
    return (_int(raw[0], -MAX_MICROS, 0), _int(raw[1], 0, len(_SOURCES) - 1), ident)


def _density(raw: Any) -> float | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ValueError("not a density")
    value = float(raw)
    if not math.isfinite(value) or not 0 <= value <= MAX_DENSITY:
        raise ValueError("density out of range")
    return value


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
        """The cursor, or BAD_USER_INPUT saying why it cannot be used (never anything else)."""
        if len(token) > MAX_CURSOR_LENGTH or not token.isascii():
            raise _not_a_cursor()
        try:
            raw = _unb64(token)
        except (ValueError, TypeError):
            raise _not_a_cursor() from None
        payload, signature = raw[:-_SIGNATURE_BYTES], raw[-_SIGNATURE_BYTES:]
        if len(raw) <= _SIGNATURE_BYTES:
            raise _not_a_cursor()
        if not hmac.compare_digest(signature, self._sign(payload)):
            raise _foreign() if _looks_like_ours(payload) else _not_a_cursor()
        try:
            body = json.loads(payload)
        except ValueError:
            raise _not_a_cursor() from None
        if not isinstance(body, dict):
            raise _not_a_cursor()
        return self._parse(body, connection=connection, digest=digest)

    def _parse(self, body: dict[str, Any], *, connection: str, digest: str) -> FeedCursor:
        if body.get("v") != VERSION:
            raise BadUserInput(
                "this cursor was made by another version of the gateway; start from the first page",
                argument="after",
            )
        if body.get("c") != connection:
            raise _not_a_cursor()
        if body.get("f") != digest:
            raise BadUserInput(
                "this cursor was made with a different filter; keep the filter unchanged while "
                "paging, or start from the first page",
                argument="after",
            )
        try:
            return FeedCursor(
                connection=connection, digest=digest, states=_states(body.get("k"), body.get("s"))
            )
        except (KeyError, IndexError, TypeError, ValueError, OverflowError):
            raise _not_a_cursor() from None


def _states(common_raw: Any, raw: Any) -> dict[SessionSource, SourceState]:
    common = _key(common_raw)
    if not isinstance(raw, dict) or len(raw) > len(_SOURCES):
        raise ValueError("not a state table")
    states = {}
    for rank, entry in raw.items():
        if (
            not isinstance(entry, list)
            or len(entry) not in (2, 3)
            or not (rank.isascii() and rank.isdigit())
        ):
            raise ValueError("not a source state")
        position = _key(entry[2]) if len(entry) > 2 else common
        states[_SOURCES[_int(int(rank), 0, len(_SOURCES) - 1)]] = SourceState(
            position=position, offset=_int(entry[0], 0, MAX_OFFSET), density=_density(entry[1])
        )
    return states


def _looks_like_ours(payload: bytes) -> bool:
    """A well-formed cursor body whose signature failed: signed with another secret."""
    try:
        body = json.loads(payload)
    except ValueError:
        return False
    return isinstance(body, dict) and {"v", "c", "f", "s"} <= body.keys()
