"""`GET /v3/session/{id}/decision/` for KYB sessions (didit-api-reference.md §4.6).

Arrays follow the KYC rule: `null` until the feature has run. The company block appears
once the registry check ran; key people and hits are drawn from a stream seeded by the
session id, so a session's decision never changes unless its status does.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from idv_gateway.simulators.didit._names import COUNTRIES, CULTURES
from idv_gateway.simulators.didit._rand import one
from idv_gateway.simulators.didit._text import format_timestamp, media_url
from idv_gateway.simulators.didit.decision_parts import warnings_for
from idv_gateway.simulators.didit.records import KybSession
from idv_gateway.simulators.didit.rows import display_status

__all__ = ["kyb_decision"]

_EXPIRY = timedelta(days=30)
_NODES = {
    "KYB_REGISTRY": ("registry_checks", "feature_kyb_registry"),
    "KYB_COMPANY_AML": ("aml_screenings", "feature_kyb_company_aml"),
    "KYB_DOCUMENTS": ("document_verifications", "feature_kyb_documents"),
    "KYB_KEY_PEOPLE": ("key_people_checks", "feature_kyb_key_people"),
    "PHONE": ("phone_verifications", "feature_phone_verification"),
    "EMAIL": ("email_verifications", "feature_email_verification"),
}
_ARRAYS = (
    "registry_checks",
    "aml_screenings",
    "document_verifications",
    "key_people_checks",
    "phone_verifications",
    "email_verifications",
    "questionnaire_responses",
    "ip_analyses",
)


def kyb_decision(session: KybSession, uppercase_status: bool) -> dict[str, Any]:
    arrays: dict[str, list[dict[str, Any]] | None] = dict.fromkeys(_ARRAYS)
    for feature, status in zip(session.features, session.feature_statuses, strict=True):
        if status == "Not Finished":
            continue
        array, node_id = _NODES[feature]
        rng = random.Random(f"{session.session_id}/{feature}")
        arrays[array] = [
            {
                "node_id": node_id,
                "status": status,
                **_fields(session, feature, rng),
                "warnings": warnings_for(session.warnings, feature, node_id),
            }
        ]
    return {
        "session_id": session.session_id,
        "session_kind": "business",
        "session_number": session.session_number,
        "session_url": f"https://verify.didit.me/session/{session.session_token}",
        "status": display_status(session.status, uppercase_status),
        "workflow_id": session.workflow.workflow_id,
        "features": list(session.features),
        "vendor_data": session.vendor_data,
        "metadata": session.metadata,
        "callback": session.callback,
        "contact_details": session.contact_details,
        "expected_details": None,
        **arrays,
        "reviews": list(session.reviews),
        "created_at": format_timestamp(session.created_at),
        "expires_at": format_timestamp(session.created_at + _EXPIRY),
    }


def _fields(session: KybSession, feature: str, rng: random.Random) -> dict[str, Any]:
    company, codes = session.company, session.warning_codes
    if feature == "KYB_REGISTRY":
        return {
            "data_resolved": "COMPANY_NOT_FOUND_IN_REGISTRY" not in codes,
            "company": {
                "name": company.name,
                "registration_number": company.registration_number,
                "country_code": company.country_code,
                "legal_form": company.legal_form,
                "incorporation_date": company.incorporation_date,
                "status": "inactive" if "COMPANY_NOT_ACTIVE" in codes else "active",
                "registered_address": company.address,
            },
        }
    if feature == "KYB_COMPANY_AML":
        hits = 1 + int(rng.random() * 3) if "COMPANY_POSSIBLE_MATCH_FOUND" in codes else 0
        return {
            "entity_type": "company",
            "total_hits": hits,
            "score": round(0.7 + rng.random() * 0.3, 2) if hits else 0,
            "hits": [
                {
                    "id": f"NK-{rng.getrandbits(40):010x}",
                    "caption": company.name,
                    "datasets": ["Sanctions"],
                }
                for _ in range(hits)
            ],
            "screened_data": {"company_name": company.name, "country": company.country_code},
            "is_ongoing_monitoring_enabled": False,
        }
    if feature == "KYB_DOCUMENTS":
        verified = "COMPANY_DOCUMENT_NOT_VERIFIED" not in codes
        kinds = ("CERTIFICATE_OF_INCORPORATION", "ARTICLES_OF_ASSOCIATION")
        return {
            "documents": [
                {
                    "document_type": kind,
                    "file_url": media_url("kyb", session.session_id, f"{kind.lower()}.pdf"),
                    "is_verified": verified,
                }
                for kind in kinds
            ]
        }
    if feature == "KYB_KEY_PEOPLE":
        return {"key_people": _key_people(session, rng)}
    contact = session.contact_details or {}
    if feature == "EMAIL":
        return {"email": contact.get("email") or f"compliance@{company.name_key.split()[0]}.test"}
    return {
        "full_number": contact.get("phone") or "+442079460000",
        "country_code": company.country_code,
    }


def _key_people(session: KybSession, rng: random.Random) -> list[dict[str, Any]]:
    declined = "KEY_PERSON_VERIFICATION_DECLINED" in session.warning_codes
    people = []
    share = 100.0
    for index in range(1 + int(rng.random() * 3)):
        culture = CULTURES[one(rng, COUNTRIES).culture]
        name = f"{one(rng, culture.female + culture.male)} {one(rng, culture.last)}"
        stake = round(share * (0.3 + rng.random() * 0.5), 1)
        share -= stake
        people.append(
            {
                "full_name": name,
                "role": "UBO" if index == 0 else one(rng, ("DIRECTOR", "SHAREHOLDER")),
                "ownership_percentage": stake,
                "verification_status": "Declined" if declined and index == 0 else "Approved",
            }
        )
    return people
