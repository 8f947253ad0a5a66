"""Shared helpers for the Didit simulator contract tests (plain functions, no fixtures)."""

from __future__ import annotations

import functools
import unicodedata
from typing import Any

import httpx
from starlette.applications import Starlette

from idv_gateway.simulators.didit import DiditStore, KybSession, KycSession, create_didit_app

API_KEY = "didit-test-key-not-a-secret"
HEADERS = {"x-api-key": API_KEY}
BASE_URL = "http://didit.test"
LIST = "/v3/sessions/"

KYC_ROW_KEYS = [
    "session_id",
    "session_kind",
    "session_number",
    "session_url",
    "portrait_image",
    "document_type",
    "full_name",
    "country",
    "status",
    "vendor_data",
    "didit_internal_id",
    "created_at",
    "features",
    "phone_number",
    "email_address",
    "additional_details",
]
KYB_ROW_KEYS = [
    "session_id",
    "session_kind",
    "session_number",
    "status",
    "vendor_data",
    "created_at",
    "workflow_id",
    "workflow_type",
    "workflow_label",
    "company_name",
    "registration_number",
    "country",
]
STANDARD_KYC = "6c1f8f4e-2b7a-4c1e-9a53-0d6f2a9b1e01"
FULL_ONBOARDING = "6c1f8f4e-2b7a-4c1e-9a53-0d6f2a9b1e03"
STANDARD_KYB = "9f9b1234-aaaa-4bbb-8ccc-1234567890a1"


def new_app(sessions: int = 120, business_sessions: int = 40, **options: Any) -> Starlette:
    """A fresh simulator (for tests that mutate sessions or read counters)."""
    return create_didit_app(
        seed=options.pop("seed", 11),
        sessions=sessions,
        business_sessions=business_sessions,
        api_key=API_KEY,
        **options,
    )


@functools.cache
def shared_app() -> Starlette:
    """One read-only simulator for the filter and listing tests: 400 KYC and 150 KYB sessions."""
    return new_app(sessions=400, business_sessions=150)


def store_of(app: Starlette) -> DiditStore:
    store: DiditStore = app.state.store
    return store


def client_for(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL)


async def list_all(client: httpx.AsyncClient, **params: str) -> list[dict[str, Any]]:
    """Every row matching `params`, following `next` with pages of 100."""
    rows: list[dict[str, Any]] = []
    response = await client.get(LIST, params={**params, "limit": "100"}, headers=HEADERS)
    while True:
        assert response.status_code == 200, response.text
        page = response.json()
        rows.extend(page["results"])
        if page["next"] is None:
            return rows
        response = await client.get(page["next"], headers=HEADERS)


def ids(rows: list[dict[str, Any]]) -> list[str]:
    return [row["session_id"] for row in rows]


def session_ids(sessions: list[KycSession] | list[KybSession]) -> list[str]:
    return [session.session_id for session in sessions]


def ran(session: KycSession | KybSession, feature: str) -> bool:
    """Whether a feature has produced a result, read straight from the record."""
    for name, status in zip(session.features, session.feature_statuses, strict=True):
        if name == feature:
            return status != "Not Finished"
    return False


async def listed_ids(**params: str) -> list[str]:
    """Ids of every row the shared simulator lists for `params`."""
    async with client_for(shared_app()) as client:
        return ids(await list_all(client, **params))


def fold_name(text: str) -> str:
    """Accent- and case-insensitive form of a name, written independently of the simulator."""
    text = text.casefold().replace("ł", "l").replace("ø", "o")
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
