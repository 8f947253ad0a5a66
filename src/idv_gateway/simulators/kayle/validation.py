"""Query and path validation exactly as Kayle's zod 4.4.2 schemas report it.

Issue objects keep zod's key order (they end up inside a pretty-printed JSON string
that clients may compare byte for byte), and every failing parameter is reported in
the schema's key order: status, created_from, created_to, limit, starting_after.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from idv_gateway.simulators.kayle.jscompat import js_number, parse_iso_datetime_ms

__all__ = [
    "DATETIME_PATTERN",
    "SESSION_ID_PATTERN",
    "SESSION_STATUSES",
    "ListQuery",
    "include_attempts",
    "invalid_type",
    "validate_list_query",
    "validate_session_id",
]

SESSION_STATUSES = ("created", "in_progress", "completed", "expired", "cancelled")
# `regex.toString()` of zod's default `datetime()` check (no offsets, optional seconds).
DATETIME_PATTERN = (
    r"/^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29"
    r"|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)"
    r"|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z))$/"
)
SESSION_ID_PATTERN = "/^vs_[A-Za-z0-9]{64}$/"
_DATETIME_RE = re.compile(DATETIME_PATTERN[2:-2], re.ASCII)
_SESSION_ID_RE = re.compile(SESSION_ID_PATTERN[2:-2], re.ASCII)
_MAX_SAFE_INTEGER = 2**53 - 1
_SAFE_RANGE_NOTE = "Integers must be within the safe integer range."
_MIN_LIMIT, _MAX_LIMIT, DEFAULT_LIMIT = 1, 100, 10

Issue = dict[str, Any]
QueryValue = str | list[str]


@dataclass(frozen=True, slots=True)
class ListQuery:
    """A validated `GET /v1/sessions` query; datetimes already converted to epoch ms."""

    status: str | None = None
    created_from_ms: int | None = None
    created_to_ms: int | None = None
    limit: int = DEFAULT_LIMIT
    starting_after: str | None = None
    include_attempts: bool = False


def _type_name(value: object) -> str:
    """zod's `parsedType` for JSON-ish values, as used in invalid_type messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "NaN" if isinstance(value, float) and math.isnan(value) else "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def invalid_type(expected: str, value: object, path: list[str | int]) -> Issue:
    return {
        "expected": expected,
        "code": "invalid_type",
        "path": path,
        "message": f"Invalid input: expected {expected}, received {_type_name(value)}",
    }


def _enum_issue(path: str) -> Issue:
    quoted = "|".join(f'"{value}"' for value in SESSION_STATUSES)
    return {
        "code": "invalid_value",
        "values": list(SESSION_STATUSES),
        "path": [path],
        "message": f"Invalid option: expected one of {quoted}",
    }


def _format_issue(fmt: str, pattern: str, path: str, message: str) -> Issue:
    return {
        "origin": "string",
        "code": "invalid_format",
        "format": fmt,
        "pattern": pattern,
        "path": [path],
        "message": message,
    }


def _limit_issues(value: QueryValue) -> tuple[list[Issue], int | None]:
    """`z.coerce.number().int().min(1).max(100)`, including zod's check-continuation rules."""
    number = js_number(value)
    if math.isnan(number) or math.isinf(number):
        received = "NaN" if math.isnan(number) else "Infinity"
        shown = "NaN" if math.isnan(number) else "number"  # zod's parsedType of the value
        issue = {
            "expected": "number",
            "code": "invalid_type",
            "received": received,
            "path": ["limit"],
            "message": f"Invalid input: expected number, received {shown}",
        }
        return [issue], None
    if not number.is_integer():
        issue = {
            "expected": "int",
            "format": "safeint",
            "code": "invalid_type",
            "path": ["limit"],
            "message": "Invalid input: expected int, received number",
        }
        return [issue], None
    issues: list[Issue] = []
    if abs(number) > _MAX_SAFE_INTEGER:
        big = number > 0
        issues.append(
            {
                "code": "too_big" if big else "too_small",
                "maximum" if big else "minimum": _MAX_SAFE_INTEGER if big else -_MAX_SAFE_INTEGER,
                "note": _SAFE_RANGE_NOTE,
                "origin": "int",
                "inclusive": True,
                "path": ["limit"],
                "message": f"Too {'big' if big else 'small'}: expected int to be "
                f"{'<=' if big else '>='}{_MAX_SAFE_INTEGER if big else -_MAX_SAFE_INTEGER}",
            }
        )
    if number < _MIN_LIMIT:
        issues.append(
            {
                "origin": "number",
                "code": "too_small",
                "minimum": _MIN_LIMIT,
                "inclusive": True,
                "path": ["limit"],
                "message": f"Too small: expected number to be >={_MIN_LIMIT}",
            }
        )
    if number > _MAX_LIMIT:
        issues.append(
            {
                "origin": "number",
                "code": "too_big",
                "maximum": _MAX_LIMIT,
                "inclusive": True,
                "path": ["limit"],
                "message": f"Too big: expected number to be <={_MAX_LIMIT}",
            }
        )
    return issues, None if issues else int(number)


def include_attempts(query: dict[str, QueryValue]) -> bool:
    """`z.coerce.boolean()`: JavaScript truthiness, so `false` and `0` are true."""
    value = query.get("include_attempts")
    return bool(value) if value is not None else False


def _datetime(query: dict[str, QueryValue], name: str, issues: list[Issue]) -> int | None:
    value = query.get(name)
    if value is None:
        return None
    if isinstance(value, list):
        issues.append(invalid_type("string", value, [name]))
    elif _DATETIME_RE.fullmatch(value):
        return parse_iso_datetime_ms(value)
    else:
        issues.append(_format_issue("datetime", DATETIME_PATTERN, name, "Invalid ISO datetime"))
    return None


def _session_id_issue(value: QueryValue, name: str) -> Issue | None:
    if isinstance(value, list):
        return invalid_type("string", value, [name])
    if _SESSION_ID_RE.fullmatch(value):
        return None
    return _format_issue("regex", SESSION_ID_PATTERN, name, "Invalid session ID format")


def validate_list_query(query: dict[str, QueryValue]) -> ListQuery | list[Issue]:
    """Validate the list query; returns the parsed query or every issue, in schema order."""
    issues: list[Issue] = []
    status = query.get("status")
    if status is not None and (isinstance(status, list) or status not in SESSION_STATUSES):
        issues.append(_enum_issue("status"))
    created_from = _datetime(query, "created_from", issues)
    created_to = _datetime(query, "created_to", issues)
    limit: int | None = DEFAULT_LIMIT
    if (raw_limit := query.get("limit")) is not None:
        limit_issues, limit = _limit_issues(raw_limit)
        issues.extend(limit_issues)
    cursor = query.get("starting_after")
    if cursor is not None and (cursor_issue := _session_id_issue(cursor, "starting_after")):
        issues.append(cursor_issue)
    if issues:
        return issues
    assert limit is not None
    assert not isinstance(status, list)
    assert not isinstance(cursor, list)
    return ListQuery(
        status=status,
        created_from_ms=created_from,
        created_to_ms=created_to,
        limit=limit,
        starting_after=cursor,
        include_attempts=include_attempts(query),
    )


def validate_session_id(session_id: str) -> list[Issue]:
    """The `{id}` path parameter of get and cancel: `path: ["id"]` on failure."""
    issue = _session_id_issue(session_id, "id")
    return [] if issue is None else [issue]
