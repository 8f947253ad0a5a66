"""Query and path validation: zod 4.4.2 bodies byte for byte, and JavaScript coercion quirks."""

from __future__ import annotations

from typing import Any

import pytest

from tests.simulators.kayle_support import AUTH, client_for, make_app, zod_body

# Reference §2.4, copied verbatim: the exact 400 body for `?limit=0`.
LIMIT_ZERO_BODY = (
    r'{"success":false,"error":{"name":"ZodError","message":"[\n  {\n    \"origin\": \"number\",'
    r"\n    \"code\": \"too_small\",\n    \"minimum\": 1,\n    \"inclusive\": true,\n    \"path\":"
    r" [\n      \"limit\"\n    ],\n    \"message\": \"Too small: expected number to be >=1\"\n  }"
    r'\n]"}}'
)
DATETIME_PATTERN = (
    r"/^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|"
    r"\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|"
    r"(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z))$/"
)
TOO_SMALL = {
    "origin": "number",
    "code": "too_small",
    "minimum": 1,
    "inclusive": True,
    "path": ["limit"],
    "message": "Too small: expected number to be >=1",
}
TOO_BIG = {
    "origin": "number",
    "code": "too_big",
    "maximum": 100,
    "inclusive": True,
    "path": ["limit"],
    "message": "Too big: expected number to be <=100",
}
NAN = {
    "expected": "number",
    "code": "invalid_type",
    "received": "NaN",
    "path": ["limit"],
    "message": "Invalid input: expected number, received NaN",
}
NOT_INT = {
    "expected": "int",
    "format": "safeint",
    "code": "invalid_type",
    "path": ["limit"],
    "message": "Invalid input: expected int, received number",
}
BAD_STATUS = {
    "code": "invalid_value",
    "values": ["created", "in_progress", "completed", "expired", "cancelled"],
    "path": ["status"],
    "message": "Invalid option: expected one of "
    '"created"|"in_progress"|"completed"|"expired"|"cancelled"',
}


def bad_datetime(path: str) -> dict[str, Any]:
    return {
        "origin": "string",
        "code": "invalid_format",
        "format": "datetime",
        "pattern": DATETIME_PATTERN,
        "path": [path],
        "message": "Invalid ISO datetime",
    }


def bad_session_id(path: str) -> dict[str, Any]:
    return {
        "origin": "string",
        "code": "invalid_format",
        "format": "regex",
        "pattern": "/^vs_[A-Za-z0-9]{64}$/",
        "path": [path],
        "message": "Invalid session ID format",
    }


def array_given(path: str) -> dict[str, Any]:
    return {
        "expected": "string",
        "code": "invalid_type",
        "path": [path],
        "message": "Invalid input: expected string, received array",
    }


async def get_text(url: str) -> tuple[int, str, str]:
    async with client_for(make_app(sessions=15)) as client:
        response = await client.get(url, headers=AUTH)
    return response.status_code, response.headers["content-type"], response.text


async def test_limit_zero_matches_the_reference_body_byte_for_byte() -> None:
    assert await get_text("/v1/sessions?limit=0") == (400, "application/json", LIMIT_ZERO_BODY)


@pytest.mark.parametrize(
    ("query", "issues"),
    [
        ("limit=101", [TOO_BIG]),
        ("limit=abc", [NAN]),
        ("limit=5.5", [NOT_INT]),
        ("limit=", [TOO_SMALL]),
        ("limit", [TOO_SMALL]),
        ("limit=%20", [TOO_SMALL]),
        ("limit=-0", [TOO_SMALL]),
        ("limit=1_0", [NAN]),
        ("limit=5&limit=7", [NAN]),
        ("status=bogus", [BAD_STATUS]),
        ("status=", [BAD_STATUS]),
        ("status=Created", [BAD_STATUS]),
        ("status=created&status=expired", [BAD_STATUS]),
        ("created_from=2024-01-01", [bad_datetime("created_from")]),
        ("created_to=2024-01-01T00:00:00", [bad_datetime("created_to")]),
        ("created_from=x&created_from=y", [array_given("created_from")]),
        ("starting_after=nope", [bad_session_id("starting_after")]),
        ("starting_after=vs_" + "a" * 63, [bad_session_id("starting_after")]),
        ("starting_after=va_" + "a" * 64, [bad_session_id("starting_after")]),
        (
            "starting_after=x&limit=0&created_to=y&created_from=z&status=q",
            [
                BAD_STATUS,
                bad_datetime("created_from"),
                bad_datetime("created_to"),
                TOO_SMALL,
                bad_session_id("starting_after"),
            ],
        ),
        ("limit=7.5&status=nope&include_attempts=maybe", [BAD_STATUS, NOT_INT]),
    ],
)
async def test_list_query_failures_report_every_issue_in_schema_order(
    query: str, issues: list[dict[str, Any]]
) -> None:
    assert await get_text(f"/v1/sessions?{query}") == (400, "application/json", zod_body(*issues))


async def test_unsafe_integers_trip_the_safe_range_check_and_max_together() -> None:
    safe_range = {
        "code": "too_big",
        "maximum": 9007199254740991,
        "note": "Integers must be within the safe integer range.",
        "origin": "int",
        "inclusive": True,
        "path": ["limit"],
        "message": "Too big: expected int to be <=9007199254740991",
    }
    infinity = {
        **NAN,
        "received": "Infinity",
        "message": "Invalid input: expected number, received number",
    }
    assert (await get_text("/v1/sessions?limit=1e300"))[2] == zod_body(safe_range, TOO_BIG)
    assert (await get_text("/v1/sessions?limit=Infinity"))[2] == zod_body(infinity)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1e1", 10),
        ("0x10", 16),
        ("%2B5", 5),
        ("+5", 5),
        ("05", 5),
        ("5.", 5),
        ("%205%20", 5),
        (".5e1", 5),
        ("0b11", 3),
        ("0o7", 7),
        ("1", 1),
        ("100", 100),
    ],
)
async def test_limit_is_coerced_with_javascript_number(raw: str, expected: int) -> None:
    async with client_for(make_app(sessions=120)) as client:
        response = await client.get(f"/v1/sessions?limit={raw}", headers=AUTH)
    assert response.status_code == 200
    assert response.json()["pagination"]["limit"] == expected
    assert len(response.json()["data"]) == expected


@pytest.mark.parametrize(
    "value",
    [
        "2024-01-01T00:00Z",
        "2024-01-01T00:00:00Z",
        "2024-01-01T00:00:00.123456789Z",
        "2024-01-01T00:00:00.1Z",
        "2024-02-29T00:00Z",
        "2000-02-29T23:59:59.999Z",
    ],
)
async def test_zod_datetime_accepts(value: str) -> None:
    status, _, _ = await get_text(f"/v1/sessions?created_from={value}&created_to={value}")
    assert status == 200


@pytest.mark.parametrize(
    "value",
    [
        "2024-01-01",
        "2024-01-01T00:00:00",
        "2024-01-01T00:00:00%2B00:00",
        "2024-01-01T00:00:00%2B02:00",
        "2024-01-01T00:00:00z",
        "2024-01-01%2000:00:00Z",
        "2024-01-01T24:00Z",
        "2023-02-29T00:00Z",
        "2024-02-30T00:00Z",
        "1900-02-29T00:00Z",
        "%2B002024-01-01T00:00Z",
        "2024-01-01T00:00:60Z",
    ],
)
async def test_zod_datetime_rejects(value: str) -> None:
    expected = zod_body(bad_datetime("created_to"))
    assert await get_text(f"/v1/sessions?created_to={value}") == (400, "application/json", expected)


@pytest.mark.parametrize(
    ("query", "included"),
    [
        ("include_attempts=true", True),
        ("include_attempts=false", True),
        ("include_attempts=0", True),
        ("include_attempts=no", True),
        ("include_attempts=%20", True),
        ("include_attempts=&include_attempts=", True),
        ("include_attempts", False),
        ("include_attempts=", False),
        ("", False),
    ],
)
async def test_include_attempts_uses_javascript_truthiness(query: str, included: bool) -> None:
    async with client_for(make_app(sessions=15)) as client:
        listed = (await client.get(f"/v1/sessions?limit=100&{query}", headers=AUTH)).json()
        one = listed["data"][0]["id"]
        fetched = (await client.get(f"/v1/sessions/{one}?{query}", headers=AUTH)).json()
    assert all(("attempts" in item) is included for item in listed["data"])
    assert ("attempts" in fetched["data"]) is included


async def test_unknown_query_parameters_are_ignored() -> None:
    async with client_for(make_app(sessions=15)) as client:
        response = await client.get("/v1/sessions?foo=bar&limit=2&order=desc", headers=AUTH)
    assert response.status_code == 200
    assert len(response.json()["data"]) == 2


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/sessions/not-an-id"),
        ("GET", "/v1/sessions/attempts"),
        ("GET", "/v1/sessions/vs_" + "a" * 65),
        ("POST", "/v1/sessions/vs_short/cancel"),
    ],
)
async def test_bad_session_ids_in_the_path_are_zod_400s(method: str, path: str) -> None:
    async with client_for(make_app(sessions=5)) as client:
        response = await client.request(method, path, headers=AUTH)
    assert response.status_code == 400
    assert response.text == zod_body(bad_session_id("id"))
