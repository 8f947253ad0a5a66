"""The KYB side of the list filters: which filters KYB rows honour, ignore, or read differently."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.simulators.didit_support import (
    listed_ids,
    ran,
    shared_app,
    store_of,
)


async def test_kyb_date_to_stops_at_midnight_unlike_kyc() -> None:
    store = store_of(shared_app())
    day = store.kyb[10].created_at.date()
    midnight = datetime(day.year, day.month, day.day, tzinfo=store.kyb[10].created_at.tzinfo)
    same_day = [
        s.session_id for s in store.kyb if midnight <= s.created_at < midnight + timedelta(1)
    ]
    assert same_day
    until_day = await listed_ids(session_kind="business", date_to=day.isoformat())
    until_next = await listed_ids(session_kind="business", date_to=(day + timedelta(1)).isoformat())
    assert not set(same_day) & set(until_day)
    assert set(same_day) <= set(until_next)
    assert until_day == [s.session_id for s in store.kyb if s.created_at <= midnight]


async def test_country_matches_the_registry_country_code_for_kyb() -> None:
    store = store_of(shared_app())
    expected = [
        s.session_id
        for s in store.kyb
        if ran(s, "KYB_REGISTRY") and s.company.country_code in ("IE", "DE")
    ]
    assert expected
    assert await listed_ids(session_kind="business", country="IE,DE") == expected
    assert await listed_ids(session_kind="business", country="IRL") == []


async def test_kyb_rows_ignore_kyc_only_filters() -> None:
    store = store_of(shared_app())
    kyc_only = {
        "document_type": "P",
        "region": "ZZ",
        "document_name": "Nowhere - Passport (2020)",
        "session_type": "API",
        "api_service": "AML",
        "screened_full_name": "nobody at all",
        "status_initialized_as_in_review": "true",
        "is_kyc_to_be_reviewed": "true",
        "didit_internal_id": "00000000-0000-4000-8000-000000000000",
        "euuid": "00000000-0000-4000-8000-000000000000",
    }
    assert await listed_ids(session_kind="business", **kyc_only) == [
        s.session_id for s in store.kyb
    ]
    assert await listed_ids(**kyc_only) == []
    mixed = await listed_ids(session_kind="all", status="Approved", **kyc_only)
    assert mixed == [s.session_id for s in store.kyb if s.status == "Approved"]


async def test_kyb_honours_the_shared_filters() -> None:
    store = store_of(shared_app())
    session = next(s for s in store.kyb if s.warnings and s.vendor_data)
    risk = session.warnings[0].risk
    assert await listed_ids(session_kind="business", vendor_data=session.vendor_data or "") == [
        s.session_id for s in store.kyb if s.vendor_data == session.vendor_data
    ]
    assert await listed_ids(session_kind="business", warning=risk) == [
        s.session_id for s in store.kyb if any(w.risk == risk for w in s.warnings)
    ]
    workflow = session.workflow.workflow_id
    assert await listed_ids(session_kind="business", workflow_id=workflow) == [
        s.session_id for s in store.kyb if s.workflow.workflow_id == workflow
    ]
