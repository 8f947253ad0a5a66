"""Each filter of each per-source connection selects what the provider's data says it should.

The expectation is computed from the simulator itself: its own list endpoint asked with
the same upstream parameter (the provider is the authority on its filter semantics), and,
for exact instants, directly from every row's `created_at`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from idv_gateway.simulators.didit.catalog import KYB_WORKFLOWS, KYC_WORKFLOWS, ORGANIZATION_NAME
from tests.harness import Harness

from .queries import KAYLE, KYB, KYC, walk
from .upstream import didit_rows, kayle_rows, kayle_unified_status, newest_first, parse_time

FROM, TO = "2026-08-01T06:30:00.250001Z", "2026-10-20T17:45:10.5Z"

# (name, GraphQL filter from the store, upstream params from the store)
Case = tuple[str, Callable[[Any], dict[str, Any]], Callable[[Any], dict[str, str]]]


def _first(records: list[Any], predicate: Callable[[Any], bool]) -> Any:
    return next(r for r in records if predicate(r))


def _local(store: Any) -> str:
    """The local part of an email a list row shows (`@` makes Didit search email prefixes)."""
    rows = (r.row for r in store.kyc)
    return str(next(r["email_address"]["email"] for r in rows if r["email_address"])).split("@")[0]


def _service(store: Any) -> str:
    return str(_first(store.kyc, lambda r: r.api_service).api_service)


def _screened(store: Any) -> str:
    """A full name from a session whose AML screening has run."""
    ran = _first(store.kyc, lambda r: "AML" in r.done and r.row["full_name"])
    return str(ran.row["full_name"])


def _kyb_country(store: Any) -> str:
    return str(_first(store.kyb, lambda r: r.row["country"]).row["country"])


KYC_CASES: list[Case] = [
    (
        "status",
        lambda s: {"status": ["APPROVED", "IN_REVIEW"]},
        lambda s: {"status": "Approved,In Review"},
    ),
    (
        "vendorData",
        lambda s: {"vendorData": _first(s.kyc, lambda r: r.vendor_data).vendor_data},
        lambda s: {"vendor_data": _first(s.kyc, lambda r: r.vendor_data).vendor_data},
    ),
    (
        "search name",
        lambda s: {"search": s.kyc[3].person.last_name},
        lambda s: {"search": s.kyc[3].person.last_name},
    ),
    ("search email", lambda s: {"search": _local(s) + "@"}, lambda s: {"search": _local(s) + "@"}),
    (
        "workflowIds",
        lambda s: {"workflowIds": [KYC_WORKFLOWS[0].workflow_id]},
        lambda s: {"workflow_id": KYC_WORKFLOWS[0].workflow_id},
    ),
    ("countries", lambda s: {"countries": ["ESP", "FRA"]}, lambda s: {"country": "ESP,FRA"}),
    (
        "documentTypes",
        lambda s: {"documentTypes": ["P", "ID"]},
        lambda s: {"document_type": "P,ID"},
    ),
    (
        "documentNames",
        lambda s: {"documentNames": [s.kyc[0].document.names[0]]},
        lambda s: {"document_name": s.kyc[0].document.names[0]},
    ),
    (
        "regions",
        lambda s: {"regions": [_first(s.kyc, lambda r: r.document.region).document.region]},
        lambda s: {"region": _first(s.kyc, lambda r: r.document.region).document.region},
    ),
    (
        "diditInternalId",
        lambda s: {
            "diditInternalId": _first(
                s.kyc, lambda r: r.person.didit_internal_id
            ).person.didit_internal_id
        },
        lambda s: {
            "didit_internal_id": _first(
                s.kyc, lambda r: r.person.didit_internal_id
            ).person.didit_internal_id
        },
    ),
    ("sessionTypes", lambda s: {"sessionTypes": ["API"]}, lambda s: {"session_type": "API"}),
    ("apiService", lambda s: {"apiService": _service(s)}, lambda s: {"api_service": _service(s)}),
    (
        "screenedFullName",
        lambda s: {"screenedFullName": _screened(s)},
        lambda s: {"screened_full_name": _screened(s)},
    ),
    (
        "warnings",
        lambda s: {"warnings": [sorted(_first(s.kyc, lambda r: r.warning_codes).warning_codes)[0]]},
        lambda s: {"warning": sorted(_first(s.kyc, lambda r: r.warning_codes).warning_codes)[0]},
    ),
    (
        "statusInitializedAsInReview",
        lambda s: {"statusInitializedAsInReview": True},
        lambda s: {"status_initialized_as_in_review": "true"},
    ),
    (
        "isKycToBeReviewed",
        lambda s: {"isKycToBeReviewed": False},
        lambda s: {"is_kyc_to_be_reviewed": "false"},
    ),
    (
        "euuid",
        lambda s: {"euuid": s.kyc[9].person.euuid},
        lambda s: {"euuid": s.kyc[9].person.euuid},
    ),
    (
        "organizationNames",
        lambda s: {"organizationNames": [ORGANIZATION_NAME]},
        lambda s: {"organization_name": ORGANIZATION_NAME},
    ),
    (
        "combined",
        lambda s: {"status": ["APPROVED"], "countries": ["ESP", "DEU", "USA"]},
        lambda s: {"status": "Approved", "country": "ESP,DEU,USA"},
    ),
]

KYB_CASES: list[Case] = [
    ("status", lambda s: {"status": ["APPROVED"]}, lambda s: {"status": "Approved"}),
    (
        "vendorData",
        lambda s: {"vendorData": _first(s.kyb, lambda r: r.vendor_data).vendor_data},
        lambda s: {"vendor_data": _first(s.kyb, lambda r: r.vendor_data).vendor_data},
    ),
    (
        "search registration number",
        lambda s: {"search": s.kyb[2].company.registration_number.replace("-", "")},
        lambda s: {"search": s.kyb[2].company.registration_number.replace("-", "")},
    ),
    (
        "workflowIds",
        lambda s: {"workflowIds": [KYB_WORKFLOWS[0].workflow_id]},
        lambda s: {"workflow_id": KYB_WORKFLOWS[0].workflow_id},
    ),
    (
        "countries",
        lambda s: {"countries": [_kyb_country(s)]},
        lambda s: {"country": _kyb_country(s)},
    ),
    (
        "warnings",
        lambda s: {"warnings": [sorted(_first(s.kyb, lambda r: r.warning_codes).warning_codes)[0]]},
        lambda s: {"warning": sorted(_first(s.kyb, lambda r: r.warning_codes).warning_codes)[0]},
    ),
    (
        "organizationNames",
        lambda s: {"organizationNames": [ORGANIZATION_NAME]},
        lambda s: {"organization_name": ORGANIZATION_NAME},
    ),
]


async def _check(harness: Harness, document: str, kind: str, case: Case) -> None:
    name, gql, upstream = case
    store = harness.didit_app.state.store
    nodes, _ = await walk(harness, document, 25, gql(store))
    expected = newest_first(
        await didit_rows(harness.didit, session_kind=kind, **upstream(store)), "session_id"
    )
    assert expected, f"case {name!r} should select something: {upstream(store)}"
    assert [n["providerSessionId"] for n in nodes] == [r["session_id"] for r in expected], name


@pytest.mark.parametrize("case", KYC_CASES, ids=[c[0] for c in KYC_CASES])
async def test_kyc_filter(harness: Harness, case: Case) -> None:
    await _check(harness, KYC, "user", case)


@pytest.mark.parametrize("case", KYB_CASES, ids=[c[0] for c in KYB_CASES])
async def test_kyb_filter(harness: Harness, case: Case) -> None:
    await _check(harness, KYB, "business", case)


async def test_unknown_organization_matches_nothing(harness: Harness) -> None:
    nodes, _ = await walk(harness, KYC, 25, {"organizationNames": ["Another Org Ltd"]})
    assert nodes == []


@pytest.mark.parametrize(("document", "kind"), [(KYC, "user"), (KYB, "business")])
async def test_exact_instants_on_didit(harness: Harness, document: str, kind: str) -> None:
    """Didit filters by whole days; the gateway narrows to the exact instants."""
    nodes, _ = await walk(harness, document, 25, {"createdFrom": FROM, "createdTo": TO})
    lo, hi = parse_time(FROM), parse_time(TO)
    rows = newest_first(await didit_rows(harness.didit, session_kind=kind), "session_id")
    expected = [r["session_id"] for r in rows if lo <= parse_time(r["created_at"]) <= hi]
    assert expected and len(expected) < len(rows)
    assert [n["providerSessionId"] for n in nodes] == expected


@pytest.mark.parametrize(
    "flt",
    [
        {"status": ["APPROVED"]},
        {"status": ["DECLINED"]},
        {"status": ["NOT_STARTED", "EXPIRED"]},
        {"status": ["CANCELLED"]},
        {"createdFrom": FROM, "createdTo": TO},
        {"status": ["APPROVED", "DECLINED"], "createdFrom": FROM},
    ],
)
async def test_kayle_filters(harness: Harness, flt: dict[str, Any]) -> None:
    nodes, _ = await walk(harness, KAYLE, 10, flt)
    rows = newest_first(await kayle_rows(harness.kayle), "id")
    lo = parse_time(flt["createdFrom"]) if "createdFrom" in flt else None
    hi = parse_time(flt["createdTo"]) if "createdTo" in flt else None
    expected = [
        r["id"]
        for r in rows
        if ("status" not in flt or kayle_unified_status(r) in flt["status"])
        and (lo is None or parse_time(r["created_at"]) >= lo)
        and (hi is None or parse_time(r["created_at"]) <= hi)
    ]
    assert expected
    assert [n["providerSessionId"] for n in nodes] == expected
