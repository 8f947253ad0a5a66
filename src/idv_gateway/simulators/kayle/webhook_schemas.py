"""zod-style validation of the webhook management bodies (reference §5.4), as Kayle answers it.

As everywhere in Kayle's partner API, a schema failure is the raw zod body (all issues
in schema key order), not the envelope; handler-level refusals (unsafe URL, refused
JWK, unknown endpoint) use the `{data: null, error: {code, message, hint, docs}}`
envelope. A body that is not sent as JSON counts as `{}`, and malformed JSON is
Hono's plain-text 400.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from idv_gateway.simulators.kayle.jscompat import js_trim, utf16_len, zod_error_body
from idv_gateway.simulators.kayle.validation import invalid_type
from idv_gateway.simulators.kayle.webhooks import ALGORITHM, EVENT_TYPES, KEY_TYPE

__all__ = [
    "EndpointSpec",
    "KeySpec",
    "envelope_error",
    "parse_endpoint_body",
    "parse_key_body",
    "read_json_body",
    "unsafe_url",
]

Issue = dict[str, Any]
_JSON_PREFIX = re.compile(r"application/([a-z-.]+\+)?json")
_JSON_STRICT = re.compile(r"application/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*")
_MAX_NAME = 120
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


@dataclass(frozen=True, slots=True)
class EndpointSpec:
    url: str
    name: str | None
    enabled: bool
    subscribed_event_types: list[str] | None


@dataclass(frozen=True, slots=True)
class KeySpec:
    key_id: str
    jwk: dict[str, Any]


def envelope_error(status: int, code: str, message: str, hint: str, docs: str) -> JSONResponse:
    error = {"code": code, "message": message, "hint": hint, "docs": docs}
    return JSONResponse({"data": None, "error": error}, status)


async def read_json_body(request: Request) -> object | Response:
    """The decoded body as Hono's JSON validator sees it, or its plain-text 400."""
    content_type = request.headers.get("content-type", "")
    if not (_JSON_PREFIX.match(content_type) and _JSON_STRICT.fullmatch(content_type)):
        return {}
    try:
        decoded: object = json.loads((await request.body()).decode("utf-8-sig", "replace"))
    except ValueError:
        return PlainTextResponse(
            "Malformed JSON in request body", 400, media_type="text/plain;charset=UTF-8"
        )
    return decoded


def _missing(expected: str, name: str) -> Issue:
    return {
        "expected": expected,
        "code": "invalid_type",
        "path": [name],
        "message": f"Invalid input: expected {expected}, received undefined",
    }


def _literal(value: str, name: str) -> Issue:
    return {
        "code": "invalid_value",
        "values": [value],
        "path": [name],
        "message": f'Invalid input: expected "{value}"',
    }


def _name_length(size: int) -> Issue | None:
    """`z.string().trim().min(1).max(120)` on the trimmed name."""
    if 1 <= size <= _MAX_NAME:
        return None
    small = size < 1
    return {
        "origin": "string",
        "code": "too_small" if small else "too_big",
        "minimum" if small else "maximum": 1 if small else _MAX_NAME,
        "inclusive": True,
        "path": ["name"],
        "message": "Too small: expected string to have >=1 characters"
        if small
        else f"Too big: expected string to have <={_MAX_NAME} characters",
    }


def _is_zod_url(url: str) -> bool:
    """zod's `.url()`: `new URL()` must parse it (a scheme and, for web schemes, a host)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", parts.scheme or "") or re.search(r"\s", url):
        return False
    return bool(parts.hostname) if parts.scheme.lower() in ("http", "https") else True


def unsafe_url(url: str) -> bool:
    """Kayle's safe-URL rule for endpoints: https, no credentials; http only to loopback."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        return True
    scheme = parts.scheme.lower()
    return not (scheme == "https" or (scheme == "http" and parts.hostname in _LOOPBACK))


def parse_endpoint_body(body: object) -> EndpointSpec | dict[str, Any]:
    """`POST /v1/webhooks/endpoints`: the create request, or the zod 400 body."""
    if not isinstance(body, dict):
        return zod_error_body([invalid_type("object", body, [])])
    issues: list[Issue] = []
    name = body.get("name")
    if "name" in body:
        if not isinstance(name, str):
            issues.append(invalid_type("string", name, ["name"]))
        else:
            name = js_trim(name)
            if (issue := _name_length(utf16_len(name))) is not None:
                issues.append(issue)
    url = body.get("url")
    if "url" not in body:
        issues.append(_missing("string", "url"))
    elif not isinstance(url, str):
        issues.append(invalid_type("string", url, ["url"]))
    elif not _is_zod_url(url):
        issues.append(
            {
                "origin": "string",
                "code": "invalid_format",
                "format": "url",
                "path": ["url"],
                "message": "Invalid URL",
            }
        )
    enabled = body.get("enabled", True)
    if not isinstance(enabled, bool):
        issues.append(invalid_type("boolean", enabled, ["enabled"]))
    events = body.get("subscribed_event_types")
    if "subscribed_event_types" in body:
        if not isinstance(events, list):
            issues.append(invalid_type("array", events, ["subscribed_event_types"]))
        else:
            quoted = "|".join(f'"{value}"' for value in EVENT_TYPES)
            issues.extend(
                {
                    "code": "invalid_value",
                    "values": list(EVENT_TYPES),
                    "path": ["subscribed_event_types", index],
                    "message": f"Invalid option: expected one of {quoted}",
                }
                for index, event in enumerate(events)
                if event not in EVENT_TYPES
            )
    if issues:
        return zod_error_body(issues)
    return EndpointSpec(
        url=str(url),
        name=name if isinstance(name, str) else None,
        enabled=bool(enabled),
        subscribed_event_types=list(events) if isinstance(events, list) else None,
    )


def parse_key_body(body: object) -> KeySpec | dict[str, Any]:
    """`POST /v1/webhooks/endpoints/{id}/keys`: the key request, or the zod 400 body."""
    if not isinstance(body, dict):
        return zod_error_body([invalid_type("object", body, [])])
    issues: list[Issue] = []
    key_id, jwk = body.get("key_id"), body.get("jwk")
    if "key_id" not in body:
        issues.append(_missing("string", "key_id"))
    elif not isinstance(key_id, str):
        issues.append(invalid_type("string", key_id, ["key_id"]))
    if "jwk" not in body:
        issues.append(_missing("record", "jwk"))
    elif not isinstance(jwk, dict):
        issues.append(invalid_type("record", jwk, ["jwk"]))
    if body.get("algorithm") != ALGORITHM:
        issues.append(_literal(ALGORITHM, "algorithm"))
    if body.get("key_type") != KEY_TYPE:
        issues.append(_literal(KEY_TYPE, "key_type"))
    if issues:
        return zod_error_body(issues)
    return KeySpec(key_id=str(key_id), jwk=dict(jwk or {}))
