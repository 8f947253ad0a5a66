"""The simulator reproduces the shape of every example in Didit's list-sessions page.

`tests/fixtures/didit_list_examples.json` holds the four documented response bodies
verbatim. The two OpenAPI examples are canonical: simulator rows must have the same
keys in the same order and the same JSON types, with `null` allowed exactly where the
OpenAPI schema says a field is nullable. The two Tabs examples predate that schema
(`features` as a comma string, `phone_number`/`email_address` as strings, `APPROVED`,
a non-UUID `workflow_id`, an ISO-3 KYB country); for those the test checks the key set
and that each old value has a documented counterpart in what the simulator emits,
instead of expecting the old types.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.simulators.didit_support import (
    HEADERS,
    KYB_ROW_KEYS,
    KYC_ROW_KEYS,
    client_for,
    list_all,
    new_app,
    shared_app,
)

EXAMPLES: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "didit_list_examples.json").read_text("utf-8")
)
NULLABLE = {
    "user": {
        "session_url",
        "portrait_image",
        "document_type",
        "full_name",
        "country",
        "vendor_data",
        "didit_internal_id",
        "phone_number",
        "email_address",
        "additional_details",
    },
    "business": {
        "vendor_data",
        "workflow_id",
        "workflow_type",
        "workflow_label",
        "company_name",
        "registration_number",
        "country",
    },
}
FEATURE_CODES = {
    "ID_VERIFICATION", "NFC", "LIVENESS", "FACE_MATCH", "POA", "QUESTIONNAIRE",
    "EMAIL_VERIFICATION", "PHONE", "AML", "IP_ANALYSIS", "AGE_ESTIMATION", "DATABASE_VALIDATION",
}  # fmt: skip
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


async def simulator_rows() -> dict[str, list[dict[str, Any]]]:
    async with client_for(shared_app()) as client:
        rows = await list_all(client, session_kind="all")
    return {
        kind: [row for row in rows if row["session_kind"] == kind] for kind in ("user", "business")
    }


def json_type(value: Any) -> str:
    return type(value).__name__


def test_fixture_holds_the_four_documented_examples() -> None:
    assert set(EXAMPLES) == {
        "tab_kyc_default",
        "tab_kyb",
        "openapi_kyc_default",
        "openapi_mixed_all",
    }
    for body in EXAMPLES.values():
        assert list(body) == ["count", "next", "previous", "results"]


@pytest.mark.parametrize("name", ["openapi_kyc_default", "openapi_mixed_all"])
async def test_openapi_examples_have_the_simulators_keys_and_types(name: str) -> None:
    rows = await simulator_rows()
    for example in EXAMPLES[name]["results"]:
        kind = example["session_kind"]
        assert list(example) == (KYC_ROW_KEYS if kind == "user" else KYB_ROW_KEYS)
        for row in rows[kind]:
            assert list(row) == list(example)
            for key, value in row.items():
                if value is None or example[key] is None:
                    assert key in NULLABLE[kind], key
                else:
                    assert json_type(value) == json_type(example[key]), key


@pytest.mark.parametrize("name", ["openapi_kyc_default", "openapi_mixed_all"])
async def test_openapi_example_nested_objects_match(name: str) -> None:
    rows = await simulator_rows()
    kyc = rows["user"]
    for example in EXAMPLES[name]["results"]:
        if example["session_kind"] != "user":
            continue
        assert all(list(item) == ["feature", "status"] for item in example["features"])
        assert {item["feature"] for item in example["features"]} <= FEATURE_CODES
        for field, keys in (
            ("phone_number", ["number", "is_verified"]),
            ("email_address", ["email", "is_verified"]),
        ):
            if example[field] is not None:
                assert list(example[field]) == keys
            assert all(list(row[field]) == keys for row in kyc if row[field] is not None)
        for feature, fields in (example["additional_details"] or {}).items():
            produced = [
                row["additional_details"][feature]
                for row in kyc
                if feature in (row["additional_details"] or {})
            ]
            assert produced, feature
            for extra in produced:
                for key, value in fields.items():
                    assert json_type(extra[key]) == json_type(value), (feature, key)


async def test_completed_and_not_started_example_rows_have_simulator_twins() -> None:
    """Same null pattern and feature list as each row of the default-kind example."""
    rows = (await simulator_rows())["user"]
    patterns = {
        (
            frozenset(k for k, v in row.items() if v is None),
            tuple((f["feature"], f["status"]) for f in row["features"]),
            row["status"],
        )
        for row in rows
    }
    for example in EXAMPLES["openapi_kyc_default"]["results"]:
        nulls = frozenset(k for k, v in example.items() if v is None)
        features = tuple((f["feature"], f["status"]) for f in example["features"])
        assert (nulls, features, example["status"]) in patterns


async def test_mixed_example_kyb_row_has_a_simulator_twin() -> None:
    rows = (await simulator_rows())["business"]
    example = EXAMPLES["openapi_mixed_all"]["results"][1]
    assert example["session_kind"] == "business"
    twins = [row for row in rows if row["status"] == example["status"] and None not in row.values()]
    assert twins
    assert all(row["workflow_type"] == example["workflow_type"] == "kyb" for row in twins)
    assert all(UUID.fullmatch(row["workflow_id"]) for row in twins)


async def test_tab_kyc_example_uses_older_shapes_the_simulator_maps_to_the_schema() -> None:
    example = EXAMPLES["tab_kyc_default"]["results"][0]
    rows = (await simulator_rows())["user"]
    assert list(example) == KYC_ROW_KEYS  # same fields, same order
    # features: comma string then, [{feature, status}] in the OpenAPI schema.
    assert set(example["features"].split(",")) <= FEATURE_CODES
    assert all(isinstance(row["features"], list) for row in rows)
    # phone/email: bare strings then, objects now; the values have the same form.
    phones = [row["phone_number"]["number"] for row in rows if row["phone_number"]]
    assert re.fullmatch(r"\+\d{8,15}", example["phone_number"])
    assert phones
    assert all(re.fullmatch(r"\+\d{8,15}", number) for number in phones)
    emails = [row["email_address"]["email"] for row in rows if row["email_address"]]
    assert "@" in example["email_address"]
    assert all("@" in email for email in emails)
    # status: `APPROVED` is the internal name of the display value KYC rows carry.
    assert example["status"] in {row["status"].upper().replace(" ", "_") for row in rows}
    # created_at: both are ISO 8601 UTC instants; the simulator always has microseconds.
    assert datetime.fromisoformat(example["created_at"]).utcoffset() is not None
    assert all(datetime.fromisoformat(row["created_at"]).utcoffset() is not None for row in rows)


async def test_tab_kyb_example_is_reproduced_with_uppercase_statuses() -> None:
    example = EXAMPLES["tab_kyb"]["results"][0]
    app = new_app(sessions=5, business_sessions=60, kyb_uppercase_status=True)
    async with client_for(app) as client:
        response = await client.get(
            "/v3/sessions/",
            params={"session_kind": "business", "status": "Approved"},
            headers=HEADERS,
        )
    rows = response.json()["results"]
    assert rows
    for row in rows:
        assert list(row) == list(example)
        assert row["status"] == example["status"] == "APPROVED"
        assert row["workflow_type"] == "kyb"  # the tab says "business"; the schema says `kyb`
        assert UUID.fullmatch(row["workflow_id"])  # "wf_kyb_standard" is not the schema's uuid
        assert len(row["country"]) == 2  # the schema's example is "ES"; the tab shows ISO-3 "GBR"
        assert json_type(row["session_number"]) == json_type(example["session_number"])
