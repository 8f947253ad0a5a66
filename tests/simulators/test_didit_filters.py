"""Every list filter against expectations computed straight from the store's records.

Expectations read the records' latent data (document code, person, warnings...) and
decide visibility from the feature statuses, independently of the simulator's own
filter code.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest

from idv_gateway.simulators.didit import ORGANIZATION_NAME, KycSession
from tests.simulators.didit_support import (
    client_for,
    fold_name,
    ids,
    list_all,
    listed_ids,
    ran,
    shared_app,
    store_of,
)


def kyc() -> list[KycSession]:
    return store_of(shared_app()).kyc


def expect(predicate: object) -> list[str]:
    assert callable(predicate)
    return [s.session_id for s in kyc() if predicate(s)]


async def test_status_is_a_comma_or_list() -> None:
    expected = expect(lambda s: s.status in ("Approved", "In Review"))
    assert 0 < len(expected) < len(kyc())
    assert await listed_ids(status="Approved,In Review") == expected
    assert await listed_ids(status="Approved, In Review") == expected


@pytest.mark.parametrize("value", ["approved", "APPROVED", "In_Review", "Bogus"])
async def test_status_is_case_sensitive_and_unknown_values_match_nothing(value: str) -> None:
    assert await listed_ids(status=value) == []


async def test_every_documented_status_can_be_filtered() -> None:
    statuses = Counter(s.status for s in kyc())
    assert len(statuses) == 10
    for status, count in statuses.items():
        assert len(await listed_ids(status=status)) == count


async def test_vendor_data_is_an_exact_match() -> None:
    vendor, count = Counter(s.vendor_data for s in kyc() if s.vendor_data).most_common(1)[0]
    assert count >= 2
    assert await listed_ids(vendor_data=vendor) == expect(lambda s: s.vendor_data == vendor)
    assert await listed_ids(vendor_data=vendor[:-1]) == []


async def test_didit_internal_id_lists_one_users_sessions() -> None:
    internal = Counter(
        s.person.didit_internal_id for s in kyc() if s.person.didit_internal_id
    ).most_common(1)[0][0]
    assert internal is not None
    expected = expect(lambda s: s.person.didit_internal_id == internal)
    assert len(expected) >= 2
    assert await listed_ids(didit_internal_id=internal) == expected
    assert await listed_ids(didit_internal_id=internal.upper()) == expected


async def test_euuid_filters_by_the_end_user() -> None:
    euuid = kyc()[3].person.euuid
    assert await listed_ids(euuid=euuid) == expect(lambda s: s.person.euuid == euuid)


async def test_workflow_id_ignores_malformed_entries_and_empties_when_none_is_valid() -> None:
    store = store_of(shared_app())
    first, second = (w.workflow_id for w in list(store.workflows.values())[:2])
    expected = expect(
        lambda s: s.workflow is not None and s.workflow.workflow_id in (first, second)
    )
    assert expected
    assert await listed_ids(workflow_id=f"{first},not-a-uuid,{second}") == expected
    assert await listed_ids(workflow_id="nope,also-nope") == []


async def test_date_range_is_inclusive_and_date_to_covers_the_whole_kyc_day() -> None:
    day = kyc()[40].created_at.date()
    start = datetime(day.year, day.month, day.day, tzinfo=kyc()[0].created_at.tzinfo)
    expected = expect(lambda s: start <= s.created_at < start + timedelta(days=1))
    assert expected
    assert await listed_ids(date_from=day.isoformat(), date_to=day.isoformat()) == expected


async def test_country_matches_the_shown_issuing_state_for_kyc() -> None:
    expected = expect(
        lambda s: ran(s, "ID_VERIFICATION") and s.document.issuing_state.iso3 in ("ESP", "FRA")
    )
    from_row = expect(lambda s: s.row["country"] in ("ESP", "FRA"))
    assert expected
    assert set(expected) <= set(from_row)
    assert await listed_ids(country="ESP,FRA") == from_row


async def test_region_matches_documents_issued_per_region() -> None:
    region = next(
        s.document.region for s in kyc() if s.document.region and ran(s, "ID_VERIFICATION")
    )
    assert region is not None
    expected = expect(lambda s: ran(s, "ID_VERIFICATION") and s.document.region == region)
    assert await listed_ids(region=f"{region},ZZ") == expected


async def test_document_type_filters_by_code_while_rows_show_the_display_name() -> None:
    expected = expect(lambda s: ran(s, "ID_VERIFICATION") and s.document.code in ("P", "ID"))
    assert expected
    async with client_for(shared_app()) as client:
        rows = await list_all(client, document_type="P,ID")
    assert ids(rows) == expected
    assert {row["document_type"] for row in rows} == {"Passport", "Identity Card"}
    assert await listed_ids(document_type="Passport") == []


async def test_document_codes_without_a_display_name_show_null() -> None:
    async with client_for(shared_app()) as client:
        rows = await list_all(client, document_type="SSC,WP,VISA,PSC,BC,OTHER")
    expected = expect(
        lambda s: (
            ran(s, "ID_VERIFICATION")
            and s.document.code in ("SSC", "WP", "VISA", "PSC", "BC", "OTHER")
        )
    )
    assert expected
    assert ids(rows) == expected
    assert {row["document_type"] for row in rows} == {None}


async def test_document_name_splits_on_commas_only_for_several_names() -> None:
    shown = [s for s in kyc() if ran(s, "ID_VERIFICATION")]
    with_comma = next(s.document.names[0] for s in shown if "," in s.document.names[0])
    plain_name = next(s.document.names[0] for s in shown if "," not in s.document.names[0])
    whole = await listed_ids(document_name=with_comma)
    assert whole == expect(lambda s: ran(s, "ID_VERIFICATION") and with_comma in s.document.names)
    assert whole
    # Several names: the value is split on every comma, so a name with an embedded comma
    # falls apart (the documented rule taken literally); only the plain name still matches.
    both = await listed_ids(document_name=f"{with_comma},{plain_name}")
    assert both == expect(lambda s: ran(s, "ID_VERIFICATION") and plain_name in s.document.names)
    assert both
    assert not set(whole) & set(both)


@pytest.mark.parametrize(
    ("value", "types"),
    [("API", {"API"}), ("HOSTED,MIGRATED", {"HOSTED", "MIGRATED"}), ("ALL", None), ("SDK", set())],
)
async def test_session_type(value: str, types: set[str] | None) -> None:
    expected = expect(lambda s: types is None or s.session_type in types)
    assert await listed_ids(session_type=value) == expected


async def test_api_service_filters_standalone_sessions() -> None:
    service = Counter(s.api_service for s in kyc() if s.api_service).most_common(1)[0][0]
    assert service is not None
    assert await listed_ids(api_service=service) == expect(lambda s: s.api_service == service)
    assert await listed_ids(api_service="KYB_REGISTRY") == []


async def test_screened_full_name_is_accent_insensitive_and_follows_api_service() -> None:
    target = next(
        s.person
        for s in kyc()
        if ran(s, "AML") and fold_name(s.person.full_name) != s.person.full_name.lower()
    )
    query = fold_name(target.full_name).upper()

    def screened(s: KycSession, features: tuple[str, ...]) -> bool:
        return any(ran(s, f) for f in features) and all(
            word in fold_name(s.person.full_name) for word in fold_name(query).split()
        )

    assert await listed_ids(screened_full_name=query) == expect(
        lambda s: screened(s, ("AML", "DATABASE_VALIDATION"))
    )
    assert await listed_ids(screened_full_name=query, api_service="AML") == expect(
        lambda s: s.api_service == "AML" and screened(s, ("AML",))
    )


async def test_warning_matches_any_listed_risk_code() -> None:
    codes = Counter(w.risk for s in kyc() for w in s.warnings)
    first, second = (code for code, _ in codes.most_common(2))
    expected = expect(lambda s: any(w.risk in (first, second) for w in s.warnings))
    assert expected
    assert await listed_ids(warning=f"{first},{second},NOT_A_CODE") == expected


@pytest.mark.parametrize("flag", ["true", "false"])
async def test_status_initialized_as_in_review(flag: str) -> None:
    wanted = flag == "true"
    expected = expect(lambda s: s.status_initialized_as_in_review is wanted)
    assert expected
    assert await listed_ids(status_initialized_as_in_review=flag) == expected


async def test_is_kyc_to_be_reviewed_true_false_and_omitted() -> None:
    def flagged(s: KycSession) -> bool | None:
        status = s.feature_status("ID_VERIFICATION")
        return None if status in (None, "Not Finished") else status == "In Review"

    assert await listed_ids(is_kyc_to_be_reviewed="true") == expect(lambda s: flagged(s) is True)
    assert await listed_ids(is_kyc_to_be_reviewed="false") == expect(lambda s: flagged(s) is False)
    assert await listed_ids(is_kyc_to_be_reviewed="") == expect(lambda _: True)


async def test_organization_name_only_matches_the_applications_own() -> None:
    assert await listed_ids(organization_name=f"Other Org,{ORGANIZATION_NAME}") == expect(
        lambda _: True
    )
    assert await listed_ids(organization_name="Other Org") == []
    assert await listed_ids(session_kind="business", organization_name="Other Org") == []


async def test_filters_combine_with_and() -> None:
    expected = expect(
        lambda s: s.status == "Approved" and s.row["country"] in ("ESP", "USA", "GBR")
    )
    assert expected
    assert await listed_ids(status="Approved", country="ESP,USA,GBR") == expected


async def test_empty_values_disable_a_filter() -> None:
    everything = expect(lambda _: True)
    assert await listed_ids(status="", country="", date_from="", didit_internal_id="") == everything


def test_the_shared_dataset_spreads_over_countries_days_and_document_types() -> None:
    """Guards the filter tests above against passing on a degenerate dataset."""
    assert len({s.row["country"] for s in kyc()}) > 20
    days = {s.row["created_at"][:10] for s in kyc()}
    assert len(days) > 60
    assert {"Passport", "Identity Card", "Driver's License"} <= {
        s.row["document_type"] for s in kyc()
    }
