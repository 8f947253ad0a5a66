"""The smart `search` parameter of `GET /v3/sessions/`, for KYC and KYB rows.

KYC, as documented: a full (hyphenated) UUID looks up `session_id`; digits with optional
`+ - . space` match a session-number prefix, a document/personal number (substring,
separators ignored), a phone-number prefix or `vendor_data` (case-insensitive
substring); input containing `@` matches email prefixes; other text matches names
accent-insensitively (every word must occur) and `vendor_data`. Free text with digits
also matches document numbers and session-number prefixes (of its digits).

KYB: session UUID, session-number prefix (digits only), company name (accent-insensitive),
registration number *as typed* against the number stored without separators (so `DPC001`
finds `DPC-001` but `DPC-001` does not), and `vendor_data`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from idv_gateway.simulators.didit._text import fold, is_canonical_uuid, strip_separators
from idv_gateway.simulators.didit.records import KybSession, KycSession

__all__ = ["kyb_search", "kyc_search"]

_NUMERIC = re.compile(r"[\d+\-. ]*\d[\d+\-. ]*")
_NON_DIGITS = re.compile(r"\D")


def kyc_search(raw: str) -> Callable[[KycSession], bool]:
    text = raw.strip()
    lowered = text.lower()
    if is_canonical_uuid(text):
        return lambda s: s.session_id == lowered
    if "@" in text:
        return lambda s: s.email_key.startswith(lowered)
    digits = _NON_DIGITS.sub("", text)
    if _NUMERIC.fullmatch(text):
        number = strip_separators(text).lstrip("+")

        def numeric(s: KycSession) -> bool:
            return (
                str(s.session_number).startswith(digits)
                or any(number in key for key in s.shown_number_keys)
                or s.phone_key.startswith(digits)
                or lowered in s.vendor_key
            )

        return numeric
    tokens = fold(text).split() or [""]
    first, rest = tokens[0], tokens[1:]
    number = strip_separators(text)

    def free_text(s: KycSession) -> bool:
        name = s.shown_name_key  # "" while no name is shown
        if first and first in name and (not rest or all(token in name for token in rest)):
            return True
        if lowered in s.vendor_key:
            return True
        return bool(digits) and (
            any(number in key for key in s.shown_number_keys)
            or str(s.session_number).startswith(digits)
        )

    return free_text


def kyb_search(raw: str) -> Callable[[KybSession], bool]:
    text = raw.strip()
    lowered = text.lower()
    if is_canonical_uuid(text):
        return lambda s: s.session_id == lowered
    folded, upper = fold(text), text.upper()
    digits_only = text.isdigit()

    def matches(s: KybSession) -> bool:
        if digits_only and str(s.session_number).startswith(text):
            return True
        if lowered in s.vendor_key:
            return True
        if not s.company_shown:
            return False
        return folded in s.company.name_key or upper in s.company.registration_key

    return matches
