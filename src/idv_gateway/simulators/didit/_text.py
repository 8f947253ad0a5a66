"""Small text helpers: accent folding, UUID checks, timestamps and media URLs."""

from __future__ import annotations

import random
import re
import unicodedata
import uuid
import zlib
from datetime import datetime
from functools import lru_cache

__all__ = [
    "MEDIA_HOST",
    "fold",
    "format_timestamp",
    "is_canonical_uuid",
    "media_url",
    "new_uuid",
    "parse_uuid",
    "strip_separators",
]

MEDIA_HOST = "https://media.didit.test"
_CANONICAL_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
# Letters that NFKD does not decompose into a base letter plus a combining mark.
_EXTRA_FOLDS = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th", "ð": "d"}
)
_SEPARATORS = str.maketrans("", "", " \t\n-./")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case and strip accents so that `lukasz` finds `Łukasz` and `nguyen` finds `Nguyễn`."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_EXTRA_FOLDS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def strip_separators(text: str) -> str:
    """`DPC-001` → `DPC001`: how registration and document numbers are indexed for search."""
    return text.translate(_SEPARATORS).upper()


def is_canonical_uuid(text: str) -> bool:
    """A hyphenated 36-character UUID, the only form `search` treats as a session id."""
    return _CANONICAL_UUID.fullmatch(text) is not None


def parse_uuid(text: str) -> str | None:
    """Django's `UUIDField` parsing: any form `uuid.UUID` accepts, normalised to lowercase."""
    try:
        return str(uuid.UUID(text.strip()))
    except ValueError:
        return None


def new_uuid(rng: random.Random) -> str:
    """A version-4 UUID drawn from `rng`, so seeded data never depends on the OS entropy pool."""
    h = f"{rng.getrandbits(128):032x}"
    variant = "89ab"[int(h[16], 16) & 3]
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}"


def format_timestamp(moment: datetime) -> str:
    """`2026-06-09T12:26:54.328364Z`: UTC, always six fractional digits, `Z` suffix."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def media_url(kind: str, session_id: str, name: str) -> str:
    """A presigned-looking media link; the signature is a stable digest, not a secret."""
    signature = f"{zlib.crc32(f'{session_id}/{kind}/{name}'.encode()):08x}{session_id[:8]}"
    return f"{MEDIA_HOST}/{kind}/{session_id}/{name}?X-Amz-Expires=3600&X-Amz-Signature={signature}"
