"""`GET /v3/session/{id}/decision/`: KYC and KYB shapes, null arrays, items, warnings, 404s."""

from __future__ import annotations

from typing import Any

import pytest

from idv_gateway.simulators.didit import KybSession, KycSession
from tests.simulators.didit_support import HEADERS, client_for, new_app, shared_app, store_of

KYC_KEYS = [
    "session_id",
    "session_kind",
    "session_number",
    "session_url",
    "status",
    "environment",
    "workflow_id",
    "features",
    "vendor_data",
    "metadata",
    "callback",
    "contact_details",
    "expected_details",
    "id_verifications",
    "nfc_verifications",
    "liveness_checks",
    "face_matches",
    "poa_verifications",
    "phone_verifications",
    "email_verifications",
    "aml_screenings",
    "ip_analyses",
    "database_validations",
    "questionnaire_responses",
    "reviews",
    "created_at",
]
KYC_ARRAYS = KYC_KEYS[13:24]
KYB_ARRAYS = [
    "registry_checks",
    "aml_screenings",
    "document_verifications",
    "key_people_checks",
    "phone_verifications",
    "email_verifications",
    "questionnaire_responses",
    "ip_analyses",
]
ARRAY_OF = {
    "ID_VERIFICATION": "id_verifications",
    "NFC": "nfc_verifications",
    "LIVENESS": "liveness_checks",
    "AGE_ESTIMATION": "liveness_checks",
    "FACE_MATCH": "face_matches",
    "POA": "poa_verifications",
    "PHONE": "phone_verifications",
    "EMAIL_VERIFICATION": "email_verifications",
    "AML": "aml_screenings",
    "IP_ANALYSIS": "ip_analyses",
    "DATABASE_VALIDATION": "database_validations",
    "QUESTIONNAIRE": "questionnaire_responses",
    "KYB_REGISTRY": "registry_checks",
    "KYB_COMPANY_AML": "aml_screenings",
    "KYB_DOCUMENTS": "document_verifications",
    "KYB_KEY_PEOPLE": "key_people_checks",
    "EMAIL": "email_verifications",
}
WARNING_KEYS = {
    "feature",
    "risk",
    "additional_data",
    "log_type",
    "short_description",
    "long_description",
    "node_id",
}


async def decision_of(session_id: str, app: Any = None) -> dict[str, Any]:
    async with client_for(app or shared_app()) as client:
        response = await client.get(f"/v3/session/{session_id}/decision/", headers=HEADERS)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def first_kyc(predicate: Any) -> KycSession:
    return next(s for s in store_of(shared_app()).kyc if predicate(s))


def assert_arrays_follow_features(body: dict[str, Any], session: KycSession | KybSession) -> None:
    """An array is null until one of its features ran; each item has node_id/status/warnings."""
    expected: dict[str, list[str]] = {}
    for feature, status in zip(session.features, session.feature_statuses, strict=True):
        if status != "Not Finished":
            expected.setdefault(ARRAY_OF[feature], []).append(status)
    arrays = KYC_ARRAYS if isinstance(session, KycSession) else KYB_ARRAYS
    for array in arrays:
        if array not in expected:
            assert body[array] is None, array
            continue
        items = body[array]
        assert len(items) == len(expected[array])
        for item, status in zip(items, expected[array], strict=True):
            assert isinstance(item["node_id"], str)
            assert item["status"] in (status, "Expired")
            assert isinstance(item["warnings"], list)
            for warning in item["warnings"]:
                assert set(warning) == WARNING_KEYS
                assert warning["node_id"] == item["node_id"]


async def test_not_started_kyc_decision_has_every_array_null() -> None:
    session = first_kyc(lambda s: s.status == "Not Started")
    body = await decision_of(session.session_id)
    assert list(body) == KYC_KEYS
    assert all(body[array] is None for array in KYC_ARRAYS)
    assert body["session_kind"] == "user"
    assert body["status"] == "Not Started"
    assert body["features"] == list(session.features)
    assert body["created_at"] == session.row["created_at"]


async def test_approved_kyc_decision_items_agree_with_the_row() -> None:
    session = first_kyc(
        lambda s: (
            s.status == "Approved" and s.workflow is not None and s.workflow.label == "Standard KYC"
        )
    )
    body = await decision_of(session.session_id)
    row = session.row
    assert_arrays_follow_features(body, session)
    (document,) = body["id_verifications"]
    assert document["node_id"] == "feature_ocr"
    assert document["status"] == "Approved"
    assert document["full_name"] == row["full_name"]
    assert document["issuing_state"] == row["country"]
    assert document["document_type"] == row["document_type"]
    (liveness,) = body["liveness_checks"]
    assert round(liveness["score"] / 100, 2) == row["additional_details"]["liveness"]["score"]
    (aml,) = body["aml_screenings"]
    assert aml["total_hits"] == row["additional_details"]["aml"]["total_hits"] == len(aml["hits"])
    assert body["ip_analyses"][0]["ip_address"].startswith("198.51.")


async def test_declined_decision_carries_error_warnings_with_risk_codes() -> None:
    session = first_kyc(
        lambda s: s.status == "Declined" and any(w.log_type == "error" for w in s.warnings)
    )
    body = await decision_of(session.session_id)
    assert_arrays_follow_features(body, session)
    warnings = [w for array in KYC_ARRAYS for item in body[array] or [] for w in item["warnings"]]
    assert {(w["feature"], w["risk"], w["log_type"]) for w in warnings} == {
        (w.feature, w.risk, w.log_type) for w in session.warnings
    }
    declined = [
        item for array in KYC_ARRAYS for item in body[array] or [] if item["status"] == "Declined"
    ]
    assert declined
    assert all(w["log_type"] == "error" for item in declined for w in item["warnings"])


async def test_partial_sessions_have_arrays_only_for_finished_features() -> None:
    session = first_kyc(lambda s: s.status == "In Progress" and "Approved" in s.feature_statuses)
    body = await decision_of(session.session_id)
    assert_arrays_follow_features(body, session)
    assert any(body[a] is None for a in KYC_ARRAYS)
    assert any(body[a] is not None for a in KYC_ARRAYS)


async def test_kyc_expired_marks_the_id_report_expired() -> None:
    session = first_kyc(lambda s: s.status == "Kyc Expired" and "ID_VERIFICATION" in s.features)
    body = await decision_of(session.session_id)
    assert body["id_verifications"][0]["status"] == "Expired"
    assert "DOCUMENT_EXPIRED" in {w["risk"] for w in body["id_verifications"][0]["warnings"]}


async def test_every_kyc_feature_array_is_produced_somewhere() -> None:
    produced: set[str] = set()
    for session in store_of(shared_app()).kyc:
        if session.status == "Approved" and len(produced) < len(KYC_ARRAYS):
            body = await decision_of(session.session_id)
            assert_arrays_follow_features(body, session)
            produced |= {a for a in KYC_ARRAYS if body[a]}
    assert produced == set(KYC_ARRAYS)


async def test_decisions_are_deterministic() -> None:
    session = store_of(shared_app()).kyc[0]
    first = await decision_of(session.session_id)
    again = await decision_of(session.session_id)
    other = await decision_of(session.session_id, new_app(sessions=400, business_sessions=150))
    assert first == again == other


async def test_kyb_decision_shape_and_arrays() -> None:
    store = store_of(shared_app())
    session = next(s for s in store.kyb if s.status == "Approved" and len(s.features) > 3)
    body = await decision_of(session.session_id)
    assert body["session_kind"] == "business"
    assert body["status"] == "Approved"
    assert body["workflow_id"] == session.workflow.workflow_id
    assert set(KYB_ARRAYS) <= set(body)
    assert body["expires_at"] > body["created_at"]
    assert_arrays_follow_features(body, session)
    company = body["registry_checks"][0]["company"]
    assert (company["name"], company["registration_number"], company["country_code"]) == (
        session.row["company_name"],
        session.row["registration_number"],
        session.row["country"],
    )
    assert body["questionnaire_responses"] is None
    assert body["ip_analyses"] is None


async def test_not_started_kyb_decision_has_null_arrays() -> None:
    session = next(s for s in store_of(shared_app()).kyb if s.status == "Not Started")
    body = await decision_of(session.session_id)
    assert all(body[array] is None for array in KYB_ARRAYS)
    assert session.row["company_name"] is None


async def test_uppercase_kyb_statuses_when_configured() -> None:
    app = new_app(sessions=5, business_sessions=30, kyb_uppercase_status=True)
    session = next(s for s in store_of(app).kyb if s.status == "In Review")
    body = await decision_of(session.session_id, app)
    assert body["status"] == "IN_REVIEW"
    assert session.row["status"] == "IN_REVIEW"


@pytest.mark.parametrize(
    ("session_id", "headers"),
    [
        ("00000000-0000-4000-8000-000000000000", HEADERS),  # unknown
        ("not-a-uuid", HEADERS),  # malformed: a routing 404
        ("not-a-uuid", {}),  # ... even before authentication
    ],
)
async def test_unknown_and_malformed_ids_are_404(session_id: str, headers: dict[str, str]) -> None:
    async with client_for(shared_app()) as client:
        response = await client.get(f"/v3/session/{session_id}/decision/", headers=headers)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


async def test_uppercase_session_id_does_not_route() -> None:
    session = store_of(shared_app()).kyc[0]
    async with client_for(shared_app()) as client:
        response = await client.get(
            f"/v3/session/{session.session_id.upper()}/decision/", headers=HEADERS
        )
    assert response.status_code == 404


async def test_decision_needs_the_api_key() -> None:
    session = store_of(shared_app()).kyc[0]
    async with client_for(shared_app()) as client:
        response = await client.get(f"/v3/session/{session.session_id}/decision/")
    assert response.status_code == 403
    assert response.json() == {"detail": "You do not have permission to perform this action."}
