"""JavaScript semantics that Kayle's TypeScript service exposes through its HTTP surface.

Kayle runs on Hono + zod in a JS runtime, so query coercion (`Number()`, `Boolean()`),
string trimming, string lengths (UTF-16 code units), `new Date()` parsing and
`JSON.stringify` leak into status codes and bodies. These helpers reproduce exactly
those behaviours; Python's own `float()`, `str.strip()` or `len()` differ at the edges.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote

__all__ = [
    "EPOCH",
    "JS_WHITESPACE",
    "from_ms",
    "iso_ms",
    "js_collapse_whitespace",
    "js_keys",
    "js_number",
    "js_trim",
    "parse_iso_datetime_ms",
    "parse_query",
    "to_ms",
    "utf16_len",
    "zod_error_body",
]

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# ECMAScript WhiteSpace + LineTerminator: what String.prototype.trim, Number() and /\s/ use.
JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_JS_WS_RUN = re.compile("[" + re.escape(JS_WHITESPACE) + "]+")
_DECIMAL = re.compile(
    r"[+-]?(?:Infinity|[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)"
)
_RADIX = re.compile(r"0([xXoObB])([0-9A-Za-z]+)")
_RADIX_BASE = {"x": 16, "o": 8, "b": 2}
_ISO = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.(\d+))?)?Z", re.ASCII)
_ARRAY_INDEX_MAX = 2**32 - 2


def js_trim(text: str) -> str:
    return text.strip(JS_WHITESPACE)


def js_collapse_whitespace(text: str) -> str:
    """`text.replace(/\\s+/g, " ")`."""
    return _JS_WS_RUN.sub(" ", text)


def utf16_len(text: str) -> int:
    """`String.prototype.length`: astral characters count twice."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def js_number(value: str | list[str]) -> float:
    """`Number(value)` for a query value (a string, or an array when the key repeats)."""
    text = ",".join(value) if isinstance(value, list) else value
    text = js_trim(text)
    if not text:
        return 0.0
    if radix := _RADIX.fullmatch(text):
        try:
            number = int(radix.group(2), _RADIX_BASE[radix.group(1).lower()])
        except ValueError:
            return math.nan
        try:
            return float(number)
        except OverflowError:
            return math.inf
    if not _DECIMAL.fullmatch(text):
        return math.nan
    if text.lstrip("+-") == "Infinity":
        return -math.inf if text.startswith("-") else math.inf
    return float(text)


def js_keys(obj: dict[str, Any]) -> list[str]:
    """`Object.keys` order: canonical array indices ascending, then insertion order."""
    indices = [k for k in obj if k.isascii() and k.isdigit() and str(int(k)) == k]
    indices = [k for k in indices if int(k) <= _ARRAY_INDEX_MAX]
    index_set = set(indices)
    return sorted(indices, key=int) + [k for k in obj if k not in index_set]


def parse_query(raw: bytes) -> dict[str, str | list[str]]:
    """Hono's query parsing: `+` is a space, empty names dropped, repeated keys become arrays."""
    grouped: dict[str, list[str]] = {}
    for part in raw.decode("utf-8", "replace").split("&"):
        name, eq, value = part.partition("=")
        name = unquote(name.replace("+", " "))
        if not name:
            continue
        grouped.setdefault(name, []).append(unquote(value.replace("+", " ")) if eq else "")
    return {k: v[0] if len(v) == 1 else v for k, v in grouped.items()}


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 in the proleptic Gregorian calendar, valid for year 0 too."""
    year -= month <= 2
    era = year // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def parse_iso_datetime_ms(text: str) -> int:
    """`new Date(text).getTime()` for a string zod's datetime check already accepted.

    Fractional digits past the millisecond are truncated, as V8 does.
    """
    match = _ISO.fullmatch(text)
    if match is None:
        raise ValueError(f"not a zod datetime: {text!r}")
    year, month, day, hour, minute = (int(g) for g in match.groups()[:5])
    second = int(match.group(6) or 0)
    millis = int((match.group(7) or "").ljust(3, "0")[:3])
    days = _days_from_civil(year, month, day)
    return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis


def to_ms(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(milliseconds=1)


def from_ms(ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=ms)


def iso_ms(moment: datetime) -> str:
    """`Date.prototype.toISOString()`: UTC, always three fractional digits, `Z`."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


def zod_error_body(issues: list[dict[str, Any]]) -> dict[str, Any]:
    """What `@hono/zod-validator` sends for a failed parse: only `name` and `message` survive."""
    message = json.dumps(issues, indent=2, ensure_ascii=False)
    return {"success": False, "error": {"name": "ZodError", "message": message}}
