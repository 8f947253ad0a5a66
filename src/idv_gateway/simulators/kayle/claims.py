"""The consented claims a `verification.attempt.succeeded` webhook carries (reference §5.2).

The simulator keeps no document data, so each succeeded attempt gets a plausible,
deterministic document holder drawn from the attempt id, rendered with the real value
types: MRZ strings, ISO dates, a boolean per `age_over_N`, `null` for
`kayle_human_id`, a small `{dataBase64, format, height, width}` photo, and a 64-hex
`kayle_document_id` keyed per organization. Every requested claim counts as consented.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
from datetime import date, datetime
from typing import Any

__all__ = ["attempt_claims"]

_HOLDERS = (
    ("GBR", "HARTLEY", "OLIVIA GRACE"),
    ("DEU", "MUELLER", "JONAS"),
    ("FRA", "LEFEBVRE", "CAMILLE ANNE"),
    ("ESP", "GARCIA LOPEZ", "LUCIA"),
    ("NLD", "DE VRIES", "DAAN"),
    ("IRL", "OBRIEN", "AOIFE"),
    ("SWE", "LINDQVIST", "ERIK JOHAN"),
    ("ITA", "ROSSI", "GIULIA"),
)
_AGE_PREFIX = "age_over_"


def _years_between(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def attempt_claims(
    share_fields: dict[str, Any], attempt_id: str, organization_id: str, now: datetime
) -> dict[str, Any]:
    """Claims for every key of the session's share contract, in sorted key order."""
    rng = random.Random(f"kayle-claims/{attempt_id}")
    country, family, given = rng.choice(_HOLDERS)
    born = date(rng.randint(1950, 2007), rng.randint(1, 12), rng.randint(1, 28))
    expires = date(now.year + rng.randint(1, 9), rng.randint(1, 12), rng.randint(1, 28))
    number = f"{rng.choice('CLPX')}{rng.randint(10_000_000, 99_999_999)}"
    document_id = hmac.new(
        organization_id.encode(), f"{organization_id}|{country}|P|{number}".encode(), hashlib.sha256
    ).hexdigest()
    photo = b"\xff\xd8\xff\xe0" + rng.randbytes(48) + b"\xff\xd9"
    values: dict[str, Any] = {
        "document_type_code": "P",
        "issuing_country_code": country,
        "family_name": family,
        "given_names": given,
        "document_number": number,
        "nationality_code": country,
        "date_of_birth": born.isoformat(),
        "sex_marker": rng.choice("FM"),
        "document_expiry_date": expires.isoformat(),
        "mrz_optional_data": "",
        "document_photo": {
            "dataBase64": base64.b64encode(photo).decode(),
            "format": "jpeg",
            "height": 480,
            "width": 360,
        },
        "kayle_document_id": document_id,
        "kayle_human_id": None,
    }
    age = _years_between(born, now.date())
    claims: dict[str, Any] = {}
    for key in sorted(share_fields):
        if key.startswith(_AGE_PREFIX) and key[len(_AGE_PREFIX) :].isdigit():
            claims[key] = age >= int(key[len(_AGE_PREFIX) :])
        elif key in values:
            claims[key] = values[key]
    return claims
