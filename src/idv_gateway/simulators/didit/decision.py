"""`GET /v3/session/{id}/decision/` for KYC sessions (didit-api-reference.md §4.2-§4.5).

Decisions are derived on request from the record (latent person and document, feature
statuses, warnings, drawn facts) plus a per-feature random stream seeded by the session
id, so the same session always yields the same decision and nothing is stored. A
feature array is `null` until its feature has run; every item carries `node_id`,
`status` and `warnings` (§4.3 warning objects).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from idv_gateway.simulators.didit import decision_checks as checks, decision_parts as parts
from idv_gateway.simulators.didit._text import format_timestamp, media_url
from idv_gateway.simulators.didit.catalog import DOCUMENT_DISPLAY
from idv_gateway.simulators.didit.facts import liveness_score, poa_address
from idv_gateway.simulators.didit.records import KycSession

__all__ = ["KYC_ARRAYS", "NODE_IDS", "kyc_decision"]

# Feature → (decision array, node id), in the order arrays appear in the payload.
NODE_IDS: dict[str, tuple[str, str]] = {
    "ID_VERIFICATION": ("id_verifications", "feature_ocr"),
    "NFC": ("nfc_verifications", "feature_nfc"),
    "LIVENESS": ("liveness_checks", "feature_liveness"),
    "AGE_ESTIMATION": ("liveness_checks", "feature_age_estimation"),
    "FACE_MATCH": ("face_matches", "feature_face_match"),
    "POA": ("poa_verifications", "feature_proof_of_address"),
    "PHONE": ("phone_verifications", "feature_phone_verification"),
    "EMAIL_VERIFICATION": ("email_verifications", "feature_email_verification"),
    "AML": ("aml_screenings", "feature_aml"),
    "IP_ANALYSIS": ("ip_analyses", "feature_ip_analysis"),
    "DATABASE_VALIDATION": ("database_validations", "feature_database_validation"),
    "QUESTIONNAIRE": ("questionnaire_responses", "feature_questionnaire"),
}
KYC_ARRAYS = tuple(dict.fromkeys(array for array, _ in NODE_IDS.values()))

Builder = Callable[[KycSession, random.Random], dict[str, Any]]


def kyc_decision(session: KycSession) -> dict[str, Any]:
    arrays: dict[str, list[dict[str, Any]] | None] = dict.fromkeys(KYC_ARRAYS)
    for feature, status in zip(session.features, session.feature_statuses, strict=True):
        if status == "Not Finished":
            continue
        array, node_id = NODE_IDS[feature]
        if feature == "ID_VERIFICATION" and session.status == "Kyc Expired":
            status = "Expired"  # set by document-expiry monitoring (§7.2)
        rng = random.Random(f"{session.session_id}/{feature}")
        item = {
            "node_id": node_id,
            "status": status,
            **_BUILDERS[feature](session, rng),
            "warnings": parts.warnings_for(session.warnings, feature, node_id),
        }
        arrays[array] = [*(arrays[array] or []), item]
    return {
        "session_id": session.session_id,
        "session_kind": "user",
        "session_number": session.session_number,
        "session_url": (
            f"https://verify.didit.me/session/{session.session_token}"
            if session.session_token
            else None
        ),
        "status": session.status,
        "environment": "live",
        "workflow_id": session.workflow.workflow_id if session.workflow else None,
        "features": list(session.features),
        "vendor_data": session.vendor_data,
        "metadata": session.metadata,
        "callback": session.callback,
        "contact_details": session.contact_details,
        "expected_details": session.expected_details,
        **arrays,
        "reviews": list(session.reviews),
        "created_at": format_timestamp(session.created_at),
    }


def _id_verification(session: KycSession, rng: random.Random) -> dict[str, Any]:
    person, document, sid = session.person, session.document, session.session_id
    two_sided = document.code not in ("P", "VISA")
    address = poa_address(session) if document.code in ("ID", "DL", "RP") else None
    created = session.created_at.date()
    birth = [int(part) for part in person.date_of_birth.split("-")]
    age = created.year - birth[0] - ((created.month, created.day) < (birth[1], birth[2]))
    return {
        "document_type": DOCUMENT_DISPLAY[document.code],
        "document_number": document.number,
        "personal_number": document.personal_number,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "full_name": person.full_name,
        "date_of_birth": person.date_of_birth,
        "age": age,
        "gender": person.gender,
        "nationality": person.nationality.iso3,
        "issuing_state": document.issuing_state.iso3,
        "issuing_state_name": document.issuing_state.name,
        "expiration_date": document.expiration_date,
        "date_of_issue": document.date_of_issue,
        "place_of_birth": person.nationality.city,
        "marital_status": "UNKNOWN",
        "address": address,
        "formatted_address": address,
        "portrait_image": media_url("id", sid, "portrait.jpg"),
        "front_image": media_url("id", sid, "front.jpg"),
        "back_image": media_url("id", sid, "back.jpg") if two_sided else None,
        "full_front_image": media_url("id", sid, "full-front.jpg"),
        "full_back_image": media_url("id", sid, "full-back.jpg") if two_sided else None,
        "front_video": None,
        "back_video": None,
        "front_image_quality_score": parts.image_quality(rng),
        "back_image_quality_score": parts.image_quality(rng) if two_sided else None,
        "extra_fields": {},
        "extra_files": [],
        "matches": [],
        "mrz": parts.mrz(person, document) if document.code == "P" else None,
    }


def _liveness(session: KycSession, rng: random.Random) -> dict[str, Any]:
    sid, facts = session.session_id, session.facts
    active = facts.liveness_method == "ACTIVE_3D"
    return {
        "method": facts.liveness_method,
        "score": liveness_score(session),
        "reference_image": media_url("liveness", sid, "reference.jpg"),
        "video_url": media_url("liveness", sid, "video.mp4") if active else None,
        "age_estimation": facts.age_estimation,
        "face_quality": round(70 + rng.random() * 30, 2),
        "face_luminance": round(40 + rng.random() * 50, 2),
        "matches": [],
    }


_BUILDERS: dict[str, Builder] = {
    "ID_VERIFICATION": _id_verification,
    "NFC": parts.nfc,
    "LIVENESS": _liveness,
    "AGE_ESTIMATION": _liveness,
    "FACE_MATCH": parts.face_match,
    "POA": parts.poa,
    "PHONE": parts.phone,
    "EMAIL_VERIFICATION": parts.email,
    "AML": checks.aml,
    "IP_ANALYSIS": parts.ip_analysis,
    "DATABASE_VALIDATION": checks.database_validation,
    "QUESTIONNAIRE": checks.questionnaire,
}
