"""`fetch_decision` against the Didit simulator over HTTP: every status, both kinds, 404s."""

from __future__ import annotations

import copy
import uuid

import httpx
import pytest

from idv_gateway.domain import FeatureStatus, SessionStatus
from idv_gateway.domain.decision import KybDecision, KycDecision
from idv_gateway.providers.didit.decisions import fetch_decision
from idv_gateway.simulators.didit import create_didit_app
from tests.providers.decision_support import (
    DECISION_ROUTE,
    KYB_ARRAYS,
    KYC_ARRAYS,
    answering,
    as_upstream,
    assert_matches,
    client_for,
    fetch_with_raw,
    first_with,
    shared_app,
    status_name,
    store_of,
)

KYC_STATUSES = sorted({s.status for s in store_of(shared_app()).kyc})
KYB_STATUSES = sorted({s.status for s in store_of(shared_app()).kyb})


@pytest.mark.parametrize("status", KYC_STATUSES)
async def test_a_kyc_decision_in_any_status_types_every_field(status: str) -> None:
    session_id = first_with("kyc", status)
    decision, body = await fetch_with_raw(shared_app(), session_id)
    assert isinstance(decision, KycDecision)
    assert decision.session_id == session_id
    assert decision.provider_status == status
    assert decision.status is SessionStatus[status_name(status)]
    assert decision.raw == body
    assert_matches(decision, body)


@pytest.mark.parametrize("status", KYB_STATUSES)
async def test_a_kyb_decision_in_any_status_types_every_field(status: str) -> None:
    session_id = first_with("kyb", status)
    decision, body = await fetch_with_raw(shared_app(), session_id)
    assert isinstance(decision, KybDecision)
    assert decision.status is SessionStatus[status_name(status)]
    assert decision.expires_at is not None
    assert decision.raw == body
    assert_matches(decision, body)


async def test_every_simulated_decision_parses_and_matches_its_payload() -> None:
    store = store_of(shared_app())
    async with client_for(shared_app()) as client:
        ids = [s.session_id for s in store.kyc] + [s.session_id for s in store.kyb]
        for session_id in ids:
            body = (await client.get(f"/v3/session/{session_id}/decision/")).json()
            decision = await fetch_decision(as_upstream(client), session_id)
            assert_matches(decision, body)


@pytest.mark.parametrize(("kind", "arrays"), [("kyc", KYC_ARRAYS), ("kyb", KYB_ARRAYS)])
async def test_a_not_started_session_has_every_feature_array_null(
    kind: str, arrays: tuple[str, ...]
) -> None:
    decision, body = await fetch_with_raw(shared_app(), first_with(kind, "Not Started"))
    assert isinstance(decision, KycDecision if kind == "kyc" else KybDecision)
    assert decision.status is SessionStatus.NOT_STARTED
    assert decision.features  # the workflow's features, none run yet
    assert all(getattr(decision, array) is None for array in arrays)
    assert all(body[array] is None for array in arrays)


async def test_an_approved_kyc_session_has_typed_items_with_node_ids() -> None:
    session_id = first_with("kyc", "Approved", "ID_VERIFICATION")
    decision, body = await fetch_with_raw(shared_app(), session_id)
    assert isinstance(decision, KycDecision)
    assert decision.id_verifications is not None
    document = decision.id_verifications[0]
    raw = body["id_verifications"][0]
    assert document.node_id == "feature_ocr"
    assert document.status is FeatureStatus.APPROVED
    assert document.provider_status == "Approved"
    assert (document.full_name, document.document_number) == (
        raw["full_name"],
        raw["document_number"],
    )
    assert document.front_image_quality_score is not None
    assert (
        document.front_image_quality_score.overall_score
        == (raw["front_image_quality_score"]["overall_score"])
    )
    ran = [array for array in KYC_ARRAYS if body[array] is not None]
    assert ran
    assert all(getattr(decision, array) is not None for array in ran)


async def test_warnings_are_typed_with_their_risk_and_node() -> None:
    store = store_of(shared_app())
    session = next(s for s in store.kyc if s.status == "Declined" and s.warnings)
    decision, body = await fetch_with_raw(shared_app(), session.session_id)
    warnings = [
        (array, w)
        for array in KYC_ARRAYS
        for item in getattr(decision, array) or ()
        for w in item.warnings
    ]
    assert warnings
    array, warning = warnings[0]
    raw = next(w for item in body[array] for w in item["warnings"])
    assert (warning.feature, warning.risk, warning.log_type, warning.node_id) == (
        raw["feature"],
        raw["risk"],
        raw["log_type"],
        raw["node_id"],
    )
    assert warning.short_description == raw["short_description"]
    assert warning.long_description == raw["long_description"]


async def test_an_expired_id_document_is_an_expired_check() -> None:
    session_id = first_with("kyc", "Kyc Expired", "ID_VERIFICATION")
    decision, _ = await fetch_with_raw(shared_app(), session_id)
    assert isinstance(decision, KycDecision)
    assert decision.status is SessionStatus.KYC_EXPIRED
    assert decision.id_verifications is not None
    assert decision.id_verifications[0].status is FeatureStatus.EXPIRED


async def test_a_kyb_decision_has_registry_documents_and_key_people() -> None:
    store = store_of(shared_app())
    session = next(
        s
        for s in store.kyb
        if s.status == "Approved" and "KYB_KEY_PEOPLE" in s.features and "PHONE" in s.features
    )
    decision, body = await fetch_with_raw(shared_app(), session.session_id)
    assert isinstance(decision, KybDecision)
    assert decision.registry_checks is not None
    registry = decision.registry_checks[0]
    assert registry.node_id == "feature_kyb_registry"
    assert registry.data_resolved is True
    assert registry.details["company"] == body["registry_checks"][0]["company"]
    assert decision.key_people_checks is not None
    assert decision.key_people_checks[0].details["key_people"]
    assert decision.aml_screenings is not None
    assert decision.aml_screenings[0].entity_type == "company"
    assert decision.phone_verifications is not None
    assert (
        decision.phone_verifications[0].full_number == body["phone_verifications"][0]["full_number"]
    )
    assert decision.questionnaire_responses is None


async def test_uppercase_kyb_statuses_map_like_display_ones() -> None:
    app = create_didit_app(seed=7, sessions=5, business_sessions=30, kyb_uppercase_status=True)
    session_id = next(s.session_id for s in store_of(app).kyb if s.status == "In Review")
    decision, _ = await fetch_with_raw(app, session_id)
    assert isinstance(decision, KybDecision)
    assert decision.provider_status == "IN_REVIEW"
    assert decision.status is SessionStatus.IN_REVIEW


async def test_an_unknown_session_is_none() -> None:
    async with client_for(shared_app()) as client:
        assert await fetch_decision(as_upstream(client), str(uuid.uuid4())) is None


async def test_a_deleted_session_is_none() -> None:
    app = create_didit_app(seed=7, sessions=5, business_sessions=2)
    session_id = store_of(app).kyc[0].session_id
    async with client_for(app) as client:
        assert await fetch_decision(as_upstream(client), session_id) is not None
        deleted = await client.delete(f"/v3/session/{session_id}/delete/")
        assert deleted.status_code in (200, 204)
        assert await fetch_decision(as_upstream(client), session_id) is None


@pytest.mark.parametrize("session_id", ["", "not-a-uuid", "../sessions", "a1b2c3d4e5f6"])
async def test_a_malformed_id_is_none_without_a_request(session_id: str) -> None:
    app = create_didit_app(seed=7, sessions=5, business_sessions=2)
    async with client_for(app) as client:
        assert await fetch_decision(as_upstream(client), session_id) is None
        stats = (await client.get("/_sim/stats")).json()
    assert stats["requests"].get(DECISION_ROUTE, 0) == 0


async def test_unknown_statuses_and_risk_codes_are_kept_raw() -> None:
    session_id = first_with("kyc", "Declined")
    _, body = await fetch_with_raw(shared_app(), session_id)
    body = copy.deepcopy(body)
    body["status"] = "Frozen"
    array = next(a for a in KYC_ARRAYS if body[a])
    item = body[array][0]
    item["status"] = "Pending Second Look"
    item["warnings"] = [
        {"feature": "QUANTUM_CHECK", "risk": "BRAND_NEW_RISK", "log_type": "critical"}
    ]
    seen: list[httpx.Request] = []
    async with answering(body, seen=seen) as client:
        decision = await fetch_decision(as_upstream(client), session_id)
    assert [r.url.path for r in seen] == [f"/v3/session/{session_id}/decision/"]
    assert isinstance(decision, KycDecision)
    assert (decision.status, decision.provider_status) == (SessionStatus.UNKNOWN, "Frozen")
    check = getattr(decision, array)[0]
    assert (check.status, check.provider_status) == (FeatureStatus.UNKNOWN, "Pending Second Look")
    warning = check.warnings[0]
    assert (warning.feature, warning.risk, warning.log_type) == (
        "QUANTUM_CHECK",
        "BRAND_NEW_RISK",
        "critical",
    )
    assert warning.node_id is None
    assert decision.raw == body
