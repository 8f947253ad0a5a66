"""The `POST /v1/sessions` body: zod schema, Kayle's validation hook and share-contract rules.

Three layers answer in this order, as in the real service:
1. the zod body schema; if any issue is under `share_fields`, Kayle's hook turns the
   whole failure into a 400 envelope (REASON_TOO_LONG / REASON_REQUIRED /
   INVALID_SHARE_FIELDS), otherwise the raw zod body is returned;
2. the handler's share-contract validation (unknown claims, age gates, limits);
3. normalisation into the effective contract stored on the session.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from idv_gateway.simulators.kayle.jscompat import (
    js_collapse_whitespace,
    js_keys,
    js_trim,
    utf16_len,
    zod_error_body,
)
from idv_gateway.simulators.kayle.models import ShareField
from idv_gateway.simulators.kayle.validation import invalid_type

__all__ = [
    "CLAIM_LABELS",
    "DEFAULT_SHARE_FIELDS",
    "STATIC_CLAIMS",
    "CreateRequest",
    "Rejection",
    "jsonb_ordered",
    "normalize_share_fields",
    "parse_create_body",
]

CLAIM_LABELS = {
    "document_type_code": "Document Type Code",
    "issuing_country_code": "Issuing Country Code",
    "family_name": "Family Name",
    "given_names": "Given Names",
    "document_number": "Document Number",
    "nationality_code": "Nationality Code",
    "date_of_birth": "Date of Birth",
    "sex_marker": "Sex Marker",
    "document_expiry_date": "Document Expiry Date",
    "mrz_optional_data": "MRZ Optional Data",
    "document_photo": "Document Photo",
    "kayle_document_id": "Kayle Document ID",
    "kayle_human_id": "Kayle Human ID",
}
STATIC_CLAIMS = tuple(CLAIM_LABELS)
_MAX_SHARE_FIELDS, _MAX_REASON, _MIN_AGE, _MAX_AGE = 32, 200, 12, 130
_AGE_PREFIX = "age_over_"
_DOCS = "https://kayle.id/docs/api/sessions#create"
_REDIRECT_MESSAGE = "Must be an https:// URL with no embedded credentials."
_ERRORS = {
    "INVALID_SHARE_FIELDS": (
        "Invalid share_fields payload.",
        "share_fields must be an object map of claim keys.",
    ),
    "UNKNOWN_CLAIM_KEY": (
        "Unknown claim key.",
        "Use a supported claim key from the share contract allowlist.",
    ),
    "INVALID_AGE_GATE_KEY": (
        "Invalid age gate claim key.",
        "Use `age_over_<integer>` with a valid threshold, for example `age_over_18`.",
    ),
    "MULTIPLE_AGE_GATES_NOT_ALLOWED": (
        "Multiple age gate claims are not allowed.",
        "Only one age_over_X claim can be provided per session.",
    ),
    "REASON_REQUIRED": (
        "Each share field requires a reason.",
        "Provide a non-empty reason for every requested claim.",
    ),
    "REASON_TOO_LONG": ("Reason is too long.", "Reason must be 200 characters or fewer."),
    "TOO_MANY_SHARE_FIELDS": (
        "Too many share fields requested.",
        "The maximum number of share fields is 32.",
    ),
}
_HOST_FORBIDDEN = re.compile(r"[\x00-\x20#%/:<>?@\[\\\]^|\x7f]")
_PRINTABLE = "".join(map(chr, range(0x21, 0x7F)))
# WHATWG percent-encode sets: path, special-scheme query, fragment.
_PATH_SAFE = "".join(c for c in _PRINTABLE if c not in '"#<>?`{}')
_QUERY_SAFE = "".join(c for c in _PRINTABLE if c not in "\"#<>'")
_FRAGMENT_SAFE = "".join(c for c in _PRINTABLE if c not in '"<>`')


@dataclass(frozen=True, slots=True)
class CreateRequest:
    redirect_url: str | None
    share_fields: dict[str, ShareField]


@dataclass(frozen=True, slots=True)
class Rejection:
    """A 400 answer: either the raw zod body or a Kayle error envelope."""

    body: dict[str, Any]


def _envelope(code: str) -> Rejection:
    message, hint = _ERRORS[code]
    return Rejection(
        {"data": None, "error": {"code": code, "message": message, "hint": hint, "docs": _DOCS}}
    )


def _entry(reason: str, source: str, required: bool) -> ShareField:
    return {"reason": reason, "source": source, "required": required}


def jsonb_ordered(fields: dict[str, ShareField]) -> dict[str, ShareField]:
    """Postgres jsonb returns object keys sorted by length, then bytewise."""
    return {key: fields[key] for key in sorted(fields, key=lambda k: (len(k.encode()), k.encode()))}


def _age_threshold(key: str) -> int | None:
    digits = key[len(_AGE_PREFIX) :]
    if not (digits.isascii() and digits.isdigit()):
        return None
    threshold = int(digits)
    return threshold if _MIN_AGE <= threshold <= _MAX_AGE else None


def _label(key: str) -> str:
    threshold = _age_threshold(key) if key.startswith(_AGE_PREFIX) else None
    return f"Age Over {threshold}" if threshold else CLAIM_LABELS.get(key, key)


def _default_entry(key: str, required: bool) -> ShareField:
    return _entry(f'Sharing "{_label(key)}"', "default", required)


DEFAULT_SHARE_FIELDS: dict[str, ShareField] = jsonb_ordered(
    {key: _default_entry(key, key == "kayle_document_id") for key in STATIC_CLAIMS}
)


def normalize_share_fields(requested: dict[str, tuple[bool, str]]) -> dict[str, ShareField]:
    """Effective contract for validated `(required, reason)` entries.

    kayle_document_id is always present and required; date_of_birth and an age gate
    become required together when either is.
    """
    fields = {key: _entry(reason, "rc", required) for key, (required, reason) in requested.items()}
    gate = next((key for key in fields if key.startswith(_AGE_PREFIX)), None)
    dob = fields.get("date_of_birth")
    if dob is not None and gate is not None and (dob["required"] or fields[gate]["required"]):
        dob["required"] = fields[gate]["required"] = True
    if "kayle_document_id" in fields:
        fields["kayle_document_id"]["required"] = True
    else:
        fields["kayle_document_id"] = _default_entry("kayle_document_id", True)
    return jsonb_ordered(fields)


def _validate_contract(share_fields: dict[str, Any]) -> dict[str, tuple[bool, str]] | Rejection:
    """The handler's checks, in its order, on entries the zod schema already accepted."""
    keys = js_keys(share_fields)
    if len(keys) > _MAX_SHARE_FIELDS:
        return _envelope("TOO_MANY_SHARE_FIELDS")
    has_dob = "date_of_birth" in share_fields
    gates = 0
    validated: dict[str, tuple[bool, str]] = {}
    for key in keys:
        entry = share_fields[key]
        reason = js_trim(entry["reason"])
        is_gate = key.startswith(_AGE_PREFIX)
        if not reason and not (has_dob and is_gate):
            return _envelope("REASON_REQUIRED")
        if utf16_len(reason) > _MAX_REASON:
            return _envelope("REASON_TOO_LONG")
        if is_gate and _age_threshold(key) is None:
            return _envelope("INVALID_AGE_GATE_KEY")
        if not is_gate and key not in CLAIM_LABELS:
            return _envelope("UNKNOWN_CLAIM_KEY")
        gates += is_gate
        if gates > 1:
            return _envelope("MULTIPLE_AGE_GATES_NOT_ALLOWED")
        validated[key] = (entry["required"], js_collapse_whitespace(reason))
    return validated


def _share_fields_hook_code(share_fields: object) -> str | None:
    """Kayle's validation hook over zod's `share_fields` issues (the first reason issue wins)."""
    if not isinstance(share_fields, dict):
        return "INVALID_SHARE_FIELDS"
    saw_issue = False
    for key in js_keys(share_fields):
        entry = share_fields[key]
        if not isinstance(entry, dict):
            if key == "reason":  # the hook only looks at the last path segment
                return "REASON_REQUIRED"
            saw_issue = True
            continue
        saw_issue = saw_issue or not isinstance(entry.get("required"), bool)
        reason = entry.get("reason")
        if not isinstance(reason, str):
            return "REASON_REQUIRED"
        if utf16_len(reason) > _MAX_REASON:
            return "REASON_TOO_LONG"
    return "INVALID_SHARE_FIELDS" if saw_issue else None


def _remove_dot_segments(path: str) -> str:
    out: list[str] = []
    segments = path.split("/")[1:]
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment.lower() in ("..", ".%2e", "%2e.", "%2e%2e"):
            if out:
                out.pop()
            if last:
                out.append("")
        elif segment.lower() in (".", "%2e"):
            if last:
                out.append("")
        else:
            out.append(segment)
    return "/" + "/".join(out)


def safe_redirect_url(raw: str) -> str | None:
    """Kayle's `parseSafeUrl` (redirect mode, production): https only, no credentials.

    Returns the URL serialised as WHATWG `URL.toString()` does for the usual inputs
    (host lower-cased and IDNA-encoded, default port dropped, path dot-segments removed,
    unsafe characters percent-encoded).
    """
    text = re.sub(r"[\t\n\r]", "", raw.strip("".join(map(chr, range(0x21)))))
    scheme = re.match(r"https:[\\/]*", text, re.IGNORECASE)
    if scheme is None:
        return None
    text = "https://" + text[scheme.end() :].replace("\\", "/")
    text, hash_sign, fragment = text.partition("#")
    text, question, query = text.partition("?")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    host = unquote(parts.hostname or "").lower()
    if not host or parts.username or parts.password:
        return None
    if parts.netloc.rpartition("@")[2].startswith("["):
        try:
            host = f"[{ipaddress.IPv6Address(host).compressed}]"
        except ValueError:
            return None
    elif not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    elif _HOST_FORBIDDEN.search(host):
        return None
    authority = host + (f":{port}" if port not in (None, 443) else "")
    path = quote(_remove_dot_segments(parts.path or "/"), safe=_PATH_SAFE)
    query = question + quote(query, safe=_QUERY_SAFE)
    fragment = hash_sign + quote(fragment, safe=_FRAGMENT_SAFE)
    return f"https://{authority}{path}{query}{fragment}"


def parse_create_body(body: object) -> CreateRequest | Rejection:
    """Validate a decoded JSON body (`{}` when none was sent) into a create request."""
    if not isinstance(body, dict):
        return Rejection(zod_error_body([invalid_type("object", body, [])]))
    issues: list[dict[str, Any]] = []
    redirect_url: str | None = None
    if "redirect_url" in body:
        raw = body["redirect_url"]
        if not isinstance(raw, str):
            issues.append(invalid_type("string", raw, ["redirect_url"]))
        elif (redirect_url := safe_redirect_url(raw)) is None:
            issues.append(
                {"code": "custom", "path": ["redirect_url"], "message": _REDIRECT_MESSAGE}
            )
    if "share_fields" in body and (code := _share_fields_hook_code(body["share_fields"])):
        return _envelope(code)
    if issues:
        return Rejection(zod_error_body(issues))
    if "share_fields" not in body:
        return CreateRequest(redirect_url=redirect_url, share_fields=DEFAULT_SHARE_FIELDS)
    validated = _validate_contract(body["share_fields"])
    if isinstance(validated, Rejection):
        return validated
    return CreateRequest(redirect_url=redirect_url, share_fields=normalize_share_fields(validated))
