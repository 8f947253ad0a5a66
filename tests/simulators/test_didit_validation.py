"""400 answers of the list endpoint: every malformed typed parameter, reported together."""

from __future__ import annotations

import pytest

from tests.simulators.didit_support import (
    HEADERS,
    LIST,
    client_for,
    shared_app,
)


@pytest.mark.parametrize("value", ["2026-13-01", "yesterday", "2026-04-01T00:00:00Z"])
async def test_malformed_dates_are_400(value: str) -> None:
    async with client_for(shared_app()) as client:
        response = await client.get(LIST, params={"date_to": value}, headers=HEADERS)
    assert response.status_code == 400
    assert response.json() == {"date_to": ["Enter a valid date."]}


async def test_every_malformed_parameter_is_reported_in_one_400() -> None:
    async with client_for(shared_app()) as client:
        response = await client.get(
            LIST,
            params={
                "session_kind": "everything",
                "date_from": "01/02/2026",
                "date_to": "2026-02-30",
                "didit_internal_id": "123",
                "euuid": "xyz",
                "api_service": "FOO",
                "workflow_id": "not-a-uuid",  # malformed list entries are not errors
            },
            headers=HEADERS,
        )
    assert response.status_code == 400
    assert response.json() == {
        "session_kind": 'Must be "user", "business", or "all".',
        "date_from": ["Enter a valid date."],
        "date_to": ["Enter a valid date."],
        "didit_internal_id": ["Enter a valid UUID."],
        "euuid": ["Enter a valid UUID."],
        "api_service": ["Select a valid choice. FOO is not one of the available choices."],
    }


async def test_typed_parameters_are_validated_even_for_kyb_lists() -> None:
    async with client_for(shared_app()) as client:
        response = await client.get(
            LIST, params={"session_kind": "business", "api_service": "FOO"}, headers=HEADERS
        )
    assert response.status_code == 400
    assert response.json() == {
        "api_service": ["Select a valid choice. FOO is not one of the available choices."]
    }
