"""`GET /v3/sessions/`: auth, redirect, rendering, ordering, pagination and session kinds."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.simulators.didit_support import (
    HEADERS,
    KYB_ROW_KEYS,
    KYC_ROW_KEYS,
    LIST,
    client_for,
    ids,
    list_all,
    new_app,
    session_ids,
    shared_app,
    store_of,
)

FORBIDDEN = {"detail": "You do not have permission to perform this action."}
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")


@pytest.mark.parametrize(
    "headers",
    [{}, {"x-api-key": "wrong-key"}, {"Authorization": "Token didit-test-key-not-a-secret"}],
    ids=["missing", "wrong", "other-header"],
)
async def test_list_without_a_valid_key_is_403_with_the_drf_body(headers: dict[str, str]) -> None:
    async with client_for(shared_app()) as client:
        response = await client.get(LIST, headers=headers)
    assert response.status_code == 403
    assert response.json() == FORBIDDEN


async def test_api_key_header_name_is_case_insensitive() -> None:
    async with client_for(shared_app()) as client:
        response = await client.get(LIST, headers={"X-API-Key": HEADERS["x-api-key"]})
    assert response.status_code == 200


async def test_unslashed_path_redirects_301_keeping_the_query() -> None:
    async with client_for(shared_app()) as client:
        response = await client.get("/v3/sessions?status=In%20Review&limit=5")
        followed = await client.get(
            "/v3/sessions?status=In%20Review&limit=5", headers=HEADERS, follow_redirects=True
        )
    assert response.status_code == 301
    assert response.headers["location"] == "/v3/sessions/?status=In%20Review&limit=5"
    assert followed.status_code == 200
    assert followed.url.path == "/v3/sessions/"
    assert {row["status"] for row in followed.json()["results"]} == {"In Review"}


async def test_json_is_compact_utf8_like_drf() -> None:
    async with client_for(shared_app()) as client:
        response = await client.get(LIST, params={"limit": "100"}, headers=HEADERS)
    body = response.content.decode()
    assert response.headers["content-type"] == "application/json"
    assert ', "' not in body
    assert '": ' not in body
    assert "\\u" not in body  # non-ASCII names travel as UTF-8, not escapes
    assert any(ord(ch) > 127 for ch in body)
    assert json.loads(body) == response.json()


async def test_default_page_is_50_newest_kyc_rows_in_schema_key_order() -> None:
    store = store_of(shared_app())
    async with client_for(shared_app()) as client:
        page = (await client.get(LIST, headers=HEADERS)).json()
    assert list(page) == ["count", "next", "previous", "results"]
    assert page["count"] == len(store.kyc)
    assert ids(page["results"]) == session_ids(store.kyc[:50])
    assert page["next"] == "http://didit.test/v3/sessions/?limit=50&offset=50"
    assert page["previous"] is None
    for row in page["results"]:
        assert list(row) == KYC_ROW_KEYS
        assert row["session_kind"] == "user"
        assert TIMESTAMP.fullmatch(row["created_at"])
    numbers = [row["session_number"] for row in page["results"]]
    assert numbers == sorted(numbers, reverse=True)


async def test_rows_are_newest_first_within_each_kind_and_never_older_for_higher_numbers() -> None:
    async with client_for(shared_app()) as client:
        kyc = await list_all(client)
        kyb = await list_all(client, session_kind="business")
    for rows in (kyc, kyb):
        numbers = [row["session_number"] for row in rows]
        assert numbers == sorted(numbers, reverse=True)
        stamps = [row["created_at"] for row in rows]
        assert stamps == sorted(stamps, reverse=True)
    assert [row["session_number"] for row in kyc][-1] == 1
    assert [row["session_number"] for row in kyb][-1] == 1


async def test_next_and_previous_urls_are_absolute_and_rebuilt_like_drf() -> None:
    async with client_for(shared_app()) as client:
        page = (
            await client.get(
                LIST,
                params={"status": "Approved,In Review", "offset": "30", "limit": "20"},
                headers=HEADERS,
            )
        ).json()
        first = (
            await client.get(LIST, params={"offset": "15", "limit": "20"}, headers=HEADERS)
        ).json()
    # DRF re-encodes the whole query sorted by key (spaces as +, commas as %2C).
    assert page["next"] == (
        "http://didit.test/v3/sessions/?limit=20&offset=50&status=Approved%2CIn+Review"
    )
    assert page["previous"] == (
        "http://didit.test/v3/sessions/?limit=20&offset=10&status=Approved%2CIn+Review"
    )
    # `previous` drops `offset` instead of sending offset=0.
    assert first["previous"] == "http://didit.test/v3/sessions/?limit=20"


async def test_following_next_walks_every_row_once() -> None:
    store = store_of(shared_app())
    async with client_for(shared_app()) as client:
        rows = await list_all(client)
    assert ids(rows) == session_ids(store.kyc)


async def test_last_page_has_no_next_and_offset_past_the_end_is_empty() -> None:
    total = len(store_of(shared_app()).kyc)
    async with client_for(shared_app()) as client:
        last = (await client.get(LIST, params={"offset": str(total - 3)}, headers=HEADERS)).json()
        past = (await client.get(LIST, params={"offset": str(total + 5)}, headers=HEADERS)).json()
    assert len(last["results"]) == 3
    assert last["next"] is None
    assert past["results"] == []
    assert past["count"] == total


@pytest.mark.parametrize(
    ("limit", "expected"),
    [("abc", 50), ("0", 50), ("-5", 50), ("2.5", 50), ("250", 100), ("7", 7)],
)
async def test_invalid_limits_fall_back_to_the_default_and_big_ones_are_capped(
    limit: str, expected: int
) -> None:
    async with client_for(shared_app()) as client:
        page = (await client.get(LIST, params={"limit": limit}, headers=HEADERS)).json()
    assert len(page["results"]) == expected
    assert page["next"] == f"http://didit.test/v3/sessions/?limit={expected}&offset={expected}"


@pytest.mark.parametrize("offset", ["-3", "x"])
async def test_invalid_offset_counts_as_zero(offset: str) -> None:
    store = store_of(shared_app())
    async with client_for(shared_app()) as client:
        page = (
            await client.get(LIST, params={"offset": offset, "limit": "5"}, headers=HEADERS)
        ).json()
    assert ids(page["results"]) == session_ids(store.kyc[:5])
    assert page["previous"] is None


@pytest.mark.parametrize("kind", ["business", "BUSINESS", "Business"])
async def test_session_kind_is_case_insensitive(kind: str) -> None:
    store = store_of(shared_app())
    async with client_for(shared_app()) as client:
        page = (await client.get(LIST, params={"session_kind": kind}, headers=HEADERS)).json()
    assert ids(page["results"]) == session_ids(store.kyb[:50])
    assert all(list(row) == KYB_ROW_KEYS for row in page["results"])
    assert {row["session_kind"] for row in page["results"]} == {"business"}


@pytest.mark.parametrize("kind", ["users", "", "kyb"])
async def test_invalid_session_kind_is_400(kind: str) -> None:
    async with client_for(shared_app()) as client:
        response = await client.get(LIST, params={"session_kind": kind}, headers=HEADERS)
    assert response.status_code == 400
    assert response.json() == {"session_kind": 'Must be "user", "business", or "all".'}


async def test_kyb_count_is_capped_at_100_but_next_keeps_going() -> None:
    store = store_of(shared_app())
    assert len(store.kyb) == 150
    async with client_for(shared_app()) as client:
        first = (
            await client.get(LIST, params={"session_kind": "business"}, headers=HEADERS)
        ).json()
        beyond = (
            await client.get(
                LIST,
                params={"session_kind": "business", "offset": "100", "limit": "30"},
                headers=HEADERS,
            )
        ).json()
        rows = await list_all(client, session_kind="business")
    assert first["count"] == 100
    assert beyond["count"] == 100
    assert ids(beyond["results"]) == session_ids(store.kyb[100:130])
    assert beyond["next"] is not None  # 20 more rows exist past the capped count
    assert ids(rows) == session_ids(store.kyb)


async def test_kyb_count_is_exact_below_the_cap() -> None:
    store = store_of(shared_app())
    expected = [s.session_id for s in store.kyb if s.status == "Declined"]
    assert 0 < len(expected) < 100
    async with client_for(shared_app()) as client:
        page = (
            await client.get(
                LIST, params={"session_kind": "business", "status": "Declined"}, headers=HEADERS
            )
        ).json()
    assert page["count"] == len(expected)
    assert ids(page["results"]) == expected[:50]


async def test_all_concatenates_kyc_then_kyb_pages_with_summed_count() -> None:
    store = store_of(shared_app())
    async with client_for(shared_app()) as client:
        page = (
            await client.get(
                LIST,
                params={"session_kind": "all", "limit": "10", "offset": "20"},
                headers=HEADERS,
            )
        ).json()
    assert ids(page["results"]) == session_ids(store.kyc[20:30]) + session_ids(store.kyb[20:30])
    assert page["count"] == len(store.kyc) + 100  # exact KYC + capped KYB
    assert page["next"] == "http://didit.test/v3/sessions/?limit=10&offset=30&session_kind=all"
    assert page["previous"] == "http://didit.test/v3/sessions/?limit=10&offset=10&session_kind=all"


async def test_all_takes_next_from_the_kyc_side_only() -> None:
    app = new_app(sessions=30, business_sessions=80)
    store = store_of(app)
    async with client_for(app) as client:
        page = (
            await client.get(
                LIST, params={"session_kind": "all", "limit": "25", "offset": "25"}, headers=HEADERS
            )
        ).json()
    # 5 KYC rows end the KYC side, so there is no `next` although KYB rows remain.
    assert ids(page["results"]) == session_ids(store.kyc[25:]) + session_ids(store.kyb[25:50])
    assert page["count"] == 30 + 80
    assert page["next"] is None


async def test_unknown_provider_path_and_wrong_method_answer_drf_style() -> None:
    async with client_for(shared_app()) as client:
        missing = await client.get("/v3/nothing/", headers=HEADERS)
        wrong = await client.post(LIST, headers=HEADERS)
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Not found."}
    assert wrong.status_code == 405
    assert wrong.json() == {"detail": 'Method "POST" not allowed.'}


async def test_next_url_uses_the_request_host() -> None:
    async with client_for(shared_app()) as client:
        page = (
            await client.get(
                "https://didit.example/v3/sessions/", params={"limit": "5"}, headers=HEADERS
            )
        ).json()
    parts = urlsplit(page["next"])
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "didit.example", "/v3/sessions/")
    assert parse_qs(parts.query) == {"limit": ["5"], "offset": ["5"]}
