"""Helpers for the Didit decision tests (plain functions, no fixtures).

`assert_matches` walks a parsed decision next to the JSON it came from: every typed field
must equal the upstream value, and every upstream key must have a typed field unless it is
listed in `UNTYPED` (or travels in a KYB item's `details`).
"""

from __future__ import annotations

import dataclasses
import functools
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

from idv_gateway.domain import Provider
from idv_gateway.domain.decision import DocumentVerification, KeyPeopleCheck, RegistryCheck
from idv_gateway.providers._upstream import Upstream
from idv_gateway.providers.didit.decisions import fetch_decision
from idv_gateway.simulators import DEFAULT_DIDIT_API_KEY
from idv_gateway.simulators.didit import DiditStore, create_didit_app

EXAMPLES: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "didit_decision_examples.json").read_text()
)
KYC_ARRAYS = (
    "id_verifications",
    "nfc_verifications",
    "liveness_checks",
    "face_matches",
    "poa_verifications",
    "phone_verifications",
    "email_verifications",
    "aml_screenings",
    "ip_analyses",
    "database_validations",
    "questionnaire_responses",
)
KYB_ARRAYS = (
    "registry_checks",
    "aml_screenings",
    "document_verifications",
    "key_people_checks",
    "phone_verifications",
    "email_verifications",
    "questionnaire_responses",
    "ip_analyses",
)
# Upstream keys without a typed field: the kind is the class; KYB company screening data is
# not in the reference (the simulator sends it; `raw` keeps it).
UNTYPED = {".session_kind", "screened_data.company_name", "screened_data.country"}
KYB_RESIDUAL = (RegistryCheck, DocumentVerification, KeyPeopleCheck)
DECISION_ROUTE = "GET /v3/session/{session_id}/decision/"


def status_name(raw: str) -> str:
    return raw.strip().upper().replace(" ", "_")


def assert_matches(value: Any, raw: Any, name: str = "") -> None:
    """`value` (domain) says exactly what `raw` (upstream JSON) says."""
    item: Any = value
    if dataclasses.is_dataclass(value):
        assert isinstance(raw, dict), name
        fields = {f.name for f in dataclasses.fields(value)}
        residual = isinstance(value, KYB_RESIDUAL)
        for field in fields - {"raw", "provider_status", "details" if residual else ""}:
            got = getattr(value, field)
            if field == "status":
                assert raw["status"] == item.provider_status, name
                assert got.value == status_name(raw["status"]), name
            elif field not in raw:
                assert got in (None, ()), f"{name}.{field}"
            else:
                assert_matches(got, raw[field], field)
        if residual:
            assert item.details == {k: v for k, v in raw.items() if k not in fields}
        else:
            assert {f"{name}.{key}" for key in raw.keys() - fields} <= UNTYPED
    elif isinstance(value, tuple):
        assert isinstance(raw, list), name
        assert len(value) == len(raw), name
        for item, raw_item in zip(value, raw, strict=True):
            assert_matches(item, raw_item, name)
    elif isinstance(value, datetime):
        assert value == datetime.fromisoformat(raw), name
    else:
        assert value == raw, name


@functools.cache
def shared_app() -> Starlette:
    """One read-only simulator: 200 KYC and 50 KYB sessions in every status."""
    return create_didit_app(seed=7, sessions=200, business_sessions=50)


def store_of(app: Starlette) -> DiditStore:
    store: DiditStore = app.state.store
    return store


def client_for(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://didit.test",
        headers={"x-api-key": DEFAULT_DIDIT_API_KEY},
    )


def answering(body: Any, status: int = 200, seen: list[httpx.Request] | None = None) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return httpx.Response(status, json=body)

    return httpx.AsyncClient(base_url="http://didit.test", transport=httpx.MockTransport(handler))


async def fetch_with_raw(app: Starlette, session_id: str) -> tuple[Any, dict[str, Any]]:
    async with client_for(app) as client:
        body = (await client.get(f"/v3/session/{session_id}/decision/")).json()
        return await fetch_decision(as_upstream(client), session_id), body


def first_with(kind: str, status: str, feature: str | None = None) -> str:
    store = store_of(shared_app())
    sessions = store.kyc if kind == "kyc" else store.kyb
    return next(
        s.session_id
        for s in sessions
        if s.status == status and (feature is None or feature in s.features)
    )


def as_upstream(client: httpx.AsyncClient) -> Upstream:
    """The adapter's outbound object around a test client (no cache)."""
    return Upstream(provider=Provider.DIDIT, client=client, credential="test")
