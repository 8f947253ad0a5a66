"""Bad arguments are BAD_USER_INPUT errors with a clear message, never an HTTP 500."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.harness import Harness

from .queries import KAYLE, KYC, SESSIONS


def _only_error(body: dict[str, Any]) -> dict[str, Any]:
    assert len(body["errors"]) == 1, body
    error: dict[str, Any] = body["errors"][0]
    return error


@pytest.mark.parametrize(
    ("variables", "argument", "words"),
    [
        ({"first": 0}, "first", "between 1 and 100"),
        ({"first": 101}, "first", "between 1 and 100"),
        ({"first": -5}, "first", "between 1 and 100"),
        ({"first": 5, "after": "not-a-cursor"}, "after", "not a cursor"),
        ({"first": 5, "after": ""}, "after", "not a cursor"),
    ],
)
async def test_out_of_range_or_malformed_arguments(
    harness: Harness, variables: dict[str, Any], argument: str, words: str
) -> None:
    body = await harness.query(SESSIONS, variables)
    error = _only_error(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["argument"] == argument
    assert words in error["message"]
    assert body["data"] is None


@pytest.mark.parametrize(
    "value", ["yesterday", "2026-13-01T00:00:00Z", "2026-06-01 25:00", "", "1700000000"]
)
async def test_malformed_dates_are_bad_user_input(harness: Harness, value: str) -> None:
    body = await harness.query(KYC, {"first": 5, "filter": {"createdFrom": value}})
    error = _only_error(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "createdFrom" in error["message"] or "DateTime" in error["message"]


async def test_date_without_offset_is_rejected_as_ambiguous(harness: Harness) -> None:
    body = await harness.query(KYC, {"first": 5, "filter": {"createdFrom": "2026-06-01T10:00:00"}})
    error = _only_error(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "UTC offset" in error["message"]


async def test_inverted_window_is_rejected(harness: Harness) -> None:
    body = await harness.query(
        SESSIONS,
        {
            "first": 5,
            "filter": {"createdFrom": "2026-06-02T00:00:00Z", "createdTo": "2026-06-01T00:00:00Z"},
        },
    )
    assert _only_error(body)["extensions"]["code"] == "BAD_USER_INPUT"


async def test_tampered_cursor_is_rejected(harness: Harness) -> None:
    page = await harness.data(SESSIONS, {"first": 3})
    cursor = page["page"]["pageInfo"]["endCursor"]
    raw = bytearray(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    raw[10] ^= 0x01  # flip one bit of the payload
    tampered = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    error = _only_error(await harness.query(SESSIONS, {"first": 3, "after": tampered}))
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


async def test_cursor_of_another_filter_or_connection_is_rejected(harness: Harness) -> None:
    page = await harness.data(SESSIONS, {"first": 3, "filter": {"status": ["APPROVED"]}})
    cursor = page["page"]["pageInfo"]["endCursor"]
    other_filter = await harness.query(
        SESSIONS, {"first": 3, "after": cursor, "filter": {"status": ["DECLINED"]}}
    )
    error = _only_error(other_filter)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "different filter" in error["message"]
    other_field = await harness.query(KAYLE, {"first": 3, "after": cursor})
    assert _only_error(other_field)["extensions"]["code"] == "BAD_USER_INPUT"


async def test_backward_paging_is_a_clear_error(harness: Harness) -> None:
    body = await harness.query("{ sessions(last: 5) { edges { cursor } } }")
    error = _only_error(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "backward paging" in error["message"]


@pytest.mark.parametrize(
    ("flt", "words"),
    [
        ({"status": []}, "empty list"),
        ({"status": ["UNKNOWN"]}, "UNKNOWN"),
        ({"diditInternalId": "not-a-uuid"}, "UUID"),
        ({"workflowIds": ["9f9b1234-aaaa-bbbb-cccc-1234567890ab", "nope"]}, "UUID"),
        ({"countries": ["ESP,USA"]}, "comma"),
        ({"search": "   "}, "empty"),
    ],
)
async def test_filters_an_upstream_would_misread_are_rejected(
    harness: Harness, flt: dict[str, Any], words: str
) -> None:
    body = await harness.query(KYC, {"first": 5, "filter": flt})
    error = _only_error(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert words in error["message"]


@pytest.mark.parametrize("global_id", ["", "%%%", base64.b64encode(b"Other:1").decode()])
async def test_malformed_global_id_is_bad_user_input(harness: Harness, global_id: str) -> None:
    body = await harness.query("query($id: ID!) { node(id: $id) { id } }", {"id": global_id})
    assert _only_error(body)["extensions"]["code"] == "BAD_USER_INPUT"


async def test_errors_in_the_document_carry_codes(harness: Harness) -> None:
    syntax = await harness.query("{ sessions(first: 1) { edges ")
    assert _only_error(syntax)["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    unknown = await harness.query("{ sessions(first: 1) { nope } }")
    assert _only_error(unknown)["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    wrong_type = await harness.query('{ sessions(first: "ten") { totalCount } }')
    assert _only_error(wrong_type)["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("sources", [5, True, 1.5, {"a": 1}, [[["KAYLE"]]], "NOPE"])
async def test_sources_of_the_wrong_type_are_a_validation_error(
    harness: Harness, sources: Any
) -> None:
    """Measured (for the cost limit) before coercion: a scalar where a list is due is allowed
    by GraphQL's list coercion, so the measure must not assume a list."""
    response = await harness.gateway.post(
        "/graphql",
        json={"query": SESSIONS, "variables": {"first": 2, "filter": {"sources": sources}}},
    )
    assert response.status_code < 500, response.text
    body = response.json()
    assert body["errors"], body
    assert all(e["extensions"]["code"] != "INTERNAL" for e in body["errors"]), body
    assert "sources" in body["errors"][0]["message"]


UUID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


@pytest.mark.parametrize("value", [UUID + "\n", UUID + "\r\n", " " + UUID, UUID.upper() + "\n"])
async def test_ids_must_match_whole(harness: Harness, value: str) -> None:
    """`$` lets a trailing newline through: the patterns match the whole value."""
    body = await harness.query(KYC, {"first": 5, "filter": {"diditInternalId": value}})
    error = _only_error(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "must be a UUID" in error["message"]


@pytest.mark.parametrize("field", ["vendorData", "search"])
async def test_filter_text_is_bounded(harness: Harness, field: str) -> None:
    body = await harness.query(KYC, {"first": 5, "filter": {field: "x" * 100_000}})
    error = _only_error(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "100,000 characters; at most 256" in error["message"]
    assert len(error["message"]) < 200  # the value itself is not echoed


async def test_a_huge_id_is_not_echoed_in_full(harness: Harness) -> None:
    body = await harness.query("query($id: ID!) { node(id: $id) { id } }", {"id": "A" * 50_000})
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert len(error["message"]) < 200
