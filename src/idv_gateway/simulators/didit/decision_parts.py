"""Field sets of the KYC decision's feature items (didit-api-reference.md §4.4).

Each builder returns the feature-specific fields; `decision.kyc_decision` wraps them
with `node_id`, `status` and `warnings`. Values agree with the list row (same scores,
hits, names) because both read the record and `facts`.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from idv_gateway.simulators.didit._text import format_timestamp, media_url
from idv_gateway.simulators.didit.facts import face_match_score, poa_address
from idv_gateway.simulators.didit.lifecycle import RiskWarning
from idv_gateway.simulators.didit.records import Document, KycSession, Person

__all__ = [
    "email",
    "face_match",
    "image_quality",
    "ip_analysis",
    "mrz",
    "nfc",
    "phone",
    "poa",
    "warnings_for",
]

_CARRIERS = ("Movistar", "Orange", "Vodafone", "T-Mobile", "Telia", "Viettel", "MTN")
_DEVICES: tuple[tuple[str | None, str | None, str], ...] = (
    ("Apple", "iPhone 15", "iOS"),
    ("Samsung", "Galaxy S23", "Android"),
    ("Google", "Pixel 8", "Android"),
    (None, None, "Windows"),
)


def warnings_for(
    warnings: Iterable[RiskWarning], feature: str, node_id: str
) -> list[dict[str, Any]]:
    """§4.3 warning objects for one feature."""
    return [
        {
            "feature": w.feature,
            "risk": w.risk,
            "additional_data": None,
            "log_type": w.log_type,
            "short_description": w.risk.replace("_", " ").capitalize(),
            "long_description": (
                f"The {w.feature.replace('_', ' ').lower()} check raised {w.risk}; "
                f"the configured action marks it as {w.log_type}."
            ),
            "node_id": node_id,
        }
        for w in warnings
        if w.feature == feature
    ]


def image_quality(rng: random.Random) -> dict[str, Any]:
    return {
        "focus_score": round(60 + rng.random() * 40, 2),
        "brightness_score": round(60 + rng.random() * 40, 2),
        "brightness_issue": None,
        "is_document_fully_visible": True,
        "resolution_score": round(70 + rng.random() * 30, 2),
        "overall_score": round(70 + rng.random() * 30, 2),
    }


def mrz(person: Person, document: Document) -> dict[str, Any]:
    surname = person.last_name.upper().replace(" ", "<")
    given = person.first_name.upper().replace(" ", "<")
    line1 = f"P<{document.issuing_state.iso3}{surname}<<{given}"
    return {"mrz_type": "TD3", "mrz_string": f"{line1:<<44.44}\n{document.number:<<44.44}"}


def nfc(session: KycSession, rng: random.Random) -> dict[str, Any]:
    person, document, sid = session.person, session.document, session.session_id
    intact = session.feature_status("NFC") == "Approved"
    return {
        "authenticity": {"dg_integrity": intact, "sod_integrity": intact},
        "certificate_summary": {
            "issuer": f"CSCA {document.issuing_state.name}",
            "subject": f"Document Signer {document.issuing_state.iso3}",
            "serial_number": f"{rng.getrandbits(64):016X}",
            "not_valid_before": document.date_of_issue,
            "not_valid_after": document.expiration_date,
        },
        "chip_data": {
            "document_type": document.code,
            "document_number": document.number,
            "name": person.first_name,
            "surname": person.last_name,
            "birth_date": person.date_of_birth,
            "expiry_date": document.expiration_date,
            "nationality": person.nationality.iso3,
            "country": document.issuing_state.iso3,
            "sex": person.gender,
            "dgs": ["DG1", "DG2", "DG14", "SOD"],
        },
        "portrait_image": media_url("nfc", sid, "portrait.jpg"),
        "signature_image": media_url("nfc", sid, "signature.jpg"),
    }


def face_match(session: KycSession, rng: random.Random) -> dict[str, Any]:
    del rng  # the score is part of the session's facts
    sid = session.session_id
    return {
        "score": face_match_score(session),
        "source_image": media_url("faces", sid, "source.jpg"),
        "target_image": media_url("faces", sid, "target.jpg"),
        "source_image_session_id": None,
    }


def poa(session: KycSession, rng: random.Random) -> dict[str, Any]:
    person, facts, sid = session.person, session.facts, session.session_id
    address = poa_address(session)
    issued = session.created_at - timedelta(days=10 + int(rng.random() * 60))
    return {
        "document_type": facts.poa_document_type,
        "document_file": media_url("poa", sid, "document.pdf"),
        "document_language": "en",
        "document_metadata": {
            "content_type": "application/pdf",
            "file_size": 40_000 + int(rng.random() * 400_000),
            "creation_date": format_timestamp(issued),
            "modified_date": format_timestamp(issued),
        },
        "issuer": facts.poa_issuer,
        "issue_date": issued.date().isoformat(),
        "expiration_date": None,
        "issuing_state": person.nationality.iso3,
        "name_on_document": person.full_name,
        "name_match_score_id_verification": 100 if "ID_VERIFICATION" in session.features else None,
        "name_match_score_expected_details": None,
        "poa_address": address,
        "poa_formatted_address": address,
        "poa_parsed_address": {"city": person.nationality.city, "country": person.nationality.iso2},
        "extra_fields": {},
        "extra_files": [],
    }


def _verified_at(session: KycSession, feature: str, minutes: int) -> str | None:
    if session.feature_status(feature) != "Approved":
        return None
    return format_timestamp(session.created_at + timedelta(minutes=minutes))


def phone(session: KycSession, rng: random.Random) -> dict[str, Any]:
    person = session.person
    prefix = person.nationality.phone_prefix
    sent = session.created_at + timedelta(minutes=2)
    return {
        "full_number": person.phone,
        "phone_number": person.phone[len(prefix) :],
        "phone_number_prefix": prefix,
        "country_code": person.nationality.iso2,
        "country_name": person.nationality.name,
        "carrier": {"name": _CARRIERS[int(rng.random() * len(_CARRIERS))], "type": "mobile"},
        "is_disposable": False,
        "is_virtual": False,
        "verification_method": "whatsapp" if rng.random() < 0.3 else "sms",
        "verification_attempts": 1 + int(rng.random() * 2),
        "verified_at": _verified_at(session, "PHONE", 3),
        "lifecycle": [
            {"type": "CODE_SENT", "timestamp": format_timestamp(sent), "fee": 0.05, "details": None}
        ],
    }


def email(session: KycSession, rng: random.Random) -> dict[str, Any]:
    breached = session.facts.email_is_breached
    breaches = (
        [{"name": "Collection #1", "domain": "", "breach_date": "2019-01-07"}] if breached else []
    )
    return {
        "email": session.person.email,
        "is_breached": breached,
        "breaches": breaches,
        "is_disposable": False,
        "is_undeliverable": False,
        "verification_attempts": 1 + int(rng.random() * 2),
        "verified_at": _verified_at(session, "EMAIL_VERIFICATION", 4),
        "lifecycle": [],
    }


def ip_analysis(session: KycSession, rng: random.Random) -> dict[str, Any]:
    country = session.person.nationality
    a, b = session.facts.ip_octets
    brand, model, os_family = _DEVICES[int(rng.random() * len(_DEVICES))]
    latitude, longitude = round(rng.uniform(-40, 60), 4), round(rng.uniform(-100, 120), 4)
    location = {"latitude": latitude, "longitude": longitude}
    away = {"distance": round(rng.random() * 30, 1), "direction": "N"}
    has_id = "ID_VERIFICATION" in session.features
    return {
        "ip_address": f"198.51.{a}.{b}",
        "ip_country": country.name,
        "ip_country_code": country.iso2,
        "ip_state": None,
        "ip_city": country.city,
        "latitude": latitude,
        "longitude": longitude,
        "isp": "Example Telecom",
        "organization": "Example Telecom",
        "is_vpn_or_tor": "DUPLICATED_IP" in session.warning_codes,
        "is_data_center": False,
        "time_zone": "UTC",
        "time_zone_offset": "+0000",
        "browser_family": "Safari" if brand == "Apple" else "Chrome",
        "os_family": os_family,
        "platform": "desktop" if brand is None else "mobile",
        "device_brand": brand,
        "device_model": model,
        "device_fingerprint": f"{rng.getrandbits(64):016x}",
        "ip": {
            "location": location,
            "distance_from_id_document": away if has_id else None,
            "distance_from_poa_document": away if "POA" in session.features else None,
        },
        "id_document": {"location": location, "distance_from_ip": away} if has_id else None,
        "poa_document": None,
    }
