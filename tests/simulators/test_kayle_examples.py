"""The documented examples (tests/fixtures/kayle_list_examples.json) are reproducible in shape.

`list_sessions_public_page` is Kayle's public docs example for `GET /v1/sessions`;
`session_reference` is the Session example of the source-grounded reference (§2.5).
Two docs artefacts are asserted explicitly: the public page shows `"error": {}` where the
handler returns `null`, and shows `cancel_token` on list items where only the create
response carries it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.simulators.kayle_support import AUTH, client_for, make_app

EXAMPLES = json.loads(
    (Path(__file__).parent.parent / "fixtures" / "kayle_list_examples.json").read_text("utf-8")
)
# Fields the mapper may render as null (reference §2.5).
NULLABLE = {"redirect_url", "completed_at", "failure_code"}


def assert_same_shape(example: Any, actual: Any, path: str = "$") -> None:
    """Same keys (in order), same JSON types; null allowed where Kayle documents it."""
    if isinstance(example, dict):
        assert isinstance(actual, dict), path
        if path.endswith(".share_fields"):
            for claim in actual.values():
                assert set(claim) == {"required", "reason", "source"}
            return
        assert list(actual) == list(example), path
        for key, value in example.items():
            if key in NULLABLE and (actual[key] is None or value is None):
                assert actual[key] is None or isinstance(actual[key], str), f"{path}.{key}"
                continue
            assert_same_shape(value, actual[key], f"{path}.{key}")
    elif isinstance(example, list):
        assert isinstance(actual, list), path
        for item in actual:
            assert_same_shape(example[0], item, path + "[]")
    elif isinstance(example, bool) or example is None:
        assert actual is example or isinstance(actual, type(example)), path
    elif isinstance(example, int | float):
        assert isinstance(actual, int | float), path
        assert not isinstance(actual, bool), path
    else:
        assert isinstance(actual, type(example)), path


async def test_public_page_example_matches_list_and_create_responses() -> None:
    example = EXAMPLES["list_sessions_public_page"]
    item = example["data"][0]
    async with client_for(make_app(sessions=40)) as client:
        listed = (
            await client.get("/v1/sessions?limit=100&include_attempts=1", headers=AUTH)
        ).json()
        created = (await client.post("/v1/sessions?include_attempts=1", headers=AUTH)).json()
    assert example["error"] == {}  # the docs' rendering of a nullable object...
    assert listed["error"] is None  # ...the handlers send null
    assert created["error"] is None
    assert list(listed) == list(example)
    assert_same_shape(example["pagination"], listed["pagination"])
    list_item = {k: v for k, v in item.items() if k != "cancel_token"}
    with_attempts = [i for i in listed["data"] if i["attempts"]]
    assert with_attempts
    for session in listed["data"]:
        assert_same_shape(list_item, session)
    assert_same_shape({**item, "attempts": []}, created["data"])


async def test_reference_session_example_matches_get_with_attempts() -> None:
    example = EXAMPLES["session_reference"]
    app = make_app(sessions=40)
    failed = next(
        s for s in app.state.store.sessions() if any(a.risk_score == 1 for a in s.attempts)
    )
    async with client_for(app) as client:
        response = await client.get(f"/v1/sessions/{failed.id}?include_attempts=1", headers=AUTH)
    data = response.json()["data"]
    assert_same_shape(example, data)
    assert example["verification_url"].startswith("https://verify.kayle.id/vs_")
    assert data["verification_url"] == f"https://verify.kayle.id/{failed.id}"
    # risk_score 1.0 is printed the JavaScript way, as in the example.
    assert b'"risk_score":1,' in response.content
    assert example["attempts"][0]["risk_score"] == 1


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_fixture_examples_are_kept_verbatim(name: str) -> None:
    example = EXAMPLES[name]
    session = example["data"][0] if "data" in example else example
    assert session["status"] == "created"
    assert {"id", "share_fields", "verification_url", "attempts"} <= set(session)
