"""The seeded data: deterministic per seed, realistic, and shaped like the documents say."""

from __future__ import annotations

import functools
import re
from collections import Counter
from datetime import timedelta
from itertools import pairwise

from idv_gateway.simulators import DEFAULT_ANCHOR
from idv_gateway.simulators.didit import DiditStore, create_didit_app
from tests.simulators.didit_support import store_of

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
FEATURES = {
    "ID_VERIFICATION",
    "NFC",
    "LIVENESS",
    "FACE_MATCH",
    "POA",
    "QUESTIONNAIRE",
    "EMAIL_VERIFICATION",
    "PHONE",
    "AML",
    "IP_ANALYSIS",
    "AGE_ESTIMATION",
    "DATABASE_VALIDATION",
}
FEATURE_STATUSES = {"Not Finished", "Approved", "Declined", "In Review", "Resub Requested"}
STATUSES = {
    "Not Started",
    "In Progress",
    "Approved",
    "Declined",
    "In Review",
    "Expired",
    "Abandoned",
    "Kyc Expired",
    "Resubmitted",
    "Awaiting User",
}


@functools.cache
def big() -> DiditStore:
    return DiditStore(seed=5, sessions=3000, business_sessions=400, anchor=DEFAULT_ANCHOR)


def test_same_seed_same_rows_and_different_seed_different_rows() -> None:
    first = store_of(create_didit_app(seed=3, sessions=200, business_sessions=50))
    again = store_of(create_didit_app(seed=3, sessions=200, business_sessions=50))
    other = store_of(create_didit_app(seed=4, sessions=200, business_sessions=50))
    assert [s.row for s in first.kyc] == [s.row for s in again.kyc]
    assert [s.row for s in first.kyb] == [s.row for s in again.kyb]
    assert [s.row for s in first.kyc] != [s.row for s in other.kyc]
    assert [s.row for s in first.kyb] != [s.row for s in other.kyb]


def test_kyb_data_does_not_depend_on_the_kyc_volume() -> None:
    small = store_of(create_didit_app(seed=3, sessions=10, business_sessions=50))
    large = store_of(create_didit_app(seed=3, sessions=300, business_sessions=50))
    assert [s.row for s in small.kyb] == [s.row for s in large.kyb]


def test_each_kind_is_numbered_independently_from_one() -> None:
    store = big()
    assert [s.session_number for s in store.kyc] == list(range(3000, 0, -1))
    assert [s.session_number for s in store.kyb] == list(range(400, 0, -1))
    session_ids = [s.session_id for s in store.kyc] + [s.session_id for s in store.kyb]
    assert all(UUID.fullmatch(session_id) for session_id in session_ids)
    assert len(set(session_ids)) == 3400


def test_created_at_is_monotone_spread_over_months_with_ties_and_before_the_anchor() -> None:
    for sessions in (big().kyc, big().kyb):
        stamps = [s.created_at for s in sessions]
        assert all(newer >= older for newer, older in pairwise(stamps))
        assert stamps[0] < DEFAULT_ANCHOR
        assert stamps[0] - stamps[-1] > timedelta(days=90)
        assert any(newer == older for newer, older in pairwise(stamps))


def test_every_status_document_type_feature_and_feature_status_occurs() -> None:
    store = big()
    assert {s.status for s in store.kyc} == STATUSES
    assert {s.document.code for s in store.kyc} == {
        "P", "ID", "DL", "RP", "SSC", "HIC", "WP", "TC", "VISA", "PSC", "BC", "OTHER",
    }  # fmt: skip
    items = [item for s in store.kyc for item in s.row["features"]]
    assert {item["feature"] for item in items} == FEATURES
    assert {item["status"] for item in items} == FEATURE_STATUSES
    assert {s.session_type for s in store.kyc} == {"API", "HOSTED", "MIGRATED"}
    assert {s.row["document_type"] for s in store.kyc} >= {
        None, "Passport", "Identity Card", "Driver's License", "Residence Permit",
        "Health Insurance Card", "Tax Card",
    }  # fmt: skip


def test_names_are_international_and_accented() -> None:
    names = {s.person.full_name for s in big().kyc}
    joined = " ".join(names)
    for fragment in ("José", "Zoë", "Łukasz", "Nguyễn", "Ørsted", "Álvarez"):
        assert fragment in joined
    assert len({s.row["country"] for s in big().kyc if s.row["country"]}) >= 25


def test_identity_fields_stay_null_until_the_steps_finish() -> None:
    for session in big().kyc:
        row = session.row
        if session.status in ("Not Started", "Expired"):
            assert {f["status"] for f in row["features"]} == {"Not Finished"}
            assert row["document_type"] is None
            assert row["portrait_image"] is None
            assert row["additional_details"] is None
            if not session.expected_details:
                assert row["full_name"] is None
        if all(f["status"] == "Not Finished" for f in row["features"]):
            assert row["additional_details"] is None
        if row["additional_details"] is not None:
            assert row["additional_details"]


def test_additional_details_only_for_features_that_produced_data() -> None:
    owner = {
        "aml": {"AML"},
        "database_validation": {"DATABASE_VALIDATION"},
        "poa": {"POA"},
        "liveness": {"LIVENESS", "AGE_ESTIMATION"},
        "face_match": {"FACE_MATCH"},
        "phone_verification": {"PHONE"},
        "email_verification": {"EMAIL_VERIFICATION"},
    }
    seen: Counter[str] = Counter()
    for session in big().kyc:
        extras = session.row["additional_details"] or {}
        finished = {f["feature"] for f in session.row["features"] if f["status"] != "Not Finished"}
        assert list(extras) == [key for key in owner if key in extras]  # schema order
        for key in owner:
            assert (key in extras) == bool(owner[key] & finished)
        seen.update(list(extras))
    assert set(seen) == set(owner)


def test_kyb_companies_have_registration_numbers_some_with_separators() -> None:
    shown = [s.row for s in big().kyb if s.row["company_name"]]
    numbers = [row["registration_number"] for row in shown]
    assert all(numbers)
    assert any("-" in n for n in numbers)
    assert any(" " in n for n in numbers)
    assert any(n.startswith("DPC-") for n in numbers)
    assert len({row["country"] for row in shown}) >= 10
    assert all(len(row["country"]) == 2 for row in shown)
    assert {s.status for s in big().kyb} >= {"Approved", "Declined", "In Review", "Not Started"}


def test_rows_from_a_changed_session_are_rebuilt() -> None:
    store = DiditStore(seed=9, sessions=300, business_sessions=5, anchor=DEFAULT_ANCHOR)
    session = next(s for s in store.kyc if s.status == "Not Started")
    before = session.row
    store.move(session, "Approved")
    assert session.row is not before
    assert session.row["status"] == "Approved"
