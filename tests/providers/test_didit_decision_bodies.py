"""Decision bodies fed through `httpx.MockTransport` or `to_domain`: the reference's own
examples (§4.5, and §4.6 for KYB), lenient shapes, and bodies that are not decisions.
"""

from __future__ import annotations

import copy
import uuid
from datetime import datetime
from typing import Any

import pytest

from idv_gateway.domain import FeatureStatus, SessionStatus
from idv_gateway.domain.decision import KybDecision, KycDecision
from idv_gateway.errors import ProviderBadResponse
from idv_gateway.providers.didit.decisions import fetch_decision, to_domain
from tests.providers.decision_support import EXAMPLES, answering, as_upstream, assert_matches


@pytest.mark.parametrize(
    "body",
    [
        [],
        "Approved",
        {"detail": "Not found."},
        {"session_id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890", "status": "Approved"},
        {**EXAMPLES["reference_4_5_kyc_minimal"], "id_verifications": "Approved"},
        {**EXAMPLES["reference_4_5_kyc_minimal"], "created_at": "yesterday"},
    ],
    ids=["list", "string", "error-body", "no-created-at", "array-as-string", "bad-created-at"],
)
async def test_a_body_that_is_not_a_decision_is_a_bad_response(body: Any) -> None:
    async with answering(body) as client:
        with pytest.raises(ProviderBadResponse) as caught:
            await fetch_decision(as_upstream(client), str(uuid.uuid4()))
    assert caught.value.extensions()["code"] == "PROVIDER_BAD_RESPONSE"
    assert caught.value.retryable is False


async def test_the_reference_kyc_example_parses() -> None:
    example = EXAMPLES["reference_4_5_kyc_minimal"]
    async with answering(example) as client:
        decision = await fetch_decision(as_upstream(client), example["session_id"])
    assert isinstance(decision, KycDecision)
    assert_matches(decision, example)
    assert decision.raw == example
    assert decision.environment == "sandbox"
    assert decision.created_at == datetime.fromisoformat("2026-01-01T12:00:00+00:00")
    assert decision.expires_at is None
    assert decision.nfc_verifications is None
    assert decision.liveness_checks is not None
    assert decision.liveness_checks[0].method == "PASSIVE"
    assert decision.liveness_checks[0].score == pytest.approx(99.03)
    assert decision.aml_screenings is not None
    aml = decision.aml_screenings[0]
    assert (aml.total_hits, aml.hits, aml.is_ongoing_monitoring_enabled) == (0, (), False)
    assert aml.screened_data is not None
    assert aml.screened_data.nationality == "ES"
    assert decision.ip_analyses is not None
    assert decision.ip_analyses[0].ip_country_code == "US"
    assert decision.reviews == ()


async def test_the_reference_kyb_example_parses() -> None:
    example = EXAMPLES["reference_4_6_kyb"]
    async with answering(example) as client:
        decision = await fetch_decision(as_upstream(client), str(uuid.uuid4()))
    assert isinstance(decision, KybDecision)
    assert_matches(decision, example)
    assert decision.session_id == "bs_01HZX3K7Q9V2M4N6P8R0T2W4Y6"
    assert (decision.status, decision.provider_status) == (SessionStatus.APPROVED, "APPROVED")
    assert decision.workflow_id == "wf_kyb_standard"
    assert decision.document_verifications is not None
    assert decision.document_verifications[0].status is FeatureStatus.IN_REVIEW
    assert decision.key_people_checks is not None
    assert decision.key_people_checks[0].status is FeatureStatus.RESUB_REQUESTED
    assert decision.key_people_checks[0].details == {}
    assert decision.phone_verifications is None


def test_the_kind_follows_session_kind_or_else_the_arrays_present() -> None:
    kyb = {k: v for k, v in EXAMPLES["reference_4_6_kyb"].items() if k != "session_kind"}
    kyc = {k: v for k, v in EXAMPLES["reference_4_5_kyc_minimal"].items() if k != "session_kind"}
    assert isinstance(to_domain(kyb), KybDecision)
    assert isinstance(to_domain(kyc), KycDecision)
    assert isinstance(to_domain({**kyc, "session_kind": "BUSINESS"}), KybDecision)


def test_numbers_statuses_and_shapes_are_read_leniently() -> None:
    body = copy.deepcopy(EXAMPLES["reference_4_5_kyc_minimal"])
    body["features"] = "ID_VERIFICATION, LIVENESS"
    body["created_at"] = "2026-01-01T12:00:00"  # no offset: UTC
    document = body["id_verifications"][0]
    document.update(age=35.0, document_number=123456, status="APPROVED")
    body["liveness_checks"][0]["score"] = 99
    body["phone_verifications"] = [
        {"status": "resub requested", "verified_at": "not a time", "lifecycle": None}
    ]
    decision = to_domain(body)
    assert isinstance(decision, KycDecision)
    assert decision.features == ("ID_VERIFICATION", "LIVENESS")
    assert decision.created_at.utcoffset() is not None
    assert decision.id_verifications is not None
    checked = decision.id_verifications[0]
    assert (checked.age, checked.document_number, checked.status) == (
        35,
        "123456",
        FeatureStatus.APPROVED,
    )
    assert decision.liveness_checks is not None
    assert decision.liveness_checks[0].score == 99.0
    assert decision.phone_verifications is not None
    phone = decision.phone_verifications[0]
    assert (phone.status, phone.verified_at, phone.lifecycle, phone.node_id) == (
        FeatureStatus.RESUB_REQUESTED,
        None,
        (),
        None,
    )
    assert phone.warnings == ()


def test_an_empty_feature_array_stays_apart_from_a_null_one() -> None:
    body = {**EXAMPLES["reference_4_5_kyc_minimal"], "poa_verifications": []}
    decision = to_domain(body)
    assert isinstance(decision, KycDecision)
    assert decision.poa_verifications == ()
    assert decision.nfc_verifications is None
